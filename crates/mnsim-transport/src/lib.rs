//! # mnsim-transport
pub mod bench;
pub mod catalogue;
pub mod error;
pub mod grid;
pub mod membrane;
pub mod physchem;
pub mod simulate;
pub mod solver;
pub mod spec;

pub use error::TransportError;
pub use simulate::{TransportResult, simulate};
pub use spec::{TopicalSpec, TransportSettings};
