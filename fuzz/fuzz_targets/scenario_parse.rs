//! Fuzz the scenario parser: any bytes must give a validated scenario or an error, never a
//! panic, and an accepted scenario must have finite, positive patch sizes.
//! Run: `cargo +nightly fuzz run scenario_parse` from the repository root (README, Development).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(sc) = mnsim_scenario::parse(text, "fuzz.toml") {
            assert!(sc.patch.width_um.is_finite() && sc.patch.width_um > 0.0);
        }
    }
});
