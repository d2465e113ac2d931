//! Taking an output folder safely: the folder protocol every mnsim command that writes results
//! follows.
//!
//! 1. **Refuse unsafe targets** before any work: `.`, `..`, `/`, the home folder, the working
//!    folder or any of its ancestors (after resolving `..` and symbolic links), an existing file,
//!    and — with `--force` — any non-empty folder that is not an mnsim output folder (one holding
//!    an mnsim `manifest.json`). Without `--force` a non-empty folder is never touched.
//! 2. **Take the target atomically** before the simulation: a lock file beside it
//!    (`.mnsim-lock-<hash>`, created with create-or-fail and holding the owner's process id), so a
//!    second command writing to the same folder refuses at once instead of silently replacing the
//!    first one's result. A lock whose process is dead is stale and is taken over.
//! 3. **Prove the write will work** before the simulation: the staging folder
//!    (`.mnsim-partial-<pid>-<n>`, a short name whatever the target's length) is created in the
//!    target's parent, which checks that the parent is writable; the target's own name is checked
//!    against the file system's name limit.
//! 4. **Write whole or not at all**: files go into the staging folder, which is then renamed into
//!    place. An existing run folder replaced with `--force` is swapped atomically with the staged
//!    one (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames with roll-back), so a failure
//!    leaves the old run intact.
//! 5. **Leave nothing behind**: dropping an uncommitted [`OutputDir`] removes its staging folder,
//!    its lock and any parent folders it created; [`abandon_all`] does the same for every live
//!    reservation (the CLI calls it on SIGINT/SIGTERM); staging folders and locks of dead processes
//!    in the same parent are removed by the next reservation there.

use crate::ReportError;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Longest file name (bytes) the common Linux and macOS file systems accept (`NAME_MAX`).
pub const NAME_MAX_BYTES: usize = 255;

/// Prefix of staging folders (`.mnsim-partial-<pid>-<n>`).
const STAGING_PREFIX: &str = ".mnsim-partial-";
/// Prefix of lock files (`.mnsim-lock-<hash of the target name>`).
const LOCK_PREFIX: &str = ".mnsim-lock-";
/// Infix of the staging folders written by mnsim 0.1 before this protocol (`.<name>.partial-<pid>`).
const LEGACY_STAGING_INFIX: &str = ".partial-";

/// Live reservations (staging folder, lock file, parent folders created), for [`abandon_all`].
static LIVE: Mutex<Vec<(PathBuf, PathBuf, Vec<PathBuf>)>> = Mutex::new(Vec::new());
/// Distinguishes the staging folders of one process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// An output folder taken for writing: see the module docs.
#[derive(Debug)]
pub struct OutputDir {
    given: PathBuf,
    target: PathBuf,
    staging: PathBuf,
    lock: PathBuf,
    created_parents: Vec<PathBuf>,
    force: bool,
    done: bool,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |cause| ReportError::Io { path: path.to_path_buf(), cause }
}

fn refuse(path: &Path, why: impl Into<String>) -> ReportError {
    ReportError::Refused { path: path.to_path_buf(), why: why.into() }
}

/// `path` made absolute against the working folder with `.` and `..` resolved lexically.
fn lexical_absolute(path: &Path) -> Result<PathBuf, ReportError> {
    let cwd = std::env::current_dir().map_err(io(Path::new(".")))?;
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// Refuse `/`, the home folder, the working folder and its ancestors (checked on `resolved`).
fn refuse_protected(given: &Path, resolved: &Path) -> Result<(), ReportError> {
    if resolved.parent().is_none() {
        return Err(refuse(given, "is the root folder"));
    }
    let canon = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if let Some(home) = home_dir()
        && canon(&home) == canon(resolved)
    {
        return Err(refuse(given, "is the home folder"));
    }
    let cwd = std::env::current_dir().map_err(io(Path::new(".")))?;
    if canon(&cwd).starts_with(canon(resolved)) {
        return Err(refuse(given, "is the working folder or one of its ancestors"));
    }
    Ok(())
}

/// True if `dir` holds an mnsim `manifest.json` (a JSON object with an `mnsim_version` string).
pub fn is_mnsim_folder(dir: &Path) -> bool {
    fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| v.get("mnsim_version").is_some_and(|s| s.is_string()))
}

/// Check that `dir` may be written by a command run with `force`, without taking it.
pub fn check_target(dir: &Path, force: bool) -> Result<(), ReportError> {
    if dir.as_os_str().is_empty() {
        return Err(refuse(dir, "is an empty path"));
    }
    if matches!(dir.components().next_back(), Some(Component::ParentDir | Component::CurDir) | None) {
        return Err(refuse(dir, "names `.` or `..`, not a folder of its own"));
    }
    let resolved = lexical_absolute(dir)?;
    refuse_protected(dir, &resolved)?;
    if let Ok(real) = fs::canonicalize(dir) {
        refuse_protected(dir, &real)?;
    }
    let leaf = resolved.file_name().ok_or_else(|| refuse(dir, "has no folder name"))?;
    if leaf.len() > NAME_MAX_BYTES {
        return Err(refuse(dir, format!("its name is {} bytes, over the {NAME_MAX_BYTES}-byte limit", leaf.len())));
    }
    match fs::symlink_metadata(dir) {
        Err(_) => Ok(()),
        Ok(m) if !m.is_dir() && !(m.file_type().is_symlink() && dir.is_dir()) => {
            Err(refuse(dir, "exists and is not a folder"))
        }
        Ok(_) => {
            let empty = fs::read_dir(dir).map_err(io(dir))?.next().is_none();
            if empty {
                Ok(())
            } else if !force {
                Err(ReportError::Exists(dir.to_path_buf()))
            } else if is_mnsim_folder(dir) {
                Ok(())
            } else {
                Err(refuse(
                    dir,
                    "is not empty and holds no mnsim manifest.json: --force replaces only mnsim output folders",
                ))
            }
        }
    }
}

/// FNV-1a 64-bit hash (a short, stable lock name for any target name).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// True if process `pid` is alive (Linux: `/proc/<pid>` exists). Elsewhere every process is taken
/// as alive, so nothing is ever cleaned that might be in use.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// The pid a staging-folder name carries, if it is one of ours.
fn staging_pid(name: &str) -> Option<u32> {
    if let Some(rest) = name.strip_prefix(STAGING_PREFIX) {
        return rest.split('-').next()?.parse().ok();
    }
    let (_, pid) = name.strip_prefix('.')?.rsplit_once(LEGACY_STAGING_INFIX)?;
    pid.parse().ok()
}

/// Remove staging folders and locks of dead processes in `parent`.
pub fn clean_stale(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let path = e.path();
        if let Some(pid) = staging_pid(&name) {
            if pid != std::process::id() && !process_alive(pid) && path.is_dir() {
                let _ = fs::remove_dir_all(&path);
            }
        } else if name.starts_with(LOCK_PREFIX)
            && let Some(pid) = lock_owner(&path)
            && pid != std::process::id()
            && !process_alive(pid)
        {
            let _ = fs::remove_file(&path);
        }
    }
}

fn lock_owner(lock: &Path) -> Option<u32> {
    fs::read_to_string(lock).ok()?.trim().parse().ok()
}

/// Create `lock` or fail: the atomic claim on the target.
fn take_lock(lock: &Path, target: &Path) -> Result<(), ReportError> {
    use std::io::Write;
    for _ in 0..2 {
        match fs::OpenOptions::new().write(true).create_new(true).open(lock) {
            Ok(mut f) => {
                return write!(f, "{}", std::process::id()).map_err(io(lock));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match lock_owner(lock) {
                Some(pid) if pid != std::process::id() && !process_alive(pid) => {
                    let _ = fs::remove_file(lock);
                }
                owner => {
                    let who = owner.map(|p| format!("process {p}")).unwrap_or_else(|| "another mnsim command".into());
                    return Err(ReportError::Busy { path: target.to_path_buf(), owner: who, lock: lock.to_path_buf() });
                }
            },
            Err(e) => {
                let folder = lock.parent().unwrap_or(Path::new("."));
                return Err(refuse(target, format!("cannot create files in {}: {e}", folder.display())));
            }
        }
    }
    Err(ReportError::Busy {
        path: target.to_path_buf(),
        owner: "another mnsim command".into(),
        lock: lock.to_path_buf(),
    })
}

/// Create the missing ancestors of `dir`, returning those created (outermost first).
fn create_parents(dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let mut missing = Vec::new();
    let mut p = dir;
    while !p.as_os_str().is_empty() && !p.exists() {
        missing.push(p.to_path_buf());
        match p.parent() {
            Some(q) => p = q,
            None => break,
        }
    }
    missing.reverse();
    let mut created = Vec::new();
    for m in missing {
        if let Err(e) = fs::create_dir(&m)
            && e.kind() != std::io::ErrorKind::AlreadyExists
        {
            remove_created(&created);
            return Err(ReportError::Io { path: m, cause: e });
        }
        created.push(m);
    }
    Ok(created)
}

fn remove_created(created: &[PathBuf]) {
    for p in created.iter().rev() {
        let _ = fs::remove_dir(p);
    }
}

impl OutputDir {
    /// Take `dir` for writing (see the module docs): refuses at once if it may not be written,
    /// is being written by another command, or cannot be written at all.
    pub fn reserve(dir: &Path, force: bool) -> Result<OutputDir, ReportError> {
        check_target(dir, force)?;
        let target = lexical_absolute(dir)?;
        let parent = target.parent().expect("a checked target has a parent").to_path_buf();
        let leaf = target.file_name().expect("a checked target has a name");
        let created_parents = create_parents(&parent)?;
        clean_stale(&parent);
        let lock = parent.join(format!("{LOCK_PREFIX}{:016x}", fnv1a(leaf.as_encoded_bytes())));
        if let Err(e) = take_lock(&lock, dir) {
            remove_created(&created_parents);
            return Err(e);
        }
        // the folder may have been filled between the check and the lock
        if let Err(e) = check_target(dir, force) {
            let _ = fs::remove_file(&lock);
            remove_created(&created_parents);
            return Err(e);
        }
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let staging = parent.join(format!("{STAGING_PREFIX}{}-{n}", std::process::id()));
        if let Err(e) = fs::create_dir(&staging) {
            let _ = fs::remove_file(&lock);
            remove_created(&created_parents);
            return Err(ReportError::Io { path: parent, cause: e });
        }
        LIVE.lock().unwrap_or_else(|p| p.into_inner()).push((staging.clone(), lock.clone(), created_parents.clone()));
        Ok(OutputDir { given: dir.to_path_buf(), target, staging, lock, created_parents, force, done: false })
    }

    /// The folder that [`OutputDir::commit`] will write (absolute).
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Create file `name` (a plain file name) of the folder now, for a table too large to hold
    /// whole: the caller writes it (and flushes it) through the returned writer; it waits in the
    /// staging folder and is moved into place with the others by [`OutputDir::commit`], or is
    /// removed with the staging folder if the command stops before (a name also given to
    /// `commit` is overwritten by it). Returns the file's staging path, for error messages, and
    /// the writer.
    pub fn create_streamed(&self, name: &str) -> Result<(PathBuf, std::io::BufWriter<fs::File>), ReportError> {
        let mut parts = Path::new(name).components();
        if !matches!((parts.next(), parts.next()), (Some(Component::Normal(_)), None)) {
            return Err(refuse(Path::new(name), "is not a plain file name"));
        }
        let p = self.staging.join(name);
        let f = fs::File::create(&p).map_err(io(&p))?;
        Ok((p, std::io::BufWriter::new(f)))
    }

    /// Write `files` (name, bytes; names may hold sub-folders) and move them into place, whole or
    /// not at all. Returns the folder written, as it was given to [`OutputDir::reserve`].
    pub fn commit<N: AsRef<str>>(mut self, files: &[(N, Vec<u8>)]) -> Result<PathBuf, ReportError> {
        for (name, bytes) in files {
            let name = name.as_ref();
            if Path::new(name).components().any(|c| !matches!(c, Component::Normal(_))) {
                return Err(refuse(Path::new(name), "is not a plain relative file name"));
            }
            let p = self.staging.join(name);
            if let Some(sub) = p.parent() {
                fs::create_dir_all(sub).map_err(io(sub))?;
            }
            fs::write(&p, bytes).map_err(io(&p))?;
        }
        // the lock is still ours: nobody else has written the target since reserve()
        check_target(&self.target, self.force)?;
        self.swap_into_place()?;
        self.done = true;
        self.release();
        Ok(self.given.clone())
    }

    fn swap_into_place(&self) -> Result<(), ReportError> {
        let exists = fs::symlink_metadata(&self.target).is_ok();
        if !exists {
            return fs::rename(&self.staging, &self.target).map_err(io(&self.target));
        }
        if exchange(&self.staging, &self.target).is_ok() {
            // the old folder now sits at the staging path
            let _ = fs::remove_dir_all(&self.staging);
            return Ok(());
        }
        // fallback: move the old folder aside, move the new one in, roll back on failure
        let aside = self.staging.with_extension("old");
        fs::rename(&self.target, &aside).map_err(io(&self.target))?;
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            let _ = fs::rename(&aside, &self.target);
            return Err(ReportError::Io { path: self.target.clone(), cause: e });
        }
        let _ = fs::remove_dir_all(&aside);
        Ok(())
    }

    /// Remove the staging folder (if still there), the lock, and forget the reservation.
    fn release(&mut self) {
        let _ = fs::remove_dir_all(&self.staging);
        let _ = fs::remove_file(&self.lock);
        LIVE.lock().unwrap_or_else(|p| p.into_inner()).retain(|(s, _, _)| s != &self.staging);
        if !self.done {
            remove_created(&self.created_parents);
        }
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.done {
            self.release();
        }
    }
}

/// Atomically exchange two paths (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    rustix::fs::renameat_with(rustix::fs::CWD, a, rustix::fs::CWD, b, rustix::fs::RenameFlags::EXCHANGE)
        .map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Remove the staging folder and lock of every live reservation of this process (for a signal
/// handler: the process is about to exit without running destructors).
pub fn abandon_all() {
    let live = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|p| p.into_inner()));
    for (staging, lock, created) in live {
        let _ = fs::remove_dir_all(&staging);
        let _ = fs::remove_file(&lock);
        remove_created(&created);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A streamed file is moved into place with the committed ones; a name that is not a plain
    /// file name is refused; a reservation dropped before its commit leaves nothing behind.
    #[test]
    fn streamed_files_land_with_the_commit_or_not_at_all() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let dir = OutputDir::reserve(&target, false).unwrap();
        let (path, mut w) = dir.create_streamed("rows.csv").unwrap();
        assert!(!path.starts_with(&target), "written in the staging folder, not the target");
        w.write_all(b"a,b\n1,2\n").unwrap();
        w.flush().unwrap();
        drop(w);
        for bad in ["sub/rows.csv", "..", "/abs.csv", ""] {
            assert!(dir.create_streamed(bad).is_err(), "{bad:?} accepted");
        }
        dir.commit(&[("manifest.json", b"{\"mnsim_version\": \"t\"}".to_vec())]).unwrap();
        assert_eq!(fs::read(target.join("rows.csv")).unwrap(), b"a,b\n1,2\n");
        assert!(target.join("manifest.json").is_file());

        let other = tmp.path().join("other");
        let dir = OutputDir::reserve(&other, false).unwrap();
        let (_, mut w) = dir.create_streamed("rows.csv").unwrap();
        w.write_all(b"x\n").unwrap();
        drop(w);
        drop(dir);
        assert!(!other.exists());
        let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("out")], "staging or lock files left: {left:?}");
    }
}
