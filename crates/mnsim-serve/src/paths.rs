//! Confinement to the runs folder: every run id and file path a request names is checked here
//! before any file is touched. A run id is one plain folder name; a file path is a chain of
//! plain names; the resolved path (symbolic links followed) must still lie inside the runs
//! folder.

use crate::error::{ApiError, ApiResult};
use std::path::{Component, Path, PathBuf};

/// Longest run id or path component accepted, bytes (the file system's name limit).
pub const MAX_NAME_BYTES: usize = mnsim_report::output::NAME_MAX_BYTES;

/// Check one path component: not empty, not `.`/`..`, no separator, not hidden (`.name`, which
/// is where staging folders and locks live), no control characters, at most
/// [`MAX_NAME_BYTES`].
fn check_name(what: &'static str, name: &str) -> ApiResult<()> {
    let refuse = |why| Err(ApiError::Path { what, value: name.to_string(), why });
    if name.is_empty() {
        return refuse("is empty");
    }
    if name.len() > MAX_NAME_BYTES {
        return refuse("is longer than 255 bytes");
    }
    if name.contains(['/', '\\']) {
        return refuse("holds a path separator; it must be one plain name");
    }
    if name.starts_with('.') {
        return refuse("starts with `.` (`.`, `..` and hidden files are never served)");
    }
    if name.chars().any(char::is_control) {
        return refuse("holds a control character");
    }
    Ok(())
}

/// Check a run id (one plain folder name inside the runs folder).
pub fn check_run_id(id: &str) -> ApiResult<()> {
    check_name("run id", id)
}

/// Check a file path inside a run folder: relative, each component a plain name.
pub fn check_file_path(path: &str) -> ApiResult<()> {
    let refuse = |why| Err(ApiError::Path { what: "file", value: path.to_string(), why });
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return refuse("is an absolute path");
    }
    if path.is_empty() {
        return refuse("is empty");
    }
    for c in Path::new(path).components() {
        match c {
            Component::Normal(n) => check_name("file", &n.to_string_lossy())?,
            _ => return refuse("holds `.`, `..` or a root; it must be a plain relative path"),
        }
    }
    Ok(())
}

/// `rel` resolved inside `root` (which is canonical), symbolic links followed: the path, or an
/// error if it does not exist or leads out of `root`.
pub fn resolve_inside(root: &Path, rel: &str) -> ApiResult<PathBuf> {
    let joined = root.join(rel);
    let real = std::fs::canonicalize(&joined).map_err(|_| ApiError::NotFound(format!("`{rel}`: no such file")))?;
    if !real.starts_with(root) {
        return Err(ApiError::Path { what: "file", value: rel.to_string(), why: "leads out of the runs folder" });
    }
    Ok(real)
}

/// The folder of run `id`, checked: a real folder (not a symbolic link) directly inside `root`.
pub fn run_folder(root: &Path, id: &str) -> ApiResult<PathBuf> {
    check_run_id(id)?;
    let dir = root.join(id);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => {
            Err(ApiError::Path { what: "run id", value: id.to_string(), why: "is a symbolic link" })
        }
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(ApiError::NotFound(format!("run `{id}`: not a run folder"))),
        Err(_) => Err(ApiError::NotFound(format!("run `{id}`: no such run"))),
    }
}
