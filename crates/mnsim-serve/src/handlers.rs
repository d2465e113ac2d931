//! Handlers of the scenario and run endpoints: status, schema, presets, check, submit, events,
//! cancel, and the JSON 404.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::runs::{RunContext, RunStatus};
use crate::scenario::{self, ScenarioInput};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

type St = State<Arc<AppState>>;

/// The body as `T`: 413 over the limit, 400 for anything that is not the JSON `T` takes.
pub(crate) fn body<T: DeserializeOwned>(st: &AppState, b: Result<Bytes, BytesRejection>) -> ApiResult<T> {
    let bytes = b.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge { limit_bytes: st.config.max_body_bytes },
        _ => ApiError::BadRequest(format!("reading the request body: {e}")),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest(format!("request body: {e}")))
}

/// `GET /api/status`: version, limits and the queue.
pub async fn status(State(st): St) -> Json<Value> {
    let (running, queued) = st.runs.counts();
    Json(json!({
        "mnsim_version": env!("CARGO_PKG_VERSION"),
        "git_revision": st.config.git_revision,
        "runs_dir": st.config.runs_dir.display().to_string(),
        "max_concurrent_runs": st.runs.max_concurrent(),
        "max_body_bytes": st.config.max_body_bytes,
        "max_memory_gib": st.config.budget.max_memory_gib,
        "running": running,
        "queued": queued,
    }))
}

/// `GET /api/schema`: the scenario's JSON Schema (`mnsim scenario --schema`).
pub async fn schema() -> Json<Value> {
    Json(mnsim_scenario::json_schema())
}

/// `GET /api/presets`: the built-in default and the worked scenarios.
pub async fn presets() -> Json<Value> {
    Json(json!({ "presets": crate::assets::presets() }))
}

/// `POST /api/check`: check a scenario as `mnsim check` does. 200 with the TOML text, its table,
/// the resolved scenario and the estimate; 422 with the CLI's message (and the TOML text and
/// table, so the page stays in sync while a value is wrong).
pub async fn check(State(st): St, b: Result<Bytes, BytesRejection>) -> axum::response::Response {
    let input: ScenarioInput = match body(&st, b) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let text = match input.text() {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    match scenario::check(&text, &input.file_name(), &st.config.budget) {
        Ok((r, estimate)) => Json(scenario::check_answer(&text, &r, estimate)).into_response(),
        Err(e) => {
            let mut doc = e.body();
            doc["ok"] = json!(false);
            doc["toml"] = json!(text);
            doc["scenario"] = json!(scenario::toml_to_json(&text));
            (e.status(), Json(doc)).into_response()
        }
    }
}

/// `POST /api/runs`: check the scenario, take its folder and queue it. 202 with its status.
pub async fn submit(State(st): St, b: Result<Bytes, BytesRejection>) -> ApiResult<(StatusCode, Json<RunStatus>)> {
    let input: ScenarioInput = body(&st, b)?;
    let text = input.text()?;
    let (r, _) = scenario::check(&text, &input.file_name(), &st.config.budget)?;
    let ctx = RunContext {
        budget: st.config.budget,
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision: st.config.git_revision.clone(),
    };
    let s = st.runs.submit(&st.root, r, ctx)?;
    Ok((StatusCode::ACCEPTED, Json(s)))
}

/// `GET /api/studies`: what the studies panel offers: the built-in example plans (name, text),
/// the built-in populations and the largest cohort the page starts.
pub async fn studies() -> Json<Value> {
    let plans: Vec<Value> =
        mnsim_study::plan::EXAMPLE_PLANS.iter().map(|(n, t)| json!({"name": n, "text": t})).collect();
    let populations: Vec<&str> = mnsim_study::cohort::builtin_populations().iter().map(|(n, _)| *n).collect();
    Json(json!({
        "plans": plans,
        "populations": populations,
        "max_cohort_patients": crate::studies::MAX_PAGE_COHORT,
        "kinds": ["plan", "validate", "cohort", "sensitivity"],
        "max_design_runs": crate::studies::MAX_PAGE_DESIGN_RUNS,
    }))
}

/// `POST /api/studies`: check a study (plan, validate, cohort, sensitivity), take its folder and queue it
/// with the runs. 202 with its status; 422 with the CLI's message for a bad plan, case id,
/// population or N.
pub async fn submit_study(State(st): St, b: Result<Bytes, BytesRejection>) -> ApiResult<(StatusCode, Json<RunStatus>)> {
    let input: crate::studies::StudyInput = body(&st, b)?;
    let study = crate::studies::prepare(input, st.config.budget, st.config.git_revision.clone())?;
    let ctx = RunContext {
        budget: st.config.budget,
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision: st.config.git_revision.clone(),
    };
    let s = st.runs.submit_study(&st.root, study, ctx)?;
    Ok((StatusCode::ACCEPTED, Json(s)))
}

/// `GET /api/runs/{id}/events`: server-sent events, one `status` event (the run's status as
/// JSON) now and at every change, ending after the final one.
pub async fn events(
    State(st): St,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>> {
    crate::paths::check_run_id(&id)?;
    let rx =
        st.runs.subscribe(&id).ok_or_else(|| ApiError::NotFound(format!("run `{id}`: not started by this server")))?;
    let stream = futures_util::stream::unfold((rx, false, true), |(mut rx, ended, first)| async move {
        if ended {
            return None;
        }
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let s = rx.borrow_and_update().clone();
        let ev = Event::default().event("status").json_data(&s).unwrap_or_else(|_| Event::default());
        Some((Ok(ev), (rx, s.state.is_final(), false)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// `POST /api/runs/{id}/cancel`: 200 with the status; 404 for an unknown run, 409 for a
/// finished one.
pub async fn cancel(State(st): St, Path(id): Path<String>) -> ApiResult<Json<RunStatus>> {
    crate::paths::check_run_id(&id)?;
    Ok(Json(st.runs.cancel(&id)?))
}

/// Any other path: 404 as JSON.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("{}: no such page or endpoint (see docs/SERVE.md)", uri.path()))
}
