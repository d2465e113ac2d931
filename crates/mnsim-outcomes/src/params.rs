//! Every parameter of the outcome mappings, with its unit, default and source. Kept in one
//! struct so that an ensemble can jitter them (see [`crate::ensemble`]).
//!
//! Sources are given as in `shared/reference/`: **retrieved**, **derived**, **recalled**
//! (not re-read; used only as a placeholder), or **assumed, because …**.

use crate::error::{OutcomeError, check, check_pos};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of the outcome mappings. `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeParams {
    // ---- collagen and elastin ----
    /// Type I share of dermal collagen at baseline (≈ 80 %; transport-healing.md §5,
    /// secondary/recalled textbook figure).
    pub collagen_i_share: f64,
    /// Type III share of dermal collagen at baseline (≈ 15 %; same source).
    pub collagen_iii_share: f64,
    /// Half-life of pre-existing dermal collagen, d (≈ 15 y, Verzijl et al. 2000; recalled,
    /// used only to estimate the new-collagen fraction when none is given).
    pub old_collagen_half_life_d: f64,

    // ---- thickness ----
    /// Thickness of the 20–22 MHz HFUS entry echo, µm (0.17–0.22 mm, Meng et al. 2022 BMC Med
    /// Imaging 22:113 Table 2, retrieved; 200 µm = women's cheek value).
    pub hfus_entry_echo_um: f64,

    // ---- stiffness and suction test ----
    /// Share of small-strain dermal stiffness carried by the collagen network (the rest by
    /// elastic fibres). Assumed 0.9, because collagen is ≈ 75 % of dermal dry weight and
    /// elastin only 2–4 % (recalled), while elastin carries relatively more load at the small
    /// strains of a suction test.
    pub stiffness_collagen_weight: f64,
    /// Exponent of dermal stiffness on collagen content, E ∝ C^n. Assumed 2, because the
    /// modulus of fibrous collagen networks scales about quadratically with density
    /// (recalled, collagen-gel rheology, exponents 2–2.5).
    pub stiffness_collagen_exponent: f64,
    /// Share of elastic recoil after suction carried by elastic fibres (rest: collagen network).
    /// Assumed 0.5, because the elastic-fibre network is the skin's recoil element while the
    /// tensed collagen network also stores energy.
    pub recoil_elastin_weight: f64,
    /// Exponent of the suction deformation on dermal thickness, U ∝ h^-m. Assumed 1, between
    /// a half-space (m = 0) and a thin clamped plate in bending (m = 3).
    pub suction_thickness_exponent: f64,
    /// Reference dermal thickness for the suction deformation, µm (assumed: typical face).
    pub suction_reference_thickness_um: f64,
    /// Baseline Cutometer R0 (Uf, final deformation) at the reference thickness, mm, for a
    /// 2 mm probe at 450 mbar. Recalled: facial R0 typically 0.2–0.5 mm; 0.35 mm taken.
    pub cutometer_r0_ref_mm: f64,
    /// Baseline R2 (Ua/Uf, gross elasticity) at 20 y (recalled: ≈ 0.85–0.9 in young adults).
    pub cutometer_r2_at_20y: f64,
    /// Baseline R7 (Ur/Uf, biological elasticity) at 20 y (recalled: ≈ 0.6 in young adults).
    pub cutometer_r7_at_20y: f64,
    /// Decline of R2 and R7 with age, per year after 20 y (recalled: both fall by ≈ 0.2 from
    /// 20 to 70 y).
    pub cutometer_decline_per_y: f64,

    // ---- texture ----
    /// Exponent of wrinkle depth on dermal stiffness, W ∝ E^-b. Derived 1/3: wrinkle amplitude
    /// of a stiff film on a soft substrate ∝ ε_c^-1/2 well above threshold, with critical
    /// strain ε_c ∝ E_substrate^2/3 (Cerda & Mahadevan 2003, recalled).
    pub wrinkle_stiffness_exponent: f64,
    /// Exponent of wrinkle depth on dermal thickness, W ∝ h^-c. Assumed 1, because new dermal
    /// volume fills the fold in proportion.
    pub wrinkle_thickness_exponent: f64,
    /// Default baseline fine-line depth, µm, when the patient gives none (recalled: fine lines
    /// 50–150 µm, crow's feet 200–500 µm by profilometry; 150 µm taken).
    pub default_wrinkle_depth_um: f64,
    /// Default baseline roughness Ra, µm (recalled: facial replica Ra ≈ 15–30 µm; 20 taken).
    pub default_roughness_ra_um: f64,

    // ---- scars and striae ----
    /// New-matrix gain of scar tissue relative to the surrounding needled dermis. Assumed 3,
    /// because collagen-poor, disorganised scar tissue is remodelled preferentially (papillary
    /// collagen +53 % after needling of acne scars, Lotfi 2013 via the healing notes) and the
    /// rim rises with the surround; checked, not fitted, against the acne-scar rows.
    pub scar_response_gain: f64,
    /// Relative response of rolling / boxcar / ice-pick scars. Assumed 1 / 0.8 / 0.4, because
    /// needling is reported to work best on rolling and least on ice-pick scars (clinical
    /// consensus; no number retrieved).
    pub scar_kind_response: [f64; 3],
    /// Depth limits of Goodman–Baron-style grades 1|2, 2|3 and 3|4, µm. Assumed 50 / 150 /
    /// 400: below 50 µm a depression is not seen (macular); shallow boxcar scars are
    /// 100–500 µm deep (Jacob et al. 2001, recalled).
    pub grade_depth_limits_um: [f64; 3],
    /// Width/depth ratio below which a scar is not flattened by stretching (grade 4 from
    /// grade 3 depth). Assumed 2.5: steep-walled (ice-pick, deep boxcar) scars.
    pub grade_steep_ratio: f64,
    /// Relative response of striae rubra / alba (rubra respond better: Mohamed Ali et al.
    /// 2017, retrieved qualitative). Assumed 1 / 0.6.
    pub striae_kind_response: [f64; 2],

    // ---- pigmentation ----
    /// Time constant of melanin clearance by epidermal turnover, d (recalled: basal-to-shed
    /// transit 40–56 d; 40 taken).
    pub melanin_turnover_d: f64,
    /// Legacy amount rule (used only when a caller gives amounts without
    /// `DeliverySummary::session_inhibition_d`; mnsim itself gives inhibition-days from each
    /// active's own dose–response, [`crate::actives::DEPIGMENTING_PD`]): maximal fractional
    /// inhibition by the active delivered at a session. Assumed 0.5.
    pub active_max_inhibition: f64,
    /// Legacy amount rule: amount at the basal layer giving half the maximal inhibition,
    /// µg·cm⁻². Assumed 5 (superseded by the per-active IC50s of [`crate::actives`]).
    pub active_ec50_ug_per_cm2: f64,
    /// Legacy amount rule: how long one session's delivered active inhibits melanogenesis, d.
    /// Assumed 7 (superseded by the exposure from the transport's concentration course).
    pub active_effect_d: f64,
    /// Lesion excess melanin giving the maximal MASI darkness (4). Assumed 1 (lesion twice as
    /// pigmented as the surround).
    pub masi_full_darkness_excess: f64,
    /// Local excess melanin below which skin is seen as even. Assumed 0.1 (≈ one just
    /// noticeable colour difference).
    pub visible_excess_melanin: f64,
    /// Exponent of lesion lightness on melanin, L* ∝ (1 + excess)^-γ. Assumed 0.4 (a lesion
    /// 1.5× the surround is ≈ 10 L* units darker at L* ≈ 65).
    pub lightness_exponent: f64,

    // ---- barrier and erythema ----
    /// Resting TEWL, g·m⁻²·h⁻¹ (≈ 12 on the face; recalled; same value as mnsim-healing).
    pub tewl_baseline_g_m2_h: f64,
    /// TEWL of fully open epidermis relative to resting, minus 1 (open wounds ≈ 10× resting
    /// evaporation; recalled; same as mnsim-healing).
    pub tewl_open_gain: f64,
    /// Barrier counted as recovered when the TEWL excess is below this fraction of its peak
    /// excess after the session (assumed 0.1; same convention as mnsim-healing).
    pub tewl_recovered_fraction: f64,
    /// Inflammation level above which erythema is visible to the eye. Assumed 0.1, because a
    /// just-noticeable colour difference (ΔE ≈ 2.3, recalled) is ≈ 1/4 of the redness of an
    /// acute wound bed (Δa* ≈ 10, assumed).
    pub erythema_visible_threshold: f64,
    /// Inflammation level above which a colorimeter measures erythema (assumed 1/3 of the
    /// visible level).
    pub erythema_measurable_threshold: f64,
    /// Δa* (CIELAB redness) per unit inflammation. Assumed 10 (acute wound bed).
    pub erythema_a_star_per_unit: f64,

    // ---- clinical read-outs (crate::clinical; docs/model/outcomes.md § 11) ----
    /// Number of atrophic scars on the assessed face when the scenario's `scar.count` is not
    /// given. Assumed 15, because that is the middle of the Goodman–Baron 11–20 count band of a
    /// moderately scarred face; a real patient's count belongs in `scar.count`.
    pub default_scar_count: u32,
    /// Half-width of the spread of scar depths on one face, as a fraction of the modelled
    /// (median) scar depth: the N scars' baseline depths are the N mid-quantiles of a uniform
    /// distribution on d0·[1 − s, 1 + s]. Assumed 0.5, because acne scars of one face range
    /// over about a factor of three in depth (shallow boxcar 0.1–0.5 mm, Jacob et al. 2001,
    /// recalled).
    pub scar_depth_spread_fraction: f64,
    /// Depth below which a filled scar is no longer counted (resolved), µm. Assumed 10,
    /// because a 10 µm step is below the skin's own furrow relief (primary and secondary lines
    /// 20–200 µm deep, Bibb 2006 "Medical Modelling" § 6.17.3, retrieved excerpt); scar colour
    /// (erythematous or pigmented macules) is not modelled.
    pub scar_resolved_depth_um: f64,
    /// Upper wrinkle depth of Lemperle grades 0, 1, 2, 3 and 4, µm (grade 5 above the last).
    /// Lemperle et al. 2001 (Plast Reconstr Surg 108:1735) tied the 0–5 grades to profilometry
    /// depth; the only limit retrieved is grade 1 < 0.2 mm (nasolabial fold; Bibb 2006 § 6.17.3
    /// citing Lemperle, retrieved excerpt). 0|1 at 50 µm assumed (the same "not seen" limit as
    /// the macular scar grade); 2|3, 3|4, 4|5 at 400, 800, 1600 µm assumed (each grade doubles
    /// the depth).
    pub lemperle_depth_limits_um: [f64; 5],
    /// Wrinkle depth at the Fitzpatrick wrinkle classes I|II and II|III and at score 9, µm.
    /// Assumed 200 / 800 / 1600 (Fitzpatrick et al. 1996 Arch Dermatol 132:395 describe class I
    /// "fine", II "fine to moderately deep", III "fine to deep" wrinkles, recalled; the limits are
    /// put at the Lemperle "fine" (< 0.2 mm) and deep (grade 4) depths so the two scales agree).
    pub fitzpatrick_wrinkle_depth_limits_um: [f64; 3],
    /// Alexiades-Armenakas laxity and texture grade (0–4) of a 50-year-old when the scenario
    /// gives none. Assumed 2 ("moderate"), because facial rejuvenation trials enrol 44–65 y
    /// patients (WR01) whose laxity is typically graded moderate (recalled).
    pub aa_grade_at_50y: f64,
    /// Change of the default Alexiades-Armenakas grades with age, grades per year. Assumed
    /// 1/15, so that the default runs from 1 at 35 y to 3 at 65 y.
    pub aa_grade_per_y: f64,
    /// Exponent of the laxity grade on skin compliance: laxity = L0·(R0/R0_baseline)^k. Assumed
    /// 1, because sagging under a fixed (gravity) load scales with compliance, the inverse of
    /// the suction stiffness.
    pub aa_laxity_compliance_exponent: f64,
    /// Rz/Ra of the skin's microrelief in replica or fringe-projection profilometry. Assumed 5
    /// (recalled replica pairs: facial Ra 15–30 µm with Rz ≈ 70–150 µm).
    pub profilometry_rz_per_ra: f64,
    /// Width of a fine line over its depth (a V-groove). Assumed 4 (a 150 µm line ≈ 0.6 mm wide).
    pub wrinkle_width_per_depth: f64,
    /// Spacing of the treated lines across the profilometry field, µm. Assumed 2000 (crow's-feet
    /// lines 1.5–3 mm apart).
    pub wrinkle_spacing_um: f64,
    /// Echogenicity of a unit of collagen III relative to collagen I in 20–22 MHz HFUS. Assumed
    /// 0.3, because thin, randomly oriented type III fibrils scatter far less than type I
    /// bundles (new, immature matrix is hypoechoic; recalled).
    pub hfus_type_iii_relative_echo: f64,
    /// Fractional loss of dermal echogenicity at the inflammation of an acute wound bed
    /// (inflammation ≥ 1; oedema water is anechoic). Assumed 0.3 (an acute wound bed ≈ 30 % less
    /// echogenic); the loss is proportional below and saturates above.
    pub hfus_echo_loss_per_inflammation: f64,
    /// Mexameter melanin index (MI, 0–999) of normal facial skin by Fitzpatrick type I–VI.
    /// Recalled ranges (≈ 100–200 in types I–II, ≈ 500–800 in types V–VI); values assumed
    /// inside them: 120, 170, 230, 320, 450, 650.
    pub mexameter_mi_by_fitzpatrick: [f64; 6],
    /// Risk of post-inflammatory hyperpigmentation per session for skin types IV–V at the
    /// reference erythema. **Calibrated**: 5 of 30 patients (FST IV–V) after 5 monthly
    /// dermaroller sittings (Dogra et al. 2014, J Cosmet Dermatol, PMID 25196684, abstract,
    /// retrieved; case CA02's study) gives 1 − (25/30)^(1/5) = 0.0358 per session.
    pub pih_risk_per_session_ref: f64,
    /// Visible-erythema days per session at which `pih_risk_per_session_ref` holds, d. 2.5, the
    /// erythema the model is calibrated to after a dermaroller session (RS13, 2–3 d).
    pub pih_reference_erythema_d: f64,
    /// PIH risk relative to types IV–V, for Fitzpatrick types I–VI. Assumed 0.1, 0.1, 0.5, 1,
    /// 1, 1, because PIH is a complication of skin types III–VI (Manuskiatti et al. 2013, J Eur
    /// Acad Dermatol Venereol, abstract, retrieved) and no PIH was seen in 60 fractional
    /// photothermolysis visits in types I–IV (Fisher & Geronemus 2005, Dermatol Surg 31:1245,
    /// abstract, retrieved).
    pub pih_relative_risk_by_fitzpatrick: [f64; 6],
}

impl Default for OutcomeParams {
    fn default() -> Self {
        Self {
            collagen_i_share: 0.80,
            collagen_iii_share: 0.15,
            old_collagen_half_life_d: 15.0 * 365.25,
            hfus_entry_echo_um: 200.0,
            stiffness_collagen_weight: 0.9,
            stiffness_collagen_exponent: 2.0,
            recoil_elastin_weight: 0.5,
            suction_thickness_exponent: 1.0,
            suction_reference_thickness_um: 1000.0,
            cutometer_r0_ref_mm: 0.35,
            cutometer_r2_at_20y: 0.88,
            cutometer_r7_at_20y: 0.60,
            cutometer_decline_per_y: 0.004,
            wrinkle_stiffness_exponent: 1.0 / 3.0,
            wrinkle_thickness_exponent: 1.0,
            default_wrinkle_depth_um: 150.0,
            default_roughness_ra_um: 20.0,
            scar_response_gain: 3.0,
            scar_kind_response: [1.0, 0.8, 0.4],
            grade_depth_limits_um: [50.0, 150.0, 400.0],
            grade_steep_ratio: 2.5,
            striae_kind_response: [1.0, 0.6],
            melanin_turnover_d: 40.0,
            active_max_inhibition: 0.5,
            active_ec50_ug_per_cm2: 5.0,
            active_effect_d: 7.0,
            masi_full_darkness_excess: 1.0,
            visible_excess_melanin: 0.1,
            lightness_exponent: 0.4,
            tewl_baseline_g_m2_h: 12.0,
            tewl_open_gain: 10.0,
            tewl_recovered_fraction: 0.1,
            erythema_visible_threshold: 0.1,
            erythema_measurable_threshold: 0.1 / 3.0,
            erythema_a_star_per_unit: 10.0,
            default_scar_count: 15,
            scar_depth_spread_fraction: 0.5,
            scar_resolved_depth_um: 10.0,
            lemperle_depth_limits_um: [50.0, 200.0, 400.0, 800.0, 1600.0],
            fitzpatrick_wrinkle_depth_limits_um: [200.0, 800.0, 1600.0],
            aa_grade_at_50y: 2.0,
            aa_grade_per_y: 1.0 / 15.0,
            aa_laxity_compliance_exponent: 1.0,
            profilometry_rz_per_ra: 5.0,
            wrinkle_width_per_depth: 4.0,
            wrinkle_spacing_um: 2000.0,
            hfus_type_iii_relative_echo: 0.3,
            hfus_echo_loss_per_inflammation: 0.3,
            mexameter_mi_by_fitzpatrick: [120.0, 170.0, 230.0, 320.0, 450.0, 650.0],
            pih_risk_per_session_ref: 0.0358,
            pih_reference_erythema_d: 2.5,
            pih_relative_risk_by_fitzpatrick: [0.1, 0.1, 0.5, 1.0, 1.0, 1.0],
        }
    }
}

impl OutcomeParams {
    /// Check that every parameter is finite and in a range where the mappings are defined.
    pub fn validate(&self) -> Result<(), OutcomeError> {
        let p = self;
        check("collagen_i_share", p.collagen_i_share, 0.0, 1.0, "[0, 1]")?;
        check("collagen_iii_share", p.collagen_iii_share, 0.0, 1.0, "[0, 1]")?;
        check_pos("collagen_i_share + collagen_iii_share", p.collagen_i_share + p.collagen_iii_share, 1.0, "(0, 1]")?;
        check_pos("old_collagen_half_life_d", p.old_collagen_half_life_d, 1.0e6, "(0, 1e6] d")?;
        check("hfus_entry_echo_um", p.hfus_entry_echo_um, 0.0, 2000.0, "[0, 2000] µm")?;
        check("stiffness_collagen_weight", p.stiffness_collagen_weight, 0.0, 1.0, "[0, 1]")?;
        check("stiffness_collagen_exponent", p.stiffness_collagen_exponent, 0.0, 5.0, "[0, 5]")?;
        check("recoil_elastin_weight", p.recoil_elastin_weight, 0.0, 1.0, "[0, 1]")?;
        check("suction_thickness_exponent", p.suction_thickness_exponent, 0.0, 3.0, "[0, 3]")?;
        check_pos("suction_reference_thickness_um", p.suction_reference_thickness_um, 20_000.0, "(0, 20000] µm")?;
        check_pos("cutometer_r0_ref_mm", p.cutometer_r0_ref_mm, 5.0, "(0, 5] mm")?;
        check_pos("cutometer_r2_at_20y", p.cutometer_r2_at_20y, 1.0, "(0, 1]")?;
        check_pos("cutometer_r7_at_20y", p.cutometer_r7_at_20y, p.cutometer_r2_at_20y, "(0, cutometer_r2_at_20y]")?;
        check("cutometer_decline_per_y", p.cutometer_decline_per_y, 0.0, 0.01, "[0, 0.01] /y")?;
        check("wrinkle_stiffness_exponent", p.wrinkle_stiffness_exponent, 0.0, 3.0, "[0, 3]")?;
        check("wrinkle_thickness_exponent", p.wrinkle_thickness_exponent, 0.0, 3.0, "[0, 3]")?;
        check("default_wrinkle_depth_um", p.default_wrinkle_depth_um, 0.0, 5000.0, "[0, 5000] µm")?;
        check("default_roughness_ra_um", p.default_roughness_ra_um, 0.0, 1000.0, "[0, 1000] µm")?;
        check("scar_response_gain", p.scar_response_gain, 0.0, 100.0, "[0, 100]")?;
        for (i, &k) in p.scar_kind_response.iter().enumerate() {
            check(format!("scar_kind_response[{i}]"), k, 0.0, 10.0, "[0, 10]")?;
        }
        let g = p.grade_depth_limits_um;
        if !(g.iter().all(|x| x.is_finite() && *x > 0.0) && g[0] < g[1] && g[1] < g[2]) {
            return Err(OutcomeError::OutOfRange {
                field: "grade_depth_limits_um[0]".into(),
                value: g[0],
                allowed: "positive and increasing",
            });
        }
        check("grade_steep_ratio", p.grade_steep_ratio, 0.0, 100.0, "[0, 100]")?;
        for (i, &k) in p.striae_kind_response.iter().enumerate() {
            check(format!("striae_kind_response[{i}]"), k, 0.0, 10.0, "[0, 10]")?;
        }
        check_pos("melanin_turnover_d", p.melanin_turnover_d, 1000.0, "(0, 1000] d")?;
        check("active_max_inhibition", p.active_max_inhibition, 0.0, 0.99, "[0, 0.99]")?;
        check_pos("active_ec50_ug_per_cm2", p.active_ec50_ug_per_cm2, 1.0e6, "(0, 1e6] µg/cm²")?;
        check("active_effect_d", p.active_effect_d, 0.0, 1000.0, "[0, 1000] d")?;
        check_pos("masi_full_darkness_excess", p.masi_full_darkness_excess, 10.0, "(0, 10]")?;
        check_pos("visible_excess_melanin", p.visible_excess_melanin, 10.0, "(0, 10]")?;
        check("lightness_exponent", p.lightness_exponent, 0.0, 3.0, "[0, 3]")?;
        check_pos("tewl_baseline_g_m2_h", p.tewl_baseline_g_m2_h, 1000.0, "(0, 1000] g/m²/h")?;
        check("tewl_open_gain", p.tewl_open_gain, 0.0, 1000.0, "[0, 1000]")?;
        check_pos("tewl_recovered_fraction", p.tewl_recovered_fraction, 1.0, "(0, 1]")?;
        check_pos("erythema_visible_threshold", p.erythema_visible_threshold, 100.0, "(0, 100]")?;
        check_pos("erythema_measurable_threshold", p.erythema_measurable_threshold, 100.0, "(0, 100]")?;
        check("erythema_a_star_per_unit", p.erythema_a_star_per_unit, 0.0, 100.0, "[0, 100]")?;
        self.validate_clinical()
    }

    fn validate_clinical(&self) -> Result<(), OutcomeError> {
        let p = self;
        check("default_scar_count", f64::from(p.default_scar_count), 1.0, 1000.0, "1..=1000")?;
        check("scar_depth_spread_fraction", p.scar_depth_spread_fraction, 0.0, 0.99, "[0, 0.99]")?;
        check(
            "scar_resolved_depth_um",
            p.scar_resolved_depth_um,
            0.0,
            p.grade_depth_limits_um[0],
            "[0, grade_depth_limits_um[0]]",
        )?;
        increasing("lemperle_depth_limits_um", &p.lemperle_depth_limits_um)?;
        increasing("fitzpatrick_wrinkle_depth_limits_um", &p.fitzpatrick_wrinkle_depth_limits_um)?;
        check("aa_grade_at_50y", p.aa_grade_at_50y, 0.0, 4.0, "[0, 4]")?;
        check("aa_grade_per_y", p.aa_grade_per_y, 0.0, 1.0, "[0, 1] /y")?;
        check("aa_laxity_compliance_exponent", p.aa_laxity_compliance_exponent, 0.0, 5.0, "[0, 5]")?;
        check_pos("profilometry_rz_per_ra", p.profilometry_rz_per_ra, 100.0, "(0, 100]")?;
        check_pos("wrinkle_width_per_depth", p.wrinkle_width_per_depth, 100.0, "(0, 100]")?;
        check_pos("wrinkle_spacing_um", p.wrinkle_spacing_um, 100_000.0, "(0, 100000] µm")?;
        check("hfus_type_iii_relative_echo", p.hfus_type_iii_relative_echo, 0.0, 1.0, "[0, 1]")?;
        check("hfus_echo_loss_per_inflammation", p.hfus_echo_loss_per_inflammation, 0.0, 1.0, "[0, 1]")?;
        increasing("mexameter_mi_by_fitzpatrick", &p.mexameter_mi_by_fitzpatrick)?;
        if let Some(&hi) = p.mexameter_mi_by_fitzpatrick.last() {
            check("mexameter_mi_by_fitzpatrick[5]", hi, 0.0, 999.0, "(0, 999]")?;
        }
        check("pih_risk_per_session_ref", p.pih_risk_per_session_ref, 0.0, 1.0, "[0, 1]")?;
        check_pos("pih_reference_erythema_d", p.pih_reference_erythema_d, 365.0, "(0, 365] d")?;
        for (i, &r) in p.pih_relative_risk_by_fitzpatrick.iter().enumerate() {
            check(format!("pih_relative_risk_by_fitzpatrick[{i}]"), r, 0.0, 100.0, "[0, 100]")?;
        }
        Ok(())
    }
}

/// Positive, finite and strictly increasing limits.
fn increasing(field: &'static str, v: &[f64]) -> Result<(), OutcomeError> {
    let ok = v.iter().all(|x| x.is_finite() && *x > 0.0) && v.windows(2).all(|w| w[0] < w[1]);
    if ok {
        Ok(())
    } else {
        Err(OutcomeError::OutOfRange { field: format!("{field}[0]"), value: v[0], allowed: "positive and increasing" })
    }
}
