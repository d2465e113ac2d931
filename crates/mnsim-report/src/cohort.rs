//! `cohort.html`: one self-contained page of a virtual cohort (inline SVG, no network): the
//! inputs in brief, responder rates, a histogram of each headline outcome over the patients,
//! the outcome distributions, the subgroup table and what separates responders.
//!
//! The page reads the cohort's `summary.json` document (built by `mnsim cohort`) and the
//! per-patient values of the outcomes to draw, so this crate needs nothing of `mnsim-study`.

use crate::page::{esc, fmt_value};
use std::fmt::Write;

/// Bins of each histogram. Assumed: Sturges' rule (⌈log₂ n⌉ + 1) capped at 30 and at least 5.
fn bins(n: usize) -> usize {
    ((n.max(1) as f64).log2().ceil() as usize + 1).clamp(5, 30)
}

/// An SVG histogram of `values` (finite values only; a constant outcome is one bar).
pub fn histogram_svg(name: &str, unit: &str, values: &[f64]) -> String {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let (w, h, pad) = (320.0, 170.0, 30.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"11\">\
<text x=\"{}\" y=\"14\" text-anchor=\"middle\">{}</text>",
        w / 2.0,
        esc(name)
    );
    if v.is_empty() {
        s.push_str("</svg>");
        return s;
    }
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let k = if hi > lo { bins(v.len()) } else { 1 };
    let width = if hi > lo { (hi - lo) / k as f64 } else { 1.0 };
    let mut counts = vec![0usize; k];
    for x in &v {
        let b = if hi > lo { (((x - lo) / width) as usize).min(k - 1) } else { 0 };
        counts[b] += 1;
    }
    let top = *counts.iter().max().unwrap_or(&1) as f64;
    let (x0, y0, pw, ph) = (pad, h - pad, w - 2.0 * pad, h - 2.0 * pad - 6.0);
    for (i, c) in counts.iter().enumerate() {
        let bh = ph * *c as f64 / top;
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#4575b4\"><title>{c}</title></rect>",
            x0 + pw * i as f64 / k as f64 + 0.5,
            y0 - bh,
            (pw / k as f64 - 1.0).max(0.5)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{}\" y2=\"{y0}\" stroke=\"#333\"/>\
<text x=\"{x0}\" y=\"{}\" text-anchor=\"start\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{} (n = {}, tallest bar {top})</text></svg>",
        x0 + pw,
        y0 + 13.0,
        esc(&fmt_value(lo)),
        x0 + pw,
        y0 + 13.0,
        esc(&fmt_value(if hi > lo { hi } else { lo })),
        w / 2.0,
        y0 + 26.0,
        esc(unit),
        v.len()
    );
    s
}

fn num(v: &serde_json::Value) -> String {
    v.as_f64().map(fmt_value).unwrap_or_else(|| esc(&v.to_string()))
}

fn pct(v: &serde_json::Value) -> String {
    v.as_f64().map(|x| format!("{:.1}", 100.0 * x)).unwrap_or_default()
}

/// The page of a cohort: `doc` is the cohort's `summary.json` document, `histograms` the
/// outcomes to draw (name, unit, one value per patient).
pub fn html(doc: &serde_json::Value, histograms: &[(String, String, Vec<f64>)]) -> String {
    let s = &doc["summary"];
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim cohort — {}</title><style>\
body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse;font-size:13px}}\
td,th{{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}}td.num{{text-align:right;font-variant-numeric:tabular-nums}}\
.fig{{display:inline-block;vertical-align:top;margin:6px}}</style></head><body><h1>mnsim cohort: {}</h1>\
<p>{} patients (cohort of {}, patients {}–{}) from population <b>{}</b> ({}) on scenario {}, seed {}. \
Each patient draws from its own random stream keyed by the seed and its index.</p>",
        esc(doc["population"].as_str().unwrap_or_default()),
        esc(doc["population"].as_str().unwrap_or_default()),
        doc["patients"],
        doc["cohort_size"],
        doc["patient_range"][0],
        doc["patient_range"][1].as_u64().unwrap_or(1).saturating_sub(1),
        esc(doc["population"].as_str().unwrap_or_default()),
        esc(doc["population_file"].as_str().unwrap_or_default()),
        esc(doc["scenario"].as_str().unwrap_or_default()),
        doc["seed"],
    );
    h.push_str("<p><b>Skipped</b> (the cohort's fast path):</p><ul>");
    for k in doc["skipped"].as_array().into_iter().flatten() {
        let _ = write!(h, "<li>{}</li>", esc(k.as_str().unwrap_or_default()));
    }
    h.push_str("</ul><h2>Responders</h2><table><tr><th>rule</th><th>definition</th><th>responders / n</th><th>rate, %</th><th>95 % interval, %</th></tr>");
    for r in s["responders"].as_array().into_iter().flatten() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{}</td><td class=\"num\">{}–{}</td></tr>",
            esc(r["rule"]["name"].as_str().unwrap_or_default()),
            esc(r["rule"]["description"].as_str().unwrap_or_default()),
            r["responders"],
            r["n"],
            pct(&r["rate"]),
            pct(&r["low_95"]),
            pct(&r["high_95"])
        );
    }
    h.push_str("</table><h2>Headline outcomes over the patients</h2>");
    for (name, unit, values) in histograms {
        let _ = write!(h, "<div class=\"fig\">{}</div>", histogram_svg(name, unit, values));
    }
    h.push_str("<h2>What separates responders</h2><p>Standardised mean difference (responders − non-responders; |d| ≥ 0.5 medium, ≥ 0.8 large) and Spearman correlation of each variable with the rule's outcome.</p><table><tr><th>rule</th><th>variable</th><th>mean, responders</th><th>mean, others</th><th>SMD</th><th>Spearman</th></tr>");
    for x in s["separation"].as_array().into_iter().flatten() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(x["rule"].as_str().unwrap_or_default()),
            esc(x["variable"].as_str().unwrap_or_default()),
            num(&x["mean_responders"]),
            num(&x["mean_non_responders"]),
            num(&x["smd"]),
            num(&x["spearman"])
        );
    }
    h.push_str("</table><h2>Subgroups</h2><table><tr><th>covariate</th><th>group</th><th>n</th><th>responder rates, %</th><th>means</th></tr>");
    for g in s["subgroups"].as_array().into_iter().flatten() {
        let rates: Vec<String> = g["responders"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| format!("{} {}", esc(r[0].as_str().unwrap_or_default()), pct(&r[2])))
            .collect();
        let means: Vec<String> = g["means"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| format!("{} {}", esc(m[0].as_str().unwrap_or_default()), num(&m[1])))
            .collect();
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(g["covariate"].as_str().unwrap_or_default()),
            esc(g["group"].as_str().unwrap_or_default()),
            g["n"],
            rates.join("<br>"),
            means.join("<br>")
        );
    }
    h.push_str("</table><h2>Every outcome</h2><table><tr><th>outcome</th><th>unit</th><th>n</th><th>mean</th><th>SD</th><th>5 %</th><th>median</th><th>95 %</th></tr>");
    for o in s["outcomes"].as_array().into_iter().flatten() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(o["name"].as_str().unwrap_or_default()),
            esc(o["unit"].as_str().unwrap_or_default()),
            o["n"],
            num(&o["mean"]),
            num(&o["sd"]),
            num(&o["p05"]),
            num(&o["median"]),
            num(&o["p95"])
        );
    }
    h.push_str("</table></body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_every_value_and_a_constant_outcome_is_one_bar() {
        let svg = histogram_svg("x", "%", &[1.0, 2.0, 2.5, 3.0, f64::NAN]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>") && svg.contains("n = 4"), "{svg}");
        let one = histogram_svg("c", "d", &[2.0, 2.0]);
        assert_eq!(one.matches("<rect").count(), 1);
        let page = html(&serde_json::json!({"population": "p<", "summary": {}}), &[]);
        assert!(page.contains("p&lt;") && page.ends_with("</html>\n"));
    }
}
