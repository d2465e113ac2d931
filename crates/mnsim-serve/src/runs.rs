//! Runs started from the page: queued behind a limit of concurrent runs, simulated on a
//! blocking thread with [`mnsim_sim::run_within`], written with [`mnsim_report::write_run`] (the
//! CLI's function: whole or not at all) into the runs folder, their progress published on a
//! watch channel that the server-sent events of `/api/runs/{id}/events` follow.
//!
//! **Cancel.** A queued run is dropped at once. A running run is stopped at the simulation's
//! next progress report (between stages, and every 50 ms during the transport and healing
//! stage, whose work already started finishes first): the [`Progress`] hook unwinds with
//! [`std::panic::resume_unwind`] (no panic message), the output folder is never committed and
//! its staging folder and lock are removed; the run keeps its slot until its thread has
//! returned, so the limit on concurrent runs holds for the CPU too.

use crate::error::{ApiError, ApiResult};
use mnsim_report::{OutputDir, RunMeta};
use mnsim_scenario::ResolvedScenario;
use mnsim_sim::Progress;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{Semaphore, watch};

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Waiting for a free slot.
    Queued,
    /// Simulating or writing its folder.
    Running,
    /// Cancel requested while running; the simulation stops at its next progress report.
    Cancelling,
    /// Its folder is written.
    Done,
    /// The simulation or the writing failed; nothing was written.
    Failed,
    /// Cancelled; nothing was written.
    Cancelled,
}

impl RunState {
    /// True once the run will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, RunState::Done | RunState::Failed | RunState::Cancelled)
    }
}

/// The live status of a run, as the events stream and `/api/runs/{id}` report it.
#[derive(Debug, Clone, Serialize)]
pub struct RunStatus {
    /// Run id (its folder name in the runs folder).
    pub id: String,
    /// `run`, or the study: `plan`, `validate`, `cohort`.
    pub kind: String,
    /// Scenario name (a study: its name).
    pub scenario: String,
    /// Where it is.
    pub state: RunState,
    /// Current stage of the simulation (`punctures`, `healing courses`, …, `writing`).
    pub stage: String,
    /// Units of the current stage done.
    pub done: u64,
    /// Units of the current stage.
    pub total: u64,
    /// The error, when it failed (the CLI's message for the same failure).
    pub error: Option<String>,
    /// Warnings of a finished run.
    pub warnings: Vec<String>,
    /// Start, UTC.
    pub started_utc: String,
    /// Wall time of the simulation, s (when done).
    pub wall_time_s: Option<f64>,
}

/// Runs remembered before the finished ones (whose folders are the history) are forgotten.
pub const MAX_REMEMBERED: usize = 1024;

/// One run the server knows of (queued, running or finished since the server started).
struct Live {
    status: watch::Sender<RunStatus>,
    cancel: Arc<AtomicBool>,
}

/// The runs of this server: the slots, and every run started since it started.
pub struct Runs {
    slots: Arc<Semaphore>,
    max_concurrent: usize,
    live: Mutex<HashMap<String, Live>>,
}

/// What a run needs besides its scenario.
pub struct RunContext {
    /// The memory budget.
    pub budget: mnsim_sim::Budget,
    /// Version and revision stamped into the manifest.
    pub version: String,
    /// Git revision stamped into the manifest.
    pub git_revision: String,
}

/// Payload of the unwind that stops a cancelled simulation.
struct Cancelled;

/// The [`Progress`] of a run on the server: publishes each report, and stops a cancelled run.
struct Publish {
    status: watch::Sender<RunStatus>,
    cancel: Arc<AtomicBool>,
}

impl Publish {
    fn stop_if_cancelled(&self) {
        if self.cancel.load(Ordering::Acquire) {
            std::panic::resume_unwind(Box::new(Cancelled));
        }
    }
}

impl Progress for Publish {
    fn stage(&mut self, name: &str, total: u64) {
        self.stop_if_cancelled();
        self.status.send_modify(|s| {
            s.stage = name.to_string();
            s.total = total;
            s.done = 0;
        });
    }
    fn advance(&mut self, done: u64) {
        self.stop_if_cancelled();
        self.status.send_modify(|s| s.done = done);
    }
}

/// The progress of a study on the server, shared by its worker threads: `stage` starts a
/// counted stage, `tick` counts one unit done, publishes it and stops a cancelled study (the
/// unwind is caught where the study started, across rayon's threads).
pub struct Tick {
    status: watch::Sender<RunStatus>,
    cancel: Arc<AtomicBool>,
    done: std::sync::atomic::AtomicU64,
}

impl Tick {
    /// Start stage `name` of `total` units.
    pub fn stage(&self, name: &str, total: u64) {
        self.stop_if_cancelled();
        self.done.store(0, Ordering::Release);
        self.status.send_modify(|s| {
            s.stage = name.to_string();
            s.total = total;
            s.done = 0;
        });
    }
    /// One unit done.
    pub fn tick(&self) {
        self.stop_if_cancelled();
        let d = self.done.fetch_add(1, Ordering::AcqRel) + 1;
        self.status.send_modify(|s| s.done = s.done.max(d));
    }
    /// Unwind (caught by the job) once the study is cancelled.
    pub fn stop_if_cancelled(&self) {
        if self.cancel.load(Ordering::Acquire) {
            std::panic::resume_unwind(Box::new(Cancelled));
        }
    }
}

/// What a job does: one scenario run, or a study.
pub enum Work {
    /// A scenario, written as `mnsim run` writes it.
    Run(ResolvedScenario),
    /// A study, whose folder's files its closure makes.
    Study(crate::studies::Study),
}

impl Runs {
    /// No runs yet, `max_concurrent` slots (at least 1).
    pub fn new(max_concurrent: usize) -> Runs {
        let n = max_concurrent.max(1);
        Runs { slots: Arc::new(Semaphore::new(n)), max_concurrent: n, live: Mutex::new(HashMap::new()) }
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<String, Live>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The number of slots.
    pub fn max_concurrent(&self) -> usize {
        self.max_concurrent
    }

    /// The status of every run started since the server started.
    pub fn all(&self) -> Vec<RunStatus> {
        self.live().values().map(|l| l.status.borrow().clone()).collect()
    }

    /// The status of run `id`, if this server started it.
    pub fn status(&self, id: &str) -> Option<RunStatus> {
        self.live().get(id).map(|l| l.status.borrow().clone())
    }

    /// A receiver of run `id`'s status changes.
    pub fn subscribe(&self, id: &str) -> Option<watch::Receiver<RunStatus>> {
        self.live().get(id).map(|l| l.status.subscribe())
    }

    /// Forget a finished run (its folder was deleted).
    pub fn forget(&self, id: &str) {
        self.live().remove(id);
    }

    /// Queue a checked scenario: take its folder `<runs>/<name>-<stamp>` now (so a run that
    /// cannot be written is refused before it waits), then run it when a slot is free.
    pub fn submit(
        self: &Arc<Self>,
        runs_dir: &Path,
        scenario: ResolvedScenario,
        ctx: RunContext,
    ) -> ApiResult<RunStatus> {
        let name = scenario.scenario.name.clone();
        self.enqueue(runs_dir, &name, "run", Work::Run(scenario), ctx)
    }

    /// Queue a study as [`Runs::submit`] queues a scenario: folder `<runs>/<name>-<stamp>`.
    pub fn submit_study(
        self: &Arc<Self>,
        runs_dir: &Path,
        study: crate::studies::Study,
        ctx: RunContext,
    ) -> ApiResult<RunStatus> {
        let (name, kind) = (study.name.clone(), study.kind);
        self.enqueue(runs_dir, &name, kind, Work::Study(study), ctx)
    }

    fn enqueue(
        self: &Arc<Self>,
        runs_dir: &Path,
        name: &str,
        kind: &str,
        work: Work,
        ctx: RunContext,
    ) -> ApiResult<RunStatus> {
        let started_utc = mnsim_report::now_utc();
        // the folders of queued and running runs do not exist yet: pass over their names too
        let live = |p: &Path| p.file_name().is_some_and(|n| self.live().contains_key(&*n.to_string_lossy()));
        let dir = mnsim_report::free_run_dir_except(runs_dir, name, &started_utc, &live);
        let id = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        crate::paths::check_run_id(&id).map_err(|_| {
            ApiError::BadRequest(format!(
                "name `{name}` does not make a plain folder name; rename the scenario or study"
            ))
        })?;
        let target = OutputDir::reserve(&dir, false).map_err(|e| ApiError::Conflict(e.to_string()))?;
        let status = RunStatus {
            id: id.clone(),
            kind: kind.to_string(),
            scenario: name.to_string(),
            state: RunState::Queued,
            stage: "queued".into(),
            done: 0,
            total: 0,
            error: None,
            warnings: Vec::new(),
            started_utc: started_utc.clone(),
            wall_time_s: None,
        };
        let (tx, _) = watch::channel(status.clone());
        let cancel = Arc::new(AtomicBool::new(false));
        {
            let mut live = self.live();
            // finished runs are on disk (or failed): keep the memory of a long session bounded
            if live.len() >= MAX_REMEMBERED {
                live.retain(|_, l| l.status.borrow().state != RunState::Done);
            }
            live.insert(id.clone(), Live { status: tx.clone(), cancel: cancel.clone() });
        }
        let job = Job { work, ctx, target, started_utc, status: tx, cancel, dir };
        tokio::spawn(job.run(self.slots.clone()));
        Ok(status)
    }

    /// Cancel run `id`: a queued run at once, a running one at its next progress report.
    pub fn cancel(&self, id: &str) -> ApiResult<RunStatus> {
        let live = self.live();
        let l = live.get(id).ok_or_else(|| ApiError::NotFound(format!("run `{id}`: no queued or running run")))?;
        let state = l.status.borrow().state;
        if state.is_final() {
            return Err(ApiError::Conflict(format!("run `{id}` is {}: nothing to cancel", state_word(state))));
        }
        l.cancel.store(true, Ordering::Release);
        l.status.send_modify(|s| {
            if s.state == RunState::Running {
                s.state = RunState::Cancelling;
            }
        });
        Ok(l.status.borrow().clone())
    }

    /// Queued and running runs.
    pub fn counts(&self) -> (usize, usize) {
        let all = self.all();
        let running = all.iter().filter(|s| matches!(s.state, RunState::Running | RunState::Cancelling)).count();
        let queued = all.iter().filter(|s| s.state == RunState::Queued).count();
        (running, queued)
    }
}

/// The word for a state in messages.
pub fn state_word(s: RunState) -> &'static str {
    match s {
        RunState::Queued => "queued",
        RunState::Running => "running",
        RunState::Cancelling => "being cancelled",
        RunState::Done => "done",
        RunState::Failed => "failed",
        RunState::Cancelled => "cancelled",
    }
}

/// A run waiting for its slot.
struct Job {
    work: Work,
    ctx: RunContext,
    target: OutputDir,
    started_utc: String,
    status: watch::Sender<RunStatus>,
    cancel: Arc<AtomicBool>,
    dir: PathBuf,
}

/// How a run ended.
enum Ending {
    Written(Vec<String>, f64),
    Failed(String),
    Cancelled,
}

impl Job {
    async fn run(self, slots: Arc<Semaphore>) {
        let Ok(permit) = slots.acquire_owned().await else { return };
        let status = self.status.clone();
        if self.cancel.load(Ordering::Acquire) {
            status.send_modify(|s| finish(s, Ending::Cancelled));
            return; // dropping the job drops the reservation: nothing is left behind
        }
        status.send_modify(|s| {
            s.state = RunState::Running;
            s.stage = "starting".into();
        });
        let ending = tokio::task::spawn_blocking(move || {
            let _slot = permit; // held until the simulation thread returns, cancelled or not
            self.simulate_and_write()
        })
        .await
        .unwrap_or_else(|_| Ending::Failed("internal error: the run's thread was lost".into()));
        status.send_modify(|s| finish(s, ending));
    }

    fn simulate_and_write(self) -> Ending {
        let scenario = match self.work {
            Work::Run(ref s) => s.clone(),
            Work::Study(_) => return self.study_and_write(),
        };
        let t0 = Instant::now();
        let mut progress = Publish { status: self.status.clone(), cancel: self.cancel.clone() };
        let budget = self.ctx.budget;
        let scenario = &scenario;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            mnsim_sim::run_within(scenario, &budget, &mut progress)
        }));
        let result = match outcome {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return Ending::Failed(e.to_string()),
            Err(payload) if payload.is::<Cancelled>() => return Ending::Cancelled,
            Err(_) => {
                return Ending::Failed(
                    "internal error: the simulation panicked (a model defect, please report it)".into(),
                );
            }
        };
        if self.cancel.load(Ordering::Acquire) {
            return Ending::Cancelled;
        }
        self.status.send_modify(|s| {
            s.stage = "writing".into();
            s.done = 0;
            s.total = 1;
        });
        let meta = RunMeta {
            mnsim_version: self.ctx.version.clone(),
            git_revision: self.ctx.git_revision.clone(),
            started_utc: self.started_utc.clone(),
            wall_time_s: t0.elapsed().as_secs_f64(),
            command: vec!["mnsim".into(), "serve".into()],
        };
        let wall = meta.wall_time_s;
        match mnsim_report::write_run(self.target, scenario, &result, &meta) {
            Ok(_) => Ending::Written(result.warnings.clone(), wall),
            Err(e) => Ending::Failed(format!("writing {}: {e}", self.dir.display())),
        }
    }
}

impl Job {
    /// A study: its closure makes the folder's files (manifest included), committed whole.
    fn study_and_write(self) -> Ending {
        let Work::Study(study) = self.work else { return Ending::Failed("internal error: not a study".into()) };
        let t0 = Instant::now();
        let tick = Tick { status: self.status.clone(), cancel: self.cancel.clone(), done: 0.into() };
        let started_utc = self.started_utc.clone();
        let work = study.work;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&tick, started_utc)));
        let files = match outcome {
            Ok(Ok(files)) => files,
            Ok(Err(e)) if self.cancel.load(Ordering::Acquire) => {
                let _ = e;
                return Ending::Cancelled;
            }
            Ok(Err(e)) => return Ending::Failed(e),
            Err(payload) if payload.is::<Cancelled>() => return Ending::Cancelled,
            Err(_) => {
                return Ending::Failed("internal error: the study panicked (a model defect, please report it)".into());
            }
        };
        if self.cancel.load(Ordering::Acquire) {
            return Ending::Cancelled;
        }
        self.status.send_modify(|s| {
            s.stage = "writing".into();
            s.done = 0;
            s.total = 1;
        });
        let wall = t0.elapsed().as_secs_f64();
        match self.target.commit(&files) {
            Ok(_) => Ending::Written(Vec::new(), wall),
            Err(e) => Ending::Failed(format!("writing {}: {e}", self.dir.display())),
        }
    }
}

fn finish(s: &mut RunStatus, ending: Ending) {
    match ending {
        Ending::Written(warnings, wall) => {
            s.state = RunState::Done;
            s.stage = "done".into();
            s.done = s.total;
            s.warnings = warnings;
            s.wall_time_s = Some(wall);
        }
        Ending::Failed(e) => {
            s.state = RunState::Failed;
            s.stage = "failed".into();
            s.error = Some(e);
        }
        Ending::Cancelled => {
            s.state = RunState::Cancelled;
            s.stage = "cancelled".into();
        }
    }
}
