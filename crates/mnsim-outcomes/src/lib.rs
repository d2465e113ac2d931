//! # mnsim-outcomes
//!
//! The five benefits the seed promises, as numbers with units and the clinical measures they
//! mirror, computed by pure functions from a simulated tissue trajectory and delivery:
//!
//! | benefit | metrics | mirrors |
//! |---|---|---|
//! | rejuvenation | collagen I/III, elastin % change, new-collagen fraction; dermis/epidermis thickness | histology image analysis; HFUS, OCT |
//! | tightening | dermal stiffness, suction stiffness, R0, R2, R7 | Cutometer, BTC-2000 |
//! | texture | wrinkle depth, roughness Ra | replica / fringe-projection profilometry |
//! | scar revision | scar depth and Goodman–Baron-style grade per session; striae deficit, quartile response | clinical grading |
//! | pigmentation | melanin evenness index, MASI-like score, lesion L* | MASI, Mexameter, colorimetry |
//! | downtime | TEWL over time and recovery, days of visible erythema | evaporimeter, colorimeter |
//! | clinical scores | Goodman–Baron quantitative and ECCA points, MASI/mMASI points, Lemperle and Fitzpatrick wrinkle grades, Alexiades-Armenakas laxity/texture, profilometry Ra/Rz, HFUS echogenicity, Mexameter MI, PIH risk | the scales and instruments trials report ([`clinical`]) |
//!
//! Inputs are this crate's own plain structs ([`TissueCourse`], [`DeliverySummary`],
//! [`Patient`], [`AtrophicScar`], [`Striae`], [`PigmentLesion`]), so the crate is independent of
//! the healing and transport crates. Every input is validated; errors name the field, value
//! and allowed range; no output is ever NaN. Equations and sources: `docs/model/outcomes.md`.
//!
//! ```
//! use mnsim_outcomes::*;
//! let course = TissueCourse::unchanged(vec![0.0, 30.0, 90.0], vec![0.0, 30.0], 1000.0, 90.0);
//! let inputs = OutcomeInputs {
//!     course,
//!     delivery: DeliverySummary::default(),
//!     patient: Patient { age_y: 40.0, fitzpatrick: 3, site: "cheek".into(),
//!                        wrinkle_depth_um: None, roughness_ra_um: None,
//!                        laxity_grade: None, texture_grade: None },
//!     scar: None, striae: None, pigment: None,
//! };
//! let o = compute_outcomes(&inputs, &OutcomeParams::default()).unwrap();
//! assert_eq!(o.matrix.collagen_change_pct, 0.0);
//! ```

pub mod actives;
pub mod barrier;
pub mod clinical;
pub mod ensemble;
pub mod error;
pub mod input;
pub mod matrix;
pub mod mechanics;
pub mod outcomes;
pub mod params;
pub mod pigment;
pub mod scar;
pub mod series;

pub use actives::{DEPIGMENTING_PD, DepigmentingPd, find_pd};
pub use clinical::ClinicalReadouts;
pub use ensemble::{Interval, summarise, summarise_outcomes};
pub use error::OutcomeError;
pub use input::{
    AtrophicScar, DeliverySummary, OutcomeInputs, Patient, PigmentLesion, ScarKind, Striae, StriaeKind, TissueCourse,
};
pub use outcomes::{Benefit, Meaning, Outcomes, compute_outcomes};
pub use params::OutcomeParams;
pub use scar::Response;
