//! Built-in catalogue of common topical actives, usable by name in a scenario.
//!
//! Each entry carries its molecular weight, log P and where they come from
//! (`reference/transport-healing.md` §7 unless stated). Names are snake_case; aliases are
//! accepted case-insensitively with `-` or space for `_`.

use crate::physchem::{IonisationKind, Physchem, neutral_fraction};
use crate::spec::DEFAULT_VEHICLE_PH;

/// One catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Active {
    /// Canonical name.
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    /// Molecular weight, Da.
    pub molecular_weight_da: f64,
    /// log10 Kow.
    pub log_p: f64,
    /// Hydrodynamic radius, nm, when the equivalent sphere is wrong (random-coil polymers).
    pub hydrodynamic_radius_nm: Option<f64>,
    /// Source and confidence of MW and log P.
    pub source: &'static str,
    /// Acid, base or neutral (for the Henderson–Hasselbalch un-ionised fraction).
    pub ionisation: IonisationKind,
    /// pKa of the group that sets the charge at topical pH (of the conjugate acid for a base);
    /// `None` for a neutral active.
    pub pka: Option<f64>,
    /// Source and confidence of the pKa and of the acid/base kind.
    pub pka_source: &'static str,
}

impl Active {
    /// Physico-chemistry of this active in a vehicle of the default pH
    /// ([`DEFAULT_VEHICLE_PH`]); see [`Active::physchem_at_ph`].
    pub fn physchem(&self) -> Physchem {
        self.physchem_at_ph(DEFAULT_VEHICLE_PH)
    }

    /// Physico-chemistry of this active in a vehicle of pH `ph`: the un-ionised fraction from
    /// its pKa (Henderson–Hasselbalch); unbound fraction 1 (no binding data; assumed).
    pub fn physchem_at_ph(&self, ph: f64) -> Physchem {
        Physchem {
            molecular_weight_da: self.molecular_weight_da,
            log_p: self.log_p,
            hydrodynamic_radius_nm: self.hydrodynamic_radius_nm,
            unbound_fraction: 1.0,
            unionised_fraction: neutral_fraction(self.ionisation, self.pka, ph),
        }
    }
}

/// Hyaluronic-acid hydrodynamic radius, nm, as a random coil: R_h = 0.0196·M^0.6 (Flory
/// exponent 0.6 for a coil in good solvent; prefactor assumed so that 1 MDa gives ≈ 78 nm, the
/// order reported for high-MW HA; recalled, unverified).
pub fn hyaluronic_acid_radius_nm(mw_da: f64) -> f64 {
    0.0196 * mw_da.powf(0.6)
}

/// The catalogue.
pub const CATALOGUE: &[Active] = &[
    Active {
        name: "caffeine",
        aliases: &[],
        molecular_weight_da: 194.19,
        log_p: -0.07,
        hydrodynamic_radius_nm: None,
        source: "MW, log P: standard values (recalled, unverified); reference hydrophilic permeant",
        ionisation: IonisationKind::Neutral,
        pka: None,
        pka_source: "neutral at topical pH (conjugate-acid pKa ≈ 0.6; recalled, unverified)",
    },
    Active {
        name: "ascorbic_acid",
        aliases: &["vitamin_c", "l_ascorbic_acid"],
        molecular_weight_da: 176.12,
        log_p: -1.85,
        hydrodynamic_radius_nm: None,
        source: "MW, log P: standard values (recalled, unverified); log P of the neutral acid (the ionisation at the vehicle pH is applied through its pKa)",
        ionisation: IonisationKind::Acid,
        pka: Some(4.17),
        pka_source: "pKa₁ 4.17 (enediol; recalled, unverified)",
    },
    Active {
        name: "tranexamic_acid",
        aliases: &["txa"],
        molecular_weight_da: 157.21,
        log_p: -2.0,
        hydrodynamic_radius_nm: None,
        source: "MW from formula; log P not obtained: −2.0 assumed for a zwitterion",
        ionisation: IonisationKind::Neutral,
        pka: None,
        pka_source: "zwitterion (pKa ≈ 4.3 carboxyl, 10.6 amine; recalled, unverified): net-neutral but charged at every topical pH; one-group Henderson–Hasselbalch does not apply, so treated as neutral with the assumed zwitterion log P −2.0",
    },
    Active {
        name: "niacinamide",
        aliases: &["nicotinamide", "vitamin_b3"],
        molecular_weight_da: 122.12,
        log_p: -0.35,
        hydrodynamic_radius_nm: None,
        source: "log P: Bhattaccharjee, Beck-Broichsitter, Banga 2020, Pharmaceutics 12:472 (retrieved); MW from formula",
        ionisation: IonisationKind::Base,
        pka: Some(3.35),
        pka_source: "pyridine N pKa 3.35 (recalled, unverified)",
    },
    Active {
        name: "hyaluronic_acid_5kda",
        aliases: &["ha_5kda", "hyaluronic_acid_low"],
        molecular_weight_da: 5_000.0,
        log_p: -4.0,
        hydrodynamic_radius_nm: Some(3.3),
        source: "grade MW assumed (oligomer); log P assumed −4 (polyanion; irrelevant, the MW term dominates); R_h from the coil scaling",
        ionisation: IonisationKind::Acid,
        pka: Some(3.0),
        pka_source: "glucuronic-acid carboxyl pKa ≈ 3.0 (recalled, unverified); a polyanion",
    },
    Active {
        name: "hyaluronic_acid_50kda",
        aliases: &["ha_50kda", "hyaluronic_acid_medium"],
        molecular_weight_da: 50_000.0,
        log_p: -4.0,
        hydrodynamic_radius_nm: Some(13.0),
        source: "grade MW assumed; log P assumed −4; R_h from the coil scaling",
        ionisation: IonisationKind::Acid,
        pka: Some(3.0),
        pka_source: "glucuronic-acid carboxyl pKa ≈ 3.0 (recalled, unverified); a polyanion",
    },
    Active {
        name: "hyaluronic_acid_1mda",
        aliases: &["ha_1mda", "hyaluronic_acid_high", "hyaluronic_acid"],
        molecular_weight_da: 1.0e6,
        log_p: -4.0,
        hydrodynamic_radius_nm: Some(78.0),
        source: "grade MW assumed (high-MW HA); log P assumed −4; R_h from the coil scaling",
        ionisation: IonisationKind::Acid,
        pka: Some(3.0),
        pka_source: "glucuronic-acid carboxyl pKa ≈ 3.0 (recalled, unverified); a polyanion",
    },
    Active {
        name: "palmitoyl_pentapeptide_4",
        aliases: &["pal_kttks", "matrixyl", "peptide"],
        molecular_weight_da: 802.0,
        log_p: 1.0,
        hydrodynamic_radius_nm: None,
        source: "MW from sequence (≈ 802, reference §7); log P not obtained: 1.0 assumed (palmitoyl chain on a polar peptide)",
        ionisation: IonisationKind::Neutral,
        pka: None,
        pka_source: "not obtained: two lysines and a C-terminal carboxyl (several pKa); treated as neutral, assumed",
    },
    Active {
        name: "egf",
        aliases: &["human_egf", "epidermal_growth_factor"],
        molecular_weight_da: 6_200.0,
        log_p: -1.0,
        hydrodynamic_radius_nm: None,
        source: "MW ≈ 6.2 kDa, 53 amino acids (recalled, unverified); log P assumed −1 (irrelevant, the MW term dominates)",
        ionisation: IonisationKind::Neutral,
        pka: None,
        pka_source: "not obtained: a protein (many ionisable groups); treated as neutral, assumed (irrelevant, the size term dominates)",
    },
    Active {
        name: "retinol",
        aliases: &["vitamin_a"],
        molecular_weight_da: 286.45,
        log_p: 5.7,
        hydrodynamic_radius_nm: None,
        source: "MW, log P ≈ 5.7: often-quoted estimate (recalled, unverified)",
        ionisation: IonisationKind::Neutral,
        pka: None,
        pka_source: "not ionisable (recalled)",
    },
    Active {
        name: "hydroquinone",
        aliases: &[],
        molecular_weight_da: 110.11,
        log_p: 0.59,
        hydrodynamic_radius_nm: None,
        source: "MW, log P: standard values (recalled, unverified)",
        ionisation: IonisationKind::Acid,
        pka: Some(9.9),
        pka_source: "phenol pKa₁ ≈ 9.9 (recalled, unverified)",
    },
    Active {
        name: "kojic_acid",
        aliases: &[],
        molecular_weight_da: 142.11,
        log_p: -0.64,
        hydrodynamic_radius_nm: None,
        source: "MW, log P: standard values (recalled, unverified)",
        ionisation: IonisationKind::Acid,
        pka: Some(7.9),
        pka_source: "enol pKa ≈ 7.9 (recalled, unverified)",
    },
];

fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['-', ' '], "_")
}

/// Look an active up by name or alias (case-insensitive).
pub fn find(name: &str) -> Option<&'static Active> {
    let key = normalise(name);
    CATALOGUE.iter().find(|a| a.name == key || a.aliases.contains(&key.as_str()))
}

/// Canonical names, comma separated.
pub fn names() -> String {
    CATALOGUE.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_name_and_alias() {
        assert_eq!(find("Vitamin-C").unwrap().name, "ascorbic_acid");
        assert_eq!(find("caffeine").unwrap().molecular_weight_da, 194.19);
        assert!(find("unobtainium").is_none());
        for a in CATALOGUE {
            assert_eq!(find(a.name).unwrap().name, a.name);
        }
        let r = hyaluronic_acid_radius_nm(1.0e6);
        assert!((r - 78.0).abs() < 1.0, "{r}");
    }
}
