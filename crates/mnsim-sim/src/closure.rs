//! Channel closure of a run, as each instrument would read it (`mnsim_core::closure`), for the
//! channels of the first session.

use crate::{Figure, fig};
use mnsim_core::ChannelSet;
use mnsim_core::closure::{ClosureConditions, ClosureTimes, closure_times, lightness_of_fitzpatrick};
use mnsim_core::units::UM2_PER_CM2;
use mnsim_scenario::ResolvedScenario;

/// The closure conditions of `scenario`'s first session: species, occlusion (the protocol's or
/// the topical's), age, L* (measured, or from the Fitzpatrick type), and the mean surface
/// diameter and areal density of the channels that opened.
pub fn conditions(scenario: &ResolvedScenario, channels: &ChannelSet) -> ClosureConditions {
    let p = &scenario.scenario.patient;
    let opened: Vec<f64> = channels
        .of_session(0)
        .filter(|&i| channels.depth_um[i] > 0.0)
        .map(|i| channels.surface_diameter_um[i])
        .collect();
    let patch_cm2 = scenario.patch.area_um2() / UM2_PER_CM2;
    let (reference_surface_diameter_um, reference_pores_per_cm2) =
        mnsim_core::closure::reference_channels(p.species, scenario.penetration());
    ClosureConditions {
        reference_surface_diameter_um,
        reference_pores_per_cm2,
        species: p.species,
        occluded: scenario.scenario.protocol.occluded_after_needling
            || scenario.scenario.topical.as_ref().is_some_and(|t| t.occluded),
        age_y: p.age_y,
        lightness_l: p.skin_lightness_l.unwrap_or_else(|| lightness_of_fitzpatrick(p.fitzpatrick)),
        surface_diameter_um: if opened.is_empty() { 0.0 } else { opened.iter().sum::<f64>() / opened.len() as f64 },
        pores_per_cm2: opened.len() as f64 / patch_cm2,
    }
}

/// The closure times and their figures.
pub fn figures(c: &ClosureConditions) -> (ClosureTimes, Vec<Figure>) {
    let t = closure_times(c);
    let state = if c.occluded { "occluded" } else { "not occluded" };
    let figs = vec![
        fig(
            "closure_barrier_half_life_h",
            t.barrier_half_life_h,
            "h",
            &format!("half-life of the stratum-corneum breach, {state} (docs/MODEL.md § 6.1)"),
        ),
        fig("closure_pore_half_life_h", t.pore_half_life_h, "h", "half-life of the pore cavity below the SC"),
        fig("closure_tewl_recovery_h", t.tewl_recovery_h, "h", "TEWL back to baseline (evaporimeter)"),
        fig(
            "closure_impedance_lifetime_h",
            t.impedance_lifetime_h,
            "h",
            "skin impedance back to baseline: the micropore lifetime of impedance studies",
        ),
        fig("closure_dye_h", t.dye_closure_h, "h", "pores no longer take up dye (calcein imaging)"),
        fig("closure_oct_h", t.oct_closure_h, "h", "pores no longer visible by OCT (10 µm resolution)"),
        fig(
            "skin_lightness_l",
            c.lightness_l,
            "1",
            "colorimetric L* used for closure (measured or from the Fitzpatrick type)",
        ),
    ];
    (t, figs)
}
