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

#[cfg(test)]
mod tests {
    use super::*;
    use mnsim_scenario::Edit;

    fn edited(edits: &[(&str, toml::Value)]) -> Result<ResolvedScenario, mnsim_scenario::ScenarioError> {
        let edits: Vec<Edit> = edits.iter().map(|(k, v)| Edit::Set(k.to_string(), v.clone())).collect();
        mnsim_scenario::parse_with(mnsim_scenario::default_toml(), "closure.toml", &edits)
    }

    fn channels_of(s: &ResolvedScenario) -> ChannelSet {
        let p = mnsim_core::punctures::generate(&s.device, &s.protocol, s.patch, s.seed());
        let pen = mnsim_core::penetration::penetrate(&p, &s.device, &s.skin, s.penetration(), s.seed());
        mnsim_core::penetration::channels(&p, &pen, &s.device, &s.skin, s.penetration())
    }

    #[test]
    fn conditions_come_from_the_scenario() {
        let s = mnsim_scenario::default_scenario();
        let c = conditions(&s, &channels_of(&s));
        assert_eq!(c.species, mnsim_core::Species::Human);
        assert_eq!(c.lightness_l, lightness_of_fitzpatrick(s.scenario.patient.fitzpatrick));
        assert_eq!(c.age_y, s.scenario.patient.age_y);
        assert!(!c.occluded, "the default topical is left open");
        // the first session's opened channels per cm² (the default pen makes thousands)
        assert!(c.pores_per_cm2 > 1000.0 && c.surface_diameter_um > 0.0, "{c:?}");
        let occluded = edited(&[
            ("protocol.occluded_after_needling", toml::Value::Boolean(true)),
            ("patient.skin_lightness_l", toml::Value::Float(42.0)),
            ("patient.species", toml::Value::String("pig".into())),
        ])
        .unwrap();
        let c2 = conditions(&occluded, &channels_of(&occluded));
        assert!(c2.occluded && c2.lightness_l == 42.0 && c2.species == mnsim_core::Species::Pig);
        let (t1, _) = figures(&c);
        let (t2, _) = figures(&c2);
        assert!(t2.impedance_lifetime_h > 5.0 * t1.impedance_lifetime_h, "{t1:?} {t2:?}");
    }

    #[test]
    fn lightness_out_of_range_and_unknown_species_name_the_field() {
        let e = edited(&[("patient.skin_lightness_l", toml::Value::Float(130.0))]).unwrap_err().to_string();
        assert!(e.contains("patient.skin_lightness_l") && e.contains("130"), "{e}");
        let e = edited(&[("patient.species", toml::Value::String("mouse".into()))]).unwrap_err().to_string();
        assert!(e.contains("species"), "{e}");
    }
}
