//! The page and its assets, embedded in the binary (no network, no CDN, no build step), and the
//! presets: the built-in default, the worked scenarios of `scenarios/` and a quick look.

use crate::error::ApiError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");

/// The presets: (id, TOML text). The first is the built-in default.
pub const PRESETS: [(&str, &str); 8] = [
    ("default", include_str!("../../../scenarios/acne-scars-cheek.toml")),
    ("quick-look", include_str!("../assets/quick-look.toml")),
    ("acne-scars-cheek", include_str!("../../../scenarios/acne-scars-cheek.toml")),
    ("fine-lines-forehead", include_str!("../../../scenarios/fine-lines-forehead.toml")),
    ("fine-lines-periorbital", include_str!("../../../scenarios/fine-lines-periorbital.toml")),
    ("laxity-neck", include_str!("../../../scenarios/laxity-neck.toml")),
    ("melasma-cheek", include_str!("../../../scenarios/melasma-cheek.toml")),
    ("striae-abdomen", include_str!("../../../scenarios/striae-abdomen.toml")),
];

/// Every preset with its title (the scenario's description) and text.
pub fn presets() -> Vec<Value> {
    PRESETS
        .iter()
        .map(|(id, text)| {
            let t: Option<toml::Table> = toml::from_str(text).ok();
            let desc = t.as_ref().and_then(|t| t.get("description")).and_then(|d| d.as_str()).unwrap_or(id);
            let title = if *id == "default" { format!("Built-in default — {desc}") } else { desc.to_string() };
            json!({ "id": id, "title": title, "toml": text })
        })
        .collect()
}

/// `GET /`: the lab.
pub async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// `GET /assets/{name}`: the script and the style sheet.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, ty) = match name.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        _ => return ApiError::NotFound(format!("/assets/{name}: no such asset")).into_response(),
    };
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ty));
    r
}
