//! What every fuzz target asserts about an accepted scenario and about an error message, shared
//! by the targets (`fuzz_targets/*.rs`). Run: README, Development, "Fuzzing".

use mnsim_scenario::ResolvedScenario;

/// A rejection is a clean message: it names `file` first, prints no number in full (no number
/// of more than 17 digits outside a quoted string or the echoed source line) and repeats no OS
/// cause.
pub fn assert_clean_error(message: &str, file: &str) {
    assert!(message.starts_with(file), "error does not name the file {file:?}: {message}");
    // the echo of the offending source line (`… — at: <line>`) quotes the file as written
    let own = message.split(" — at: ").next().unwrap_or(message);
    assert!(longest_number(own) <= 17, "a number printed in full: {message}");
    assert!(message.matches("(os error").count() <= 1, "a repeated cause: {message}");
}

/// An accepted scenario is runnable: finite, positive sizes, 1–20 sessions, a needle that fits
/// the skin; and its work estimate is finite, so the budget check means something.
pub fn assert_runnable(sc: &ResolvedScenario) -> mnsim_sim::WorkEstimate {
    assert!(sc.patch.width_um.is_finite() && sc.patch.width_um > 0.0, "patch width {}", sc.patch.width_um);
    assert!(sc.patch.height_um.is_finite() && sc.patch.height_um > 0.0, "patch height {}", sc.patch.height_um);
    let n = sc.protocol.sessions.len();
    assert!((1..=20).contains(&n), "{n} sessions");
    assert!(sc.protocol.sessions.iter().all(|s| s.start_s.is_finite() && s.start_s >= 0.0));
    let needle = sc.device.needle.length_um;
    assert!(needle.is_finite() && needle > 0.0 && needle <= sc.skin.layers.total_um(), "needle {needle} µm");
    let e = mnsim_sim::budget::estimate(sc);
    for (what, v) in [
        ("punctures", e.punctures),
        ("transport voxels", e.transport_voxels),
        ("healing cells", e.healing_cells),
        ("memory", e.memory_bytes),
    ] {
        assert!(v.is_finite() && v >= 0.0, "estimate of {what} = {v}");
    }
    e
}

/// The budget check `mnsim check` applies: a scenario within the default budget, or a clean
/// refusal that states the estimate and the limit in GiB.
pub fn assert_within_budget_or_refused(sc: &ResolvedScenario) {
    let e = assert_runnable(sc);
    // ---- budget assertion (issue 19 item 8): mnsim check = parse + validate + this ----------
    match mnsim_sim::Budget::default().check(sc, &e) {
        Ok(()) => assert!(e.memory_gib() <= mnsim_sim::Budget::default().max_memory_gib),
        Err(refusal) => {
            let msg = refusal.to_string();
            assert!(msg.contains("GiB"), "a refusal without its estimate and limit: {msg}");
        }
    }
}

/// Digits of the longest number token of `message`: a run of digits and points that is not
/// part of a word (`key555…`) and not inside double quotes.
fn longest_number(message: &str) -> usize {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let (mut quoted, mut longest, mut run, mut in_word) = (false, 0, 0, false);
    let mut prev = ' ';
    for c in message.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && run > 0) {
            if run == 0 {
                in_word = word(prev);
            }
            run += usize::from(c.is_ascii_digit());
        } else {
            if !quoted && !in_word && !word(c) {
                longest = longest.max(run);
            }
            run = 0;
            if c == '"' {
                quoted = !quoted;
            }
        }
        prev = c;
    }
    longest
}
