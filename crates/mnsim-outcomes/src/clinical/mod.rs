//! Clinical read-outs in the units clinics score (issue 11 item 5): acne-scar points
//! (Goodman–Baron quantitative, ECCA), MASI and mMASI in points, Lemperle and Fitzpatrick
//! wrinkle grades, Alexiades-Armenakas laxity and texture grades, profilometry Ra/Rz, HFUS
//! echogenicity, the Mexameter melanin index and the risk of post-inflammatory
//! hyperpigmentation. Each is a documented mapping from the model's state (equations and
//! sources in the submodules and in `docs/model/outcomes.md` § 11).

pub mod pigment;
pub mod scar;
pub mod skin;

use crate::barrier::BarrierOutcome;
use crate::input::OutcomeInputs;
use crate::mechanics::{ElasticityOutcome, TextureOutcome};
use crate::params::OutcomeParams;
pub use pigment::{MasiPoints, MelaninReadout};
pub use scar::{ScarScoreAssessment, ScarScores};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
pub use skin::{AaGrades, HfusEchogenicity, Profilometry, WrinkleGrades};

/// All clinical read-outs of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClinicalReadouts {
    /// Acne-scar scores in points, if a scar was given.
    pub scar: Option<ScarScores>,
    /// MASI and mMASI in points, if a pigmented lesion was given.
    pub masi: Option<MasiPoints>,
    /// Lemperle and Fitzpatrick wrinkle grades.
    pub wrinkle: WrinkleGrades,
    /// Alexiades-Armenakas laxity and texture grades.
    pub laxity_texture: AaGrades,
    /// Ra and Rz as replica / fringe-projection profilometry reports them.
    pub profilometry: Profilometry,
    /// HFUS dermal echogenicity.
    pub hfus: HfusEchogenicity,
    /// Mexameter melanin index of the treated patch and the PIH risk.
    pub melanin: MelaninReadout,
}

/// Compute the clinical read-outs from the validated inputs and the other outcomes.
pub fn clinical_readouts(
    inputs: &OutcomeInputs,
    elasticity: &ElasticityOutcome,
    texture: &TextureOutcome,
    barrier: &BarrierOutcome,
    p: &OutcomeParams,
) -> ClinicalReadouts {
    let c = &inputs.course;
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    let t = texture;
    ClinicalReadouts {
        scar: inputs.scar.as_ref().map(|s| scar::scar_scores(s, c, p)),
        masi: inputs.pigment.as_ref().map(|l| pigment::masi_points(l, c, &inputs.delivery, &inputs.patient, p)),
        wrinkle: skin::wrinkle_grades(t.wrinkle_depth_baseline_um, t.wrinkle_depth_um, p),
        laxity_texture: skin::aa_grades(
            &inputs.patient,
            ratio(elasticity.r0_mm, elasticity.r0_baseline_mm),
            ratio(t.roughness_ra_um, t.roughness_ra_baseline_um),
            p,
        ),
        profilometry: skin::profilometry(
            t.roughness_ra_baseline_um,
            t.roughness_ra_um,
            t.wrinkle_depth_baseline_um,
            t.wrinkle_depth_um,
            p,
        ),
        hfus: skin::hfus_echogenicity(c, p),
        melanin: pigment::melanin_readout(c, &inputs.patient, barrier, p),
    }
}
