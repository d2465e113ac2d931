//! # mnsim-core
//!
//! Domain types and the geometric physics of microneedling, free of I/O. Data flows one way:
//!
//! ```text
//! skin (site, layers) ───────────────────────┐
//! device + protocol ─> punctures ─> penetration ─> channels ─> (mnsim-transport, mnsim-healing)
//! ```
//!
//! Unit convention: µm, s, mol·m⁻³ inside; see [`units`].
//!
//! ```
//! use mnsim_core::{skin::Skin, Sex};
//! let cheek = Skin::at_site("cheek", 35.0, Sex::Female).unwrap();
//! assert!(cheek.superficial_plexus_depth_um > cheek.layers.epidermis_um());
//! ```

pub mod channels;
pub mod closure;
pub mod device;
pub mod error;
pub mod penetration;
pub mod pharmacodynamics;
pub mod protocol;
pub mod punctures;
pub mod rng;
pub mod skin;
pub mod units;

pub use channels::{ChannelSet, Patch};
pub use closure::Species;
pub use error::CoreError;
pub use skin::{Layer, LayerStack, Sex, Skin};
