//! Actives that act on the healing cascade: how a topical's free concentration at the basal
//! layer raises fibroblast collagen synthesis and keratinocyte proliferation, one entry per
//! active, each with its source and confidence mark (`docs/model/healing.md` § 10).
//!
//! ```text
//! g_c(u) = g_c,max·u/(u + EC50)      collagen synthesis:  Q_h, Q_a × (1 + g_c)   (papillary dermis)
//! g_k(u) = g_k,max·u/(u + EC50)      keratinocyte turnover target: 1 + … + g_k   (epidermis)
//! ```
//!
//! Both follow the direct E_max model of [`mnsim_core::pharmacodynamics`]. What a course of
//! an active does to the tissue is a list of [`ActiveEffect`] windows (a serum's exposure after
//! each session, a daily home topical's steady state) passed to the simulation in
//! [`crate::HealingSettings::active_effects`]; the concentrations come from the transport model
//! (`mnsim-sim` builds the windows).
//!
//! ```
//! use mnsim_healing::actives::find_healing_pd;
//! let retinol = find_healing_pd("vitamin_a").unwrap();
//! let g = retinol.gains(retinol.ec50_ug_per_ml());
//! assert!((g.keratinocyte - 0.5 * retinol.max_keratinocyte_gain).abs() < 1e-12);
//! // hyaluronic acid hydrates; it has no modelled effect on the cascade
//! assert_eq!(find_healing_pd("hyaluronic_acid_1mda").unwrap().gains(1e3).collagen_synthesis, 0.0);
//! ```

use mnsim_core::pharmacodynamics::emax;
use serde::{Deserialize, Serialize};

/// Fractional increases an active gives at one concentration (0 = no effect).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ActiveGains {
    /// Increase of fibroblast collagen synthesis (homeostatic and wound-activated), fraction.
    pub collagen_synthesis: f64,
    /// Increase of the keratinocyte turnover (proliferation) target, fraction of homeostasis.
    pub keratinocyte: f64,
}

impl ActiveGains {
    /// Component-wise sum (two actives at once add their effects; assumed, no interaction data).
    pub fn plus(self, o: ActiveGains) -> ActiveGains {
        ActiveGains {
            collagen_synthesis: self.collagen_synthesis + o.collagen_synthesis,
            keratinocyte: self.keratinocyte + o.keratinocyte,
        }
    }

    /// Whether both gains are zero.
    pub fn is_zero(&self) -> bool {
        self.collagen_synthesis == 0.0 && self.keratinocyte == 0.0
    }
}

/// An active's effect over a time window of the course: constant gains from `from_d` to `to_d`
/// (days from the start of the course, the first session's time 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ActiveEffect {
    /// Start, d.
    pub from_d: f64,
    /// End, d (≥ `from_d`).
    pub to_d: f64,
    /// Gains held over the window.
    pub gains: ActiveGains,
}

/// Sum of the gains of the windows that hold at time `t_d`, [from_d, to_d).
pub fn gains_at(effects: &[ActiveEffect], t_d: f64) -> ActiveGains {
    effects.iter().filter(|e| t_d >= e.from_d && t_d < e.to_d).fold(ActiveGains::default(), |a, e| a.plus(e.gains))
}

/// Largest gain a window may hold (validation bound): ten times the homeostatic rate.
pub const MAX_ACTIVE_GAIN: f64 = 10.0;

/// Pharmacodynamics of one active on the healing cascade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HealingPd {
    /// Canonical name (as in the transport catalogue).
    pub name: &'static str,
    /// Other accepted names (as in the transport catalogue).
    pub aliases: &'static [&'static str],
    /// Molecular weight, Da (to convert µmol/L to µg/mL).
    pub molecular_weight_da: f64,
    /// Free concentration giving half of the maximal effect over none at all, µmol/L.
    pub ec50_umol_per_l: f64,
    /// Concentration the tissue already holds without the topical, µmol/L (0 for a substance
    /// the skin does not hold): the topical adds to it, so a tissue near saturation gains little.
    pub endogenous_umol_per_l: f64,
    /// Largest increase of fibroblast collagen synthesis, fraction.
    pub max_collagen_synthesis_gain: f64,
    /// Largest increase of keratinocyte proliferation (turnover target), fraction.
    pub max_keratinocyte_gain: f64,
    /// What it acts on in the cascade, in a few words (`mnsim actives` shows it).
    pub acts_on: &'static str,
    /// How it acts (and, for an active without an effect, why none is modelled).
    pub mechanism: &'static str,
    /// Source and confidence of EC50 and the maximal gains.
    pub source: &'static str,
}

impl HealingPd {
    /// EC50 in µg/mL.
    pub fn ec50_ug_per_ml(&self) -> f64 {
        self.ec50_umol_per_l * self.molecular_weight_da * 1e-3
    }

    /// Gains at the free concentration `u_ug_per_ml` the topical adds (negative or non-finite:
    /// 0), over the tissue's own level u₀: g = (S(u₀ + u) − S(u₀))/(1 + S(u₀)), S = E_max model
    /// of the effect over none at all. With u₀ = 0 this is S(u).
    pub fn gains(&self, u_ug_per_ml: f64) -> ActiveGains {
        let ec50 = self.ec50_ug_per_ml();
        let u0 = self.endogenous_umol_per_l * self.molecular_weight_da * 1e-3;
        let u = if u_ug_per_ml.is_finite() { u_ug_per_ml.max(0.0) } else { 0.0 };
        let over_own = |e_max: f64| {
            let own = emax(u0, e_max, ec50);
            (emax(u0 + u, e_max, ec50) - own) / (1.0 + own)
        };
        ActiveGains {
            collagen_synthesis: over_own(self.max_collagen_synthesis_gain),
            keratinocyte: over_own(self.max_keratinocyte_gain),
        }
    }

    /// The largest gains the topical can add over the tissue's own level (u → ∞).
    pub fn ceiling(&self) -> ActiveGains {
        self.gains(f64::MAX / 4.0)
    }

    /// Whether the active has any modelled effect on the cascade.
    pub fn acts(&self) -> bool {
        self.max_collagen_synthesis_gain > 0.0 || self.max_keratinocyte_gain > 0.0
    }
}

/// The actives of the transport catalogue with a healing pharmacodynamics (hyaluronic acid
/// entries hold no effect, on purpose: they hydrate).
pub const HEALING_PD: &[HealingPd] = &[
    HealingPd {
        name: "ascorbic_acid",
        aliases: &["vitamin_c", "l_ascorbic_acid"],
        molecular_weight_da: 176.12,
        ec50_umol_per_l: 16.7,
        endogenous_umol_per_l: 50.0,
        max_collagen_synthesis_gain: 1.0,
        max_keratinocyte_gain: 0.0,
        acts_on: "collagen",
        mechanism: "cofactor of prolyl and lysyl hydroxylases: raises collagen synthesis and secretion by fibroblasts; the dermis already holds ascorbate from plasma, so a topical adds at most 14 % (E_max 1 over none, 75 % of it already reached at 50 µM)",
        source: "E_max 1 (2-fold): ascorbate 2-phosphate at 0.1–1 mM doubled the relative rate of collagen synthesis of human skin fibroblasts over 3 weeks (Hata & Senoo 1989, J Cell Physiol 138:8, abstract, retrieved; the often-quoted 8-fold is for ascorbate-free medium and its source was not retrieved). EC50 16.7 µM derived: stimulation maximal at 0.15 mM in fibroblasts of 30 women aged 19–70 (Dumas et al. 1996, C R Acad Sci III 319:1127, abstract, retrieved), taken as 90 % of E_max, 0.15 mM/9. Endogenous 50 µM: plasma ascorbate of a replete adult (recalled, unverified), taken as the dermal interstitial level (assumed). Topical vitamin C raised collagen I and III mRNA in vivo, most in women with the lowest dietary vitamin C (Nusgens et al. 2001, J Invest Dermatol 116:853, abstract, retrieved, qualitative), which the endogenous term reproduces in kind",
    },
    HealingPd {
        name: "retinol",
        aliases: &["vitamin_a"],
        molecular_weight_da: 286.45,
        ec50_umol_per_l: 4320.0,
        endogenous_umol_per_l: 0.0,
        max_collagen_synthesis_gain: 0.8,
        max_keratinocyte_gain: 0.5,
        acts_on: "collagen, keratinocytes",
        mechanism: "converted to retinoic acid in the skin; retinoic acid receptors raise procollagen I synthesis by fibroblasts and keratinocyte proliferation (acanthosis: a thicker viable epidermis) and speed melanin loss through turnover",
        source: "collagen E_max 0.8: procollagen I protein 1.8-fold after 0.4 % retinol for 4 weeks in aged forearm skin (Cosmetics 2016, 3:35, retrieved) and collagen I formation +80 % after 0.1 % tretinoin for 10–12 months (Griffiths et al. 1993, N Engl J Med 329:530, abstract, retrieved). Keratinocyte E_max 0.5 assumed, because tretinoin and retinol thicken the epidermis dose-dependently and substantially within a month, held for 12 months of use (Bhawan et al. 1991, Arch Dermatol 127:666; PMID 8520058; Duell et al. 1997, J Invest Dermatol 109:301; abstracts, retrieved), but no abstract gives the size. EC50 4320 µM derived on the model's own uptake, so that the dose–response holds on product strength as measured: retinol's response under occlusion was linear from the lowest significant strength, 0.025 %, and no longer linear above 0.25 % (Duell et al. 1997, retrieved), so EC50 is the steady basal-layer free concentration `mnsim_sim::home_care_dose` gives for 0.25 % (2.5 mg/mL) once daily on the cheek, 1238 µg/mL. The absolute figure is not physical (the transport model over-predicts the uptake of a log P 5.7 solute, case KP21, having no solubility limit); an in-vitro EC50 (retinoic acid's keratinocyte optimum 0.5 µg/mL, PMID 2476509, retrieved, ×25 for retinol's potency from Duell's thresholds, ≈ 4.6 µM) would saturate at every cosmetic strength in this model",
    },
    HealingPd {
        name: "egf",
        aliases: &["human_egf", "epidermal_growth_factor"],
        molecular_weight_da: 6_200.0,
        ec50_umol_per_l: 1.79e-5,
        endogenous_umol_per_l: 0.0,
        max_collagen_synthesis_gain: 0.0,
        max_keratinocyte_gain: 0.8,
        acts_on: "keratinocytes",
        mechanism: "EGF receptor on keratinocytes: proliferation and migration at the wound edge (faster re-epithelialisation, transient hyperplasia); no direct collagen effect modelled",
        source: "E_max 0.8: the related HB-EGF raised human keratinocyte numbers 1.8-fold at its optimum of 1 ng/mL over 4 days (abstract retrieved; its attribution to Hashimoto et al. 1994, J Biol Chem, recalled; no EGF dose–response was retrieved). EC50 0.11 ng/mL (1.79 × 10⁻⁵ µM) derived: the optimum taken as 90 % of E_max. In vivo checks, not fitted: 10 µg/mL EGF healed human donor sites ≈ 1–1.5 d sooner (Brown et al. 1989, N Engl J Med 321:76, retrieved); in pigs it doubled the rate of epidermal regeneration, the hyperplasia remodelling to normal 2 weeks after healing (Brown et al., retrieved)",
    },
    HealingPd {
        name: "palmitoyl_pentapeptide_4",
        aliases: &["pal_kttks", "matrixyl", "peptide"],
        molecular_weight_da: 802.0,
        ec50_umol_per_l: 1.0,
        endogenous_umol_per_l: 0.0,
        max_collagen_synthesis_gain: 0.0,
        max_keratinocyte_gain: 0.0,
        acts_on: "nothing modelled (no dose–response on file)",
        mechanism: "a procollagen I fragment (KTTKS) that stimulates collagen I and III production in vitro; not modelled (gain 0), because no concentration–response or in-vivo size was retrieved",
        source: "Katayama et al. 1993, J Biol Chem 268:9941 (in vitro, qualitative, abstract, retrieved); Robinson et al. 2005, Int J Cosmet Sci 27:155 (3 ppm, 12 weeks, split-face, wrinkles reduced; no effect size in the abstract, retrieved). EC50 1 µM is a placeholder of a zero effect",
    },
    hyaluronic_acid("hyaluronic_acid_5kda", &["ha_5kda", "hyaluronic_acid_low"], 5_000.0),
    hyaluronic_acid("hyaluronic_acid_50kda", &["ha_50kda", "hyaluronic_acid_medium"], 50_000.0),
    hyaluronic_acid("hyaluronic_acid_1mda", &["ha_1mda", "hyaluronic_acid_high", "hyaluronic_acid"], 1_000_000.0),
];

/// A hyaluronic acid of one size: held in the table with no effect on the cascade.
const fn hyaluronic_acid(name: &'static str, aliases: &'static [&'static str], molecular_weight_da: f64) -> HealingPd {
    HealingPd {
        name,
        aliases,
        molecular_weight_da,
        ec50_umol_per_l: 1.0,
        endogenous_umol_per_l: 0.0,
        max_collagen_synthesis_gain: 0.0,
        max_keratinocyte_gain: 0.0,
        acts_on: "hydration only (no effect on healing)",
        mechanism: HA_MECHANISM,
        source: HA_SOURCE,
    }
}

const HA_MECHANISM: &str =
    "a humectant: hydration (and elasticity) only; no effect on the healing cascade is modelled, on purpose";
const HA_SOURCE: &str = "0.1 % HA of 50–2000 kDa twice daily for 60 days improved hydration and elasticity at every size, wrinkle depth only at 50 and 130 kDa (Pavicic et al. 2011, J Drugs Dermatol 10:990, secondary summary, retrieved); no primary evidence was retrieved that topical HA of these sizes stimulates collagen synthesis (only 2 kDa oligosaccharides, PMC10084258). EC50 1 µM is a placeholder of a zero effect";

fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['-', ' '], "_")
}

/// The healing pharmacodynamics of an active by name or alias (case-insensitive), or of a free
/// name that holds one as whole words (`retinol_serum`, not `vegf`); `None` for an active the
/// table does not hold.
pub fn find_healing_pd(name: &str) -> Option<&'static HealingPd> {
    let key = normalise(name);
    HEALING_PD.iter().find(|a| a.name == key || a.aliases.contains(&key.as_str())).or_else(|| {
        HEALING_PD.iter().find(|a| {
            key.split('_').collect::<Vec<_>>().windows(a.name.split('_').count()).any(|w| w.join("_") == a.name)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gains_are_monotone_bounded_and_half_at_ec50() {
        for pd in HEALING_PD {
            assert!(pd.ec50_umol_per_l > 0.0 && pd.molecular_weight_da > 0.0, "{}", pd.name);
            assert!((0.0..=MAX_ACTIVE_GAIN).contains(&pd.max_collagen_synthesis_gain), "{}", pd.name);
            assert!((0.0..=MAX_ACTIVE_GAIN).contains(&pd.max_keratinocyte_gain), "{}", pd.name);
            let mut last = ActiveGains::default();
            for k in 0..200 {
                let g = pd.gains(1e-5 * 1.2f64.powi(k));
                assert!(g.collagen_synthesis >= last.collagen_synthesis && g.keratinocyte >= last.keratinocyte);
                assert!(
                    g.collagen_synthesis <= pd.max_collagen_synthesis_gain
                        && g.keratinocyte <= pd.max_keratinocyte_gain
                );
                last = g;
            }
            if pd.endogenous_umol_per_l == 0.0 {
                let half = pd.gains(pd.ec50_ug_per_ml());
                assert!((half.collagen_synthesis - 0.5 * pd.max_collagen_synthesis_gain).abs() < 1e-12, "{}", pd.name);
                assert!((half.keratinocyte - 0.5 * pd.max_keratinocyte_gain).abs() < 1e-12, "{}", pd.name);
            }
            assert!(pd.gains(f64::NAN).is_zero() && pd.gains(-1.0).is_zero());
            assert!(!pd.source.is_empty() && !pd.mechanism.is_empty() && !pd.acts_on.is_empty());
        }
    }

    #[test]
    fn a_tissue_that_holds_the_active_gains_less() {
        // ascorbate: E_max 1 over none, 75 % of it reached at the endogenous 50 µM → ceiling 1/7
        let c = find_healing_pd("ascorbic_acid").unwrap().ceiling().collagen_synthesis;
        let own = 50.0 / (50.0 + 16.7);
        assert!((c - (1.0 - own) / (1.0 + own)).abs() < 1e-9, "{c}");
        assert!(c < 0.15 && c > 0.13, "{c}");
        let r = find_healing_pd("retinol").unwrap().ceiling();
        assert!((r.collagen_synthesis - 0.8).abs() < 1e-9 && (r.keratinocyte - 0.5).abs() < 1e-9);
    }

    #[test]
    fn names_aliases_and_free_names() {
        assert_eq!(find_healing_pd("Vitamin-C").unwrap().name, "ascorbic_acid");
        assert_eq!(find_healing_pd("retinol_serum").unwrap().name, "retinol");
        assert!(!find_healing_pd("hyaluronic_acid").unwrap().acts());
        assert!(find_healing_pd("caffeine").is_none());
        assert!(find_healing_pd("vegf").is_none());
        assert_eq!(find_healing_pd("topical_egf_gel").unwrap().name, "egf");
    }

    #[test]
    fn windows_hold_on_half_open_intervals_and_add() {
        let g = |c| ActiveGains { collagen_synthesis: c, keratinocyte: 0.0 };
        let e = [
            ActiveEffect { from_d: 0.0, to_d: 2.0, gains: g(0.5) },
            ActiveEffect { from_d: 1.0, to_d: 3.0, gains: g(0.25) },
        ];
        assert_eq!(gains_at(&e, -0.1).collagen_synthesis, 0.0);
        assert_eq!(gains_at(&e, 0.0).collagen_synthesis, 0.5);
        assert_eq!(gains_at(&e, 1.5).collagen_synthesis, 0.75);
        assert_eq!(gains_at(&e, 2.0).collagen_synthesis, 0.25);
        assert_eq!(gains_at(&e, 3.0).collagen_synthesis, 0.0);
    }
}
