//! Shared settings of the integration tests.

use mnsim_scenario::Edit;

/// Cheaper transport for tests whose assertions do not read it at full resolution: no
/// application-window runs (they feed only `transport_window_min`) and 20 µm lateral transport
/// cells. Measured on 2026-12-02: acne-scars-cheek (one member) gives scar improvement 100 %,
/// grade −2, collagen +27.9505 %, PIH risk 7.8605 % with and without these edits (19.7 s
/// against 5.3 s); melasma-cheek's MASI change −0.10405 % both ways (18.9 s against 4.8 s).
pub fn cheap_transport() -> [Edit; 2] {
    [
        Edit::Set("transport.compute_window".into(), toml::Value::Boolean(false)),
        Edit::Set("transport.lateral_resolution_um".into(), toml::Value::Integer(20)),
    ]
}
