//! `sensitivity.html`: one self-contained page of a sensitivity study (inline SVG, no network):
//! for Sobol, each output's first-order and total indices per parameter as bars with their
//! bootstrap intervals; for Morris, each output's μ* against σ; for time-course outputs
//! (`course.VAR@Td`), each index as a function of time, one line per parameter; then every
//! index as a table. The page reads the study's `sensitivity.json` document, so this crate needs
//! nothing of `mnsim-study`.

use crate::page::{esc, fmt_value};
use crate::plots::{self, Line, PALETTE};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// (VAR, T) of a time-course output `course.VAR@Td`.
fn course(name: &str) -> Option<(String, f64)> {
    let (var, t) = name.strip_prefix("course.")?.split_once('@')?;
    Some((var.to_string(), t.strip_suffix('d')?.parse().ok()?))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// A colour of the palette as `#rrggbb`.
fn hex(k: usize) -> String {
    let c = PALETTE[k % PALETTE.len()];
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// S1 and ST of one output per parameter, with whiskers over the intervals.
fn sobol_bars(output: &str, rows: &[&Value]) -> String {
    let (w, row_h, left, top) = (640.0, 34.0, 230.0, 30.0);
    let h = top + row_h * rows.len() as f64 + 34.0;
    let hi = rows.iter().map(|r| f(&r["st_high"]).max(f(&r["s1_high"]))).fold(1.0_f64, f64::max);
    let lo = rows.iter().map(|r| f(&r["s1_low"]).min(f(&r["st_low"]))).fold(0.0_f64, f64::min);
    let pw = w - left - 20.0;
    let x = |v: f64| left + pw * (v - lo) / (hi - lo);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\"><text x=\"{}\" y=\"16\" text-anchor=\"middle\">{}</text>",
        w / 2.0,
        esc(output)
    );
    for (i, r) in rows.iter().enumerate() {
        let y0 = top + row_h * i as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y0 + 18.0,
            esc(r["param"].as_str().unwrap_or_default())
        );
        for (k, (key, colour)) in [("s1", "#4575b4"), ("st", "#d73027")].iter().enumerate() {
            let (v, l, u) = (f(&r[*key]), f(&r[format!("{key}_low")]), f(&r[format!("{key}_high")]));
            let y = y0 + 4.0 + 13.0 * k as f64;
            let (a, b) = (x(0.0_f64.max(lo)).min(x(v)), x(0.0_f64.max(lo)).max(x(v)));
            let _ = write!(
                s,
                "<rect x=\"{a:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"10\" fill=\"{colour}\"><title>{} = {} [{}, {}]</title></rect>\
<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000\"/>",
                (b - a).max(0.5),
                key.to_uppercase(),
                fmt_value(v),
                fmt_value(l),
                fmt_value(u),
                x(l),
                y + 5.0,
                x(u),
                y + 5.0
            );
        }
    }
    let y_axis = top + row_h * rows.len() as f64;
    let _ = write!(s, "<line x1=\"{left}\" y1=\"{y_axis}\" x2=\"{}\" y2=\"{y_axis}\" stroke=\"#333\"/>", left + pw);
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(v),
            y_axis + 14.0,
            esc(&fmt_value(v))
        );
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">blue S1, red ST; whiskers: bootstrap interval</text></svg>",
        left + pw / 2.0,
        y_axis + 28.0
    );
    s
}

/// μ* against σ of one output, one labelled point per parameter.
fn morris_scatter(output: &str, rows: &[&Value]) -> String {
    let (w, h, pad) = (560.0, 300.0, 50.0);
    let mx = rows.iter().map(|r| f(&r["mu_star"])).fold(0.0_f64, f64::max).max(1e-12) * 1.1;
    let my = rows.iter().map(|r| f(&r["sigma"])).fold(0.0_f64, f64::max).max(1e-12) * 1.1;
    let (pw, ph) = (w - 2.0 * pad, h - 2.0 * pad);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\"><text x=\"{}\" y=\"16\" text-anchor=\"middle\">{}</text>\
<rect x=\"{pad}\" y=\"{pad}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#333\"/>",
        w / 2.0,
        esc(output)
    );
    for (k, r) in rows.iter().enumerate() {
        let (px, py) = (pad + pw * f(&r["mu_star"]) / mx, pad + ph * (1.0 - f(&r["sigma"]) / my));
        let _ = write!(
            s,
            "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"5\" fill=\"{}\"><title>{}: μ* = {}, σ = {}</title></circle><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            hex(k),
            esc(r["param"].as_str().unwrap_or_default()),
            fmt_value(f(&r["mu_star"])),
            fmt_value(f(&r["sigma"])),
            px + 7.0,
            py + 4.0,
            esc(r["param"].as_str().unwrap_or_default())
        );
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">μ* (mean |elementary effect|, output units per range; 0 – {})</text>\
<text transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\">σ (0 – {})</text></svg>",
        w / 2.0,
        h - 14.0,
        esc(&fmt_value(mx)),
        h / 2.0,
        esc(&fmt_value(my))
    );
    s
}

/// One index of every parameter over time, for the course outputs of variable `var`.
fn course_chart(var: &str, key: &str, rows: &[(f64, &Value)], params: &[String]) -> Result<String, String> {
    let mut ts: Vec<f64> = rows.iter().map(|(t, _)| *t).collect();
    ts.sort_by(f64::total_cmp);
    ts.dedup();
    let lines: Vec<Line> = params
        .iter()
        .enumerate()
        .map(|(k, p)| Line {
            label: p.clone(),
            x: &ts,
            y: ts
                .iter()
                .map(|t| {
                    rows.iter().find(|(u, r)| u == t && r["param"] == p.as_str()).map_or(f64::NAN, |(_, r)| f(&r[key]))
                })
                .collect(),
            colour: PALETTE[k % PALETTE.len()],
        })
        .collect();
    plots::line_chart_svg(
        &format!("{key} of `{var}` over time (patch average)"),
        "time from first session (days)",
        key,
        &lines,
        &[],
        "",
        (720, 320),
        false,
    )
}

/// The page of a sensitivity study: `doc` is its `sensitivity.json` document.
pub fn html(doc: &Value) -> Result<String, String> {
    let method = doc["method"].as_str().unwrap_or_default();
    let result = &doc["result"];
    let rows: Vec<&Value> =
        result["indices"].as_array().or(result["effects"].as_array()).into_iter().flatten().collect();
    let params: Vec<String> = result["params"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["key"].as_str().map(str::to_string))
        .collect();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim sensitivity — {scen}</title><style>\
body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse;font-size:13px}}\
td,th{{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}}td.num{{text-align:right;font-variant-numeric:tabular-nums}}\
.fig{{display:inline-block;vertical-align:top;margin:6px}}.warn{{background:#fdecea;border-left:4px solid #d73027;padding:8px 12px}}</style></head>\
<body><h1>mnsim sensitivity: {scen}</h1><p>{method} on {file}: {runs} model runs ({members} ensemble member each), {wall} s. \
Parameters: {params}. The numbers are in <a href=\"sensitivity.csv\">sensitivity.csv</a> and <a href=\"sensitivity.json\">sensitivity.json</a>.</p>",
        scen = esc(doc["scenario_name"].as_str().unwrap_or_default()),
        method = if method == "sobol" {
            "Sobol indices (Saltelli 2010 S1, Jansen 1999 ST)"
        } else {
            "Morris elementary effects (Campolongo 2007 μ*)"
        },
        file = esc(doc["scenario"].as_str().unwrap_or_default()),
        runs = doc["model_runs"],
        members = doc["ensemble_members_per_run"],
        wall = esc(&fmt_value(f(&doc["wall_time_s"]))),
        params = esc(&params.join(", ")),
    );
    let warnings: Vec<&str> = result["warnings"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if !warnings.is_empty() {
        let _ = write!(
            h,
            "<div class=\"warn\"><details><summary><b>Warnings: {} (indices whose interval is wider than the stated width, or constant outputs)</b></summary><ul>",
            warnings.len()
        );
        for w in warnings {
            let _ = write!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul></details></div>");
    }
    // outputs in order, the course outputs grouped by variable
    let mut order: Vec<String> = Vec::new();
    let mut courses: BTreeMap<String, Vec<(f64, &Value)>> = BTreeMap::new();
    for r in &rows {
        let o = r["output"].as_str().unwrap_or_default().to_string();
        match course(&o) {
            Some((var, t)) => courses.entry(var).or_default().push((t, *r)),
            None if !order.contains(&o) => order.push(o),
            None => {}
        }
    }
    let unit_of = |name: &str| {
        doc["outputs"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x["name"] == name)
            .and_then(|x| x["unit"].as_str())
            .unwrap_or("")
    };
    h.push_str("<h2>Outputs</h2>");
    for o in &order {
        let of: Vec<&Value> = rows.iter().copied().filter(|r| r["output"] == o.as_str()).collect();
        let label = format!("{o} ({})", unit_of(o));
        let svg = if method == "sobol" { sobol_bars(&label, &of) } else { morris_scatter(&label, &of) };
        let _ = write!(h, "<div class=\"fig\">{svg}</div>");
    }
    if !courses.is_empty() {
        h.push_str("<h2>Over time</h2><p>Each healing time course read at each day (outputs <code>course.VAR@Td</code>): the index of every parameter as a function of time.</p>");
        let keys: &[&str] = if method == "sobol" { &["st", "s1"] } else { &["mu_star"] };
        for (var, rs) in &courses {
            for key in keys {
                let _ = write!(h, "<div class=\"fig\">{}</div>", course_chart(var, key, rs, &params)?);
            }
        }
    }
    h.push_str("<h2>Every index</h2><table><tr><th>output</th><th>parameter</th>");
    let cols: &[&str] = if method == "sobol" {
        &["s1", "s1_low", "s1_high", "st", "st_low", "st_high"]
    } else {
        &["mu", "mu_star", "sigma"]
    };
    for c in cols {
        let _ = write!(h, "<th>{c}</th>");
    }
    h.push_str("</tr>");
    for r in &rows {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td>",
            esc(r["output"].as_str().unwrap_or_default()),
            esc(r["param"].as_str().unwrap_or_default())
        );
        for c in cols {
            let _ = write!(h, "<td class=\"num\">{}</td>", esc(&fmt_value(f(&r[*c]))));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></body></html>\n");
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(output: &str, param: &str, s1: f64, st: f64) -> Value {
        serde_json::json!({"output": output, "param": param, "s1": s1, "s1_low": s1 - 0.1, "s1_high": s1 + 0.1,
            "st": st, "st_low": st - 0.1, "st_high": st + 0.1})
    }

    #[test]
    fn a_sobol_page_has_bars_per_output_and_lines_over_time() {
        let doc = serde_json::json!({
            "method": "sobol", "scenario_name": "s<", "model_runs": 10, "ensemble_members_per_run": 1,
            "outputs": [{"name": "depth", "unit": "µm"}],
            "result": {
                "params": [{"key": "a"}, {"key": "b"}],
                "indices": [idx("depth", "a", 0.7, 0.8), idx("depth", "b", 0.1, 0.2),
                            idx("course.collagen_total@1d", "a", 0.5, 0.6), idx("course.collagen_total@1d", "b", 0.3, 0.4),
                            idx("course.collagen_total@30d", "a", 0.2, 0.3), idx("course.collagen_total@30d", "b", 0.6, 0.7)],
                "warnings": ["S1 of b not converged"],
            },
        });
        let page = html(&doc).unwrap();
        assert!(page.contains("s&lt;") && page.contains("Warnings") && page.contains("Over time"), "{page}");
        // two parameters × (S1, ST) bars for the one scalar output, and two index charts over time
        assert_eq!((page.matches("<title>S1 =").count(), page.matches("<title>ST =").count()), (2, 2), "{page}");
        assert!(page.contains("st of `collagen_total` over time") && page.contains("s1 of `collagen_total` over time"));
        assert!(page.ends_with("</html>\n"));
        assert_eq!(course("course.dermal_thickness@14d"), Some(("dermal_thickness".into(), 14.0)));
        assert_eq!(course("depth"), None);
    }
}
