//! Runs started from inside a rayon pool (as `mnsim validate` and every many-run study start
//! them) finish, and give the same figures as runs started one at a time from a plain thread.
//! Regression test: the progress polling of the transport + healing stage once blocked every
//! worker of the pool waiting for work it had handed to that same pool (a deadlock that hung
//! `mnsim validate` on 2 cores).

use mnsim_scenario::{Edit, parse_with};
use rayon::prelude::*;
use std::time::Duration;

fn small(needle_length_um: f64) -> mnsim_scenario::ResolvedScenario {
    let edits = [
        Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(2)),
        Edit::Set("simulation.follow_up_d".into(), toml::Value::Integer(10)),
        Edit::Set("simulation.patch_width_mm".into(), toml::Value::Integer(1)),
        Edit::Set("simulation.patch_height_mm".into(), toml::Value::Integer(1)),
        Edit::Unset("protocol.session_days".into()),
        Edit::Set("protocol.sessions".into(), toml::Value::Integer(1)),
        Edit::Set("protocol.interval_d".into(), toml::Value::Integer(28)),
        Edit::Unset("device.stroke_um".into()),
        Edit::Set("device.needle_length_um".into(), toml::Value::Float(needle_length_um)),
    ];
    parse_with(mnsim_scenario::default_toml(), "default", &edits).expect("a valid scenario")
}

fn figures(r: &mnsim_sim::RunResult) -> Vec<(String, f64)> {
    r.figures.iter().map(|f| (f.name.clone(), f.value)).collect()
}

#[test]
fn runs_inside_a_rayon_pool_finish_and_match_sequential_runs() {
    let lengths = [500.0, 1000.0, 1500.0];
    let sequential: Vec<_> = lengths
        .iter()
        .map(|&l| figures(&mnsim_sim::run(&small(l), &mut mnsim_sim::NoProgress).expect("run")))
        .collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        let parallel: Vec<_> = pool.install(|| {
            lengths
                .par_iter()
                .map(|&l| figures(&mnsim_sim::run(&small(l), &mut mnsim_sim::NoProgress).expect("run")))
                .collect()
        });
        let _ = tx.send(parallel);
    });
    let parallel = rx
        .recv_timeout(Duration::from_secs(600))
        .expect("runs inside a 2-thread pool did not finish within 600 s: a deadlock");
    assert_eq!(parallel, sequential, "figures depend on where the runs were started");
}
