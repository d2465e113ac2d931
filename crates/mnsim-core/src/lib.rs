//! # mnsim-core
//!
//! Domain types and the geometric physics of microneedling, free of I/O. Data flows one way:
//!
//! ```text
//! skin (site, layers)  ─┐
//! device + protocol ─> punctures ─> penetration ─> channels ─> (transport, healing crates)
//! ```
//!
//! Unit convention: µm, s, mol·m⁻³ inside; see [`units`].

pub mod channels;
pub mod error;
pub mod skin;
pub mod units;

pub use channels::{ChannelSet, Patch};
pub use error::CoreError;
pub use skin::{Layer, LayerStack, Sex, Skin};
