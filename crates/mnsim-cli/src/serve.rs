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
    // a bad folder or limit is refused before the socket is opened (exit 1)
    let _ = mnsim_serve::router(config.clone())?;
    mnsim_serve::serve_blocking(config).map_err(|e| crate::exit::run_failure(anyhow::anyhow!("serving: {e}")))
}
