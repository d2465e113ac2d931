//! Errors of the web API: each answers with a 4xx (or, for a failure of the machine itself, a
//! 500) and one JSON document `{"error": {"kind", "message", "field"?, "line"?}}`, whose
//! `message` is the text the CLI prints after `error: ` for the same mistake. Never a backtrace.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mnsim_scenario::ScenarioError;
use thiserror::Error;

/// What went wrong with a request.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The scenario does not parse or a value is out of range (the CLI's `mnsim check` message).
    #[error("{0}")]
    Scenario(ScenarioError),
    /// The scenario is valid but over the memory budget (the CLI's message).
    #[error("{0}")]
    Budget(String),
    /// A study's input is invalid (a plan file, a population, a case id: the CLI's message).
    #[error("{0}")]
    Study(String),
    /// The request body is not what the endpoint takes (not JSON, a missing key, a wrong type).
    #[error("{0}")]
    BadRequest(String),
    /// A run id or file path that is not a plain name inside the runs folder.
    #[error("{what} `{value}` is refused: {why}")]
    Path {
        /// What the value names (`run id`, `file`).
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// No such run or file.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the state of a run (deleting a running run, cancelling a
    /// finished one) or with the runs folder (the output folder is taken).
    #[error("{0}")]
    Conflict(String),
    /// The body is over the server's limit.
    #[error("request body over the limit of {limit_bytes} bytes")]
    TooLarge {
        /// The limit, bytes.
        limit_bytes: usize,
    },
    /// The server could not do its own work (an I/O error in the runs folder).
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Scenario(_) | ApiError::Budget(_) | ApiError::Study(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) | ApiError::Path { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short machine-readable kind (`scenario`, `budget`, `bad_request`, `path`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::Scenario(_) => "scenario",
            ApiError::Budget(_) => "budget",
            ApiError::Study(_) => "study",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Path { .. } => "path",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The JSON body: kind, message, and for a scenario error the field and line it names.
    pub fn body(&self) -> serde_json::Value {
        let mut e = serde_json::json!({ "kind": self.kind(), "message": self.to_string() });
        if let ApiError::Scenario(s) = self {
            e["field"] = serde_json::json!(s.field());
            e["line"] = serde_json::json!(scenario_line(s));
        }
        serde_json::json!({ "error": e })
    }
}

/// The 1-based line a scenario error points at, when it has one.
pub fn scenario_line(e: &ScenarioError) -> Option<usize> {
    match e {
        ScenarioError::Parse { at, .. } | ScenarioError::Invalid { at, .. } => at.line,
        _ => None,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
