//! Pharmacodynamics of the depigmenting actives: how strongly each one inhibits lesional
//! melanogenesis at a given free concentration at the basal layer (where the melanocytes sit),
//! one entry per active, each with its source and confidence mark.
//!
//! ```text
//! I(u)   = I_max·u/(u + IC50)                 u: free (water-equivalent) concentration, µg/mL
//! Φ      = ∫ I(u(t)) dt                        inhibition-days of one exposure (a session's dose)
//! tail   = (I_max/k)·ln(1 + u_end/IC50)        ∫ of I over an exponential decay u_end·e^(−k t)
//! ```
//!
//! The effect is taken to follow the concentration (direct E_max model). A persistence
//! (`offset_d`, the time the effect takes to wear off once the active has gone) moves the
//! effect later in time but, for a first-order offset, adds no area; since lesional melanin
//! clears over ≈ 40 d, what matters to the MASI is the area Φ, not its shape. Sources and
//! confidence: `docs/model/outcomes.md` § 7.

use serde::Serialize;

/// Pharmacodynamics of one depigmenting active.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DepigmentingPd {
    /// Canonical name (as in the transport catalogue).
    pub name: &'static str,
    /// Other accepted names (as in the transport catalogue).
    pub aliases: &'static [&'static str],
    /// Molecular weight, Da (to convert µmol/L to µg/mL).
    pub molecular_weight_da: f64,
    /// Free concentration at the melanocyte that halves the active's maximal inhibition of
    /// melanogenesis, µmol/L.
    pub ic50_umol_per_l: f64,
    /// Largest fraction of lesional melanogenesis the active can suppress, [0, 0.99].
    pub max_inhibition: f64,
    /// Time for the effect to wear off after the active has gone, d (spreads a session's
    /// effect; adds no area).
    pub offset_d: f64,
    /// How it acts.
    pub mechanism: &'static str,
    /// Source and confidence of IC50, I_max and offset.
    pub source: &'static str,
}

impl DepigmentingPd {
    /// IC50 in µg/mL.
    pub fn ic50_ug_per_ml(&self) -> f64 {
        self.ic50_umol_per_l * self.molecular_weight_da * 1e-3
    }

    /// Fractional inhibition of melanogenesis at free concentration `u_ug_per_ml` (≥ 0; a
    /// negative or non-finite value counts as 0): the E_max model of
    /// [`mnsim_core::pharmacodynamics::emax`].
    pub fn inhibition(&self, u_ug_per_ml: f64) -> f64 {
        mnsim_core::pharmacodynamics::emax(u_ug_per_ml, self.max_inhibition, self.ic50_ug_per_ml())
    }

    /// Inhibition-days of one exposure: ∫ I(u(t)) dt over the samples `(times_h, u)` (trapezoid,
    /// from u = 0 at t = 0 unless the first sample is at 0), plus the tail of an exponential
    /// decay of rate `tail_rate_per_h` (> 0) after the last sample. Returns days
    /// ([`mnsim_core::pharmacodynamics::emax_exposure_d`]).
    pub fn exposure_inhibition_d(&self, times_h: &[f64], u_ug_per_ml: &[f64], tail_rate_per_h: f64) -> f64 {
        mnsim_core::pharmacodynamics::emax_exposure_d(
            times_h,
            u_ug_per_ml,
            tail_rate_per_h,
            self.max_inhibition,
            self.ic50_ug_per_ml(),
        )
    }
}

/// The depigmenting actives of the transport catalogue with a pharmacodynamics.
pub const DEPIGMENTING_PD: &[DepigmentingPd] = &[
    DepigmentingPd {
        name: "tranexamic_acid",
        aliases: &["txa"],
        molecular_weight_da: 157.21,
        ic50_umol_per_l: 31.8,
        max_inhibition: 0.5,
        offset_d: 1.0,
        mechanism: "antiplasmin: blocks the keratinocyte plasminogen/plasmin (uPA) signal that activates melanocytes; no direct effect on tyrosinase",
        source: "IC50 = 5 µg/mL (31.8 µM), derived: TXA acts on melanocytes only through the keratinocyte plasminogen/plasmin system (0.5–5 mM had no effect on tyrosinase in melanocytes alone and reduced it with keratinocyte-conditioned medium; Maeda & Tomita 2007 J Health Sci 53:389, abstract, retrieved), and plasmin-mediated fibrinolysis is partly inhibited at 5–10 mg/L and substantially at 10–15 mg/L (Picetti et al. 2019 Blood Coagul Fibrinolysis 30:1, systematic review, abstract, retrieved); the lower end of the partly inhibitory range is taken as half-maximal. I_max 0.5 assumed, because TXA removes only the paracrine (keratinocyte) share of melanocyte activation. Offset 1 d assumed (turnover of the paracrine mediators; not retrieved)",
    },
    DepigmentingPd {
        name: "hydroquinone",
        aliases: &[],
        molecular_weight_da: 110.11,
        ic50_umol_per_l: 16.3,
        max_inhibition: 0.9,
        offset_d: 7.0,
        mechanism: "tyrosinase substrate/inhibitor and melanocytotoxic",
        source: "IC50 16.3 µM for melanin production in human melanocyte culture (Mann et al. 2018 J Invest Dermatol 138:1601, abstract, retrieved; human tyrosinase itself is inhibited only at millimolar levels). I_max 0.9 assumed, because the melanocyte culture inhibition is near complete; offset 7 d assumed, because the same abstract reports the inhibition as irreversible in culture (melanogenic capacity must be rebuilt) but gives no recovery time",
    },
    DepigmentingPd {
        name: "kojic_acid",
        aliases: &[],
        molecular_weight_da: 142.11,
        ic50_umol_per_l: 500.0,
        max_inhibition: 0.9,
        offset_d: 0.0,
        mechanism: "copper-chelating tyrosinase inhibitor (reversible)",
        source: "IC50 > 500 µM for recombinant human tyrosinase (Mann et al. 2018 J Invest Dermatol 138:1601, abstract, retrieved): 500 µM used, a lower bound, so the model overstates kojic acid if anything. I_max 0.9 assumed (a tyrosinase inhibitor can block the enzyme fully); offset 0 assumed (reversible competitive inhibition)",
    },
    DepigmentingPd {
        name: "ascorbic_acid",
        aliases: &["vitamin_c", "l_ascorbic_acid"],
        molecular_weight_da: 176.12,
        ic50_umol_per_l: 450.0,
        max_inhibition: 0.9,
        offset_d: 0.0,
        mechanism: "reduces dopaquinone and inhibits tyrosinase (weak)",
        source: "IC50 400–500 µM in an in-vitro tyrosinase inhibition assay (Park et al. 2003 J Soc Cosmet Sci Korea 29:151, abstract, retrieved; mushroom tyrosinase assumed, the abstract does not say); 450 µM used. I_max 0.9 and offset 0 assumed, as for kojic acid",
    },
    DepigmentingPd {
        name: "niacinamide",
        aliases: &["nicotinamide", "vitamin_b3"],
        molecular_weight_da: 122.12,
        ic50_umol_per_l: 1000.0,
        max_inhibition: 0.68,
        offset_d: 1.0,
        mechanism: "inhibits melanosome transfer to keratinocytes (no effect on tyrosinase or melanocyte melanogenesis)",
        source: "I_max 0.68: 35–68 % inhibition of melanosome transfer in keratinocyte–melanocyte coculture, no effect on tyrosinase (Hakozaki et al. 2002 Br J Dermatol 147:20, abstract, retrieved), upper end taken. Offset 1 d derived: transfer resumed normally 3 days after niacinamide was removed (Greatens et al. 2005 Exp Dermatol 14:498, abstract, retrieved), ≈ 3 time constants. IC50 1 mM assumed, because the coculture concentrations are not in either abstract (millimolar recalled, unverified)",
    },
];

fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['-', ' '], "_")
}

/// The pharmacodynamics of a depigmenting active by name or alias (case-insensitive); `None`
/// for an active that is not depigmenting.
pub fn find_pd(name: &str) -> Option<&'static DepigmentingPd> {
    let key = normalise(name);
    DEPIGMENTING_PD.iter().find(|a| a.name == key || a.aliases.contains(&key.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inhibition_is_monotone_bounded_and_half_at_ic50() {
        for pd in DEPIGMENTING_PD {
            assert!(pd.ic50_umol_per_l > 0.0 && pd.max_inhibition > 0.0 && pd.max_inhibition < 1.0, "{}", pd.name);
            let mut last = 0.0;
            for k in 0..200 {
                let u = 1e-4 * 1.15f64.powi(k);
                let i = pd.inhibition(u);
                assert!(i.is_finite() && i >= last && i < pd.max_inhibition, "{} at {u}: {i}", pd.name);
                last = i;
            }
            let half = pd.inhibition(pd.ic50_ug_per_ml());
            assert!((half - 0.5 * pd.max_inhibition).abs() < 1e-12, "{}", pd.name);
            assert_eq!(pd.inhibition(f64::NAN), 0.0);
            assert_eq!(pd.inhibition(-1.0), 0.0);
        }
    }

    #[test]
    fn exposure_area_grows_with_concentration_and_tail() {
        let pd = find_pd("TXA").unwrap();
        let t = [0.25, 1.0, 4.0, 24.0];
        let base = [1.0, 2.0, 1.0, 0.5];
        let mut last = 0.0;
        for f in [0.0, 0.1, 1.0, 10.0, 100.0] {
            let u: Vec<f64> = base.iter().map(|x| x * f).collect();
            let a = pd.exposure_inhibition_d(&t, &u, 0.1);
            assert!(a.is_finite() && a >= last, "{f}: {a}");
            last = a;
        }
        // a constant concentration for one day gives I·1 d (+ tail)
        let u = [3.0, 3.0];
        let a = pd.exposure_inhibition_d(&[0.0, 24.0], &u, f64::INFINITY);
        assert!((a - pd.inhibition(3.0)).abs() < 1e-12, "{a}");
        assert!(pd.exposure_inhibition_d(&[0.0, 24.0], &u, 0.05) > a);
        assert_eq!(pd.exposure_inhibition_d(&[], &[], 0.1), 0.0);
    }

    #[test]
    fn names_and_aliases() {
        assert_eq!(find_pd("Vitamin-C").unwrap().name, "ascorbic_acid");
        assert_eq!(find_pd("nicotinamide").unwrap().name, "niacinamide");
        assert!(find_pd("caffeine").is_none());
        assert!(find_pd("hyaluronic_acid").is_none());
    }
}
