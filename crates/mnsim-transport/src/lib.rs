//! # mnsim-transport
pub mod catalogue;
pub mod error;
pub mod grid;
pub mod physchem;
pub mod solver;

pub use error::TransportError;
