//! The default run's `report.html` opened in headless Chromium: no console error, every section
//! and figure present, and a PNG screenshot written. Chromium is installed by `.ci/run`
//! (Debian's `chromium-headless-shell`); without it the test says so and passes only outside CI.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn chromium() -> Option<PathBuf> {
    ["chromium-headless-shell", "chromium", "chromium-browser"].iter().find_map(|b| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(b)).find(|p| p.is_file())
    })
}

fn headless(bin: &Path, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn default_report_opens_in_headless_chromium_with_every_section() {
    let Some(bin) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium-headless-shell (.ci/run)");
        eprintln!("SKIPPED: no chromium-headless-shell or chromium on PATH");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    Command::cargo_bin("mnsim").unwrap().args(["run", "--quiet", "--out"]).arg(&out).assert().success();
    let html = out.join("report.html");
    let text = std::fs::read_to_string(&html).unwrap();
    // self-contained: no external script, stylesheet or image
    for bad in ["<script src", "src=\"http", "href=\"http", "url(http", "<link ", "@import"] {
        assert!(!text.contains(bad), "report.html refers outside itself: {bad}");
    }
    let url = format!("file://{}", html.display());
    let dom = headless(&bin, &tmp.path().join("p1")).arg("--dump-dom").arg(&url).output().unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    for id in ["scenario", "headline", "punctures", "delivery", "healing", "outcomes", "meaning"] {
        assert!(dom_text.contains(&format!("id=\"{id}\"")), "section {id} missing from the rendered page");
    }
    let svgs = dom_text.matches("<svg").count();
    assert!(svgs >= 8, "expected every figure inline, found {svgs} svg elements");
    for title in [
        "Puncture map",
        "Delivery of",
        "Concentration vs depth",
        "Dermal matrix",
        "Inflammation",
        "Outcomes at the end",
        "New collagen at day",
    ] {
        assert!(dom_text.contains(title), "figure '{title}' missing");
    }
    let stderr = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");

    let png =
        std::env::var_os("MNSIM_REPORT_SCREENSHOT").map(PathBuf::from).unwrap_or_else(|| tmp.path().join("report.png"));
    let shot = headless(&bin, &tmp.path().join("p2"))
        .arg("--window-size=1200,2400")
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(shot.status.success(), "{}", String::from_utf8_lossy(&shot.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.len() > 20_000 && bytes.starts_with(b"\x89PNG"), "screenshot too small or not a PNG");
}
