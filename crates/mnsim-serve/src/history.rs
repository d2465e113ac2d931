//! The runs folder as history: list, show, delete, serve a run's files, compare runs (with
//! `mnsim_report::compare`, the library behind `mnsim compare`; nothing is written).

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::handlers::body;
use crate::paths;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

type St = State<Arc<AppState>>;

/// Most runs one comparison takes.
pub const MAX_COMPARE: usize = 16;

fn read_json(p: &std::path::Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
}

/// The page of a folder, by kind: a run's report, then the studies' pages.
pub const PAGES: [&str; 5] = ["report.html", "plan.html", "validation.html", "cohort.html", "sensitivity.html"];

/// One run folder of the history, from its manifest (None if not an mnsim run folder).
fn entry(root: &std::path::Path, id: &str) -> Option<Value> {
    let dir = paths::run_folder(root, id).ok()?;
    let m = read_json(&dir.join("manifest.json"))?;
    m.get("mnsim_version")?.as_str()?;
    let kind = m.get("kind").and_then(Value::as_str).unwrap_or("run");
    // the folder's own page: a run's report, a study's page
    let page = PAGES.iter().find(|p| dir.join(p).is_file()).copied();
    let name = m.get("scenario_name").cloned().or_else(|| {
        let d = m.get("details")?;
        d.pointer("/plan/name").or_else(|| d.pointer("/population/name")).cloned()
    });
    let name = name.unwrap_or_else(|| json!(if kind == "validate" { "validation" } else { kind }));
    Some(json!({
        "id": id,
        "kind": kind,
        "state": "done",
        "scenario": name,
        "started_utc": m.get("started_utc"),
        "wall_time_s": m.get("wall_time_s"),
        "has_report": page.is_some(),
        "page": page,
        "comparable": dir.join("results.json").is_file(),
    }))
}

/// `GET /api/runs`: the run folders of the runs folder and the runs of this server not yet
/// written (queued, running, failed, cancelled), newest first.
pub async fn list(State(st): St) -> ApiResult<Json<Value>> {
    let read = std::fs::read_dir(&st.root).map_err(|e| ApiError::Internal(format!("reading the runs folder: {e}")))?;
    let mut runs: Vec<Value> = read
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| paths::check_run_id(n).is_ok())
        .filter_map(|n| entry(&st.root, &n))
        .collect();
    for s in st.runs.all() {
        if s.state != crate::runs::RunState::Done {
            runs.push(json!(s));
        }
    }
    runs.sort_by(|a, b| b["started_utc"].as_str().cmp(&a["started_utc"].as_str()));
    Ok(Json(json!({ "runs": runs })))
}

/// `GET /api/runs/{id}`: the live status (runs of this server) and, once written, the manifest
/// summary and results.json.
pub async fn show(State(st): St, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    paths::check_run_id(&id)?;
    let live = st.runs.status(&id);
    let folder = entry(&st.root, &id);
    let mut doc = match (live, folder) {
        (_, Some(f)) => f,
        (Some(s), None) => json!(s),
        (None, None) => return Err(ApiError::NotFound(format!("run `{id}`: no such run"))),
    };
    if let Ok(dir) = paths::run_folder(&st.root, &id) {
        doc["results"] = read_json(&dir.join("results.json")).unwrap_or(Value::Null);
    }
    if let Some(s) = st.runs.status(&id) {
        doc["status"] = json!(s);
    }
    Ok(Json(doc))
}

/// `DELETE /api/runs/{id}`: remove a finished mnsim run folder. 409 while it runs; a folder
/// without mnsim's manifest.json is never removed.
pub async fn delete(State(st): St, Path(id): Path<String>) -> ApiResult<StatusCode> {
    paths::check_run_id(&id)?;
    if let Some(s) = st.runs.status(&id)
        && !s.state.is_final()
    {
        return Err(ApiError::Conflict(format!("run `{id}` is {}: cancel it first", crate::runs::state_word(s.state))));
    }
    let dir = match paths::run_folder(&st.root, &id) {
        Ok(d) => d,
        // a failed or cancelled run of this server left no folder: forget it
        Err(ApiError::NotFound(_)) if st.runs.status(&id).is_some() => {
            st.runs.forget(&id);
            return Ok(StatusCode::NO_CONTENT);
        }
        Err(e) => return Err(e),
    };
    if !mnsim_report::output::is_mnsim_folder(&dir) {
        return Err(ApiError::Conflict(format!(
            "`{id}` holds no mnsim manifest.json: only mnsim run folders are deleted"
        )));
    }
    std::fs::remove_dir_all(&dir).map_err(|e| ApiError::Internal(format!("deleting run `{id}`: {e}")))?;
    st.runs.forget(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// The content type of a run folder's file, by extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "toml" | "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /runs/{id}/{file}`: a file of a run folder (report.html, figures, tables), confined to
/// the runs folder.
pub async fn file(State(st): St, Path((id, file)): Path<(String, String)>) -> ApiResult<Response> {
    let dir = paths::run_folder(&st.root, &id)?;
    paths::check_file_path(&file)?;
    let real = paths::resolve_inside(&st.root, &format!("{id}/{file}"))?;
    if !real.starts_with(std::fs::canonicalize(&dir).unwrap_or(dir)) || !real.is_file() {
        return Err(ApiError::NotFound(format!("`{id}/{file}`: no such file")));
    }
    let bytes = std::fs::read(&real).map_err(|e| ApiError::Internal(format!("reading `{id}/{file}`: {e}")))?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&file)));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(r)
}

/// The body of `POST /api/compare`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    /// Run ids, 2 to [`MAX_COMPARE`].
    pub runs: Vec<String>,
}

/// Compare run folders as `mnsim compare` does: the JSON of `mnsim compare --json` (without
/// `out_dir`) and the compare.html page, written nowhere.
fn comparison(st: &AppState, ids: &[String]) -> ApiResult<(Value, String)> {
    if ids.len() < 2 || ids.len() > MAX_COMPARE {
        return Err(ApiError::BadRequest(format!(
            "`runs` has {} run ids: compare takes 2 to {MAX_COMPARE}",
            ids.len()
        )));
    }
    let dirs: Vec<PathBuf> = ids.iter().map(|id| paths::run_folder(&st.root, id)).collect::<ApiResult<_>>()?;
    let cmp = mnsim_report::compare::load_runs(&dirs).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let doc = mnsim_report::compare::comparison_json(&cmp, ids);
    let (_, html) =
        mnsim_report::compare::render(&cmp).map_err(|e| ApiError::Internal(format!("drawing compare.html: {e}")))?;
    Ok((doc, html))
}

/// `POST /api/compare` `{"runs": [id, id, …]}`: the comparison as JSON, with the page in `html`.
pub async fn compare(State(st): St, b: Result<Bytes, BytesRejection>) -> ApiResult<Json<Value>> {
    let req: CompareRequest = body(&st, b)?;
    let (mut doc, html) = comparison(&st, &req.runs)?;
    doc["html"] = json!(html);
    Ok(Json(doc))
}

/// The query of `GET /compare`.
#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    /// Run ids, comma-separated.
    pub runs: String,
}

/// `GET /compare?runs=a,b`: the comparison page itself (works without JavaScript).
pub async fn compare_page(
    State(st): St,
    q: Result<Query<CompareQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Html<String>> {
    let q = q.map_err(|_| ApiError::BadRequest("`/compare` needs `?runs=ID,ID`".into()))?;
    let ids: Vec<String> = q.runs.split(',').map(str::to_string).collect();
    Ok(Html(comparison(&st, &ids)?.1))
}

/// `GET /runs`: the run history as a plain page of links (works without JavaScript).
pub async fn index_page(State(st): St) -> ApiResult<Html<String>> {
    let Json(doc) = list(State(st)).await?;
    let esc = mnsim_report::page::esc;
    let mut h = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim runs</title>\
         <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main style=\"display:block\"><section>\
         <h1>mnsim runs</h1><p><a href=\"/\">the lab</a></p><table><tr><th>run or study</th><th>scenario</th><th>state</th>\
         <th>started (UTC)</th></tr>",
    );
    for r in doc["runs"].as_array().into_iter().flatten() {
        let id = r["id"].as_str().unwrap_or("");
        let name = if let Some(page) = r["page"].as_str() {
            format!("<a href=\"/runs/{}/{page}\">{}</a>", esc(&percent(id)), esc(id))
        } else {
            esc(id)
        };
        h.push_str(&format!(
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(r["scenario"].as_str().unwrap_or("")),
            esc(r["state"].as_str().unwrap_or("")),
            esc(r["started_utc"].as_str().unwrap_or(""))
        ));
    }
    h.push_str("</table></section></main></body></html>\n");
    Ok(Html(h))
}

/// `s` with every byte outside `[A-Za-z0-9._~-]` percent-encoded (one path segment).
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'~' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
