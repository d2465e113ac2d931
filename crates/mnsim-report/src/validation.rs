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
    /// Evidence class: `independent`, `weak` or `by_construction`.
    pub evidence: String,
    /// Why the case has its evidence class (a weak case states its null model).
    pub evidence_note: String,
    /// Model value.
    pub model: f64,
    /// Published point value, if the source gives one (never filled in from a range).
    pub published: Option<f64>,
    /// Published spread low end.
    pub low: Option<f64>,
    /// Published spread high end.
    pub high: Option<f64>,
    /// What the published spread or statement is (`mean ± 1 SD`, `range`, `one-sided: …`).
    pub spread: String,
    /// Pass band.
    pub band_low: Option<f64>,
    /// Pass band.
    pub band_high: Option<f64>,
    /// Unit.
    pub unit: String,
    /// Verdict.
    pub pass: bool,
    /// The do-nothing model's value for this quantity (none for a property of intact skin).
    pub null_value: Option<f64>,
    /// Whether the do-nothing value would also pass the band.
    pub null_pass: Option<bool>,
    /// Source.
    pub source: String,
}

impl Row {
    /// The published statement as published: the point value with its spread, a range, a
    /// one-sided bound, or the qualitative statement; never a point made up from a range.
    pub fn published_statement(&self) -> String {
        let f = crate::page::fmt_value;
        let spread = if self.spread.trim().is_empty() { String::new() } else { format!(", {}", self.spread.trim()) };
        match (self.published, self.low, self.high) {
            (Some(p), Some(l), Some(h)) => format!("{} ({}–{}{spread})", f(p), f(l), f(h)),
            (Some(p), _, _) if spread.is_empty() => f(p),
            (Some(p), _, _) => format!("{} ({})", f(p), self.spread.trim()),
            (None, Some(l), Some(h)) => format!("{}–{}{spread}", f(l), f(h)),
            (None, Some(l), None) => format!("≥ {}{spread}", f(l)),
            (None, None, Some(h)) => format!("≤ {}{spread}", f(h)),
            (None, None, None) if spread.is_empty() => "(no number published)".into(),
            (None, None, None) => self.spread.trim().to_string(),
        }
    }

    /// The value each point of the figure is divided by: the published point, else the middle
    /// of a two-sided published range. Used only to place the case on the figure's shared axis
    /// (never shown as "published"); a one-sided or qualitative case is not plotted.
    pub fn plot_reference(&self) -> Option<f64> {
        self.published
            .or(match (self.low, self.high) {
                (Some(l), Some(h)) => Some(0.5 * (l + h)),
                _ => None,
            })
            .filter(|p| *p != 0.0 && p.is_finite())
    }

    /// The null column in words: the do-nothing value and whether it passes.
    pub fn null_statement(&self) -> String {
        match (self.null_value, self.null_pass) {
            (Some(v), Some(true)) => format!("{} passes", crate::page::fmt_value(v)),
            (Some(v), _) => format!("{} fails", crate::page::fmt_value(v)),
            _ => "—".into(),
        }
    }
}

/// Pass counts (passed, total) per evidence class. The headline is `independent`: passes of
/// independent cases over independent cases. Calibration cases are `by_construction` and are
/// never counted as validation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Independent cases: (passed, total).
    pub independent: (usize, usize),
    /// Weak cases.
    pub weak: (usize, usize),
    /// By-construction cases (calibration, or the same source).
    pub by_construction: (usize, usize),
    /// Passing cases (any class) whose do-nothing value also passes the band.
    pub null_also_passes: usize,
    /// Cases with a null column.
    pub with_null: usize,
}

impl Counts {
    /// Count the rows.
    pub fn of(rows: &[Row]) -> Counts {
        let mut c = Counts::default();
        for r in rows {
            let slot = match r.evidence.as_str() {
                "independent" => &mut c.independent,
                "weak" => &mut c.weak,
                _ => &mut c.by_construction,
            };
            slot.1 += 1;
            slot.0 += r.pass as usize;
            c.with_null += r.null_pass.is_some() as usize;
            c.null_also_passes += (r.pass && r.null_pass == Some(true)) as usize;
        }
        c
    }

    /// The headline sentence.
    pub fn headline(&self) -> String {
        let pct = |(p, n): (usize, usize)| if n == 0 { 0.0 } else { 100.0 * p as f64 / n as f64 };
        format!(
            "independent: {}/{} pass ({:.0} %); weak: {}/{} pass; by construction: {}/{} reproduced; \
             the do-nothing model also passes {} of the passing cases",
            self.independent.0,
            self.independent.1,
            pct(self.independent),
            self.weak.0,
            self.weak.1,
            self.by_construction.0,
            self.by_construction.1,
            self.null_also_passes
        )
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
        "evidence",
        "model",
        "published",
        "published_low",
        "published_high",
        "published_statement",
        "band_low",
        "band_high",
        "unit",
        "pass",
        "null_value",
        "null_pass",
        "title",
        "evidence_note",
        "source",
    ])
    .expect("in-memory CSV");
    for r in rows {
        w.write_record([
            r.id.clone(),
            r.area.clone(),
            r.role.clone(),
            r.evidence.clone(),
            format!("{}", r.model),
            opt(r.published),
            opt(r.low),
            opt(r.high),
            r.published_statement(),
            opt(r.band_low),
            opt(r.band_high),
            r.unit.clone(),
            r.pass.to_string(),
            opt(r.null_value),
            r.null_pass.map(|b| b.to_string()).unwrap_or_default(),
            r.title.clone(),
            r.evidence_note.clone(),
            r.source.clone(),
        ])
        .expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// Model vs published for one area, as SVG: values are shown relative to the published value
/// (model ÷ published; the middle of a published range where the source gives only a range) so
/// cases of different units share one axis; the band is the error bar. One-sided and
/// qualitative cases have no reference value and are left out of the figure (they are in the
/// table).
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
            if let Some(p) = r.plot_reference() {
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
            let Some(p) = r.plot_reference() else { continue };
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
    let c = Counts::of(rows);
    let (ip, in_) = c.independent;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim validation</title><style>\
body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse;font-size:13px}}\
td,th{{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}}.pass{{color:#1a9e49;font-weight:bold}}.miss{{color:#d73027;font-weight:bold}}\
.fig{{display:inline-block;vertical-align:top;margin:6px}}</style></head><body><h1>mnsim validation</h1><p>{}</p>\
<h2>Independent pass rate: {ip} / {in_}</h2><p>Counted separately, never as validation: weak cases (one-sided or saturated band, \
or a band the do-nothing model also passes) {} / {}; by-construction cases (calibration, or the same source as the model value) {} / {} reproduced. \
The do-nothing model (null column) would also pass {} of the passing cases.</p>\
<p>In each figure: a dot is the model (green: pass, red: miss), the grey bar the pass band, the vertical line the identity (model = published); values are divided by the published value, or by the middle of the published range where the source gives only a range (a placement on the axis, not a published value). One-sided and qualitative cases are in the table only.</p>",
        esc(header),
        c.weak.0,
        c.weak.1,
        c.by_construction.0,
        c.by_construction.1,
        c.null_also_passes
    );
    for a in &areas {
        let sel: Vec<&Row> = rows.iter().filter(|r| r.area == *a).collect();
        let _ = write!(h, "<div class=\"fig\">{}</div>", area_svg(a, &sel)?);
    }
    table_html(&mut h, rows);
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

/// The pass band in words (`a–b`, open ends as ±∞).
pub fn band_statement(r: &Row) -> String {
    let f = crate::page::fmt_value;
    format!("{}–{}", r.band_low.map(f).unwrap_or_else(|| "−∞".into()), r.band_high.map(f).unwrap_or_else(|| "∞".into()))
}

fn table_html(h: &mut String, rows: &[Row]) {
    h.push_str("<h2>Cases</h2><table><tr><th>case</th><th>area</th><th>role</th><th>evidence</th><th>model</th><th>published</th><th>band</th><th>unit</th><th>verdict</th><th>null model</th><th>source</th></tr>");
    for r in rows {
        let _ = write!(
            h,
            "<tr><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td title=\"{}\">{}</td><td>{:.4}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.title),
            esc(&r.id),
            esc(&r.area),
            esc(&r.role),
            esc(&r.evidence_note),
            esc(&r.evidence),
            r.model,
            esc(&r.published_statement()),
            esc(&band_statement(r)),
            esc(&r.unit),
            if r.pass { "pass" } else { "miss" },
            if r.pass { "pass" } else { "miss" },
            esc(&r.null_statement()),
            esc(&r.source)
        );
    }
    h.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(published: Option<f64>, low: Option<f64>, high: Option<f64>, spread: &str) -> Row {
        Row {
            id: "X".into(),
            title: "t".into(),
            area: "a".into(),
            role: "validation".into(),
            evidence: "independent".into(),
            evidence_note: "n".into(),
            model: 1.0,
            published,
            low,
            high,
            spread: spread.into(),
            band_low: Some(-50.0),
            band_high: Some(-10.0),
            unit: "%".into(),
            pass: false,
            null_value: Some(0.0),
            null_pass: Some(false),
            source: "s".into(),
        }
    }

    #[test]
    fn the_published_statement_is_never_a_point_made_up_from_a_range_or_band() {
        // only a band, no published number: no point, the statement as written
        let r = row(None, None, None, "qualitative: decreased");
        assert_eq!(r.published_statement(), "qualitative: decreased");
        assert_eq!(r.plot_reference(), None);
        // a range: the range, not its middle
        let r = row(None, Some(-55.0), Some(-15.0), "range");
        assert_eq!(r.published_statement(), "-55.000–-15.000, range");
        // one-sided
        assert_eq!(row(None, Some(100.0), None, "").published_statement(), "≥ 100.000");
        assert_eq!(row(None, None, Some(2.0), "").published_statement(), "≤ 2.000");
        // a point with its spread
        assert_eq!(
            row(Some(3.0), Some(2.6), Some(3.4), "mean ± 1 SE").published_statement(),
            "3.000 (2.600–3.400, mean ± 1 SE)"
        );
        // no number at all
        assert_eq!(row(None, None, None, "").published_statement(), "(no number published)");
    }

    #[test]
    fn counts_head_with_independent_cases_and_keep_the_others_apart() {
        let mut a = row(Some(1.0), None, None, "");
        a.pass = true;
        let mut b = a.clone();
        b.evidence = "weak".into();
        b.null_pass = Some(true);
        let mut c = a.clone();
        c.evidence = "by_construction".into();
        c.role = "calibration".into();
        let mut d = a.clone();
        d.pass = false;
        let k = Counts::of(&[a, b, c, d]);
        assert_eq!(k.independent, (1, 2));
        assert_eq!(k.weak, (1, 1));
        assert_eq!(k.by_construction, (1, 1));
        assert_eq!(k.null_also_passes, 1);
        assert!(k.headline().starts_with("independent: 1/2 pass (50 %)"), "{}", k.headline());
    }
}
