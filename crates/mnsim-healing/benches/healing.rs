//! Divan benches: the default course end to end (`bench`), and one cell's stiff integration.
//! Run: `CARGO_TARGET_DIR=target-healing cargo bench -p mnsim-healing`.
use mnsim_healing::reaction::CellParams;
use mnsim_healing::state::{Compartment, baseline};
use mnsim_healing::{Rates, integrator};

fn main() {
    divan::main();
}

/// 3 sessions + 180 d follow-up on the default 3 × 3 mm patch, 2 threads; prints the report.
#[divan::bench(sample_count = 3)]
fn default_course_2_threads() {
    let r = mnsim_healing::bench(2).unwrap();
    eprintln!("{}", serde_json_like(&r));
}

fn serde_json_like(r: &mnsim_healing::BenchReport) -> String {
    format!(
        "wall {:.3} s, {} cells, {:.0} d, {:.2} us per cell-day, {} solves, {} steps",
        r.wall_s, r.cells, r.simulated_d, r.cost_per_cell_day_us, r.cell_solves, r.integrator_steps
    )
}

/// One injured dermal cell integrated over 1 day by the stiff integrator (diffsol ESDIRK34).
#[divan::bench(args = [0.05, 0.3])]
fn one_cell_one_day(phi: f64) {
    let r = Rates::default();
    let cell = CellParams {
        reepi_per_d: 10.0,
        sub_cell: true,
        wound_sq_dist_um2: 400.0,
        ..CellParams::resting(Compartment::Connective)
    };
    let mut y = baseline(Compartment::Connective);
    // a wound of fraction φ whose tissue lies on average 20 µm from intact tissue
    let injury = mnsim_healing::injury::CellInjury {
        phi,
        phi_vessels: phi,
        phi_torn: phi,
        phi_barrier: 0.0,
        confluent: 0.0,
        zone: phi,
        wound_sq_dist_um2: 400.0,
    };
    mnsim_healing::injury::apply(&mut y, Compartment::Connective, mnsim_core::Layer::ReticularDermis, injury, &r);
    integrator::with_integrator(&r, 1e-4, 1e-7, |solve| {
        solve(&cell, divan::black_box(&mut y), 1.0, &mut Default::default()).unwrap();
    });
}
