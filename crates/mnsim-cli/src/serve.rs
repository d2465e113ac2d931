//! `mnsim serve`: the local web lab (crates/mnsim-serve; endpoints and limits in docs/SERVE.md).

use anyhow::Result;
use std::path::PathBuf;

pub struct Options {
    pub port: u16,
    pub runs: PathBuf,
    pub max_concurrent_runs: usize,
    pub bind: std::net::IpAddr,
}

pub fn serve(o: Options, budget: &mnsim_sim::Budget) -> Result<()> {
    let config = mnsim_serve::ServeConfig {
        bind: o.bind,
        port: o.port,
        runs_dir: o.runs,
        max_concurrent_runs: o.max_concurrent_runs,
        budget: *budget,
        git_revision: env!("MNSIM_GIT_REV").to_string(),
        ..Default::default()
    };
    // a bad folder, limit or address is invalid input (exit 1); a failure while serving, 3
    mnsim_serve::serve_blocking(config).map_err(|e| match e {
        mnsim_serve::ServeError::Serving(_) => crate::exit::run_failure(e),
        _ => e.into(),
    })
}
