//! # mnsim-transport
//!
//! Delivery of a topical active through skin and the resealing micro-channels left by
//! microneedling: physico-chemistry → transport parameters ([`physchem`], [`catalogue`]), a 3D
//! implicit finite-volume solver on a depth-graded grid ([`grid`], [`solver`]), and one run that
//! compares needled with intact skin and finds the application window ([`simulate()`]).
//!
//! Equations, parameters and sources: `docs/model/transport.md`.
//!
//! ## Guide
//!
//! ```
//! use mnsim_core::{ChannelSet, Patch, Sex, Skin};
//! use mnsim_transport::{TopicalSpec, TransportSettings, simulate};
//!
//! let skin = Skin::at_site("cheek", 40.0, Sex::Female).unwrap();
//! let patch = Patch { width_um: 1000.0, height_um: 1000.0 };
//! // one channel, 500 µm deep, made at t = 0 in session 0
//! let channels = ChannelSet {
//!     x_um: vec![500.0], y_um: vec![500.0], created_s: vec![0.0], session: vec![0],
//!     depth_um: vec![500.0], surface_diameter_um: vec![75.0],
//!     tip_diameter_um: 10.0, base_diameter_um: 150.0, taper_length_um: 300.0,
//!     wall_recoil_fraction: 0.5,
//! };
//! let topical = TopicalSpec { name: "tranexamic_acid".into(), ..Default::default() };
//! let settings = TransportSettings {
//!     domain_width_um: 300.0, lateral_resolution_um: 20.0, duration_h: 2.0,
//!     output_times_h: vec![1.0], profile_times_h: vec![1.0], slice_time_h: 1.0,
//!     compute_window: false, ..Default::default()
//! };
//! let r = simulate(&skin, &channels, patch, &topical, &settings, 0).unwrap();
//! assert!(r.max_conservation_rel_error < 1e-9);
//! assert!(r.enhancement_ratio.last().unwrap() > &1.0);
//! for (name, value, unit) in r.summary() {
//!     println!("{name} = {value:.3} {unit}");
//! }
//! ```
//!
//! Units inside: µm, s, mol·m⁻³, µm²·s⁻¹; outputs in µg·cm⁻², µg·cm⁻²·h⁻¹, µg·mL⁻¹, h, min.
//!
//! ## Performance
//!
//! [`bench::bench_transport`] times the solver step and a STREAM triad in the same run;
//! `cargo run --release -p mnsim-transport --example bench_transport -- 200 200 100 2` prints
//! its JSON, `cargo bench -p mnsim-transport --bench transport` runs the divan benches.

pub mod bench;
pub mod catalogue;
pub mod error;
pub mod grid;
pub mod membrane;
pub mod physchem;
pub mod simulate;
pub mod size;
pub mod solver;
pub mod spec;
pub mod stepping;

pub use error::TransportError;
pub use simulate::{TransportResult, simulate};
pub use spec::{Preparation, TopicalSpec, TransportSettings};
