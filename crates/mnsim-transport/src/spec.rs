//! The scenario tables this crate owns: `[topical]` ([`TopicalSpec`]) and `[transport]`
//! ([`TransportSettings`]). Keys carry their units.

use crate::catalogue;
use crate::error::{TransportError, check};
use crate::physchem::{IonisationKind, Physchem, neutral_fraction};
use crate::solver::{BottomBoundary, LateralBoundary};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The topical product applied after needling (the scenario's `[topical]` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicalSpec {
    /// Catalogue name (e.g. `niacinamide`, `tranexamic_acid`, `hyaluronic_acid_1mda`, `egf`) or a
    /// free name (then `molecular_weight_da` and `log_p` are required).
    #[serde(default = "d_name")]
    pub name: String,
    /// Molecular weight, Da: overrides the catalogue; required for a free name. (10, 1e7].
    #[serde(default)]
    pub molecular_weight_da: Option<f64>,
    /// log10 octanol/water partition coefficient: overrides the catalogue; required for a free
    /// name. [−8, 8].
    #[serde(default)]
    pub log_p: Option<f64>,
    /// Hydrodynamic radius, nm (optional; default: catalogue value or equivalent sphere from MW).
    #[serde(default)]
    pub hydrodynamic_radius_nm: Option<f64>,
    /// Acid/base character (`neutral`, `acid`, `base`): overrides the catalogue; a free name
    /// without it is neutral. An acid or base needs a `pka`.
    #[serde(default)]
    pub ionisation: Option<IonisationKind>,
    /// pKa of the ionisable group (of the conjugate acid for a base): overrides the catalogue.
    /// [−2, 16].
    #[serde(default)]
    pub pka: Option<f64>,
    /// pH of the vehicle, which sets the un-ionised fraction (Henderson–Hasselbalch): only that
    /// fraction takes the lipid route through the SC. [0, 14]. Absent: [`DEFAULT_VEHICLE_PH`].
    #[serde(default)]
    pub vehicle_ph: Option<f64>,
    /// Concentration of the active in the vehicle, mg/mL. (0, 1000].
    #[serde(default = "d_conc")]
    pub concentration_mg_per_ml: f64,
    /// Vehicle volume applied, µL/cm² (finite dose). (0, 1000]. OECD 428 finite doses are
    /// ≤ 10 µL/cm²; the default 5 µL/cm² is assumed.
    #[serde(default = "d_vol")]
    pub vehicle_volume_ul_per_cm2: f64,
    /// Occluded (covered) application: no evaporation, and channels reseal with the occluded
    /// kinetics (slower).
    #[serde(default)]
    pub occluded: bool,
    /// Infinite dose: the vehicle concentration stays constant.
    #[serde(default)]
    pub infinite_dose: bool,
    /// Delay between needling and application, min. [0, 20160] (two weeks).
    #[serde(default)]
    pub applied_after_needling_min: f64,
}

/// Vehicle pH when a scenario gives none. Assumed 5.5: leave-on topical products (serums,
/// creams) are usually formulated near the skin-surface pH of about 4.5–5.5 to be tolerated;
/// products far from it (L-ascorbic acid serums at pH ≤ 3.5, for instance) should say so with
/// `vehicle_ph`. In-vitro permeation buffers (PBS, pH 7.4) likewise.
pub const DEFAULT_VEHICLE_PH: f64 = 5.5;
/// Allowed pH range of a vehicle (the aqueous pH scale at 25 °C).
pub const VEHICLE_PH_RANGE: (f64, f64) = (0.0, 14.0);

fn d_name() -> String {
    "niacinamide".into()
}
fn d_conc() -> f64 {
    50.0
}
fn d_vol() -> f64 {
    5.0
}

impl Default for TopicalSpec {
    fn default() -> Self {
        TopicalSpec {
            name: d_name(),
            molecular_weight_da: None,
            log_p: None,
            hydrodynamic_radius_nm: None,
            ionisation: None,
            pka: None,
            vehicle_ph: None,
            concentration_mg_per_ml: d_conc(),
            vehicle_volume_ul_per_cm2: d_vol(),
            occluded: false,
            infinite_dose: false,
            applied_after_needling_min: 0.0,
        }
    }
}

impl TopicalSpec {
    /// A catalogue active with default dose settings.
    pub fn named(name: &str) -> TopicalSpec {
        TopicalSpec { name: name.into(), ..Default::default() }
    }

    /// Check every field; errors name the field, value and allowed range.
    pub fn validate(&self) -> Result<(), TransportError> {
        check("concentration_mg_per_ml", self.concentration_mg_per_ml, 1e-9, 1000.0, "(0, 1000]")?;
        check("vehicle_volume_ul_per_cm2", self.vehicle_volume_ul_per_cm2, 1e-6, 1000.0, "(0, 1000]")?;
        check("applied_after_needling_min", self.applied_after_needling_min, 0.0, 20160.0, "[0, 20160]")?;
        if let Some(mw) = self.molecular_weight_da {
            check("molecular_weight_da", mw, 10.0, 1e7, "[10, 1e7]")?;
        }
        if let Some(lp) = self.log_p {
            check("log_p", lp, -8.0, 8.0, "[-8, 8]")?;
        }
        if let Some(r) = self.hydrodynamic_radius_nm {
            check("hydrodynamic_radius_nm", r, 0.05, 1000.0, "[0.05, 1000]")?;
        }
        if let Some(ph) = self.vehicle_ph {
            check("vehicle_ph", ph, VEHICLE_PH_RANGE.0, VEHICLE_PH_RANGE.1, "[0, 14]")?;
        }
        if let Some(pka) = self.pka {
            check("pka", pka, -2.0, 16.0, "[-2, 16]")?;
        }
        self.physchem().map(|_| ())
    }

    /// The vehicle pH in force: the setting, else [`DEFAULT_VEHICLE_PH`].
    pub fn vehicle_ph_or_default(&self) -> f64 {
        self.vehicle_ph.unwrap_or(DEFAULT_VEHICLE_PH)
    }

    /// Acid/base kind and pKa in force: the settings over the catalogue entry (a free name
    /// without them is neutral). An acid or base without a pKa is an error naming `pka`.
    pub fn ionisation(&self) -> Result<(IonisationKind, Option<f64>), TransportError> {
        let cat = catalogue::find(&self.name);
        let kind = self.ionisation.or(cat.map(|a| a.ionisation)).unwrap_or_default();
        let pka = self.pka.or(cat.and_then(|a| a.pka));
        match (kind, pka) {
            (IonisationKind::Acid | IonisationKind::Base, None) => Err(TransportError::Missing {
                field: "pka",
                why: "an acid or base active needs its pKa (give `pka`, or set `ionisation = \"neutral\"`)",
            }),
            (k, p) => Ok((k, p)),
        }
    }

    /// Resolve physico-chemistry: catalogue entry with overrides, or the free-name fields.
    pub fn physchem(&self) -> Result<Physchem, TransportError> {
        let (kind, pka) = self.ionisation()?;
        let f_neutral = neutral_fraction(kind, pka, self.vehicle_ph_or_default());
        if let Some(a) = catalogue::find(&self.name) {
            let mut p = a.physchem();
            p.unionised_fraction = f_neutral;
            if let Some(mw) = self.molecular_weight_da {
                p.molecular_weight_da = mw;
            }
            if let Some(lp) = self.log_p {
                p.log_p = lp;
            }
            if self.hydrodynamic_radius_nm.is_some() {
                p.hydrodynamic_radius_nm = self.hydrodynamic_radius_nm;
            }
            Ok(p)
        } else {
            match (self.molecular_weight_da, self.log_p) {
                (Some(mw), Some(lp)) => Ok(Physchem {
                    molecular_weight_da: mw,
                    log_p: lp,
                    hydrodynamic_radius_nm: self.hydrodynamic_radius_nm,
                    unbound_fraction: 1.0,
                    unionised_fraction: f_neutral,
                }),
                _ => Err(TransportError::UnknownActive { name: self.name.clone(), known: catalogue::names() }),
            }
        }
    }

    /// Canonical name (catalogue name if found, else as given).
    pub fn canonical_name(&self) -> String {
        catalogue::find(&self.name).map(|a| a.name.to_string()).unwrap_or_else(|| self.name.clone())
    }
}

/// What the treated skin is, for a delivery study: living skin, or excised skin mounted on a
/// diffusion cell as in-vitro permeation tests are run (OECD Test Guideline 428, 2004: excised
/// skin between a donor and a receptor chamber, receptor fluid kept at sink conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Preparation {
    /// Living skin: dermal capillaries clear the active (rate from MW), nothing below the
    /// domain (no-flux bottom).
    #[default]
    InVivo,
    /// Excised skin on a Franz diffusion cell: no blood flow, so no capillary clearance; the
    /// receptor fluid under the dermis is a perfect sink; the receptor amount is what the study
    /// samples.
    FranzCell,
    /// Excised skin with a closed bottom (skin-content or tape-stripping studies): no clearance,
    /// no-flux bottom.
    ExcisedClosed,
}

impl Preparation {
    /// Name as written in a scenario.
    pub fn name(self) -> &'static str {
        match self {
            Preparation::InVivo => "in_vivo",
            Preparation::FranzCell => "franz_cell",
            Preparation::ExcisedClosed => "excised_closed",
        }
    }
}

/// Numerical and physiological settings of a transport run (the scenario's `[transport]` table).
/// Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TransportSettings {
    /// Lateral cell size, µm. [1, 200]. Default 10 (resolves a 50 µm channel with 5 cells).
    pub lateral_resolution_um: f64,
    /// Side of the square window of the patch that is simulated in 3D, µm (clipped to the
    /// patch). [20, 20000]. Default 1000.
    pub domain_width_um: f64,
    /// Cells across the stratum corneum. [2, 100]. Default 6.
    pub sc_cells: usize,
    /// Cell size in the viable epidermis and at the top of each deeper layer, µm. [0.5, 50].
    pub epidermis_dz_um: f64,
    /// Largest cell size in depth, µm. [1, 500].
    pub max_dz_um: f64,
    /// Growth ratio of cell sizes with depth below the epidermis. [1, 2].
    pub dz_growth: f64,
    /// Depth of the domain, µm (default: the bottom of the dermis, or 200 µm below the deepest
    /// channel if deeper, capped at the tissue stack).
    pub domain_depth_um: Option<f64>,
    /// Simulated time after application, h. (0, 720].
    pub duration_h: f64,
    /// Output times after application, h (increasing, ≤ duration; the duration is always added).
    pub output_times_h: Vec<f64>,
    /// Times after application at which a study reads its amounts out, h (increasing, each in
    /// (0, duration_h]; default none). Each adds the figures `transport_<quantity>_at_<t>h`
    /// (cumulative delivered, receptor amount and skin content of needled and intact skin, the
    /// flux into needled skin, the enhancement ratio; 0.5 h is written `0p5h`) and is added to
    /// the output times, so the figures are the solver's own values there, not interpolated.
    pub read_out_times_h: Vec<f64>,
    /// Times of the depth profiles, h.
    pub profile_times_h: Vec<f64>,
    /// Time of the depth slice through a channel, h.
    pub slice_time_h: f64,
    /// First time step, s. [1e-4, 600].
    pub dt_initial_s: f64,
    /// Largest time step, s. [0.1, 36000].
    pub dt_max_s: f64,
    /// Largest growth of the step from one step to the next. [1, 3].
    pub dt_growth: f64,
    /// Target local relative error per step of the delivered and absorbed amounts. [1e-6, 0.5].
    pub tolerance: f64,
    /// Side boundary.
    pub lateral_boundary: LateralBoundary,
    /// What the skin is: living skin (the default) or excised skin in a diffusion cell. Sets
    /// the defaults of `bottom_boundary` and `clearance_per_h` ([`Preparation`]).
    pub preparation: Preparation,
    /// Bottom boundary. Absent (the default): from the preparation — no flux in vivo and for
    /// closed excised skin, a perfect sink (receptor fluid) in a Franz cell.
    pub bottom_boundary: Option<BottomBoundary>,
    /// Channel closure half-life without occlusion, h. Absent (the default): a run fills in the
    /// barrier-breach half-life of the closure model for its patient, species and channels
    /// (`mnsim_core::closure`, docs/MODEL.md § 6.1); a transport run on its own uses
    /// [`FALLBACK_CLOSURE_HALF_LIFE_OPEN_H`].
    pub closure_half_life_open_h: Option<f64>,
    /// Channel closure half-life under occlusion, h. Absent (the default): as above, occluded;
    /// on its own [`FALLBACK_CLOSURE_HALF_LIFE_OCCLUDED_H`].
    pub closure_half_life_occluded_h: Option<f64>,
    /// Dermal clearance rate, 1/h. Absent: from MW in vivo (`physchem::dermal_clearance_per_s`),
    /// 0 for excised skin (no blood flow). A rate above 0 with an excised preparation is an error.
    pub clearance_per_h: Option<f64>,
    /// Evaporation of an open (non-occluded) vehicle, µL·cm⁻²·h⁻¹. Assumed 1.0. [0, 100].
    pub evaporation_ul_per_cm2_per_h: f64,
    /// Fraction of the vehicle volume that does not evaporate. Assumed 0.2. (0, 1].
    pub nonvolatile_fraction: f64,
    /// Compute the application window (extra unit-cell runs).
    pub compute_window: bool,
    /// Worker threads (0: all available).
    pub threads: usize,
    /// Memory limit for the grid, GiB. (0, 1024].
    pub max_memory_gib: f64,
}

/// Closure half-life without occlusion used by a transport run on its own, h: the barrier
/// (TEWL) is back (open fraction ≤ 5 %) 4.5 h after DermaRoller poration in rats (Kalluri, Kolli,
/// Banga 2011, AAPS J 13:473, abstract: 4–5 h): 4.5 h · ln 2 / ln 20 = 1.04 h.
pub const FALLBACK_CLOSURE_HALF_LIFE_OPEN_H: f64 = mnsim_core::closure::RAT_OPEN_HALF_LIFE_H;
/// Closure half-life under occlusion used by a transport run on its own, h: predicted micropore
/// closure half-life in human upper arm (PMC8259462, abstract; 20.2–25.9 h across sites).
pub const FALLBACK_CLOSURE_HALF_LIFE_OCCLUDED_H: f64 = 23.7;

impl TransportSettings {
    /// The closure half-life in force, h: the setting if given, else the fallback.
    pub fn closure_half_life_h(&self, occluded: bool) -> f64 {
        if occluded {
            self.closure_half_life_occluded_h.unwrap_or(FALLBACK_CLOSURE_HALF_LIFE_OCCLUDED_H)
        } else {
            self.closure_half_life_open_h.unwrap_or(FALLBACK_CLOSURE_HALF_LIFE_OPEN_H)
        }
    }
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            lateral_resolution_um: 10.0,
            domain_width_um: 1000.0,
            sc_cells: 6,
            epidermis_dz_um: 5.0,
            max_dz_um: 40.0,
            dz_growth: 1.2,
            domain_depth_um: None,
            duration_h: 24.0,
            output_times_h: vec![0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0],
            read_out_times_h: Vec::new(),
            profile_times_h: vec![1.0, 24.0],
            slice_time_h: 1.0,
            dt_initial_s: 0.5,
            dt_max_s: 600.0,
            dt_growth: 1.3,
            tolerance: 1e-3,
            lateral_boundary: LateralBoundary::NoFlux,
            preparation: Preparation::InVivo,
            bottom_boundary: None,
            closure_half_life_open_h: None,
            closure_half_life_occluded_h: None,
            clearance_per_h: None,
            evaporation_ul_per_cm2_per_h: 1.0,
            nonvolatile_fraction: 0.2,
            compute_window: true,
            threads: 0,
            max_memory_gib: 8.0,
        }
    }
}

impl TransportSettings {
    /// The bottom boundary in effect: as set, else from the preparation.
    pub fn bottom(&self) -> BottomBoundary {
        self.bottom_boundary.unwrap_or(match self.preparation {
            Preparation::InVivo | Preparation::ExcisedClosed => BottomBoundary::NoFlux,
            Preparation::FranzCell => BottomBoundary::Sink,
        })
    }

    /// The dermal clearance rate in effect, 1/h: as set, else 0 for excised skin, else `None`
    /// (from MW, in vivo).
    pub fn clearance_in_effect_per_h(&self) -> Option<f64> {
        match (self.clearance_per_h, self.preparation) {
            (Some(c), _) => Some(c),
            (None, Preparation::InVivo) => None,
            (None, _) => Some(0.0),
        }
    }

    /// Check every field; errors name the field, value and allowed range.
    pub fn validate(&self) -> Result<(), TransportError> {
        check("lateral_resolution_um", self.lateral_resolution_um, 1.0, 200.0, "[1, 200]")?;
        check("domain_width_um", self.domain_width_um, 20.0, 20000.0, "[20, 20000]")?;
        check("sc_cells", self.sc_cells as f64, 2.0, 100.0, "[2, 100]")?;
        check("epidermis_dz_um", self.epidermis_dz_um, 0.5, 50.0, "[0.5, 50]")?;
        check("max_dz_um", self.max_dz_um, 1.0, 500.0, "[1, 500]")?;
        check("dz_growth", self.dz_growth, 1.0, 2.0, "[1, 2]")?;
        if let Some(d) = self.domain_depth_um {
            check("domain_depth_um", d, 20.0, 20000.0, "[20, 20000]")?;
        }
        check("duration_h", self.duration_h, 1e-3, 720.0, "(0, 720]")?;
        let mut prev = 0.0;
        for &t in &self.output_times_h {
            check("output_times_h", t, 1e-6, self.duration_h, "(0, duration_h], increasing")?;
            if t <= prev {
                return Err(TransportError::Settings(format!("output_times_h must increase; {t} follows {prev}")));
            }
            prev = t;
        }
        let mut prev = 0.0;
        for &t in &self.read_out_times_h {
            check("read_out_times_h", t, 1e-6, self.duration_h, "(0, duration_h], increasing")?;
            if t <= prev {
                return Err(TransportError::Settings(format!("read_out_times_h must increase; {t} follows {prev}")));
            }
            prev = t;
        }
        for &t in &self.profile_times_h {
            check("profile_times_h", t, 1e-6, self.duration_h, "(0, duration_h]")?;
        }
        check("slice_time_h", self.slice_time_h, 1e-6, self.duration_h, "(0, duration_h]")?;
        check("dt_initial_s", self.dt_initial_s, 1e-4, 600.0, "[1e-4, 600]")?;
        check("dt_max_s", self.dt_max_s, 0.1, 36000.0, "[0.1, 36000]")?;
        check("dt_growth", self.dt_growth, 1.0, 3.0, "[1, 3]")?;
        check("tolerance", self.tolerance, 1e-6, 0.5, "[1e-6, 0.5]")?;
        if let Some(h) = self.closure_half_life_open_h {
            check("closure_half_life_open_h", h, 1e-3, 1000.0, "[0.001, 1000]")?;
        }
        if let Some(h) = self.closure_half_life_occluded_h {
            check("closure_half_life_occluded_h", h, 1e-3, 1000.0, "[0.001, 1000]")?;
        }
        if let Some(c) = self.clearance_per_h {
            check("clearance_per_h", c, 0.0, 1000.0, "[0, 1000]")?;
            if c > 0.0 && self.preparation != Preparation::InVivo {
                return Err(TransportError::Settings(format!(
                    "clearance_per_h = {c} is invalid with preparation = {}: excised skin has no blood flow; \
                     leave it out or set 0",
                    self.preparation.name()
                )));
            }
        }
        if self.preparation == Preparation::ExcisedClosed && self.bottom_boundary == Some(BottomBoundary::Sink) {
            return Err(TransportError::Settings(
                "bottom_boundary = \"sink\" is invalid with preparation = excised_closed (closed bottom); \
                 use preparation = \"franz_cell\" for a receptor"
                    .into(),
            ));
        }
        check("evaporation_ul_per_cm2_per_h", self.evaporation_ul_per_cm2_per_h, 0.0, 100.0, "[0, 100]")?;
        check("nonvolatile_fraction", self.nonvolatile_fraction, 1e-3, 1.0, "(0, 1]")?;
        check("threads", self.threads as f64, 0.0, 1024.0, "[0, 1024]")?;
        check("max_memory_gib", self.max_memory_gib, 1e-3, 1024.0, "(0, 1024]")?;
        Ok(())
    }
}

#[cfg(test)]
mod preparation_tests {
    use super::*;

    #[test]
    fn preparation_sets_bottom_and_clearance_defaults() {
        let vivo = TransportSettings::default();
        assert_eq!(vivo.bottom(), BottomBoundary::NoFlux);
        assert_eq!(vivo.clearance_in_effect_per_h(), None);
        let franz = TransportSettings { preparation: Preparation::FranzCell, ..Default::default() };
        assert_eq!(franz.bottom(), BottomBoundary::Sink);
        assert_eq!(franz.clearance_in_effect_per_h(), Some(0.0));
        let closed = TransportSettings { preparation: Preparation::ExcisedClosed, ..Default::default() };
        assert_eq!(closed.bottom(), BottomBoundary::NoFlux);
        assert_eq!(closed.clearance_in_effect_per_h(), Some(0.0));
        // an explicit bottom wins in vivo (a sink below living skin: deep clearance)
        let vivo_sink = TransportSettings { bottom_boundary: Some(BottomBoundary::Sink), ..Default::default() };
        assert_eq!(vivo_sink.bottom(), BottomBoundary::Sink);
    }

    #[test]
    fn excised_skin_refuses_blood_clearance_and_a_closed_bottom_refuses_a_sink() {
        let e =
            TransportSettings { preparation: Preparation::FranzCell, clearance_per_h: Some(2.0), ..Default::default() }
                .validate()
                .unwrap_err()
                .to_string();
        assert!(e.contains("clearance_per_h") && e.contains("franz_cell"), "{e}");
        let ok =
            TransportSettings { preparation: Preparation::FranzCell, clearance_per_h: Some(0.0), ..Default::default() };
        assert!(ok.validate().is_ok());
        let e = TransportSettings {
            preparation: Preparation::ExcisedClosed,
            bottom_boundary: Some(BottomBoundary::Sink),
            ..Default::default()
        }
        .validate()
        .unwrap_err()
        .to_string();
        assert!(e.contains("bottom_boundary") && e.contains("excised_closed"), "{e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vehicle_ph_is_range_checked_and_named() {
        for bad in [-0.5, 14.5, f64::NAN] {
            let t = TopicalSpec { vehicle_ph: Some(bad), ..TopicalSpec::named("caffeine") };
            match t.validate() {
                Err(TransportError::OutOfRange { field, allowed, .. }) => {
                    assert_eq!(field, "vehicle_ph");
                    assert_eq!(allowed, "[0, 14]");
                }
                other => panic!("{other:?}"),
            }
        }
        for ok in [0.0, 3.5, 14.0] {
            TopicalSpec { vehicle_ph: Some(ok), ..TopicalSpec::named("caffeine") }.validate().unwrap();
        }
    }

    #[test]
    fn ionisation_follows_catalogue_pka_and_vehicle_ph() {
        // ascorbic acid (pKa 4.17) at its pKa: half neutral; at the default pH 5.5 mostly ionised
        let mut t = TopicalSpec { vehicle_ph: Some(4.17), ..TopicalSpec::named("vitamin_c") };
        assert!((t.physchem().unwrap().unionised_fraction - 0.5).abs() < 1e-12);
        t.vehicle_ph = None;
        let f = t.physchem().unwrap().unionised_fraction;
        assert!((f - 1.0 / (1.0 + 10f64.powf(DEFAULT_VEHICLE_PH - 4.17))).abs() < 1e-12);
        // a free name is neutral unless told otherwise
        let mut free =
            TopicalSpec { name: "x".into(), molecular_weight_da: Some(200.0), log_p: Some(1.0), ..Default::default() };
        assert_eq!(free.physchem().unwrap().unionised_fraction, 1.0);
        // a base without a pKa is an error naming pka
        free.ionisation = Some(IonisationKind::Base);
        assert!(matches!(free.validate(), Err(TransportError::Missing { field: "pka", .. })));
        free.pka = Some(8.0);
        free.vehicle_ph = Some(7.0);
        assert!((free.physchem().unwrap().unionised_fraction - 1.0 / 11.0).abs() < 1e-12);
        free.pka = Some(30.0);
        assert!(matches!(free.validate(), Err(TransportError::OutOfRange { field: "pka", .. })));
    }
}
