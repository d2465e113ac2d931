//! Fuzz what `mnsim check` does: parse and validate (`mnsim_scenario::parse`), then estimate
//! the work and check it against the default budget. Any bytes must give a clean error (naming
//! the file, numbers compact) or a runnable scenario that fits the budget or is refused with
//! its estimate — never a panic, a NaN or an unbounded allocation.
//! Run: `cargo +nightly fuzz run scenario_check` from `fuzz/`'s parent (README, Development).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mnsim_fuzz::{assert_clean_error, assert_within_budget_or_refused};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match mnsim_scenario::parse(text, "fuzz.toml") {
        Ok(sc) => assert_within_budget_or_refused(&sc),
        Err(e) => assert_clean_error(&e.to_string(), "fuzz.toml"),
    }
});
