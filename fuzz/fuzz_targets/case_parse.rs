//! Fuzz validation case files: `mnsim_study::validate::parse_case`, then `case_scenario` (the
//! base or inline scenario with its `set`/`unset` edits, validated). Any bytes must give a
//! clean error naming the case file, or a runnable scenario that fits the budget or is refused
//! with its estimate — never a panic.
//! Run: `cargo +nightly fuzz run case_parse` from `fuzz/`'s parent (README, Development).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mnsim_fuzz::{assert_clean_error, assert_within_budget_or_refused};
use mnsim_study::validate::{case_scenario, parse_case};

const FILE: &str = "fuzz-case.toml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let case = match parse_case(text, FILE) {
        Ok(c) => c,
        Err(e) => return assert_clean_error(&e.to_string(), FILE),
    };
    match case_scenario(&case, FILE) {
        Ok(sc) => assert_within_budget_or_refused(&sc),
        Err(e) => assert_clean_error(&e.to_string(), FILE),
    }
});
