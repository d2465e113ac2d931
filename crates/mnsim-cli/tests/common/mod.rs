//! Helpers shared by the CLI integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The built `mnsim` binary as an assert_cmd command.
pub fn mnsim() -> Command {
    Command::cargo_bin("mnsim").expect("binary built")
}

/// The built-in default without topical, healing or ensemble, written to `dir/fast.toml`: a
/// run of well under a second.
pub fn fast_scenario(dir: &Path) -> PathBuf {
    let o = mnsim().args(["scenario", "--print-default"]).output().unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    let (start, end) = (text.find("[topical]").unwrap(), text.find("[simulation]").unwrap());
    let text = format!("{}{}", &text[..start], &text[end..])
        .replace("ensemble_members = 5", "ensemble_members = 1\nrun_healing = false");
    let f = dir.join("fast.toml");
    std::fs::write(&f, text).unwrap();
    f
}
