//! Slow studies, `#[ignore]`d. Run one with
//! `cargo test --release -p mnsim-transport --test studies <name> -- --ignored --nocapture`.
mod common;
use mnsim_core::Patch;
use mnsim_transport::{TopicalSpec, TransportSettings, simulate};

fn headline(set: &TransportSettings) -> (f64, f64, f64, usize) {
    let skin = common::cheek();
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = common::lattice(patch, 250.0, 600.0);
    let r = simulate(&skin, &ch, patch, &TopicalSpec::default(), set, 0).unwrap();
    let n = &r.needled;
    let l = n.delivered_ug_per_cm2.len() - 1;
    let dermis = n.papillary_dermis_ug_per_cm2[l] + n.reticular_dermis_ug_per_cm2[l];
    (dermis, *r.enhancement_ratio.last().unwrap(), *r.enhancement_ratio.get(3).unwrap(), r.steps[0])
}

/// Grid and time-step convergence of the headline outputs on the default scenario
/// (niacinamide 50 mg/mL, 5 µL/cm², open; cheek; 250 µm channel pitch, 600 µm deep).
#[test]
#[ignore]
fn convergence_of_headline_outputs() {
    let base = TransportSettings { domain_width_um: 500.0, compute_window: false, ..Default::default() };
    let mut rows = vec![];
    let mut push = |name: &str, s: TransportSettings| {
        let t0 = std::time::Instant::now();
        let (d, er24, er2, steps) = headline(&s);
        println!(
            "{name:<34} dermis(24h) {d:.5e} ug/cm2  ER(24h) {er24:.5}  ER(2h) {er2:.5}  steps {steps}  wall {:.1}s",
            t0.elapsed().as_secs_f64()
        );
        rows.push((name.to_string(), d, er24, er2));
    };
    push("default (dx 10, dz 5/40, tol 1e-3)", base.clone());
    push("dx 20", TransportSettings { lateral_resolution_um: 20.0, ..base.clone() });
    push("dx 5", TransportSettings { lateral_resolution_um: 5.0, ..base.clone() });
    push(
        "dz halved (sc 12, 2.5/20)",
        TransportSettings { sc_cells: 12, epidermis_dz_um: 2.5, max_dz_um: 20.0, ..base.clone() },
    );
    push("tol 5e-4", TransportSettings { tolerance: 5e-4, ..base.clone() });
    push("tol 1.25e-4, dt_max 150", TransportSettings { tolerance: 1.25e-4, dt_max_s: 150.0, ..base.clone() });
    push("tol 3e-5, dt_max 40", TransportSettings { tolerance: 3e-5, dt_max_s: 40.0, ..base.clone() });
    push("tol 1e-5, dt_max 10", TransportSettings { tolerance: 1e-5, dt_max_s: 10.0, ..base.clone() });
    push(
        "dz quartered (sc 24, 1.25/10)",
        TransportSettings { sc_cells: 24, epidermis_dz_um: 1.25, max_dz_um: 10.0, ..base.clone() },
    );
}

/// 1 cm² at 10 µm lateral resolution for 24 simulated hours (memory limit 8 GiB).
#[test]
#[ignore]
fn one_square_centimetre_at_10_um_for_24_h() {
    let skin = common::cheek();
    let patch = Patch { width_um: 10_000.0, height_um: 10_000.0 };
    let ch = common::lattice(patch, 250.0, 600.0);
    let set = TransportSettings {
        domain_width_um: 10_000.0,
        lateral_resolution_um: 10.0,
        compute_window: false,
        max_memory_gib: 8.0,
        threads: 2,
        ..Default::default()
    };
    let t0 = std::time::Instant::now();
    let r = simulate(&skin, &ch, patch, &TopicalSpec::default(), &set, 0).unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let vox = r.grid.cells.iter().product::<usize>();
    println!(
        "1 cm2: grid {:?} = {} voxels, {} channels, steps {:?}, wall {:.1} s, max conservation error {:.2e}, ER(24h) {:.3}",
        r.grid.cells,
        vox,
        r.channels_in_window,
        r.steps,
        wall,
        r.max_conservation_rel_error,
        r.enhancement_ratio.last().unwrap()
    );
    if let Ok(s) = std::fs::read_to_string("/proc/self/status") {
        for l in s.lines().filter(|l| l.starts_with("VmHWM")) {
            println!("peak memory {l}");
        }
    }
    assert!(r.max_conservation_rel_error < 1e-9);
}
