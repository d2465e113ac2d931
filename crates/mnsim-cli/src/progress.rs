//! The progress bar shown on work that lasts over a second.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::{Duration, Instant};

/// A progress bar that appears only for work lasting over a second.
pub struct Bar {
    pub bar: Option<ProgressBar>,
}

impl Bar {
    pub fn new(quiet: bool) -> Self {
        if quiet {
            return Bar { bar: None };
        }
        let b = ProgressBar::new(1);
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg:12} [{bar:30}] {pos}/{len} ({elapsed})")
                .expect("static template")
                .progress_chars("=> "),
        );
        // drawn only if still running after a second
        b.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        b.enable_steady_tick(Duration::from_millis(120));
        Bar { bar: Some(b) }
    }
    pub fn tick_visibility(&self, started: Instant) {
        if let Some(b) = &self.bar
            && started.elapsed() > Duration::from_secs(1)
            && b.is_hidden()
        {
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
}

pub struct BarProgress {
    pub bar: Bar,
    pub started: Instant,
}

impl mnsim_sim::Progress for BarProgress {
    fn stage(&mut self, name: &str, total: u64) {
        self.bar.tick_visibility(self.started);
        if let Some(b) = &self.bar.bar {
            b.set_message(name.to_string());
            b.set_length(total);
            b.set_position(0);
        }
    }
    fn advance(&mut self, done: u64) {
        self.bar.tick_visibility(self.started);
        if let Some(b) = &self.bar.bar {
            b.set_position(done);
        }
    }
}
