//! Everything `mnsim` prints on stdout goes through here ([`outln!`], [`out!`], [`bytes`]).
//!
//! A closed stdout (`mnsim validate | head -1`) is not an error: the first write that meets
//! `BrokenPipe` marks stdout closed, and later output is dropped, so the command finishes its
//! work (a run folder is still written whole) and exits with the code it would have had. Any
//! other write error (a full disk behind `> file`) is a run failure. Messages for the user on
//! stderr go through [`err`], which never fails.

use crate::exit::run_failure;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout met `BrokenPipe`.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether stdout was found closed.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

fn done(r: std::io::Result<()>) -> anyhow::Result<()> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(run_failure(anyhow::anyhow!("writing to stdout: {e}"))),
    }
}

/// Write formatted text to stdout (the macros [`out!`] and [`outln!`] call this).
pub fn fmt(args: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    if closed() {
        return Ok(());
    }
    done(std::io::stdout().lock().write_fmt(args))
}

/// Write bytes to stdout.
pub fn bytes(b: &[u8]) -> anyhow::Result<()> {
    if closed() {
        return Ok(());
    }
    done(std::io::stdout().lock().write_all(b))
}

/// Flush stdout (before the process exits).
pub fn flush() -> anyhow::Result<()> {
    if closed() {
        return Ok(());
    }
    done(std::io::stdout().lock().flush())
}

/// Write a line to stderr, ignoring a closed stderr (there is nowhere left to say so).
pub fn err(args: std::fmt::Arguments<'_>) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_fmt(args).and_then(|()| e.write_all(b"\n"));
}

/// `print!` to stdout through [`fmt`]: returns `anyhow::Result<()>`.
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::fmt(format_args!($($arg)*)) };
}

/// `println!` to stdout through [`fmt`]: returns `anyhow::Result<()>`.
macro_rules! outln {
    () => { $crate::out::bytes(b"\n") };
    ($($arg:tt)*) => { $crate::out::fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!` through [`err`]: never panics on a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::out::err(format_args!($($arg)*)) };
}
