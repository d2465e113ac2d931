//! HTTP-level tests of every endpoint, through `tower::ServiceExt::oneshot` (no socket): status
//! codes, JSON shapes, the CLI's messages, traversal attempts, oversize bodies, the queue beyond
//! the limit of concurrent runs, cancel.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use mnsim_serve::ServeConfig;
use serde_json::{Value, json};
use std::path::Path;
use tower::ServiceExt;

/// A run in well under a second: 1 × 1 mm patch, one pass, no healing, no topical, one member.
const QUICK: &str = include_str!("../assets/quick-look.toml");

/// The runtime of one test (the server's own runs on blocking threads).
fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

fn app(runs: &Path, max_concurrent_runs: usize) -> Router {
    let config = ServeConfig {
        runs_dir: runs.to_path_buf(),
        max_concurrent_runs,
        max_body_bytes: 64 * 1024,
        ..Default::default()
    };
    mnsim_serve::router(config).expect("the router starts on a temporary folder")
}

async fn send(app: &Router, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Vec<u8>, String) {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(&v).unwrap())
        }
        None => Body::empty(),
    };
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let ty = resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, bytes.to_vec(), ty)
}

async fn json_of(app: &Router, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (s, b, _) = send(app, method, uri, body).await;
    let v = if b.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&b).unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&b)))
    };
    (s, v)
}

/// The final status of run `id`, read from its events stream (which ends after the final one).
async fn wait_final(app: &Router, id: &str) -> Value {
    let (s, body, ty) = send(app, Method::GET, &format!("/api/runs/{id}/events"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ty.starts_with("text/event-stream"), "{ty}");
    let text = String::from_utf8(body).unwrap();
    let last = text.lines().filter_map(|l| l.strip_prefix("data: ")).next_back().expect("at least one event");
    assert!(text.contains("event: status"));
    serde_json::from_str(last).unwrap()
}

fn quick_named(name: &str) -> String {
    QUICK.replace("name = \"quick-look\"", &format!("name = \"{name}\""))
}

#[test]
fn page_assets_schema_presets_and_status() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let (s, b, ty) = send(&app, Method::GET, "/", None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(ty.starts_with("text/html"));
        assert!(String::from_utf8(b).unwrap().contains("/assets/app.js"));
        for (a, t) in [("app.js", "text/javascript"), ("app.css", "text/css")] {
            let (s, b, ty) = send(&app, Method::GET, &format!("/assets/{a}"), None).await;
            assert_eq!(s, StatusCode::OK);
            assert!(ty.starts_with(t) && !b.is_empty());
        }
        let (s, v) = json_of(&app, Method::GET, "/assets/nope.js", None).await;
        assert_eq!((s, v["error"]["kind"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
        let (s, v) = json_of(&app, Method::GET, "/api/schema", None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v, mnsim_scenario::json_schema());
        let (s, v) = json_of(&app, Method::GET, "/api/presets", None).await;
        assert_eq!(s, StatusCode::OK);
        let presets = v["presets"].as_array().unwrap();
        assert_eq!(presets[0]["id"], "default");
        assert_eq!(presets[0]["toml"], mnsim_scenario::default_toml());
        assert!(presets.iter().any(|p| p["id"] == "striae-abdomen"));
        for p in presets {
            // every preset is a valid scenario
            mnsim_scenario::parse(p["toml"].as_str().unwrap(), "preset").unwrap();
        }
        let (s, v) = json_of(&app, Method::GET, "/api/status", None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["max_concurrent_runs"], 1);
        assert_eq!((v["running"].as_u64(), v["queued"].as_u64()), (Some(0), Some(0)));
        let (s, v) = json_of(&app, Method::GET, "/no/such/page", None).await;
        assert_eq!((s, v["error"]["kind"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    })
}

#[test]
fn check_answers_like_mnsim_check() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let (s, v) = json_of(&app, Method::POST, "/api/check", Some(json!({"toml": QUICK}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["ok"], true);
        assert_eq!(v["summary"]["name"], "quick-look");
        assert_eq!(v["scenario"]["device"]["needle_length_um"], 1000);
        assert!(v["estimate"]["peak_memory_gib"].as_f64().unwrap() > 0.0);
        assert_eq!(v["resolved"]["simulation"]["run_healing"], false);

        // an out-of-range value: 422 with the message `mnsim check` prints for the same file
        let bad = QUICK.replace("needle_count = 12", "needle_count = 12\nfrequency_hz = 0");
        let (s, v) = json_of(&app, Method::POST, "/api/check", Some(json!({"toml": bad, "file": "my.toml"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let cli = mnsim_scenario::parse(&bad, "my.toml").unwrap_err().to_string();
        assert_eq!(v["error"]["message"], cli);
        assert!(cli.starts_with("my.toml:"), "{cli}");
        assert_eq!(v["error"]["kind"], "scenario");
        assert_eq!(v["error"]["field"], "device.frequency_hz");
        assert!(v["error"]["line"].as_u64().is_some());
        assert_eq!(v["ok"], false);
        assert_eq!(v["scenario"]["device"]["frequency_hz"], 0, "the table comes back for the form");

        // the form's JSON table: written as TOML, checked the same way
        let mut table = v["scenario"].clone();
        table["device"]["frequency_hz"] = json!(90);
        let (s, v) = json_of(&app, Method::POST, "/api/check", Some(json!({"scenario": table}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["toml"].as_str().unwrap().contains("frequency_hz = 90"));

        // a TOML syntax error names the default file name and a line
        let (s, v) = json_of(&app, Method::POST, "/api/check", Some(json!({"toml": "name = \n"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["message"].as_str().unwrap().starts_with("scenario.toml:"), "{v}");

        // over the memory budget: the CLI's `refused before running` message
        let budget_app = mnsim_serve::router(ServeConfig {
            runs_dir: tmp.path().to_path_buf(),
            budget: mnsim_sim::Budget { max_memory_gib: 1e-9 },
            ..Default::default()
        })
        .unwrap();
        let (s, v) = json_of(&budget_app, Method::POST, "/api/check", Some(json!({"toml": QUICK}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["kind"], "budget");
        assert!(v["error"]["message"].as_str().unwrap().starts_with("scenario.toml: refused before running: "), "{v}");
    })
}

#[test]
fn malformed_and_oversize_bodies_are_4xx_json() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let req = Request::post("/api/check")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let v: Value =
            serde_json::from_slice(&axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap()).unwrap();
        assert_eq!(v["error"]["kind"], "bad_request");
        for body in [json!({}), json!({"toml": "x", "scenario": {}}), json!({"tom": "x"}), json!({"scenario": [1]})] {
            let (s, v) = json_of(&app, Method::POST, "/api/check", Some(body.clone())).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(v["error"]["kind"], "bad_request");
        }
        let huge = "#".repeat(100 * 1024);
        for uri in ["/api/check", "/api/runs", "/api/compare"] {
            let (s, v) = json_of(&app, Method::POST, uri, Some(json!({"toml": huge}))).await;
            assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
            assert_eq!(v["error"]["message"], "request body over the limit of 65536 bytes");
        }
        let (s, v) = json_of(&app, Method::POST, "/api/runs", Some(json!({"toml": "name = 1"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["kind"], "scenario");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "a refused run writes nothing");
    })
}

#[test]
fn a_run_writes_its_folder_like_mnsim_run_and_the_history_shows_it() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let (s, v) = json_of(&app, Method::POST, "/api/runs", Some(json!({"toml": QUICK}))).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        assert!(id.starts_with("quick-look-"), "{id}");
        assert!(matches!(v["state"].as_str(), Some("queued")));
        let last = wait_final(&app, &id).await;
        assert_eq!(last["state"], "done", "{last}");
        let dir = tmp.path().join(&id);
        for f in mnsim_report::FILES {
            assert!(dir.join(f).is_file(), "{f}");
        }
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["scenario_name"], "quick-look");
        assert_eq!(manifest["command"], json!(["mnsim", "serve"]));
        // no staging folder or lock is left beside it
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, [id.as_str()]);

        let (s, v) = json_of(&app, Method::GET, "/api/runs", None).await;
        assert_eq!(s, StatusCode::OK);
        let runs = v["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!((runs[0]["id"].as_str(), runs[0]["state"].as_str()), (Some(id.as_str()), Some("done")));
        assert_eq!(runs[0]["has_report"], true);
        let (s, v) = json_of(&app, Method::GET, &format!("/api/runs/{id}"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(v["results"]["figures"]["mean_depth_um"]["value"].as_f64().unwrap() > 0.0);
        assert_eq!(v["status"]["state"], "done");

        let (s, b, ty) = send(&app, Method::GET, &format!("/runs/{id}/report.html"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(ty.starts_with("text/html"));
        assert_eq!(b, std::fs::read(dir.join("report.html")).unwrap());
        let (s, _, ty) = send(&app, Method::GET, &format!("/runs/{id}/puncture_map.svg"), None).await;
        assert_eq!((s, ty.as_str()), (StatusCode::OK, "image/svg+xml"));
        let (s, b, _) = send(&app, Method::GET, "/runs", None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(String::from_utf8(b).unwrap().contains(&format!("/runs/{id}/report.html")));

        // cancelling a finished run is a conflict; deleting it removes the folder
        let (s, v) = json_of(&app, Method::POST, &format!("/api/runs/{id}/cancel"), None).await;
        assert_eq!((s, v["error"]["kind"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
        let (s, _) = json_of(&app, Method::DELETE, &format!("/api/runs/{id}"), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert!(!dir.exists());
        let (s, _) = json_of(&app, Method::DELETE, &format!("/api/runs/{id}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = json_of(&app, Method::GET, &format!("/api/runs/{id}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
}

#[test]
fn compare_uses_the_library_behind_mnsim_compare() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 2);
        let mut ids = Vec::new();
        for (name, len) in [("short", 500), ("long", 1500)] {
            let text = quick_named(name).replace("needle_length_um = 1000", &format!("needle_length_um = {len}"));
            let (s, v) = json_of(&app, Method::POST, "/api/runs", Some(json!({"toml": text}))).await;
            assert_eq!(s, StatusCode::ACCEPTED, "{v}");
            ids.push(v["id"].as_str().unwrap().to_string());
        }
        for id in &ids {
            assert_eq!(wait_final(&app, id).await["state"], "done");
        }
        let (s, v) = json_of(&app, Method::POST, "/api/compare", Some(json!({"runs": ids}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let dirs: Vec<_> = ids.iter().map(|i| tmp.path().join(i)).collect();
        let cmp = mnsim_report::compare::load_runs(&dirs).unwrap();
        let mut expected = mnsim_report::compare::comparison_json(&cmp, &ids);
        expected["html"] = json!(mnsim_report::compare::render(&cmp).unwrap().1);
        assert_eq!(v, expected);
        assert!(v["varied_keys"].as_array().unwrap().iter().any(|k| k == "device.needle_length_um"));
        let (s, b, ty) = send(&app, Method::GET, &format!("/compare?runs={},{}", ids[0], ids[1]), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(ty.starts_with("text/html"));
        assert_eq!(String::from_utf8(b).unwrap(), v["html"].as_str().unwrap());
        // compare writes nothing into the runs folder
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);

        for (body, want) in [
            (json!({"runs": [ids[0]]}), StatusCode::BAD_REQUEST),
            (json!({"runs": [ids[0], "no-such-run"]}), StatusCode::NOT_FOUND),
            (json!({"runs": [ids[0], "../etc"]}), StatusCode::BAD_REQUEST),
            (json!({"runs": "x"}), StatusCode::BAD_REQUEST),
        ] {
            let (s, v) = json_of(&app, Method::POST, "/api/compare", Some(body.clone())).await;
            assert_eq!(s, want, "{body}: {v}");
            assert!(v["error"]["message"].is_string());
        }
        // a folder without results.json: the CLI's message
        std::fs::create_dir(tmp.path().join("empty")).unwrap();
        let (s, v) = json_of(&app, Method::POST, "/api/compare", Some(json!({"runs": [ids[0], "empty"]}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let cli = mnsim_report::compare::load_runs(&[tmp.path().join("empty")]).unwrap_err().to_string();
        assert_eq!(v["error"]["message"], cli);
    })
}

#[test]
fn traversal_absolute_paths_and_symlinks_out_are_refused() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let runs = tmp.path().join("runs");
        let app = app(&runs, 1);
        let secret = tmp.path().join("secret.txt");
        std::fs::write(&secret, "secret").unwrap();
        std::fs::create_dir_all(runs.join("r1")).unwrap();
        std::fs::write(runs.join("r1/report.html"), "<p>ok</p>").unwrap();
        std::os::unix::fs::symlink(&secret, runs.join("r1/leak.html")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), runs.join("outside")).unwrap();
        let (s, b, _) = send(&app, Method::GET, "/runs/r1/report.html", None).await;
        assert_eq!((s, b.as_slice()), (StatusCode::OK, b"<p>ok</p>".as_slice()));
        for uri in [
            "/runs/r1/..%2F..%2Fsecret.txt",
            "/runs/r1/%2E%2E/%2E%2E/secret.txt",
            "/runs/..%2F/secret.txt",
            "/runs/r1//etc/passwd",
            "/runs/r1/%2Fetc%2Fpasswd",
            "/runs/r1/leak.html",
            "/runs/outside/secret.txt",
            "/runs/r1/.hidden",
            "/api/runs/..%2F..",
            "/api/runs/%2E%2E/events",
        ] {
            let (s, b, ty) = send(&app, Method::GET, uri, None).await;
            assert!(s == StatusCode::BAD_REQUEST || s == StatusCode::NOT_FOUND, "{uri}: {s}");
            assert!(ty.starts_with("application/json"), "{uri}: {ty}");
            assert!(!String::from_utf8_lossy(&b).contains("secret\""), "{uri}");
            assert_ne!(b, b"secret", "{uri}");
        }
        for uri in ["/api/runs/..%2F..", "/api/runs/outside", "/api/runs/.."] {
            let (s, _) = json_of(&app, Method::DELETE, uri, None).await;
            assert!(s.is_client_error(), "{uri}: {s}");
        }
        // a folder that is not an mnsim run folder is never deleted
        let (s, v) = json_of(&app, Method::DELETE, "/api/runs/r1", None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert!(runs.join("r1/report.html").exists() && secret.exists() && tmp.path().exists());
    })
}

#[test]
fn runs_beyond_the_limit_wait_in_the_queue_and_cancel_leaves_nothing() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        // a run that lasts long enough to hold the one slot: healing on, 3 sessions
        let slow = quick_named("slow")
            .replace("run_healing = false", "run_healing = true")
            .replace("session_days = [0]", "session_days = [0, 28, 56]");
        let (s, first) = json_of(&app, Method::POST, "/api/runs", Some(json!({"toml": slow}))).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{first}");
        let mut queued = Vec::new();
        for _ in 0..2 {
            // the same name twice in the same second: two folders (the first does not exist yet)
            let (s, v) = json_of(&app, Method::POST, "/api/runs", Some(json!({"toml": quick_named("q")}))).await;
            assert_eq!(s, StatusCode::ACCEPTED);
            queued.push(v["id"].as_str().unwrap().to_string());
        }
        let first_id = first["id"].as_str().unwrap().to_string();
        assert_ne!(queued[0], queued[1]);
        // the slot is taken by the first run, so the others are queued behind it
        let (_, st) = json_of(&app, Method::GET, "/api/status", None).await;
        assert!(st["running"].as_u64().unwrap() + st["queued"].as_u64().unwrap() == 3, "{st}");
        assert!(st["running"].as_u64().unwrap() <= 1, "{st}");
        for q in &queued {
            let (_, v) = json_of(&app, Method::GET, &format!("/api/runs/{q}"), None).await;
            assert_eq!(v["state"], "queued", "{v}");
        }
        // cancel the second while it waits, and the first while it runs
        let (s, v) = json_of(&app, Method::POST, &format!("/api/runs/{}/cancel", queued[0]), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = json_of(&app, Method::POST, &format!("/api/runs/{first_id}/cancel"), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(matches!(v["state"].as_str(), Some("cancelling" | "queued")), "{v}");
        assert_eq!(wait_final(&app, &first_id).await["state"], "cancelled");
        assert_eq!(wait_final(&app, &queued[0]).await["state"], "cancelled");
        // the third runs once the slot is free, and the server carries on
        assert_eq!(wait_final(&app, &queued[1]).await["state"], "done");
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, [queued[1].clone()], "cancelled runs leave no folder, staging folder or lock");
        // the history lists the cancelled runs (not on disk) beside the written one; deleting one
        // that is running is refused, and unknown runs are 404
        let (_, v) = json_of(&app, Method::GET, "/api/runs", None).await;
        let states: Vec<&str> = v["runs"].as_array().unwrap().iter().map(|r| r["state"].as_str().unwrap()).collect();
        assert_eq!(states.iter().filter(|s| **s == "cancelled").count(), 2, "{v}");
        let (s, _) = json_of(&app, Method::POST, "/api/runs/nope/cancel", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = json_of(&app, Method::GET, "/api/runs/nope/events", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
}

#[test]
fn deleting_a_running_run_is_refused() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let slow = quick_named("slow2").replace("run_healing = false", "run_healing = true");
        let (_, v) = json_of(&app, Method::POST, "/api/runs", Some(json!({"toml": slow}))).await;
        let id = v["id"].as_str().unwrap().to_string();
        let (s, v) = json_of(&app, Method::DELETE, &format!("/api/runs/{id}"), None).await;
        // refused while queued or running (the run lasts far longer than this request)
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("cancel it first"));
        json_of(&app, Method::POST, &format!("/api/runs/{id}/cancel"), None).await;
        assert_eq!(wait_final(&app, &id).await["state"], "cancelled");
        let (s, _) = json_of(&app, Method::DELETE, &format!("/api/runs/{id}"), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "a cancelled run is forgotten");
    })
}

#[test]
fn bad_limits_and_folders_are_refused_before_serving() {
    let tmp = tempfile::tempdir().unwrap();
    for n in [0, 65] {
        let e = mnsim_serve::router(ServeConfig {
            runs_dir: tmp.path().into(),
            max_concurrent_runs: n,
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.to_string(), format!("--max-concurrent-runs {n} is invalid: must be a whole number in [1, 64]"));
    }
    let file = tmp.path().join("f");
    std::fs::write(&file, "x").unwrap();
    let e = mnsim_serve::router(ServeConfig { runs_dir: file.clone(), ..Default::default() }).unwrap_err();
    assert!(e.to_string().starts_with(&format!("--runs {}: ", file.display())), "{e}");
}

#[test]
fn plain_names_pass_and_traversal_is_refused() {
    use mnsim_serve::paths::{check_file_path, check_run_id};
    assert!(check_run_id("acne-scars-cheek-20261201-093000").is_ok());
    for bad in ["", ".", "..", "../x", "a/b", ".mnsim-lock-1", "a\\b", "x\ny"] {
        assert!(check_run_id(bad).is_err(), "{bad:?}");
    }
    assert!(check_file_path("report.html").is_ok());
    assert!(check_file_path("figs/a.svg").is_ok());
    for bad in ["/etc/passwd", "../x", "a/../../b", "./a", "a//.hidden", ""] {
        assert!(check_file_path(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn json_tables_become_toml_and_back() {
    use mnsim_serve::scenario::{json_to_toml, toml_to_json};
    let v = json!({"name": "x", "device": {"kind": "pen", "needle_length_um": 1500, "gone": null}, "a": [1.5, 2]});
    let t = json_to_toml(&v).unwrap();
    let back = toml_to_json(&t).unwrap();
    assert_eq!(back["device"]["needle_length_um"], 1500);
    assert!(back["device"].get("gone").is_none());
    assert_eq!(back["a"][0], 1.5);
    assert!(json_to_toml(&json!([1])).is_err());
}

#[test]
fn file_names_lose_their_folders() {
    use mnsim_serve::scenario::{DEFAULT_FILE, ScenarioInput};
    let i = ScenarioInput { toml: None, scenario: None, file: Some("../../etc/my.toml".into()), set: None };
    assert_eq!(i.file_name(), "my.toml");
    let i = ScenarioInput { toml: None, scenario: None, file: None, set: None };
    assert_eq!(i.file_name(), DEFAULT_FILE);
}

#[test]
fn a_taken_port_is_refused_with_its_address() {
    let tmp = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let e = mnsim_serve::serve_blocking(ServeConfig { runs_dir: tmp.path().into(), port, ..Default::default() })
        .unwrap_err();
    assert!(matches!(e, mnsim_serve::ServeError::Bind { .. }), "{e}");
    assert!(e.to_string().starts_with(&format!("--bind/--port 127.0.0.1:{port}: cannot listen there: ")), "{e}");
}

/// A plan the page can start: two needle settings of the acne-scar worked scenario on a
/// 1.5 mm patch, 14 days, without its serum.
const TINY_PLAN: &str = "[plan]\nname = \"tiny\"\nscenario = \"acne-scars-cheek\"\n\n[plan.set]\n\"simulation.patch_width_mm\" = 1.5\n\"simulation.patch_height_mm\" = 1.5\n\"simulation.follow_up_d\" = 14\n\n[[variable]]\nkey = \"device.needle_length_um\"\nkind = \"set\"\nvalues = [500, 1500]\n\n[[variable]]\nkey = \"topical.name\"\nkind = \"categorical\"\nchoices = [\"none\"]\n\n[[objective]]\nfigure = \"outcomes.scar_improvement_pct\"\ngoal = \"maximise\"\n";

/// Studies start like runs: a plan and the validation of two cases write the CLI's folders
/// (plan.html, validation.html), report progress on the events stream, and appear in the history
/// with their page; bad studies answer 422 with the CLI's message, or 400.
#[test]
fn studies_write_the_clis_folders_and_bad_ones_are_refused() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let (s, v) =
            json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "plan", "plan": TINY_PLAN}))).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        assert_eq!(v["kind"], "plan");
        let plan_id = v["id"].as_str().unwrap().to_string();
        assert!(plan_id.starts_with("plan-tiny-"), "{plan_id}");
        let last = wait_final(&app, &plan_id).await;
        assert_eq!(last["state"], "done", "{last}");
        let dir = tmp.path().join(&plan_id);
        for f in ["plan.html", "candidates.csv", "plan.json", "recommended.toml", "manifest.json"] {
            assert!(dir.join(f).is_file(), "{f}");
        }
        assert_eq!(std::fs::read_to_string(dir.join("candidates.csv")).unwrap().lines().count(), 3);

        let (s, v) =
            json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "validate", "cases": ["KP07", "DV06"]})))
                .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let val_id = v["id"].as_str().unwrap().to_string();
        let last = wait_final(&app, &val_id).await;
        assert_eq!(last["state"], "done", "{last}");
        let csv = std::fs::read_to_string(tmp.path().join(&val_id).join("validation.csv")).unwrap();
        assert_eq!(csv.lines().count(), 3, "{csv}");

        let (_, v) = json_of(&app, Method::GET, "/api/runs", None).await;
        let runs = v["runs"].as_array().unwrap();
        let of = |id: &str| runs.iter().find(|r| r["id"] == id).cloned().unwrap();
        assert_eq!((of(&plan_id)["kind"].as_str(), of(&plan_id)["page"].as_str()), (Some("plan"), Some("plan.html")));
        assert_eq!(of(&plan_id)["scenario"], "tiny");
        assert_eq!(of(&val_id)["page"], "validation.html");
        let (s, _, ty) = send(&app, Method::GET, &format!("/runs/{plan_id}/plan.html"), None).await;
        assert_eq!((s, ty.starts_with("text/html")), (StatusCode::OK, true));
        let (_, b, _) = send(&app, Method::GET, "/runs", None).await;
        assert!(String::from_utf8(b).unwrap().contains(&format!("/runs/{plan_id}/plan.html")));

        // bad studies: the CLI's message (422), or not a study the endpoint takes (400)
        let bad = TINY_PLAN.replace("kind = \"set\"", "kind = \"sett\"");
        let (s, v) = json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "plan", "plan": bad}))).await;
        assert_eq!((s, v["error"]["kind"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("study")), "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("variable[0].kind"), "{v}");
        let (s, v) =
            json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "validate", "cases": ["XX99"]}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["message"].as_str().unwrap().contains("XX99"));
        let (s, v) = json_of(
            &app,
            Method::POST,
            "/api/studies",
            Some(json!({"kind": "cohort", "population": "nobody", "n": 2})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, _) = json_of(
            &app,
            Method::POST,
            "/api/studies",
            Some(json!({"kind": "cohort", "population": "acne-scars-cheek", "n": 0})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // a sensitivity study of the scenario sent with it: sensitivity.html and its tables
        let (s, v) = json_of(
            &app,
            Method::POST,
            "/api/studies",
            Some(json!({"kind": "sensitivity", "scenario": QUICK, "params": ["device.needle_length_um=500:1500"],
                        "method": "morris", "n_design": 2, "outputs": ["mean_depth_um"]})),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let sa_id = v["id"].as_str().unwrap().to_string();
        assert_eq!(wait_final(&app, &sa_id).await["state"], "done");
        for f in ["sensitivity.html", "sensitivity.csv", "sensitivity.json", "manifest.json"] {
            assert!(tmp.path().join(&sa_id).join(f).is_file(), "{f}");
        }
        let (s, v) = json_of(
            &app,
            Method::POST,
            "/api/studies",
            Some(json!({"kind": "sensitivity", "scenario": QUICK, "params": ["device.needle_length_um=500:1500"], "method": "anova"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, _) = json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "validate", "method": "sobol"}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "anova"}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "validate", "n": 3}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "validate", "oops": 1}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    })
}

/// A study waits in the queue behind a run like another run, and cancelling it there leaves
/// nothing; a cohort started from the page writes cohort.html.
#[test]
fn a_queued_study_cancels_and_a_cohort_writes_its_page() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let (s, v) =
            json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "plan", "plan": TINY_PLAN}))).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let first = v["id"].as_str().unwrap().to_string();
        let (s, v) =
            json_of(&app, Method::POST, "/api/studies", Some(json!({"kind": "validate", "cases": ["KP07"]}))).await;
        assert_eq!(s, StatusCode::ACCEPTED);
        let queued = v["id"].as_str().unwrap().to_string();
        let (s, v) = json_of(&app, Method::POST, &format!("/api/runs/{queued}/cancel"), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(wait_final(&app, &queued).await["state"], "cancelled");
        assert_eq!(wait_final(&app, &first).await["state"], "done");
        assert!(!tmp.path().join(&queued).exists());
        let (s, v) = json_of(
            &app,
            Method::POST,
            "/api/studies",
            Some(json!({"kind": "cohort", "population": "acne-scars-cheek", "n": 1, "seed": 3})),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        let last = wait_final(&app, &id).await;
        assert_eq!(last["state"], "done", "{last}");
        for f in ["cohort.html", "outcomes.csv", "summary.json", "manifest.json"] {
            assert!(tmp.path().join(&id).join(f).is_file(), "{f}");
        }
    })
}

/// A form edit (`set`) is applied to the TOML text with its comments kept, and the answer is
/// the checked, edited text.
#[test]
fn a_form_edit_keeps_the_tomls_comments() {
    rt().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path(), 1);
        let body = json!({"toml": QUICK, "set": {"key": "device.needle_length_um", "value": 800}});
        let (s, v) = json_of(&app, Method::POST, "/api/check", Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let text = v["toml"].as_str().unwrap();
        assert_eq!(text, QUICK.replace("needle_length_um = 1000", "needle_length_um = 800"), "only the value changes");
        assert!(text.starts_with("# A quick look"));
        let body = json!({"toml": QUICK, "set": {"key": "device.needle_length_um", "value": 99999}});
        let (s, v) = json_of(&app, Method::POST, "/api/check", Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["toml"].as_str().unwrap().contains("needle_length_um = 99999"), "the edited text comes back");
        let body = json!({"scenario": {}, "set": {"key": "a", "value": 1}});
        let (s, _) = json_of(&app, Method::POST, "/api/check", Some(body)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    })
}
