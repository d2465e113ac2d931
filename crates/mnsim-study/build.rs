//! Embed the built-in validation cases (`data/validation/*.toml`) and the worked scenarios
//! (`scenarios/*.toml`) and the built-in populations (`data/populations/*.toml`) so that
//! `mnsim validate` and `mnsim cohort` work from any directory.
use std::fmt::Write;
use std::path::Path;

fn list(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = String::new();
    for (name, sub) in [("CASES", "data/validation"), ("SCENARIOS", "scenarios"), ("POPULATIONS", "data/populations")] {
        let dir = root.join(sub);
        println!("cargo:rerun-if-changed={}", dir.display());
        // each including module reads only some of the tables
        writeln!(out, "#[allow(dead_code)]\npub static {name}: &[(&str, &str)] = &[").unwrap();
        for f in list(&dir) {
            let p = dir.join(&f).canonicalize().unwrap();
            println!("cargo:rerun-if-changed={}", p.display());
            writeln!(out, "    ({f:?}, include_str!({:?})),", p.display().to_string()).unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    std::fs::write(Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin.rs"), out).unwrap();
}
