//! `plan.html`: one self-contained page of a plan (inline SVG, no network): the recommendation
//! beside the patient's current protocol, whether it lies in the model's calibrated range, the
//! candidates on the objective–constraint plane with the Pareto front, the time courses of the
//! recommended and the current protocol, the near-optimal protocols, which decision variables
//! matter, and every candidate.
//!
//! The page reads the plan's `plan.json` document (built by `mnsim plan`) and the two time
//! courses, so this crate needs nothing of `mnsim-study`.

use crate::page::{esc, fmt_value};
use crate::plots::{self, Line, PALETTE};
use mnsim_core::units::S_PER_DAY;
use mnsim_scenario::ResolvedScenario;
use mnsim_sim::RunResult;
use serde_json::Value;
use std::fmt::Write;

/// The healing time courses a plan page draws for one protocol (patch averages).
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    /// `current protocol` or `recommended protocol`.
    pub label: String,
    /// Sample times, days from the first session.
    pub t_d: Vec<f64>,
    /// Session days.
    pub sessions_d: Vec<f64>,
    /// Total collagen relative to the first sample.
    pub collagen_rel: Vec<f64>,
    /// Dermal thickness relative to the first sample.
    pub thickness_rel: Vec<f64>,
    /// Erythema index (model units).
    pub erythema: Vec<f64>,
}

/// The course of run `r` of scenario `s`, or `None` without healing.
pub fn course(label: &str, s: &ResolvedScenario, r: &RunResult) -> Option<Course> {
    let tc = &r.healing.as_ref()?.time_courses;
    let rel = |var: &str| -> Vec<f64> {
        let v = tc.get(var, "patch").unwrap_or(&[]).to_vec();
        let b = v.first().copied().filter(|b| *b > 0.0).unwrap_or(1.0);
        v.into_iter().map(|x| x / b).collect()
    };
    Some(Course {
        label: label.to_string(),
        t_d: tc.t_d.clone(),
        sessions_d: s.protocol.sessions.iter().map(|x| x.start_s / S_PER_DAY).collect(),
        collagen_rel: rel("collagen_total"),
        thickness_rel: rel("dermal_thickness"),
        erythema: tc.get("erythema_index", "patch").unwrap_or(&[]).to_vec(),
    })
}

/// One candidate on the plan's scatter.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Candidate number.
    pub candidate: usize,
    /// Its values, `key=value, …`.
    pub label: String,
    /// x (the second objective, else the first constraint's figure, else the candidate number).
    pub x: f64,
    /// y (the first objective).
    pub y: f64,
    /// Meets every constraint.
    pub feasible: bool,
    /// On the Pareto front.
    pub front: bool,
    /// The recommendation.
    pub recommended: bool,
    /// Within the near-optimal tolerance of the recommendation.
    pub near_optimal: bool,
}

/// The candidates on the objective–constraint plane.
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    /// x-axis label (with unit).
    pub x_label: String,
    /// y-axis label (with unit).
    pub y_label: String,
    /// Every candidate the scenario accepted with finite x and y.
    pub points: Vec<Point>,
    /// Bounds on x drawn as dashed lines (value, label), e.g. a constraint's limit.
    pub x_limits: Vec<(f64, String)>,
}

/// Fill and outline of a point: recommended red, front orange, near-optimal green, feasible
/// blue, infeasible grey (hollow).
fn style(p: &Point) -> (&'static str, &'static str) {
    if p.recommended {
        ("#d73027", "#000")
    } else if p.front {
        ("#fc8d59", "#333")
    } else if p.near_optimal {
        ("#1a9850", "#1a9850")
    } else if p.feasible {
        ("#4575b4", "#4575b4")
    } else {
        ("none", "#999")
    }
}

/// The scatter as SVG: each point carries its candidate and values as a tooltip.
pub fn scatter_svg(sc: &Scatter) -> String {
    let (w, h, left, right, top, bottom) = (760.0, 420.0, 70.0, 20.0, 20.0, 50.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    let xs: Vec<f64> = sc.points.iter().map(|p| p.x).chain(sc.x_limits.iter().map(|l| l.0)).collect();
    let ys: Vec<f64> = sc.points.iter().map(|p| p.y).collect();
    if ys.is_empty() {
        s.push_str("<text x=\"20\" y=\"40\">no candidate with finite figures</text></svg>");
        return s;
    }
    let span = |v: &[f64]| {
        let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        let pad = if hi > lo { 0.06 * (hi - lo) } else { 0.5_f64.max(0.05 * hi.abs()) };
        (lo - pad, hi + pad)
    };
    let ((x0, x1), (y0, y1)) = (span(&xs), span(&ys));
    let (pw, ph) = (w - left - right, h - top - bottom);
    let px = |x: f64| left + pw * (x - x0) / (x1 - x0);
    let py = |y: f64| top + ph * (1.0 - (y - y0) / (y1 - y0));
    let _ = write!(s, "<rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#333\"/>");
    for k in 0..=4 {
        let (fx, fy) = (x0 + (x1 - x0) * k as f64 / 4.0, y0 + (y1 - y0) * k as f64 / 4.0);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            px(fx),
            top + ph + 16.0,
            esc(&fmt_value(fx)),
            left - 6.0,
            py(fy) + 4.0,
            esc(&fmt_value(fy))
        );
    }
    for (v, label) in &sc.x_limits {
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#d73027\" stroke-dasharray=\"5,4\"/><text x=\"{:.1}\" y=\"{}\" fill=\"#d73027\">{}</text>",
            top + ph,
            px(*v) + 4.0,
            top + 14.0,
            esc(label),
            x = px(*v)
        );
    }
    // the recommendation last, on top
    let mut order: Vec<&Point> = sc.points.iter().collect();
    order.sort_by_key(|p| (p.recommended, p.front, p.near_optimal, p.feasible));
    for p in order {
        let (fill, stroke) = style(p);
        let r = if p.recommended { 7.0 } else { 4.5 };
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"><title>#{} {}: ({}, {})</title></circle>",
            px(p.x),
            py(p.y),
            p.candidate,
            esc(&p.label),
            esc(&fmt_value(p.x)),
            esc(&fmt_value(p.y))
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text><text transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text></svg>",
        left + pw / 2.0,
        h - 8.0,
        esc(&sc.x_label),
        top + ph / 2.0,
        esc(&sc.y_label)
    );
    s
}

/// The legend of the scatter, outside the data.
fn scatter_legend() -> String {
    let item = |fill: &str, stroke: &str, text: &str| {
        format!(
            "<span style=\"margin-right:14px\"><svg width=\"12\" height=\"12\"><circle cx=\"6\" cy=\"6\" r=\"4.5\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/></svg> {text}</span>"
        )
    };
    [
        item("#d73027", "#000", "recommended"),
        item("#fc8d59", "#333", "Pareto front"),
        item("#1a9850", "#1a9850", "near-optimal"),
        item("#4575b4", "#4575b4", "feasible"),
        item("none", "#999", "violates a constraint"),
    ]
    .concat()
}

/// The two protocols' time courses, one chart per quantity.
fn course_charts(courses: &[Course]) -> Result<String, String> {
    let mut h = String::new();
    let charts: [(&str, &str, fn(&Course) -> &Vec<f64>); 3] = [
        ("Total collagen (patch average)", "relative to baseline", |c| &c.collagen_rel),
        ("Dermal thickness (patch average)", "relative to baseline", |c| &c.thickness_rel),
        ("Erythema index (patch average)", "index (model units)", |c| &c.erythema),
    ];
    let markers: Vec<f64> =
        courses.iter().find(|c| c.label.starts_with("recommended")).map(|c| c.sessions_d.clone()).unwrap_or_default();
    for (title, y_label, get) in charts {
        let lines: Vec<Line> = courses
            .iter()
            .enumerate()
            .map(|(k, c)| Line {
                label: c.label.clone(),
                x: &c.t_d,
                y: get(c).clone(),
                colour: PALETTE[(3 * k) % PALETTE.len()],
            })
            .collect();
        let svg = plots::line_chart_svg(
            &format!("{title}: recommended vs current protocol"),
            "time from first session (days)",
            y_label,
            &lines,
            &markers,
            "recommended session",
            (760, 320),
            false,
        )?;
        let _ = write!(h, "<div class=\"fig\">{svg}</div>");
    }
    Ok(h)
}

fn num(v: &Value) -> String {
    v.as_f64().map(fmt_value).unwrap_or_else(|| if v.is_null() { "—".into() } else { esc(&v.to_string()) })
}

/// A decision value or a word as written (whole numbers without decimals).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => esc(s),
        Value::Null => "—".into(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Number(n) if n.as_f64().is_some_and(|x| x.fract() == 0.0 && x.abs() < 1e15) => {
            format!("{}", n.as_f64().unwrap_or_default() as i64)
        }
        other => num(other),
    }
}

/// The page of a plan: `doc` is the plan's `plan.json` document.
pub fn html(doc: &Value, scatter: Option<&Scatter>, courses: &[Course]) -> Result<String, String> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim plan — {name}</title><style>\
body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse;font-size:13px}}\
td,th{{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}}td.num{{text-align:right;font-variant-numeric:tabular-nums}}\
.fig{{display:block;margin:6px 0}}.warn{{background:#fdecea;border-left:4px solid #d73027;padding:8px 12px}}\
.ok{{background:#eaf6ec;border-left:4px solid #1a9850;padding:8px 12px}}</style></head><body><h1>mnsim plan: {name}</h1>\
<p>{desc}</p><p>Base scenario {scen}, seed {seed}; {method}: {n} candidates evaluated ({runs} model runs, {wall} s, {rate} evaluations/s). \
Search settings: {settings}. Every candidate is in <a href=\"candidates.csv\">candidates.csv</a>; the recommended protocol is \
<a href=\"recommended.toml\">recommended.toml</a> (<code>mnsim run recommended.toml</code> reproduces it).</p>",
        name = esc(doc["plan"].as_str().unwrap_or_default()),
        desc = esc(doc["description"].as_str().unwrap_or_default()),
        scen = esc(doc["scenario"].as_str().unwrap_or_default()),
        seed = doc["seed"],
        method = esc(doc["method_detail"].as_str().unwrap_or_default()),
        n = doc["candidates_evaluated"],
        runs = doc["model_runs"],
        wall = num(&doc["search_wall_time_s"]),
        rate = num(&doc["evaluations_per_s"]),
        settings = esc(doc["search_settings"].as_str().unwrap_or_default()),
    );
    recommendation(&mut h, doc);
    if let Some(sc) = scatter {
        let _ = write!(h, "<h2>Candidates</h2><p>{}</p><div class=\"fig\">{}</div>", scatter_legend(), scatter_svg(sc));
    }
    if !courses.is_empty() {
        h.push_str("<h2>Time courses</h2><p>The recommended protocol and the patient's current protocol (the base scenario with the plan's fixed settings), nominal member.</p>");
        h.push_str(&course_charts(courses)?);
    }
    sensitivity(&mut h, doc);
    candidates(&mut h, doc);
    h.push_str("<p><i>The planner is only as trustworthy as the model: predictions are the model's, within its calibrated range (docs/VALIDATION.md).</i></p></body></html>\n");
    Ok(h)
}

/// The recommendation (or why there is none) beside the current protocol, and its range flag.
fn recommendation(h: &mut String, doc: &Value) {
    let rec = &doc["recommendation"];
    if rec.is_null() {
        let _ = write!(
            h,
            "<div class=\"warn\"><b>Infeasible:</b> no protocol among those evaluated meets every constraint.</div><table><tr><th>constraint</th><th>best achievable</th><th>met alone by</th></tr>"
        );
        for c in doc["infeasible"]["constraints"].as_array().into_iter().flatten() {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                text(&c["constraint"]),
                num(&c["best_value"]),
                c["met_by"]
            );
        }
        h.push_str("</table>");
        return;
    }
    let warnings: Vec<&str> = rec["warnings"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if warnings.is_empty() {
        h.push_str("<div class=\"ok\"><b>Inside the calibrated range:</b> the model raises no warning for the recommended protocol.</div>");
    } else {
        h.push_str("<div class=\"warn\"><b>Outside the calibrated range:</b><ul>");
        for w in warnings {
            let _ = write!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul>Read the recommendation as the model's extrapolation.</div>");
    }
    h.push_str(
        "<h2>Recommended protocol</h2><table><tr><th>decision</th><th>recommended</th><th>current protocol</th></tr>",
    );
    for (k, v) in rec["values"].as_object().into_iter().flatten() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(k),
            text(v),
            text(&doc["current"]["values"][k])
        );
    }
    let _ = write!(
        h,
        "</table><h3>Predicted</h3><p>Rerun with the scenario's own ensemble ({} members): median and 5–95 % interval where the ensemble has the figure.</p>\
<table><tr><th>objective / constraint</th><th>recommended</th><th>median [5 %, 95 %]</th><th>current protocol</th><th></th></tr>",
        rec["ensemble_members"]
    );
    let interval = |fig: &str| -> String {
        let n = fig.strip_prefix("outcomes.").unwrap_or(fig);
        rec["intervals"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["name"] == n)
            .map_or("—".into(), |i| format!("{} [{}, {}]", num(&i["median"]), num(&i["lo"]), num(&i["hi"])))
    };
    for o in rec["objectives"].as_array().into_iter().flatten() {
        let fig = o["figure"].as_str().unwrap_or_default();
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td></td></tr>",
            text(&o["objective"]),
            num(&o["value"]),
            interval(fig),
            num(&doc["current"]["figures"][fig])
        );
    }
    for c in rec["constraints"].as_array().into_iter().flatten() {
        let fig = c["figure"].as_str().unwrap_or_default();
        let met = if c["met"].as_bool() == Some(true) { "met" } else { "<b>not met in the rerun</b>" };
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{met}</td></tr>",
            text(&c["constraint"]),
            num(&c["value"]),
            interval(fig),
            num(&doc["current"]["figures"][fig])
        );
    }
    h.push_str("</table>");
    population(h, doc);
}

/// A population plan: each figure over the plan's patients, recommended and current.
fn population(h: &mut String, doc: &Value) {
    let pop = &doc["population"];
    if pop.is_null() {
        return;
    }
    let _ = write!(
        h,
        "<h3>Over the plan's patients</h3><p>{} patients from population <b>{}</b> (seed {}): {}. The objectives and constraints above are these statistics; the ensemble interval is the base patient's.</p>\
<table><tr><th>statistic</th><th>recommended</th><th>mean</th><th>5 %–95 % of patients</th><th>current protocol</th></tr>",
        pop["patients"],
        esc(pop["population"].as_str().unwrap_or_default()),
        pop["seed"],
        esc(pop["note"].as_str().unwrap_or_default())
    );
    for (k, f) in pop["recommended"].as_array().into_iter().flatten().enumerate() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}–{}</td><td class=\"num\">{}</td></tr>",
            text(&f["statistic"]),
            num(&f["value"]),
            num(&f["mean"]),
            num(&f["p05"]),
            num(&f["p95"]),
            num(&pop["current"][k]["value"])
        );
    }
    h.push_str("</table>");
}

/// Near-optimal protocols and the variables' main effects.
fn sensitivity(h: &mut String, doc: &Value) {
    let near = &doc["near_optimal"];
    if !near.is_null() {
        let _ = write!(
            h,
            "<h2>How sensitive the recommendation is</h2><p><b>Near-optimal protocols</b>: feasible candidates whose {} is within {} of the recommended {} (tolerance from {}).</p>\
<table><tr><th>candidate</th><th>protocol</th><th>{}</th></tr>",
            esc(near["figure"].as_str().unwrap_or_default()),
            num(&near["tolerance"]),
            num(&near["best"]),
            esc(near["basis"].as_str().unwrap_or_default()),
            esc(near["figure"].as_str().unwrap_or_default())
        );
        for r in near["candidates"].as_array().into_iter().flatten() {
            let _ = write!(
                h,
                "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                r["candidate"],
                text(&r["protocol"]),
                num(&r["value"])
            );
        }
        h.push_str("</table>");
    }
    let effects = doc["variable_effects"].as_array();
    if let Some(effects) = effects.filter(|e| !e.is_empty()) {
        let _ = write!(
            h,
            "<p><b>Which decisions matter</b>: mean of the first objective over the feasible candidates at each value of a variable, and the range of those means ({}).</p>\
<table><tr><th>variable</th><th>range of means</th><th>mean at each value (n)</th></tr>",
            esc(doc["variable_effects_note"].as_str().unwrap_or_default())
        );
        for e in effects {
            let levels: Vec<String> = e["levels"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| format!("{}: {} ({})", text(&l["value"]), num(&l["mean"]), l["n"]))
                .collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                text(&e["key"]),
                num(&e["range"]),
                levels.join("; ")
            );
        }
        h.push_str("</table>");
    }
}

/// Every candidate, as the CSV holds them.
fn candidates(h: &mut String, doc: &Value) {
    let Some(rows) = doc["candidates"].as_array() else { return };
    h.push_str("<h2>Every candidate</h2><table><tr><th>#</th><th>protocol</th><th>figures</th><th>feasible</th><th>note</th></tr>");
    for r in rows {
        let figs: Vec<String> =
            r["figures"].as_object().into_iter().flatten().map(|(k, v)| format!("{}={}", esc(k), num(v))).collect();
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r["candidate"],
            text(&r["protocol"]),
            figs.join(", "),
            if r["feasible"].as_bool() == Some(true) { "yes" } else { "no" },
            if r["rejected"].is_null() { String::new() } else { format!("rejected: {}", text(&r["rejected"])) }
        );
    }
    h.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(candidate: usize, x: f64, y: f64, feasible: bool, recommended: bool) -> Point {
        Point {
            candidate,
            label: format!("a={candidate}"),
            x,
            y,
            feasible,
            front: false,
            recommended,
            near_optimal: false,
        }
    }

    #[test]
    fn the_scatter_draws_every_point_and_the_limit() {
        let sc = Scatter {
            x_label: "downtime_d (d)".into(),
            y_label: "scar <improvement> (%)".into(),
            points: vec![
                point(0, 3.7, 50.0, true, false),
                point(1, 3.9, 80.0, false, false),
                point(2, 3.72, 60.0, true, true),
            ],
            x_limits: vec![(3.75, "downtime_d <= 3.75".into())],
        };
        let svg = scatter_svg(&sc);
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert!(svg.contains("stroke-dasharray") && svg.contains("&lt;improvement&gt;"));
        // the recommendation is drawn last (on top) and red
        let last = svg.rfind("<circle").unwrap();
        assert!(svg[last..].contains("#d73027") && svg[last..].contains("#2 a=2"));
    }

    #[test]
    fn an_infeasible_plan_page_lists_each_constraint() {
        let doc = serde_json::json!({
            "plan": "p", "recommendation": null,
            "infeasible": {"constraints": [{"constraint": "downtime_d <= 1", "best_value": 3.7, "met_by": 0}]},
        });
        let page = html(&doc, None, &[]).unwrap();
        assert!(page.contains("Infeasible") && page.contains("downtime_d &lt;= 1") && page.contains("3.7"), "{page}");
        assert!(page.ends_with("</html>\n"));
    }

    #[test]
    fn a_recommendation_outside_the_calibrated_range_is_flagged() {
        let doc = serde_json::json!({
            "plan": "p",
            "recommendation": {"values": {"a": 1}, "objectives": [], "constraints": [], "intervals": [], "warnings": ["15× the calibrated injury"]},
            "current": {"values": {"a": 2}, "figures": {}},
        });
        let page = html(&doc, None, &[]).unwrap();
        assert!(page.contains("Outside the calibrated range") && page.contains("15× the calibrated injury"));
        let inside =
            html(&serde_json::json!({"plan": "p", "recommendation": {"values": {}, "warnings": []}}), None, &[])
                .unwrap();
        assert!(inside.contains("Inside the calibrated range"));
    }
}
