//! # mnsim-healing
//!
//! The wound-healing cascade after microneedling, over a whole course of sessions and months of
//! follow-up. Physics only: no file I/O.
//!
//! ```text
//! Skin + ChannelSet + session times ─> TissueGrid ─> per session: injury of the current state
//!        ─> Strang splitting { transport (diffusion, chemotaxis) | stiff kinetics (diffsol ESDIRK34) }
//!        ─> HealingResult { time courses, maps, per-session figures, summary }
//! ```
//!
//! ```no_run
//! use mnsim_healing::{simulate, HealingSettings, protocol};
//! use mnsim_core::{Patch, Sex, Skin};
//! let skin = Skin::at_site("cheek", 40.0, Sex::Female).unwrap();
//! let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
//! let channels = protocol::uniform_course(3, 300, 1000.0, 100.0, 3000.0, 3000.0, 28.0 * 86400.0);
//! let res = simulate(&skin, &channels, patch, &protocol::session_times_s(3, 28.0),
//!                    &HealingSettings::default()).unwrap();
//! for (name, value, unit) in res.summary() { println!("{name} = {value:.2} {unit}"); }
//! ```
//!
//! State, units and equations: [`state`], [`reaction`], [`injury`], [`transport`],
//! [`simulate()`]; the full model description with sources is `docs/model/healing.md`.

pub mod actives;
pub mod bench;
pub mod distance;
pub mod error;
pub mod grid;
pub mod injury;
pub mod integrator;
pub mod output;
pub mod protocol;
pub mod reaction;
pub mod settings;
pub mod simulate;
pub mod state;
pub mod transport;

pub use bench::{BenchReport, bench};
pub use error::HealingError;
pub use output::{CollagenMap, HealingResult, PeakTimes, Phase, SessionFigures, Summary, TidyRow, TimeCourses};
pub use settings::{HealingSettings, Rates, WoundModel};
pub use simulate::{course_days, simulate, simulate_counting};
pub use state::{NSTATES, Var};
