//! The validation report: a CSV table and a self-contained HTML page with, per area, model vs
//! published as points with error bars against the identity line.

use crate::page::esc;
use plotters::prelude::*;
use serde::Serialize;
use std::fmt::Write;

/// One row of the validation table (the report's view of a case result).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Case id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Area.
    pub area: String,
    /// `calibration` or `validation`.
    pub role: String,
    /// Model value.
    pub model: f64,
    /// Published point value, if any.
    pub published: Option<f64>,
    /// Published spread low end.
    pub low: Option<f64>,
    /// Published spread high end.
    pub high: Option<f64>,
    /// Pass band.
    pub band_low: Option<f64>,
    /// Pass band.
    pub band_high: Option<f64>,
    /// Unit.
    pub unit: String,
    /// Verdict.
    pub pass: bool,
    /// Source.
    pub source: String,
}

impl Row {
    /// The published value to plot: the point value, else the middle of the range.
    pub fn published_point(&self) -> Option<f64> {
        self.published
            .or(match (self.low, self.high) {
                (Some(l), Some(h)) => Some(0.5 * (l + h)),
                _ => None,
            })
            .or(match (self.band_low, self.band_high) {
                (Some(l), Some(h)) => Some(0.5 * (l + h)),
                _ => None,
            })
            .filter(|p| *p != 0.0)
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// Tidy CSV: one row per case.
pub fn csv(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "area",
        "role",
        "model",
        "published",
        "published_low",
        "published_high",
        "band_low",
        "band_high",
        "unit",
        "pass",
        "title",
        "source",
    ])
    .expect("in-memory CSV");
    for r in rows {
        w.write_record([
            r.id.clone(),
            r.area.clone(),
            r.role.clone(),
            format!("{}", r.model),
            opt(r.published),
            opt(r.low),
            opt(r.high),
            opt(r.band_low),
            opt(r.band_high),
            r.unit.clone(),
            r.pass.to_string(),
            r.title.clone(),
            r.source.clone(),
        ])
        .expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// Model vs published for one area, as SVG: values are shown relative to the published value
/// (model ÷ published) so cases of different units share one axis; the band is the error bar.
pub fn area_svg(area: &str, rows: &[&Row]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560, (60 + 34 * rows.len().max(1) as u32 + 60).max(230)))
            .into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let rel = |v: f64, p: f64| if p != 0.0 { v / p } else { v };
        let mut lo: f64 = 0.5;
        let mut hi: f64 = 1.5;
        for r in rows {
            if let Some(p) = r.published_point() {
                for v in [Some(r.model), r.band_low, r.band_high, r.low, r.high].into_iter().flatten() {
                    let x = rel(v, p);
                    if x.is_finite() {
                        lo = lo.min(x);
                        hi = hi.max(x);
                    }
                }
            }
        }
        let pad = 0.08 * (hi - lo);
        let n = rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{area}: model ÷ published (bar: pass band)"), ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(110)
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5..(n - 0.5))
            .map_err(|e| e.to_string())?;
        let labels: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        chart
            .configure_mesh()
            .x_desc("model ÷ published value (1 = agreement)")
            .y_desc("case")
            .y_labels(rows.len().max(1))
            .y_label_formatter(&|y| labels.get(y.round() as usize).cloned().unwrap_or_default())
            .disable_y_mesh()
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(1.0, -0.5), (1.0, n - 0.5)], BLACK.stroke_width(1))))
            .map_err(|e| e.to_string())?;
        for (k, r) in rows.iter().enumerate() {
            let y = k as f64;
            let Some(p) = r.published_point() else { continue };
            let bl = r.band_low.map(|v| rel(v, p)).unwrap_or(lo - pad);
            let bh = r.band_high.map(|v| rel(v, p)).unwrap_or(hi + pad);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(bl, y), (bh, y)],
                    RGBColor(120, 120, 120).stroke_width(3),
                )))
                .map_err(|e| e.to_string())?;
            let c = if r.pass { RGBColor(0x1a, 0x9e, 0x49) } else { RGBColor(0xd7, 0x30, 0x27) };
            chart
                .draw_series(std::iter::once(Circle::new((rel(r.model, p), y), 6, c.filled())))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Self-contained HTML page (inline SVG, no network).
pub fn html(rows: &[Row], errors: &[(String, String)], header: &str) -> Result<String, String> {
    let mut areas: Vec<&str> = rows.iter().map(|r| r.area.as_str()).collect();
    areas.sort();
    areas.dedup();
    let (mut vp, mut vn, mut cp, mut cn) = (0, 0, 0, 0);
    for r in rows {
        if r.role == "validation" {
            vn += 1;
            vp += r.pass as usize;
        } else {
            cn += 1;
            cp += r.pass as usize;
        }
    }
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim validation</title><style>\
body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse;font-size:13px}}\
td,th{{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}}.pass{{color:#1a9e49;font-weight:bold}}.miss{{color:#d73027;font-weight:bold}}\
.fig{{display:inline-block;vertical-align:top;margin:6px}}</style></head><body><h1>mnsim validation</h1><p>{}</p>\
<h2>Validation pass rate: {vp} / {vn}</h2><p>Calibration cases (used to set parameters, agreement by construction): {cp} / {cn}.</p>\
<p>In each figure: a dot is the model (green: pass, red: miss), the grey bar the pass band, the vertical line the identity (model = published); values are divided by the published value (or the band's middle where only a range is published).</p>",
        esc(header)
    );
    for a in &areas {
        let sel: Vec<&Row> = rows.iter().filter(|r| r.area == *a).collect();
        let _ = write!(h, "<div class=\"fig\">{}</div>", area_svg(a, &sel)?);
    }
    h.push_str("<h2>Cases</h2><table><tr><th>case</th><th>area</th><th>role</th><th>model</th><th>published</th><th>band</th><th>unit</th><th>verdict</th><th>source</th></tr>");
    for r in rows {
        let publ = match (r.published, r.low, r.high) {
            (Some(p), Some(l), Some(hh)) => format!("{p} ({l}–{hh})"),
            (Some(p), _, _) => format!("{p}"),
            (None, Some(l), Some(hh)) => format!("{l}–{hh}"),
            _ => String::new(),
        };
        let band = format!(
            "{}–{}",
            r.band_low.map(|x| x.to_string()).unwrap_or("−∞".into()),
            r.band_high.map(|x| x.to_string()).unwrap_or("∞".into())
        );
        let _ = write!(
            h,
            "<tr><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
            esc(&r.title),
            esc(&r.id),
            esc(&r.area),
            esc(&r.role),
            r.model,
            esc(&publ),
            esc(&band),
            esc(&r.unit),
            if r.pass { "pass" } else { "miss" },
            if r.pass { "pass" } else { "miss" },
            esc(&r.source)
        );
    }
    h.push_str("</table>");
    if !errors.is_empty() {
        h.push_str("<h2>Cases that could not run</h2><ul>");
        for (f, e) in errors {
            let _ = write!(h, "<li><b>{}</b>: {}</li>", esc(f), esc(e));
        }
        h.push_str("</ul>");
    }
    h.push_str("</body></html>\n");
    Ok(h)
}
