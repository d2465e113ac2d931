//! The faster transport path (issue 14 item 3: channel updates parallel and row-wise, one
//! channel update fewer per extrapolated step, the window search reusing its runs and running
//! beside the needled run) gives the headline figures of the path before it. Reference values:
//! this very test run on the code of commit d6c800c (before the change), printed with
//! `--nocapture` and pasted below. The changes are exact rearrangements (the same floating-point
//! operations on the same values), so the tolerance is 10⁻⁹ relative — far tighter than the 1 %
//! a changed step or grid would be allowed — and the window must be the same bisection bracket.
//! Since then it also guards against any unintended change of the path: a change of the model
//! re-pastes the values with the reason. Re-pasted on 2026-12-04 when channel voxels got their
//! own lateral mix (`solver::lateral_mix_dk`): the amounts moved by −0.41 % (1 h) to −0.02 %
//! (dermis at 24 h), the peak flux +0.83 %, the window not at all.
mod common;
use mnsim_core::Patch;
use mnsim_transport::{TopicalSpec, TransportSettings, simulate};

/// (name, value; µg/cm², µg·cm⁻²·h⁻¹, min): at d6c800c, re-pasted on 2026-12-04 (see above).
/// The reference search took 13 unit-cell runs here, the new one 8.
const REFERENCE: [(&str, f64); 9] = [
    ("delivered_needled_1h", 56.37388293370285),
    ("delivered_needled_2h", 66.45553080280561),
    ("delivered_needled_24h", 88.13037332796647),
    ("dermis_needled_24h", 39.918070818700166),
    ("delivered_intact_24h", 4.660536377142229e-46),
    ("enhancement_ratio_1h", 563738829337.0284),
    ("enhancement_ratio_24h", 881303733279.6647),
    ("peak_flux_needled", 15.731170173497917),
    ("window_min", 254.73426948448565),
];

#[test]
fn faster_path_gives_the_headline_figures_of_the_path_before() {
    let skin = common::cheek();
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = common::lattice(patch, 150.0, 800.0);
    let set = TransportSettings {
        domain_width_um: 450.0,
        output_times_h: vec![1.0, 2.0, 24.0],
        compute_window: true,
        ..Default::default()
    };
    // the default scenario's serum: HA 50 kDa, 10 mg/mL, 10 µL/cm², open
    let top = TopicalSpec {
        name: "hyaluronic_acid_50kda".into(),
        molecular_weight_da: Some(50_000.0),
        log_p: Some(-4.0),
        concentration_mg_per_ml: 10.0,
        vehicle_volume_ul_per_cm2: 10.0,
        ..Default::default()
    };
    let r = simulate(&skin, &ch, patch, &top, &set, 0).unwrap();
    let at = |t: f64| r.times_h.iter().position(|&x| (x - t).abs() < 1e-9).unwrap();
    let (n, o) = (&r.needled, &r.intact);
    let got = [
        n.delivered_ug_per_cm2[at(1.0)],
        n.delivered_ug_per_cm2[at(2.0)],
        n.delivered_ug_per_cm2[at(24.0)],
        n.papillary_dermis_ug_per_cm2[at(24.0)] + n.reticular_dermis_ug_per_cm2[at(24.0)],
        o.delivered_ug_per_cm2[at(24.0)],
        r.enhancement_ratio[at(1.0)],
        r.enhancement_ratio[at(24.0)],
        n.flux_into_skin_ug_per_cm2_per_h.iter().cloned().fold(0.0, f64::max),
        r.window.as_ref().and_then(|w| w.window_min).unwrap_or(f64::NAN),
    ];
    let w = r.window.as_ref().unwrap();
    println!("window: {} unit-cell runs at {:?} min", w.delays_min.len(), w.delays_min);
    for ((name, _), v) in REFERENCE.iter().zip(got) {
        println!("    (\"{name}\", {v:?}),");
    }
    for ((name, want), v) in REFERENCE.iter().zip(got) {
        assert!(v.is_finite() && v > 0.0, "{name} = {v}");
        assert!((v / want - 1.0).abs() <= 1e-9, "{name}: {v} vs {want} ({:+.3e})", v / want - 1.0);
    }
}
