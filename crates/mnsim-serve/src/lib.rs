//! # mnsim-serve
//!
//! `mnsim serve`: a local web lab over the mnsim library. One page (embedded in the binary, no
//! network at run time) edits a scenario in a form generated from the scenario's JSON Schema
//! with a TOML view kept in sync, checks it as `mnsim check` does, runs it with live progress
//! (server-sent events), shows the run folder's `report.html`, and lists, compares and deletes
//! the runs of the runs folder. The routes call `mnsim-scenario`, `mnsim-sim` and
//! `mnsim-report` (the same functions as the CLI), nothing else.
//!
//! Safe by default: bound to 127.0.0.1; every file it reads or writes is inside the runs folder
//! ([`paths`]); request bodies are limited ([`ServeConfig::max_body_bytes`]); at most
//! [`ServeConfig::max_concurrent_runs`] runs at once, the rest queued ([`runs`]); bad input
//! answers 4xx with the CLI's message as JSON ([`error`]). Endpoints and limits: `docs/SERVE.md`.
//!
//! ```no_run
//! # async fn f() -> Result<(), mnsim_serve::ServeError> {
//! let config = mnsim_serve::ServeConfig { runs_dir: "runs".into(), ..Default::default() };
//! mnsim_serve::serve(config).await
//! # }
//! ```

pub mod assets;
pub mod error;
mod handlers;
mod history;
pub mod paths;
pub mod runs;
pub mod scenario;
pub mod studies;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// Default port.
pub const DEFAULT_PORT: u16 = 8717;
/// Default limit of a request body, bytes (a scenario file is a few kB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024;
/// Default number of runs at once.
pub const DEFAULT_MAX_CONCURRENT_RUNS: usize = 1;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to bind (default 127.0.0.1: only this machine can connect).
    pub bind: IpAddr,
    /// Port (default [`DEFAULT_PORT`]; 0 takes a free one).
    pub port: u16,
    /// The runs folder: run history, and where new runs are written (created if missing).
    pub runs_dir: PathBuf,
    /// Runs at once, at least 1; the rest wait in a queue.
    pub max_concurrent_runs: usize,
    /// Largest request body accepted, bytes.
    pub max_body_bytes: usize,
    /// Memory budget of a run.
    pub budget: mnsim_sim::Budget,
    /// Git revision stamped into run manifests (the CLI passes its own).
    pub git_revision: String,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            runs_dir: PathBuf::from("runs"),
            max_concurrent_runs: DEFAULT_MAX_CONCURRENT_RUNS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            budget: mnsim_sim::Budget::default(),
            git_revision: "unknown".into(),
        }
    }
}

/// The state the handlers share.
pub(crate) struct AppState {
    pub config: ServeConfig,
    /// The runs folder, canonical.
    pub root: PathBuf,
    pub runs: Arc<runs::Runs>,
}

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The runs folder cannot be created or read.
    #[error("--runs {path}: {cause}")]
    RunsDir {
        /// The folder as given.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A limit out of range.
    #[error("{0}")]
    Config(String),
    /// The address cannot be listened on (the port is taken, or the address is not this
    /// machine's).
    #[error("--bind/--port {addr}: cannot listen there: {cause}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        cause: std::io::Error,
    },
    /// The server failed while serving.
    #[error("serving: {0}")]
    Serving(std::io::Error),
}

fn state(config: ServeConfig) -> Result<Arc<AppState>, ServeError> {
    if config.max_concurrent_runs == 0 || config.max_concurrent_runs > 64 {
        return Err(ServeError::Config(format!(
            "--max-concurrent-runs {} is invalid: must be a whole number in [1, 64]",
            config.max_concurrent_runs
        )));
    }
    let io = |cause| ServeError::RunsDir { path: config.runs_dir.clone(), cause };
    std::fs::create_dir_all(&config.runs_dir).map_err(io)?;
    let root = std::fs::canonicalize(&config.runs_dir).map_err(io)?;
    let runs = Arc::new(runs::Runs::new(config.max_concurrent_runs));
    Ok(Arc::new(AppState { config, root, runs }))
}

/// The application: every route of the lab (see `docs/SERVE.md`), over `config`'s runs folder
/// (created if missing).
pub fn router(config: ServeConfig) -> Result<Router, ServeError> {
    let limit = config.max_body_bytes;
    let st = state(config)?;
    Ok(Router::new()
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::asset))
        .route("/api/status", get(handlers::status))
        .route("/api/schema", get(handlers::schema))
        .route("/api/presets", get(handlers::presets))
        .route("/api/check", post(handlers::check))
        .route("/api/runs", get(history::list).post(handlers::submit))
        .route("/api/studies", get(handlers::studies).post(handlers::submit_study))
        .route("/api/runs/{id}", get(history::show).delete(history::delete))
        .route("/api/runs/{id}/events", get(handlers::events))
        .route("/api/runs/{id}/cancel", post(handlers::cancel))
        .route("/api/compare", post(history::compare))
        .route("/compare", get(history::compare_page))
        .route("/runs", get(history::index_page))
        .route("/runs/{id}/{*file}", get(history::file))
        .fallback(handlers::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(st))
}

/// Bind `config.bind:config.port` and serve until Ctrl-C.
pub async fn serve(config: ServeConfig) -> Result<(), ServeError> {
    let addr = SocketAddr::new(config.bind, config.port);
    let app = router(config)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|cause| ServeError::Bind { addr: addr.to_string(), cause })?;
    let local = listener.local_addr().map_err(ServeError::Serving)?;
    eprintln!("mnsim serve: http://{local} (Ctrl-C to stop)");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Serving)
}

/// [`serve`] on a runtime of its own (two worker threads; the simulations run on the blocking
/// pool and rayon): what the CLI calls.
pub fn serve_blocking(config: ServeConfig) -> Result<(), ServeError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Serving)?
        .block_on(serve(config))
}
