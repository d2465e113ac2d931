//! Runs started from inside a rayon pool (as `mnsim validate` and every many-run study start
//! them) finish, and give the same figures as runs started one at a time from a plain thread.
//! Regression test: the progress polling of the transport + healing stage once blocked every
//! worker of the pool waiting for work it had handed to that same pool (a deadlock that hung
//! `mnsim validate` on 2 cores).

mod common;

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
    // transport still runs, cheaper (what is tested is where runs start and how they report,
    // not transport accuracy)
    let edits: Vec<Edit> = edits.into_iter().chain(common::cheap_transport()).collect();
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

/// Records every stage and advance the run reports.
#[derive(Default)]
struct Recorded {
    stages: Vec<(String, u64)>,
    advances: Vec<(usize, u64)>,
}

impl mnsim_sim::Progress for Recorded {
    fn stage(&mut self, name: &str, total: u64) {
        self.stages.push((name.to_string(), total));
    }
    fn advance(&mut self, done: u64) {
        self.advances.push((self.stages.len() - 1, done));
    }
}

/// The transport + healing stage reports simulated days (issue 13 item 3: the bar used to go
/// 0 → 1): its total is (ensemble members + the transport run) × the course's whole days, the
/// count never falls or passes the total, and it ends at the total.
#[test]
fn the_long_stage_counts_simulated_days() {
    let scenario = small(1000.0);
    let mut p = Recorded::default();
    mnsim_sim::run(&scenario, &mut p).expect("run");
    let (k, (name, total)) = p
        .stages
        .iter()
        .enumerate()
        .find(|(_, (n, _))| n.contains("simulated days"))
        .expect("a stage in simulated days");
    let days = mnsim_healing::course_days(&scenario.protocol.session_times_s(), &scenario.scenario.healing);
    assert_eq!(days, 10, "one session at day 0 and 10 days of follow-up");
    assert_eq!(*total, (2 + 1) * days, "{name}: two ensemble members and the transport run");
    let counts: Vec<u64> = p.advances.iter().filter(|(s, _)| *s == k).map(|(_, d)| *d).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "the count never falls: {counts:?}");
    assert!(counts.iter().all(|c| c <= total), "the count never passes the total: {counts:?}");
    assert_eq!(counts.last(), Some(total), "the stage ends at its total: {counts:?}");
}
