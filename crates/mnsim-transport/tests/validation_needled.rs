//! Needled skin in a Franz-cell setting against the published cases of
//! `cases-transport-healing.csv` (retrieved rows). A test asserts the published band where the
//! model holds it; where the model misses, the published comparison is an end-to-end case in
//! `data/validation/` marked `known_miss` (named in the test) and the test here keeps only a
//! unit check that honestly holds (issue 10, item 2). A value compared with the constant it is
//! defined from is labelled by construction (item 3).
//! `cargo test -p mnsim-transport --test validation_needled -- --nocapture`.
mod common;
use mnsim_core::{LayerStack, Patch, Sex, Skin};
use mnsim_transport::membrane::steady_kp_cm_per_h;
use mnsim_transport::physchem::TransportParams;
use mnsim_transport::solver::{BottomBoundary, LateralBoundary};
use mnsim_transport::{TopicalSpec, TransportSettings, simulate};

/// Excised porcine ear skin in a Franz cell (thicknesses assumed: SC 15, VE 60, dermis 700 µm).
fn porcine_ear() -> Skin {
    Skin::from_layers(
        "porcine_ear".into(),
        LayerStack {
            stratum_corneum_um: 15.0,
            viable_epidermis_um: 60.0,
            papillary_dermis_um: 100.0,
            reticular_dermis_um: 600.0,
            subcutis_um: 0.0,
        },
        40.0,
        Sex::Female,
    )
}

/// In-vitro Franz-cell settings: sink receptor, no clearance, excised skin does not heal
/// (closure half-life 1000 h), infinite dose.
fn franz() -> TransportSettings {
    TransportSettings {
        domain_width_um: 1000.0,
        lateral_resolution_um: 10.0,
        duration_h: 24.0,
        output_times_h: vec![1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 24.0],
        profile_times_h: vec![24.0],
        slice_time_h: 24.0,
        compute_window: false,
        bottom_boundary: Some(BottomBoundary::Sink),
        lateral_boundary: LateralBoundary::NoFlux,
        clearance_per_h: Some(0.0),
        closure_half_life_occluded_h: Some(1000.0),
        ..Default::default()
    }
}

/// Kalluri et al. 2011 DermaRoller channels: 152.5 µm deep, 70.7 µm wide at the surface; pitch
/// 500 µm assumed (density not in the abstract).
fn kalluri_channels(patch: Patch) -> mnsim_core::ChannelSet {
    let mut c = common::lattice(patch, 500.0, 152.5);
    c.tip_diameter_um = 8.0;
    c.base_diameter_um = 141.4; // 70.7 µm open at the surface with recoil 0.5
    c.taper_length_um = 400.0;
    c
}

fn receptor_flux_ratio(top: &TopicalSpec) -> f64 {
    let skin = porcine_ear();
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = kalluri_channels(patch);
    let r = simulate(&skin, &ch, patch, top, &franz(), 0).unwrap();
    let f = |s: &mnsim_transport::simulate::Series| {
        let n = s.receptor_ug_per_cm2.len();
        (s.receptor_ug_per_cm2[n - 1] - s.receptor_ug_per_cm2[n - 3]) / 8.0
    };
    f(&r.needled) / f(&r.intact)
}

/// Unit check: channels add a parallel path, so needling never lowers the receptor flux
/// (ratio ≥ 1). The published comparison (TR-EN-03/04: 134.83 ± 13.66 passive vs
/// 134.04 ± 0.98 µg/cm²/h after an MN roller, ratio 0.994, band [0.88, 1.12]) is the
/// end-to-end case TR-EN-04, a known miss (model 2.6): the study's passive flux shows its SC was
/// not rate-limiting, and the model has no per-preparation barrier state.
#[test]
fn unit_check_pramipexole_flux_is_not_lowered_by_needling() {
    // MW 211.33 (base), log P 0.4 (recalled, unverified).
    let top = TopicalSpec {
        name: "pramipexole".into(),
        molecular_weight_da: Some(211.33),
        log_p: Some(0.4),
        concentration_mg_per_ml: 50.0,
        infinite_dose: true,
        occluded: true,
        ..Default::default()
    };
    let er = receptor_flux_ratio(&top);
    println!("TR-EN-04 pramipexole: model flux ratio {er:.2}, published 0.994 [0.88, 1.12] (known miss, end to end)");
    assert!(er.is_finite() && er >= 1.0, "{er}");
}

/// TR-EN-01: passive 22.38 µg/cm²/h; MN roller increase not significant, read as a ratio in
/// [0.5, 2] (the pre-set band of case TR-EN-01; weak: a do-nothing model, ratio 1, passes it).
#[test]
fn amantadine_after_mn_roller_not_significantly_enhanced() {
    // MW 151.25, log P 2.44 (recalled, unverified).
    let top = TopicalSpec {
        name: "amantadine".into(),
        molecular_weight_da: Some(151.25),
        log_p: Some(2.44),
        concentration_mg_per_ml: 50.0,
        infinite_dose: true,
        occluded: true,
        ..Default::default()
    };
    let er = receptor_flux_ratio(&top);
    println!("TR-EN-01 amantadine: model flux ratio {er:.2}, published ≈ 1 (not significant), band [0.5, 2]");
    assert!((0.5..=2.0).contains(&er), "{er}");
}

/// TR-EN-07 (McAllister 2003, qualitative): solid MN raise permeability to macromolecules by
/// orders of magnitude, read as ≥ 100× (one-sided: weak evidence, as case TR-EN-07). Model:
/// EGF and 50 kDa HA, delivered past the SC in 24 h, in vitro.
#[test]
fn macromolecules_gain_orders_of_magnitude() {
    for name in ["egf", "hyaluronic_acid_50kda"] {
        let top = TopicalSpec { name: name.into(), infinite_dose: true, occluded: true, ..Default::default() };
        let skin = porcine_ear();
        let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
        let r = simulate(&skin, &kalluri_channels(patch), patch, &top, &franz(), 0).unwrap();
        let er = *r.enhancement_ratio.last().unwrap();
        println!("TR-EN-07 {name}: model ER(24 h) {er:.3e} (published: orders of magnitude)");
        assert!(er > 100.0, "{name}: {er}");
    }
}

#[test]
fn caffeine_in_vivo_kp() {
    // TR-IV-01: caffeine, human volar forearm in vivo, kp = 1.59e-4 cm/h (O/W emulsion).
    // Model: steady kp of SC + viable epidermis of the forearm-like cheek stack. Band: factor 3.
    let skin = common::cheek();
    let p = TransportParams::from_physchem(&mnsim_transport::catalogue::find("caffeine").unwrap().physchem(), None);
    let l = &skin.layers;
    let kp = steady_kp_cm_per_h(&p, &[(l.stratum_corneum_um, 0), (l.viable_epidermis_um, 1)], 40);
    println!("TR-IV-01 caffeine in vivo kp: model {kp:.3e} cm/h, published 1.59e-4 (band ×/÷ 3)");
    assert!(kp > 1.59e-4 / 3.0 && kp < 1.59e-4 * 3.0, "{kp}");
}

/// By construction, not validation (issue 10, item 3): the fallback open half-life of a transport
/// run on its own is defined from Kalluri 2011's 4–5 h TEWL recovery (`spec.rs`: 4.5 h · ln 2 /
/// ln 20), so the time to 5 % open is 4.5 h by arithmetic. This checks only that the fallback is
/// the documented constant (a full run takes the closure model's value, docs/MODEL.md § 6.1).
/// The published comparisons are end-to-end cases: TR-RS-01 (by construction), RS01 (human
/// barrier within 2 h, Gupta 2011, as TR-RS-04: a known miss) and TR-RS-05 (occluded window,
/// a known miss).
#[test]
fn by_construction_default_open_half_life_gives_4_5_h_to_five_percent() {
    let set = TransportSettings::default();
    let t95 = |half: f64| half * 20f64.ln() / std::f64::consts::LN_2;
    let open = t95(set.closure_half_life_h(false));
    println!(
        "open: {open:.2} h to 5 % (set from 4-5 h); occluded: {:.0} h to 5 % (half-life {:.1} h)",
        t95(set.closure_half_life_h(true)),
        set.closure_half_life_h(true)
    );
    assert!((open - 4.5).abs() < 1e-6);
}
