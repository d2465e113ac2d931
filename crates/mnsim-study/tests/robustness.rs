//! Robustness sweep (issue 5): random *valid* scenarios across the allowed ranges must run
//! without panicking, give finite figures, conserve mass in transport, and keep the tissue
//! state physical.
//!
//! `cargo test -p mnsim-study --test robustness` runs a modest sweep (small patch, short
//! follow-up, healing on about half the cases). The heavier sweep is ignored by default:
//! `cargo test --release -p mnsim-study --test robustness -- --ignored --nocapture`.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const SITES: &[&str] =
    &["forehead", "cheek", "periorbital", "nose", "perioral", "chin", "neck", "abdomen", "back", "thigh", "upper_arm"];
const ACTIVES: &[&str] = &[
    "caffeine",
    "niacinamide",
    "tranexamic_acid",
    "ascorbic_acid",
    "hyaluronic_acid_50kda",
    "palmitoyl_pentapeptide_4",
    "egf",
    "retinol",
];

#[derive(Debug, Clone)]
struct Draw {
    device: u8,
    needle_length_um: f64,
    site: usize,
    age_y: f64,
    male: bool,
    sessions: u32,
    interval_d: f64,
    topical: Option<(usize, bool)>,
    run_healing: bool,
    follow_up_d: f64,
    patch_mm: f64,
    seed: u64,
}

fn draw(max_sessions: u32, max_follow_up_d: f64, max_patch_mm: f64) -> impl Strategy<Value = Draw> {
    (
        (0u8..3, 50.0f64..3000.0, 0..SITES.len(), 12.0f64..100.0, any::<bool>()),
        (1..=max_sessions, 1.0f64..60.0),
        proptest::option::of((0..ACTIVES.len(), any::<bool>())),
        (any::<bool>(), 0.0f64..max_follow_up_d, 0.5f64..max_patch_mm, any::<u64>()),
    )
        .prop_map(
            |(
                (device, needle_length_um, site, age_y, male),
                (sessions, interval_d),
                topical,
                (run_healing, follow_up_d, patch_mm, seed),
            )| Draw {
                device,
                needle_length_um,
                site,
                age_y,
                male,
                sessions,
                interval_d,
                topical,
                run_healing,
                follow_up_d,
                patch_mm,
                seed,
            },
        )
}

fn scenario_text(d: &Draw) -> String {
    let device = match d.device {
        0 => format!("kind = \"roller\"\nneedle_length_um = {}", d.needle_length_um),
        1 => format!("kind = \"stamp\"\nneedle_length_um = {}", d.needle_length_um),
        _ => format!("kind = \"pen\"\nneedle_length_um = {}", d.needle_length_um),
    };
    let topical = match d.topical {
        Some((a, occluded)) => format!(
            "[topical]\nname = \"{}\"\noccluded = {occluded}\n\n[transport]\nduration_h = 2\noutput_times_h = [1.0, 2.0]\nprofile_times_h = [1.0]\nslice_time_h = 1.0\ncompute_window = false\ndomain_width_um = 300\nlateral_resolution_um = 20\n",
            ACTIVES[a]
        ),
        None => String::new(),
    };
    format!(
        "name = \"robust\"\n\n[patient]\nsite = \"{}\"\nage_y = {}\nsex = \"{}\"\n\n[device]\n{device}\n\n[protocol]\nsessions = {}\ninterval_d = {}\ndirections_deg = [0, 90]\n\n{topical}\n[simulation]\npatch_width_mm = {p}\npatch_height_mm = {p}\nfollow_up_d = {}\nrun_healing = {}\nensemble_members = 1\nseed = {}\n",
        SITES[d.site],
        d.age_y,
        if d.male { "male" } else { "female" },
        d.sessions,
        d.interval_d,
        d.follow_up_d,
        d.run_healing,
        d.seed,
        p = d.patch_mm,
    )
}

fn check(d: &Draw) -> Result<(), TestCaseError> {
    let text = scenario_text(d);
    let sc = match mnsim_scenario::parse(&text, "robust.toml") {
        Ok(sc) => sc,
        // the one cross-field limit the draw does not know in advance: the needle may not be
        // longer than skin + subcutis at the site (it depends on site, age and sex)
        Err(e) if e.to_string().contains("must not exceed the skin + subcutis") => {
            return Err(TestCaseError::reject("needle longer than the tissue stack"));
        }
        Err(e) => return Err(TestCaseError::fail(format!("a valid draw was rejected: {e}\n{text}"))),
    };
    let r = mnsim_sim::run(&sc, &mut mnsim_sim::NoProgress)
        .map_err(|e| TestCaseError::fail(format!("the model failed: {e}\n{text}")))?;
    for f in &r.figures {
        prop_assert!(f.value.is_finite(), "{} = {} is not finite\n{}", f.name, f.value, text);
        if f.unit == "h" || f.unit == "d" || f.unit == "min" || f.name.ends_with("_um") {
            prop_assert!(f.value >= 0.0, "{} = {} {} is negative\n{}", f.name, f.value, f.unit, text);
        }
        let n = f.name.to_lowercase();
        if (n.contains("collagen") || n.contains("elastin") || n.contains("thickness")) && n.contains("change_pct") {
            prop_assert!(f.value > -100.0, "{} = {} % (tissue below zero)\n{}", f.name, f.value, text);
        }
    }
    if d.topical.is_some() {
        let c =
            r.figure("transport_max_conservation_error").expect("a run with a topical reports its conservation error");
        prop_assert!(c.value < 1e-9, "conservation error {} \n{}", c.value, text);
    }
    Ok(())
}

fn sweep(cases: u32, max_sessions: u32, max_follow_up_d: f64, max_patch_mm: f64) {
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner.run(&draw(max_sessions, max_follow_up_d, max_patch_mm), |d| check(&d)).unwrap();
}

#[test]
fn random_valid_scenarios_run_cleanly() {
    sweep(12, 3, 30.0, 1.5);
}

#[test]
#[ignore = "heavier sweep: cargo test --release -p mnsim-study --test robustness -- --ignored"]
fn random_valid_scenarios_run_cleanly_heavy() {
    sweep(128, 6, 365.0, 4.0);
}
