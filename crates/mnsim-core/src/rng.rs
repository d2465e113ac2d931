//! Reproducible randomness: one seed per run, one independent ChaCha8 stream per purpose, so
//! that changing how one stage draws numbers never shifts another stage's numbers.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The purposes that draw random numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Hand jitter and pass phases in puncture generation.
    Punctures = 1,
    /// Puncture-to-puncture variability of depth reached.
    Penetration = 2,
    /// Parameter draws of the uncertainty ensemble.
    Ensemble = 3,
}

/// A ChaCha8 generator for `purpose` under the run's `seed`.
pub fn stream(seed: u64, purpose: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(purpose as u64);
    rng
}

/// A standard normal deviate (Box–Muller).
pub fn gaussian(rng: &mut impl RngExt) -> f64 {
    // u1 in (0, 1] so that ln(u1) is finite
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}
