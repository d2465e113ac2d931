//! Layered skin at a body site: layer thicknesses, the superficial vascular plexus, and their
//! adjustment for age and sex.
//!
//! The site table is `data/skin_sites.csv` (compiled in; one source per column and row). Its
//! thicknesses are for a woman at the reference age [`REFERENCE_AGE_Y`]; the dermis has a
//! separate male column. Age adjusts the epidermis and dermis linearly per decade
//! (Gerontology 1990;36:28-35: epidermis −7.2 %/decade in men, −5.7 %/decade in women, dermis
//! about −6 %/decade in both), from age 20, where skin thickness peaks (Tan et al. 1982,
//! Br J Dermatol 106:657).

use crate::error::{CoreError, check_range};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Age at which the site table's thicknesses apply, years. Assumed: the HFUS cohort of
/// Meng et al. 2022 were adults of working age; 40 y is taken as their typical age.
pub const REFERENCE_AGE_Y: f64 = 40.0;
/// Age at which skin thickness peaks and below which no age adjustment is made, years
/// (Tan et al. 1982, Br J Dermatol 106:657: rises to about 20 y, then falls linearly).
pub const PEAK_THICKNESS_AGE_Y: f64 = 20.0;
/// Epidermal thinning per decade in men, fraction of the reference value
/// (Gerontology 1990;36:28-35, abstract: 7.2 %).
pub const EPIDERMIS_THINNING_PER_DECADE_MALE: f64 = 0.072;
/// Epidermal thinning per decade in women (Gerontology 1990;36:28-35, abstract: 5.7 %).
pub const EPIDERMIS_THINNING_PER_DECADE_FEMALE: f64 = 0.057;
/// Dermal thinning per decade, both sexes (Gerontology 1990;36:28-35, abstract: about 6 %).
pub const DERMIS_THINNING_PER_DECADE: f64 = 0.06;

/// One layer of the skin, from the surface down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Stratum corneum: the dead, cornified barrier layer.
    StratumCorneum,
    /// Viable (cellular) epidermis, basal layer included.
    ViableEpidermis,
    /// Papillary dermis, down to the superficial vascular plexus.
    PapillaryDermis,
    /// Reticular dermis.
    ReticularDermis,
    /// Subcutaneous fat.
    Subcutis,
}

impl Layer {
    /// All layers, surface first.
    pub const ALL: [Layer; 5] = [
        Layer::StratumCorneum,
        Layer::ViableEpidermis,
        Layer::PapillaryDermis,
        Layer::ReticularDermis,
        Layer::Subcutis,
    ];

    /// Snake-case name used in tables (`papillary_dermis`).
    pub fn name(self) -> &'static str {
        match self {
            Layer::StratumCorneum => "stratum_corneum",
            Layer::ViableEpidermis => "viable_epidermis",
            Layer::PapillaryDermis => "papillary_dermis",
            Layer::ReticularDermis => "reticular_dermis",
            Layer::Subcutis => "subcutis",
        }
    }

    /// Index in [`Layer::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Thickness of each layer, µm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LayerStack {
    /// Stratum corneum thickness, µm.
    pub stratum_corneum_um: f64,
    /// Viable epidermis thickness, µm.
    pub viable_epidermis_um: f64,
    /// Papillary dermis thickness, µm (surface of the dermis to the superficial plexus).
    pub papillary_dermis_um: f64,
    /// Reticular dermis thickness, µm.
    pub reticular_dermis_um: f64,
    /// Subcutis thickness, µm.
    pub subcutis_um: f64,
}

impl LayerStack {
    /// Thicknesses in surface-first order, µm.
    pub fn thicknesses_um(&self) -> [f64; 5] {
        [
            self.stratum_corneum_um,
            self.viable_epidermis_um,
            self.papillary_dermis_um,
            self.reticular_dermis_um,
            self.subcutis_um,
        ]
    }

    /// Depth of the bottom of each layer below the skin surface, µm.
    pub fn bottoms_um(&self) -> [f64; 5] {
        let t = self.thicknesses_um();
        let mut out = [0.0; 5];
        let mut acc = 0.0;
        for (o, ti) in out.iter_mut().zip(t) {
            acc += ti;
            *o = acc;
        }
        out
    }

    /// Depth of the top of `layer`, µm.
    pub fn top_um(&self, layer: Layer) -> f64 {
        let i = layer.index();
        if i == 0 { 0.0 } else { self.bottoms_um()[i - 1] }
    }

    /// Depth of the bottom of `layer`, µm.
    pub fn bottom_um(&self, layer: Layer) -> f64 {
        self.bottoms_um()[layer.index()]
    }

    /// The layer at depth `z_um` below the surface (the subcutis below everything).
    pub fn layer_at(&self, z_um: f64) -> Layer {
        let b = self.bottoms_um();
        Layer::ALL.into_iter().zip(b).find(|&(_, bottom)| z_um < bottom).map(|(l, _)| l).unwrap_or(Layer::Subcutis)
    }

    /// Epidermis (stratum corneum + viable epidermis), µm.
    pub fn epidermis_um(&self) -> f64 {
        self.stratum_corneum_um + self.viable_epidermis_um
    }

    /// Dermis (papillary + reticular), µm.
    pub fn dermis_um(&self) -> f64 {
        self.papillary_dermis_um + self.reticular_dermis_um
    }

    /// Epidermis + dermis (the skin proper), µm.
    pub fn cutis_um(&self) -> f64 {
        self.epidermis_um() + self.dermis_um()
    }

    /// Whole modelled soft-tissue stack (skin + subcutis), µm.
    pub fn total_um(&self) -> f64 {
        self.cutis_um() + self.subcutis_um
    }

    /// Check every thickness is finite and inside its allowed range.
    pub fn validate(&self) -> Result<(), CoreError> {
        check_range("stratum_corneum_um", self.stratum_corneum_um, 1.0, 500.0, "[1, 500]")?;
        check_range("viable_epidermis_um", self.viable_epidermis_um, 10.0, 500.0, "[10, 500]")?;
        check_range("papillary_dermis_um", self.papillary_dermis_um, 20.0, 2000.0, "[20, 2000]")?;
        check_range("reticular_dermis_um", self.reticular_dermis_um, 100.0, 6000.0, "[100, 6000]")?;
        check_range("subcutis_um", self.subcutis_um, 0.0, 50_000.0, "[0, 50000]")?;
        Ok(())
    }
}

/// Biological sex, as far as it changes skin thickness in the sources used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

/// One row of the site table (`data/skin_sites.csv`).
#[derive(Debug, Clone, Deserialize)]
pub struct SiteRow {
    /// Site name (`cheek`).
    pub site: String,
    /// Stratum corneum, µm.
    pub stratum_corneum_um: f64,
    /// Viable epidermis, µm.
    pub viable_epidermis_um: f64,
    /// Dermis in women, µm.
    pub dermis_female_um: f64,
    /// Dermis in men, µm.
    pub dermis_male_um: f64,
    /// HFUS entry-echo thickness in women, µm (0 where the dermis is not an HFUS value).
    pub hfus_entry_echo_female_um: f64,
    /// HFUS entry-echo thickness in men, µm.
    pub hfus_entry_echo_male_um: f64,
    /// Fraction of the dermis that is papillary (above the superficial plexus).
    pub papillary_fraction: f64,
    /// Subcutis, µm.
    pub subcutis_um: f64,
    /// Source of the epidermal values.
    pub source_epidermis: String,
    /// Source of the dermal values.
    pub source_dermis: String,
    /// Source of the subcutis value.
    pub source_subcutis: String,
}

const SITE_TABLE_CSV: &str = include_str!("../../../data/skin_sites.csv");

/// The built-in site table, parsed once.
pub fn site_table() -> &'static [SiteRow] {
    static TABLE: OnceLock<Vec<SiteRow>> = OnceLock::new();
    TABLE.get_or_init(|| {
        csv::Reader::from_reader(SITE_TABLE_CSV.as_bytes())
            .deserialize()
            .collect::<Result<Vec<SiteRow>, _>>()
            .expect("data/skin_sites.csv is compiled in and checked by a unit test")
    })
}

/// Names of the built-in body sites.
pub fn site_names() -> Vec<&'static str> {
    site_table().iter().map(|r| r.site.as_str()).collect()
}

/// Look up a site row by name (case-insensitive; `upper-arm` and `upper_arm` both match).
pub fn find_site(name: &str) -> Result<&'static SiteRow, CoreError> {
    let key = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    site_table()
        .iter()
        .find(|r| r.site == key)
        .ok_or_else(|| CoreError::UnknownSite(name.to_string(), site_names().join(", ")))
}

/// Multiplicative age factors (epidermis, dermis) relative to [`REFERENCE_AGE_Y`].
///
/// f(age) = (1 − r·(a − 20)/10) / (1 − r·(40 − 20)/10) with a = max(age, 20) and r the thinning
/// per decade for the layer and sex (Gerontology 1990;36:28-35).
pub fn age_factors(age_y: f64, sex: Sex) -> (f64, f64) {
    let r_epi = match sex {
        Sex::Male => EPIDERMIS_THINNING_PER_DECADE_MALE,
        Sex::Female => EPIDERMIS_THINNING_PER_DECADE_FEMALE,
    };
    let f = |r: f64| {
        let a = age_y.max(PEAK_THICKNESS_AGE_Y);
        let rel = |x: f64| 1.0 - r * (x - PEAK_THICKNESS_AGE_Y) / 10.0;
        (rel(a) / rel(REFERENCE_AGE_Y)).max(0.2)
    };
    (f(r_epi), f(DERMIS_THINNING_PER_DECADE))
}

/// The skin of one patient at one site, resolved: layer thicknesses and the plexus depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skin {
    /// Site name, or `custom`.
    pub site: String,
    /// Layer thicknesses, µm (age and sex applied).
    pub layers: LayerStack,
    /// Depth of the superficial vascular plexus below the surface, µm: the boundary between
    /// papillary and reticular dermis (Braun, Dermoscopedia, anatomy of skin vasculature).
    pub superficial_plexus_depth_um: f64,
    /// Age, years.
    pub age_y: f64,
    /// Sex.
    pub sex: Sex,
    /// In-plane strain of the skin surface while it is needled, % (docs/MODEL.md § 5–6): the
    /// resting tension of living skin ([`IN_VIVO_PRESTRAIN_PCT`]), more where the operator
    /// stretches the skin, 0 for excised skin that has retracted. It stiffens the surface
    /// against the dimple before puncture and holds the torn entry of each channel open.
    #[serde(default = "in_vivo_prestrain_pct")]
    pub prestrain_pct: f64,
}

/// Resting in-plane pre-strain of living skin, %. **Calibrated** (case PN06): the Kirsch gape of
/// the torn entry, d_s = (1 + 2ε/(1 − ν))·d_needle(D), matched to the 70.7 µm surface diameter of
/// 152.5 µm deep DermaRoller channels in hairless rat in vivo (Kalluri, Kolli & Banga 2011, AAPS J
/// 13:473, abstract; retrieved): 70.7 / 55.9 = 1.264 → ε = 0.066. Consistent in size with the
/// retraction of skin on excision, a few to ~20 % (recalled, not re-read: Langer-line pre-stress
/// studies); used for every in vivo site alike (site and age differences not modelled).
pub const IN_VIVO_PRESTRAIN_PCT: f64 = 6.6;

fn in_vivo_prestrain_pct() -> f64 {
    IN_VIVO_PRESTRAIN_PCT
}

impl Skin {
    /// Skin at a named site for a patient of given age and sex.
    ///
    /// Epidermal layers are scaled by the epidermal age factor, dermal layers by the dermal one;
    /// the subcutis is not adjusted. The dermis is split into papillary and reticular by the
    /// site's papillary fraction (about the upper fifth; textbook, secondary).
    pub fn at_site(site: &str, age_y: f64, sex: Sex) -> Result<Skin, CoreError> {
        check_range("age_y", age_y, 12.0, 100.0, "[12, 100]")?;
        let row = find_site(site)?;
        let (fe, fd) = age_factors(age_y, sex);
        // HFUS dermis (Meng 2022) starts below the entry echo, which is 2-3x the histological
        // epidermis: the part of the echo below the epidermis is dermis and is added back.
        let (dermis_hfus, echo) = match sex {
            Sex::Female => (row.dermis_female_um, row.hfus_entry_echo_female_um),
            Sex::Male => (row.dermis_male_um, row.hfus_entry_echo_male_um),
        };
        let epidermis_ref = row.stratum_corneum_um + row.viable_epidermis_um;
        let dermis = (dermis_hfus + (echo - epidermis_ref).max(0.0)) * fd;
        let layers = LayerStack {
            stratum_corneum_um: row.stratum_corneum_um * fe,
            viable_epidermis_um: row.viable_epidermis_um * fe,
            papillary_dermis_um: dermis * row.papillary_fraction,
            reticular_dermis_um: dermis * (1.0 - row.papillary_fraction),
            subcutis_um: row.subcutis_um,
        };
        Ok(Skin::from_layers(row.site.clone(), layers, age_y, sex))
    }

    /// Skin from explicit layer thicknesses (no age or sex adjustment is applied).
    pub fn from_layers(site: String, layers: LayerStack, age_y: f64, sex: Sex) -> Skin {
        let superficial_plexus_depth_um = layers.bottom_um(Layer::PapillaryDermis);
        Skin { site, layers, superficial_plexus_depth_um, age_y, sex, prestrain_pct: IN_VIVO_PRESTRAIN_PCT }
    }

    /// The same skin needled at another in-plane pre-strain, % (range-checked: [0, 40]).
    pub fn with_prestrain_pct(mut self, prestrain_pct: f64) -> Result<Skin, CoreError> {
        check_range("skin_prestrain_pct", prestrain_pct, 0.0, MAX_PRESTRAIN_PCT, "[0, 40]")?;
        self.prestrain_pct = prestrain_pct;
        Ok(self)
    }
}

/// Largest pre-strain accepted, %: skin stretched by hand or a frame stays well below 40 %
/// (assumed bound; beyond it the linear membrane and gape equations of § 5–6 do not hold).
pub const MAX_PRESTRAIN_PCT: f64 = 40.0;

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn site_table_parses_and_has_every_documented_site() {
        let names = site_names();
        for s in [
            "forehead",
            "glabella",
            "temple",
            "cheek",
            "periorbital",
            "nose",
            "perioral",
            "chin",
            "jawline",
            "neck",
            "scalp",
            "decolletage",
            "abdomen",
            "back",
            "shoulder",
            "buttock",
            "thigh",
            "upper_arm",
            "dorsal_forearm",
            "volar_forearm",
            "dorsal_hand",
        ] {
            assert!(names.contains(&s), "missing site {s}");
        }
        for r in site_table() {
            assert!(!r.source_dermis.is_empty() && !r.source_epidermis.is_empty());
            assert!(r.papillary_fraction > 0.0 && r.papillary_fraction < 0.5);
        }
    }

    #[test]
    fn added_sites_carry_their_retrieved_numbers() {
        // Meng 2022 glabella (women): 900 µm below a 190 µm echo; Sandby-Møller shoulder SC;
        // Raman back of hand SC; Oltulu female dorsal-hand dermis
        let g = Skin::at_site("glabella", REFERENCE_AGE_Y, Sex::Female).unwrap();
        assert_relative_eq!(g.layers.dermis_um(), 900.0 + (190.0 - 89.1), epsilon = 1e-9);
        assert_relative_eq!(
            Skin::at_site("shoulder", REFERENCE_AGE_Y, Sex::Female).unwrap().layers.stratum_corneum_um,
            11.0
        );
        let hand = Skin::at_site("dorsal_hand", REFERENCE_AGE_Y, Sex::Female).unwrap();
        assert_relative_eq!(hand.layers.stratum_corneum_um, 29.3);
        assert_relative_eq!(hand.layers.dermis_um(), 2115.0, epsilon = 1e-9);
        // the scalp's epidermis is Selcuk's thinnest female facial epidermis (65.91 µm)
        assert!(
            (Skin::at_site("scalp", REFERENCE_AGE_Y, Sex::Female).unwrap().layers.epidermis_um() - 65.9).abs() < 0.5
        );
    }

    #[test]
    fn cheek_dermis_is_meng_2022_hfus_dermis_plus_the_echo_below_the_epidermis() {
        let s = Skin::at_site("cheek", REFERENCE_AGE_Y, Sex::Female).unwrap();
        // 870 µm below an entry echo of 200 µm, of which 86.8 µm is epidermis
        let dermis = 870.0 + (200.0 - 86.8);
        assert_relative_eq!(s.layers.dermis_um(), dermis, epsilon = 1e-9);
        assert_relative_eq!(s.superficial_plexus_depth_um, 16.8 + 70.0 + 0.2 * dermis, epsilon = 1e-9);
    }

    #[test]
    fn older_skin_is_thinner_and_thinning_follows_the_per_decade_rates() {
        let young = Skin::at_site("forehead", 30.0, Sex::Male).unwrap();
        let old = Skin::at_site("forehead", 70.0, Sex::Male).unwrap();
        let r = old.layers.dermis_um() / young.layers.dermis_um();
        // (1 - 0.06*5) / (1 - 0.06*1)
        assert_relative_eq!(r, 0.7 / 0.94, epsilon = 1e-12);
        assert!(old.layers.epidermis_um() < young.layers.epidermis_um());
    }

    #[test]
    fn layer_at_depth_walks_the_stack() {
        let s = Skin::at_site("cheek", 40.0, Sex::Female).unwrap();
        let l = &s.layers;
        assert_eq!(l.layer_at(0.0), Layer::StratumCorneum);
        assert_eq!(l.layer_at(l.stratum_corneum_um + 1.0), Layer::ViableEpidermis);
        assert_eq!(l.layer_at(s.superficial_plexus_depth_um - 1.0), Layer::PapillaryDermis);
        assert_eq!(l.layer_at(s.superficial_plexus_depth_um + 1.0), Layer::ReticularDermis);
        assert_eq!(l.layer_at(l.cutis_um() + 1.0), Layer::Subcutis);
        assert_eq!(l.layer_at(1e9), Layer::Subcutis);
    }

    #[test]
    fn unknown_site_names_the_known_ones() {
        let e = Skin::at_site("elbow", 40.0, Sex::Female).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("elbow") && msg.contains("cheek"), "{msg}");
        assert!(Skin::at_site("Upper-Arm", 40.0, Sex::Female).is_ok());
    }
}
