//! All outcomes of one run, their flat summary (for `results.json` under `outcomes`) and a
//! short generated "what this means" sentence per benefit (for the HTML report).

use crate::barrier::{BarrierOutcome, barrier_outcome};
use crate::clinical::{ClinicalReadouts, clinical_readouts};
use crate::error::OutcomeError;
use crate::input::OutcomeInputs;
use crate::matrix::{MatrixOutcome, ThicknessOutcome, matrix_outcome, thickness_outcome};
use crate::mechanics::{ElasticityOutcome, TextureOutcome, elasticity_outcome, texture_outcome};
use crate::params::OutcomeParams;
use crate::pigment::{PigmentOutcome, pigment_outcome};
use crate::scar::{ScarOutcome, StriaeOutcome, scar_outcome, striae_outcome};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The benefits the seed promises (plus downtime), for the report's paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Benefit {
    /// Texture refinement: fine lines, wrinkles, roughness.
    Texture,
    /// Scar revision: atrophic scars, striae.
    ScarRevision,
    /// Pigmentation correction.
    Pigmentation,
    /// Tightening and lifting: stiffness and elasticity.
    Tightening,
    /// Overall rejuvenation: collagen, elastin, thickness.
    Rejuvenation,
    /// Barrier and downtime (the cost side).
    Downtime,
}

/// One generated sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Meaning {
    /// Which benefit.
    pub benefit: Benefit,
    /// The sentence, built from the numbers.
    pub text: String,
}

/// All outcomes of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcomes {
    /// Sample times of the series, d.
    pub times_d: Vec<f64>,
    /// Session times, d.
    pub session_days: Vec<f64>,
    /// Collagen and elastin.
    pub matrix: MatrixOutcome,
    /// Layer thickness.
    pub thickness: ThicknessOutcome,
    /// Stiffness and suction-test values.
    pub elasticity: ElasticityOutcome,
    /// Wrinkle depth and roughness.
    pub texture: TextureOutcome,
    /// Atrophic scar, if one was given.
    pub scar: Option<ScarOutcome>,
    /// Striae, if given.
    pub striae: Option<StriaeOutcome>,
    /// Pigmented lesion, if given.
    pub pigment: Option<PigmentOutcome>,
    /// TEWL and erythema.
    pub barrier: BarrierOutcome,
    /// Clinical read-outs in the units clinics score (points, grades, instrument units).
    pub clinical: ClinicalReadouts,
    /// One sentence per benefit.
    pub meaning: Vec<Meaning>,
}

/// Compute every outcome. Validates inputs and parameters first; never returns a NaN.
pub fn compute_outcomes(inputs: &OutcomeInputs, params: &OutcomeParams) -> Result<Outcomes, OutcomeError> {
    params.validate()?;
    inputs.validate()?;
    let c = &inputs.course;
    let p = params;
    let elasticity = elasticity_outcome(c, &inputs.patient, p);
    let texture = texture_outcome(c, &inputs.patient, p);
    let barrier = barrier_outcome(c, p);
    let clinical = clinical_readouts(inputs, &elasticity, &texture, &barrier, p);
    let mut o = Outcomes {
        times_d: c.times_d.clone(),
        session_days: c.session_days.clone(),
        matrix: matrix_outcome(c, p),
        thickness: thickness_outcome(c, p),
        elasticity,
        texture,
        scar: inputs.scar.as_ref().map(|s| scar_outcome(s, c, p)),
        striae: inputs.striae.as_ref().map(|s| striae_outcome(s, c, p)),
        pigment: inputs.pigment.as_ref().map(|l| pigment_outcome(l, c, &inputs.delivery, p)),
        barrier,
        clinical,
        meaning: vec![],
    };
    o.meaning = meanings(&o, inputs);
    debug_assert!(o.summary().iter().all(|r| r.1.is_finite()));
    Ok(o)
}

fn signed(x: f64) -> String {
    if x.abs() < 0.05 { "±0".into() } else { format!("{x:+.1}") }
}

fn meanings(o: &Outcomes, inputs: &OutcomeInputs) -> Vec<Meaning> {
    let mut v = vec![];
    let site = &inputs.patient.site;
    let t = &o.texture;
    let text = if t.wrinkle_depth_change_pct.abs() < 0.5 {
        format!(
            "Texture: no measurable change in fine-line depth ({:.0} µm) or roughness on the {site}.",
            t.wrinkle_depth_um
        )
    } else {
        format!(
            "Texture: fine-line depth goes from {:.0} to {:.0} µm ({} %) and roughness Ra from {:.1} to {:.1} µm, as replica profilometry would measure; {}.",
            t.wrinkle_depth_baseline_um,
            t.wrinkle_depth_um,
            signed(t.wrinkle_depth_change_pct),
            t.roughness_ra_baseline_um,
            t.roughness_ra_um,
            if t.wrinkle_depth_change_pct < 0.0 { "lines are shallower" } else { "lines are deeper" }
        )
    };
    v.push(Meaning { benefit: Benefit::Texture, text });

    let mut parts = vec![];
    if let Some(s) = &o.scar {
        parts.push(format!(
            "the {} scar goes from {:.0} to {:.0} µm deep ({:.0} % shallower, {} response) and its Goodman–Baron-style grade from {} to {}",
            s.kind.name().replace('_', "-"),
            s.baseline.depth_um,
            s.follow_up.depth_um,
            s.follow_up.improvement_pct,
            s.response.name(),
            s.baseline.grade,
            s.follow_up.grade
        ));
    }
    if let Some(s) = &o.striae {
        parts.push(format!(
            "the striae's dermal deficit goes from {:.0} % to {:.0} % ({:.0} % improvement, {} response)",
            s.deficit_baseline_pct,
            s.deficit_pct,
            s.improvement_pct,
            s.response.name()
        ));
    }
    if !parts.is_empty() {
        v.push(Meaning { benefit: Benefit::ScarRevision, text: format!("Scar revision: {}.", parts.join("; ")) });
    }

    if let Some(pg) = &o.pigment {
        let active = match (&inputs.delivery.depigmenting_active, pg.active_delivered_ug_per_cm2) {
            (Some(name), a) if a > 0.0 => {
                format!("; {a:.1} µg/cm² of {} reached the basal layer", name.replace('_', " "))
            }
            (_, a) if a > 0.0 => format!("; {a:.1} µg/cm² of depigmenting active reached the basal layer"),
            _ => String::new(),
        };
        v.push(Meaning {
            benefit: Benefit::Pigmentation,
            text: format!(
                "Pigmentation: the MASI-like score goes from {:.1} to {:.1} ({} %), melanin evenness from {:.0} to {:.0} of 100 and lesion lightness L* changes by {} %{active}.",
                pg.masi_baseline,
                pg.masi,
                signed(pg.masi_change_pct),
                pg.evenness_baseline,
                pg.evenness,
                signed(pg.lesion_lightness_change_pct)
            ),
        });
    }

    let e = &o.elasticity;
    v.push(Meaning {
        benefit: Benefit::Tightening,
        text: format!(
            "Tightening: suction stiffness changes by {} % (dermal stiffness {} %); Cutometer-style R0 goes from {:.3} to {:.3} mm (lower is firmer), R2 from {:.2} to {:.2} and R7 from {:.2} to {:.2} (higher is more elastic).",
            signed(e.suction_stiffness_change_pct),
            signed(e.dermal_stiffness_change_pct),
            e.r0_baseline_mm,
            e.r0_mm,
            e.r2_baseline,
            e.r2,
            e.r7_baseline,
            e.r7
        ),
    });

    let m = &o.matrix;
    let th = &o.thickness;
    v.push(Meaning {
        benefit: Benefit::Rejuvenation,
        text: format!(
            "Rejuvenation: dermal collagen {} % (new collagen {:.0} % of the total), elastin {} %, dermis {} % ({:.0} µm by HFUS) and epidermis {} % at the end of follow-up.",
            signed(m.collagen_change_pct),
            m.new_collagen_fraction_pct,
            signed(m.elastin_change_pct),
            signed(th.dermis_change_pct),
            th.dermis_hfus_um,
            signed(th.epidermis_change_pct)
        ),
    });

    let b = &o.barrier;
    let text = if b.sessions.is_empty() {
        "Downtime: no sessions, no barrier disruption.".to_string()
    } else {
        format!(
            "Downtime: TEWL peaks at {:.0} g/m²/h (resting {:.0}) and recovers within {:.1} h; erythema is visible for up to {:.1} days after a session ({:.1} days over the course).",
            b.tewl_peak_g_m2_h,
            b.tewl_baseline_g_m2_h,
            b.tewl_recovery_h,
            b.erythema_visible_d,
            b.erythema_visible_total_d
        )
    };
    v.push(Meaning { benefit: Benefit::Downtime, text });
    clinical_sentences(o, inputs, &mut v);
    v
}

/// Append the clinical scores (docs/model/outcomes.md § 11) to each benefit's sentence.
fn clinical_sentences(o: &Outcomes, inputs: &OutcomeInputs, v: &mut [Meaning]) {
    let k = &o.clinical;
    let mut append = |b: Benefit, extra: String| {
        if let Some(m) = v.iter_mut().find(|m| m.benefit == b) {
            m.text.push(' ');
            m.text.push_str(&extra);
        }
    };
    let (w, pr) = (&k.wrinkle, &k.profilometry);
    append(
        Benefit::Texture,
        format!(
            "Scored: Lemperle grade {} → {}, Fitzpatrick wrinkle score {:.1} → {:.1}; profilometry of a field with the lines: Ra {:.0} → {:.0} µm, Rz {:.0} → {:.0} µm.",
            w.lemperle_grade_baseline,
            w.lemperle_grade,
            w.fitzpatrick_score_baseline,
            w.fitzpatrick_score,
            pr.ra_baseline_um,
            pr.ra_um,
            pr.rz_baseline_um,
            pr.rz_um
        ),
    );
    if let Some(s) = &k.scar {
        append(
            Benefit::ScarRevision,
            format!(
                "Scored over {} such scars: Goodman–Baron quantitative {:.0} → {:.0} points, ECCA (atrophic items) {:.0} → {:.0} points.",
                s.count, s.baseline.gb_points, s.follow_up.gb_points, s.baseline.ecca_points, s.follow_up.ecca_points
            ),
        );
    }
    if let Some(m) = &k.masi {
        append(
            Benefit::Pigmentation,
            format!(
                "In points over the four MASI regions: MASI {:.1} → {:.1}, mMASI {:.1} → {:.1}; lesion melanin index {:.0} → {:.0} (Mexameter).",
                m.masi_baseline,
                m.masi,
                m.mmasi_baseline,
                m.mmasi,
                m.lesion_melanin_index_baseline,
                m.lesion_melanin_index
            ),
        );
    }
    let a = &k.laxity_texture;
    append(
        Benefit::Tightening,
        format!(
            "Alexiades-Armenakas laxity {:.1} → {:.1} and texture {:.1} → {:.1} (0–4).",
            a.laxity_baseline, a.laxity, a.texture_baseline, a.texture
        ),
    );
    append(
        Benefit::Rejuvenation,
        format!(
            "HFUS would read a dermal echogenicity change of {} % (lowest {} % during the course): it weighs immature collagen III and oedema less than collagen content does.",
            signed(k.hfus.change_pct),
            signed(k.hfus.nadir_change_pct)
        ),
    );
    let m = &k.melanin;
    append(
        Benefit::Downtime,
        format!(
            "PIH risk (hyperpigmentation after needling) over the course: {:.1} % (Fitzpatrick {}); patch melanin index {:.0} → {:.0} (Mexameter).",
            m.pih_risk_pct, inputs.patient.fitzpatrick, m.melanin_index_baseline, m.melanin_index
        ),
    );
}

impl Outcomes {
    /// Flat list of headline numbers: (name, value, unit), for `results.json` under `outcomes`
    /// and for the terminal table. Names are stable snake_case keys.
    pub fn summary(&self) -> Vec<(String, f64, String)> {
        let mut r: Vec<(String, f64, String)> = vec![];
        let mut add = |n: &str, v: f64, u: &str| r.push((n.to_string(), v, u.to_string()));
        let m = &self.matrix;
        add("collagen_change_pct", m.collagen_change_pct, "%");
        add("collagen_i_change_pct", m.collagen_i_change_pct, "%");
        add("collagen_iii_change_pct", m.collagen_iii_change_pct, "%");
        add("collagen_iii_share_pct", m.collagen_iii_share_pct, "%");
        add("new_collagen_fraction_pct", m.new_collagen_fraction_pct, "%");
        add("elastin_change_pct", m.elastin_change_pct, "%");
        let t = &self.thickness;
        add("dermis_um", t.dermis_um, "um");
        add("dermis_change_pct", t.dermis_change_pct, "%");
        add("dermis_hfus_um", t.dermis_hfus_um, "um");
        add("epidermis_um", t.epidermis_um, "um");
        add("epidermis_change_pct", t.epidermis_change_pct, "%");
        let e = &self.elasticity;
        add("dermal_stiffness_change_pct", e.dermal_stiffness_change_pct, "%");
        add("suction_stiffness_change_pct", e.suction_stiffness_change_pct, "%");
        add("cutometer_r0_mm", e.r0_mm, "mm");
        add("cutometer_r2", e.r2, "1");
        add("cutometer_r7", e.r7, "1");
        let x = &self.texture;
        add("wrinkle_depth_um", x.wrinkle_depth_um, "um");
        add("wrinkle_depth_change_pct", x.wrinkle_depth_change_pct, "%");
        add("roughness_ra_um", x.roughness_ra_um, "um");
        add("roughness_change_pct", x.roughness_change_pct, "%");
        if let Some(s) = &self.scar {
            add("scar_depth_um", s.follow_up.depth_um, "um");
            add("scar_improvement_pct", s.follow_up.improvement_pct, "%");
            add("scar_grade", f64::from(s.follow_up.grade), "grade 1-4");
            add("scar_grade_change", f64::from(s.grade_change), "grades");
        }
        if let Some(s) = &self.striae {
            add("striae_deficit_pct", s.deficit_pct, "%");
            add("striae_improvement_pct", s.improvement_pct, "%");
        }
        if let Some(p) = &self.pigment {
            add("masi_like", p.masi, "score 0-48");
            add("masi_change_pct", p.masi_change_pct, "%");
            add("melanin_evenness", p.evenness, "index 0-100");
            add("lesion_melanin_index_change_pct", p.lesion_melanin_index_change_pct, "%");
            add("lesion_lightness_change_pct", p.lesion_lightness_change_pct, "%");
        }
        let b = &self.barrier;
        add("tewl_peak_g_m2_h", b.tewl_peak_g_m2_h, "g/m2/h");
        add("tewl_recovery_h", b.tewl_recovery_h, "h");
        add("erythema_visible_d", b.erythema_visible_d, "d");
        add("erythema_visible_total_d", b.erythema_visible_total_d, "d");
        self.clinical_summary(&mut r);
        r
    }

    /// The clinical read-outs of [`Outcomes::summary`] (docs/model/outcomes.md § 11).
    fn clinical_summary(&self, r: &mut Vec<(String, f64, String)>) {
        let mut add = |n: &str, v: f64, u: &str| r.push((n.to_string(), v, u.to_string()));
        let k = &self.clinical;
        if let Some(s) = &k.scar {
            add("scar_count", f64::from(s.count), "scars");
            add("scar_gb_quantitative_points_baseline", s.baseline.gb_points, "points");
            add("scar_gb_quantitative_points", s.follow_up.gb_points, "points");
            add("scar_gb_quantitative_points_change", s.gb_points_change, "points");
            add("scar_ecca_points_baseline", s.baseline.ecca_points, "points");
            add("scar_ecca_points", s.follow_up.ecca_points, "points");
            add("scar_ecca_change_pct", s.ecca_change_pct, "%");
        }
        if let Some(m) = &k.masi {
            add("masi_points_baseline", m.masi_baseline, "points 0-48");
            add("masi_points", m.masi, "points 0-48");
            add("mmasi_points_baseline", m.mmasi_baseline, "points 0-24");
            add("mmasi_points", m.mmasi, "points 0-24");
            add("lesion_melanin_index_mexameter_baseline", m.lesion_melanin_index_baseline, "MI 0-999");
            add("lesion_melanin_index_mexameter", m.lesion_melanin_index, "MI 0-999");
        }
        let w = &k.wrinkle;
        add("wrinkle_lemperle_grade_baseline", f64::from(w.lemperle_grade_baseline), "grade 0-5");
        add("wrinkle_lemperle_grade", f64::from(w.lemperle_grade), "grade 0-5");
        add("wrinkle_lemperle_score_baseline", w.lemperle_score_baseline, "score 0-5");
        add("wrinkle_lemperle_score", w.lemperle_score, "score 0-5");
        // Trials report the mean change of the grade, follow-up minus baseline (negative = better).
        add("wrinkle_lemperle_score_change", w.lemperle_score - w.lemperle_score_baseline, "score 0-5");
        add("wrinkle_fitzpatrick_score_baseline", w.fitzpatrick_score_baseline, "score 1-9");
        add("wrinkle_fitzpatrick_score", w.fitzpatrick_score, "score 1-9");
        add("wrinkle_fitzpatrick_class", f64::from(w.fitzpatrick_class), "class 1-3");
        let a = &k.laxity_texture;
        add("laxity_aa_grade_baseline", a.laxity_baseline, "grade 0-4");
        add("laxity_aa_grade", a.laxity, "grade 0-4");
        add("texture_aa_grade_baseline", a.texture_baseline, "grade 0-4");
        add("texture_aa_grade", a.texture, "grade 0-4");
        add("laxity_aa_grade_change", a.laxity - a.laxity_baseline, "grade 0-4");
        add("texture_aa_grade_change", a.texture - a.texture_baseline, "grade 0-4");
        let pr = &k.profilometry;
        add("profilometry_ra_um_baseline", pr.ra_baseline_um, "um");
        add("profilometry_ra_um", pr.ra_um, "um");
        add("profilometry_rz_um_baseline", pr.rz_baseline_um, "um");
        add("profilometry_rz_um", pr.rz_um, "um");
        add("profilometry_ra_change_pct", pr.ra_change_pct, "%");
        add("hfus_echogenicity_change_pct", k.hfus.change_pct, "%");
        add("hfus_echogenicity_nadir_change_pct", k.hfus.nadir_change_pct, "%");
        let m = &k.melanin;
        add("melanin_index_mexameter_baseline", m.melanin_index_baseline, "MI 0-999");
        add("melanin_index_mexameter", m.melanin_index, "MI 0-999");
        add("melanin_index_mexameter_peak", m.melanin_index_peak, "MI 0-999");
        add("pih_risk_pct", m.pih_risk_pct, "%");
    }
}
