//! SVG figures (plotters, SVG backend only: no font libraries needed).

use mnsim_core::{Layer, Skin};
use mnsim_sim::RunResult;
use plotters::prelude::*;

/// Colour of each layer in every figure.
pub fn layer_colour(l: Layer) -> RGBColor {
    match l {
        Layer::StratumCorneum => RGBColor(0xd9, 0xa4, 0x41),
        Layer::ViableEpidermis => RGBColor(0xe8, 0x7d, 0x6f),
        Layer::PapillaryDermis => RGBColor(0xc2, 0x3b, 0x5b),
        Layer::ReticularDermis => RGBColor(0x6a, 0x3d, 0x9a),
        Layer::Subcutis => RGBColor(0x2b, 0x6c, 0xb0),
    }
}

fn human(l: Layer) -> String {
    let n = l.name().replace('_', " ");
    let mut c = n.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => n,
    }
}

/// Puncture map of the first session (coloured by deepest layer) beside the histogram of depth
/// reached, with the layer boundaries. Returns the SVG text.
pub fn puncture_map_svg(
    result: &RunResult,
    skin: &Skin,
    patch_w_um: f64,
    patch_h_um: f64,
    needle_length_um: f64,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1100, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (left, right) = root.split_horizontally(540);

        // --- map ---
        let (w, h) = (patch_w_um / 1000.0, patch_h_um / 1000.0);
        let mut map = ChartBuilder::on(&left)
            .caption("Puncture map, session 1 (colour: deepest layer)", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..w, 0.0..h)
            .map_err(|e| e.to_string())?;
        map.configure_mesh().x_desc("x (mm)").y_desc("y (mm)").disable_mesh().draw().map_err(|e| e.to_string())?;
        let p = &result.punctures;
        let pen = &result.penetration;
        for l in Layer::ALL {
            let pts: Vec<(f64, f64)> = (0..p.len())
                .filter(|&i| p.session[i] == 0 && pen.deepest_layer[i] == l)
                .map(|i| (p.x_um[i] / 1000.0, p.y_um[i] / 1000.0))
                .collect();
            if pts.is_empty() {
                continue;
            }
            let c = layer_colour(l);
            map.draw_series(pts.into_iter().map(|(x, y)| Circle::new((x, y), 2, c.filled())))
                .map_err(|e| e.to_string())?
                .label(human(l))
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, c.filled()));
        }
        map.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;

        // --- depth histogram ---
        let bins = 40usize;
        let max_d = needle_length_um.max(1.0);
        let bw = max_d / bins as f64;
        let mut counts = vec![0u32; bins];
        for &d in &pen.depth_um {
            counts[((d / bw) as usize).min(bins - 1)] += 1;
        }
        let ymax = (*counts.iter().max().unwrap_or(&1)).max(1) as f64 * 1.15;
        let mut hist = ChartBuilder::on(&right)
            .caption("Depth reached, all sessions", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(0.0..max_d, 0.0..ymax)
            .map_err(|e| e.to_string())?;
        hist.configure_mesh()
            .x_desc("depth below surface (µm)")
            .y_desc("punctures")
            .disable_mesh()
            .draw()
            .map_err(|e| e.to_string())?;
        for l in Layer::ALL {
            let (top, bottom) = (skin.layers.top_um(l), skin.layers.bottom_um(l));
            if top >= max_d {
                continue;
            }
            let c = layer_colour(l);
            hist.draw_series(std::iter::once(Rectangle::new(
                [(top, 0.0), (bottom.min(max_d), ymax)],
                c.mix(0.12).filled(),
            )))
            .map_err(|e| e.to_string())?
            .label(human(l))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
        }
        hist.draw_series(counts.iter().enumerate().map(|(k, &c)| {
            let x0 = k as f64 * bw;
            let l = skin.layers.layer_at(x0 + bw / 2.0);
            Rectangle::new([(x0, 0.0), (x0 + bw, c as f64)], layer_colour(l).filled())
        }))
        .map_err(|e| e.to_string())?;
        let plexus = skin.superficial_plexus_depth_um;
        if plexus < max_d {
            hist.draw_series(std::iter::once(PathElement::new(
                vec![(plexus, 0.0), (plexus, ymax)],
                BLACK.stroke_width(2),
            )))
            .map_err(|e| e.to_string())?
            .label("superficial plexus")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], BLACK.stroke_width(2)));
        }
        hist.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// One line of a time-course chart.
pub struct Line<'a> {
    /// Legend label.
    pub label: String,
    /// x values.
    pub x: &'a [f64],
    /// y values.
    pub y: Vec<f64>,
    /// Colour.
    pub colour: RGBColor,
}

/// Palette for lines.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// A line chart with a title, axis labels (with units), a legend and, where time runs,
/// dashed vertical markers at the sessions. `log_y` uses a log10 axis (values ≤ 0 dropped).
#[allow(clippy::too_many_arguments)]
pub fn line_chart_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    lines: &[Line],
    markers_x: &[f64],
    marker_label: &str,
    size: (u32, u32),
    log_y: bool,
) -> Result<String, String> {
    line_chart_bands_svg(title, x_label, y_label, lines, &[], markers_x, marker_label, size, log_y)
}

/// A band (lower, upper; the line's x values) drawn behind a line of [`line_chart_bands_svg`].
pub type Band = Option<(Vec<f64>, Vec<f64>)>;

/// [`line_chart_svg`] with a shaded band behind line i where `bands[i]` holds one (an
/// uncertainty interval at each x; linear axes only, ignored on a log axis).
#[allow(clippy::too_many_arguments)]
pub fn line_chart_bands_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    lines: &[Line],
    bands: &[Band],
    markers_x: &[f64],
    marker_label: &str,
    size: (u32, u32),
    log_y: bool,
) -> Result<String, String> {
    let band_of = |k: usize| if log_y { None } else { bands.get(k).and_then(|b| b.as_ref()) };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (k, l) in lines.iter().enumerate() {
            let band_ys = band_of(k).into_iter().flat_map(|(lo, hi)| lo.iter().chain(hi));
            for (&x, &y) in l.x.iter().zip(&l.y).chain(l.x.iter().cycle().zip(band_ys)) {
                if !x.is_finite() || !y.is_finite() || (log_y && y <= 0.0) {
                    continue;
                }
                let y = if log_y { y.log10() } else { y };
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
        if x0 > x1 {
            (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
        }
        // a log axis shows at most LOG_DECADES decades below the largest value
        const LOG_DECADES: f64 = 8.0;
        if log_y {
            y0 = y0.max(y1 - LOG_DECADES);
        }
        if y1 - y0 < 1e-12 {
            y0 -= 0.5;
            y1 += 0.5;
        }
        if x1 - x0 < 1e-12 {
            x1 = x0 + 1.0;
        }
        let pad = 0.06 * (y1 - y0);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 17))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(62)
            .build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))
            .map_err(|e| e.to_string())?;
        let fmt_log = |v: &f64| format!("1e{:.0}", v);
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(x_label).y_desc(y_label).light_line_style(WHITE.mix(0.0));
        if log_y {
            mesh.y_label_formatter(&fmt_log);
        }
        mesh.draw().map_err(|e| e.to_string())?;
        for (k, &m) in markers_x.iter().enumerate() {
            if m < x0 || m > x1 {
                continue;
            }
            let dashes: Vec<(f64, f64)> = {
                let n = 24;
                let (a, b) = (y0 - pad, y1 + pad);
                (0..n).flat_map(|i| [(m, a + (b - a) * i as f64 / n as f64)]).collect()
            };
            let s = chart
                .draw_series(
                    dashes.chunks(2).map(|c| PathElement::new(c.to_vec(), RGBColor(90, 90, 90).stroke_width(1))),
                )
                .map_err(|e| e.to_string())?;
            if k == 0 {
                s.label(marker_label.to_string())
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 5, y)], RGBColor(90, 90, 90)));
            }
        }
        for (k, l) in lines.iter().enumerate() {
            if let Some((lo, hi)) = band_of(k) {
                let ok = |x: &f64, y: &f64| x.is_finite() && y.is_finite();
                let mut poly: Vec<(f64, f64)> =
                    l.x.iter().zip(hi).filter(|(x, y)| ok(x, y)).map(|(&x, &y)| (x, y)).collect();
                poly.extend(l.x.iter().zip(lo).rev().filter(|(x, y)| ok(x, y)).map(|(&x, &y)| (x, y)));
                chart
                    .draw_series(std::iter::once(Polygon::new(poly, l.colour.mix(0.18))))
                    .map_err(|e| e.to_string())?;
            }
        }
        for l in lines {
            let c = l.colour;
            let pts: Vec<(f64, f64)> =
                l.x.iter()
                    .zip(&l.y)
                    .filter(|(x, y)| x.is_finite() && y.is_finite() && (!log_y || **y > 0.0))
                    .map(|(&x, &y)| (x, if log_y { y.log10() } else { y }))
                    .filter(|&(_, y)| y >= y0)
                    .collect();
            chart
                .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(l.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(if log_y { SeriesLabelPosition::LowerRight } else { SeriesLabelPosition::UpperRight })
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// One series of a dose–response chart: the nominal value at each x and, where the runs had an
/// uncertainty ensemble, its 5–95 % interval.
pub struct DoseSeries {
    /// Legend label (the other varied values; empty for a one-key sweep).
    pub label: String,
    /// The varied value, ascending.
    pub x: Vec<f64>,
    /// Nominal value at each x.
    pub y: Vec<f64>,
    /// 5–95 % interval at each x, where every point has one.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
}

/// A dose–response chart of a numeric sweep: one line with point markers per series (colour k
/// of [`PALETTE`] for series k; the caller writes the legend once, outside the data), its
/// 5–95 % ensemble interval shaded, linear axes fitted to the data (the zero line shown when the
/// data cross it).
pub fn dose_response_svg(title: &str, x_label: &str, y_label: &str, series: &[DoseSeries]) -> Result<String, String> {
    let finite = |v: &[f64]| v.iter().copied().filter(|v| v.is_finite()).collect::<Vec<f64>>();
    let xs: Vec<f64> = series.iter().flat_map(|s| finite(&s.x)).collect();
    let mut ys: Vec<f64> = series.iter().flat_map(|s| finite(&s.y)).collect();
    for s in series {
        if let Some((lo, hi)) = &s.band {
            ys.extend(finite(lo));
            ys.extend(finite(hi));
        }
    }
    let range = |v: &[f64]| v.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    let (mut x0, mut x1) = if xs.is_empty() { (0.0, 1.0) } else { range(&xs) };
    let (mut y0, mut y1) = if ys.is_empty() { (0.0, 1.0) } else { range(&ys) };
    if x1 - x0 < 1e-12 {
        (x0, x1) = (x0 - 0.5, x1 + 0.5);
    }
    if y1 - y0 < 1e-12 {
        (y0, y1) = (y0 - 0.5, y1 + 0.5);
    }
    let (xp, yp) = (0.05 * (x1 - x0), 0.08 * (y1 - y0));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (420, 280)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(62)
            .build_cartesian_2d((x0 - xp)..(x1 + xp), (y0 - yp)..(y1 + yp))
            .map_err(|e| e.to_string())?;
        // tick labels with as many decimals as the tick spacing (span / 6) needs, so that
        // neighbouring ticks never print alike
        let decimals = |span: f64| (-(span / 6.0).log10()).ceil().clamp(0.0, 6.0) as usize;
        let (dx, dy) = (decimals(x1 - x0), decimals(y1 - y0));
        let x_tick = move |v: &f64| format!("{v:.dx$}");
        let y_tick = move |v: &f64| format!("{v:.dy$}");
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&x_tick)
            .y_label_formatter(&y_tick)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| e.to_string())?;
        if y0 < 0.0 && y1 > 0.0 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x0 - xp, 0.0), (x1 + xp, 0.0)],
                    RGBColor(150, 150, 150).stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
        }
        for (k, s) in series.iter().enumerate() {
            let c = PALETTE[k % PALETTE.len()];
            if let Some((lo, hi)) = &s.band {
                let mut poly: Vec<(f64, f64)> = s.x.iter().zip(hi).map(|(&x, &y)| (x, y)).collect();
                poly.extend(s.x.iter().zip(lo).rev().map(|(&x, &y)| (x, y)));
                chart.draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18)))).map_err(|e| e.to_string())?;
            }
            let pts: Vec<(f64, f64)> = s.x.iter().zip(&s.y).map(|(&x, &y)| (x, y)).collect();
            chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2))).map_err(|e| e.to_string())?;
            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled()))).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// One bar of a bar chart with an interval.
pub struct Bar {
    /// Label.
    pub label: String,
    /// Value (nominal run).
    pub value: f64,
    /// Interval low (ensemble), if any.
    pub low: Option<f64>,
    /// Interval high (ensemble), if any.
    pub high: Option<f64>,
    /// Which way is a clinical benefit: `Some(true)` a rise, `Some(false)` a fall (a shallower
    /// wrinkle), `None` not judged. A judged bar is coloured by benefit, not by sign.
    pub higher_is_better: Option<bool>,
}

/// Colour of a bar that is a clinical improvement.
const IMPROVEMENT: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);
/// Colour of a bar that is a clinical worsening.
const WORSENING: RGBColor = RGBColor(0xd6, 0x27, 0x28);
/// Colour of a bar with no change, or not judged.
const NEUTRAL: RGBColor = RGBColor(0x1f, 0x77, 0xb4);

/// A bar's colour: by benefit when its direction is judged, else neutral.
fn bar_colour(b: &Bar) -> RGBColor {
    match b.higher_is_better {
        Some(_) if b.value == 0.0 => NEUTRAL,
        Some(up) if (b.value > 0.0) == up => IMPROVEMENT,
        Some(_) => WORSENING,
        None => NEUTRAL,
    }
}

/// Horizontal bars of % change vs baseline with interval whiskers and a zero line.
pub fn bar_chart_svg(title: &str, x_label: &str, bars: &[Bar]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let h = 70 + 30 * bars.len().max(1) as u32 + 40;
        let root = SVGBackend::with_string(&mut svg, (760, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut lo: f64 = 0.0;
        let mut hi: f64 = 0.0;
        for b in bars {
            for v in [Some(b.value), b.low, b.high].into_iter().flatten().filter(|v| v.is_finite()) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if hi - lo < 1e-9 {
            hi = lo + 1.0;
        }
        let pad = 0.08 * (hi - lo);
        let n = bars.len().max(1) as f64;
        let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 17))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(230)
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5..(n - 0.5))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_labels(bars.len().max(1))
            .y_label_formatter(&|y| labels.get(y.round() as usize).cloned().unwrap_or_default())
            .disable_y_mesh()
            .draw()
            .map_err(|e| e.to_string())?;
        // coloured by clinical benefit where it is judged (a smaller wrinkle is good), one
        // legend entry per colour used
        for (colour, label) in [(IMPROVEMENT, "improvement"), (WORSENING, "worsening"), (NEUTRAL, "nominal run")] {
            let judged = bars.iter().any(|b| b.higher_is_better.is_some());
            let label = if colour == NEUTRAL && judged { "no change / not judged" } else { label };
            let mine: Vec<(usize, &Bar)> = bars.iter().enumerate().filter(|(_, b)| bar_colour(b) == colour).collect();
            if mine.is_empty() {
                continue;
            }
            chart
                .draw_series(mine.into_iter().map(|(k, b)| {
                    let y = k as f64;
                    Rectangle::new([(0.0, y - 0.32), (b.value, y + 0.32)], colour.mix(0.75).filled())
                }))
                .map_err(|e| e.to_string())?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.mix(0.75).filled()));
        }
        chart
            .draw_series(bars.iter().enumerate().filter_map(|(k, b)| {
                let (l, h) = (b.low?, b.high?);
                let y = k as f64;
                Some(PathElement::new(vec![(l, y), (h, y)], BLACK.stroke_width(2)))
            }))
            .map_err(|e| e.to_string())?
            .label("5–95 % ensemble interval")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(2)));
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(0.0, -0.5), (0.0, n - 0.5)], BLACK.stroke_width(1))))
            .map_err(|e| e.to_string())?;
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The (min, max) of the finite values (`(f64::MAX, f64::MIN)` when there is none).
pub fn finite_range<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    values.filter(|v| v.is_finite()).fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)))
}

/// A heat map of `values[row][col]` over `width × height` (µm) with a colour bar label, on the
/// colour scale `value_range` (min, max) when given, else the values' own range.
#[allow(clippy::too_many_arguments)]
pub fn heatmap_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    values: &[Vec<f64>],
    x_extent: (f64, f64),
    y_extent: (f64, f64),
    y_down: bool,
    value_label: &str,
    value_range: Option<(f64, f64)>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (main, bar) = root.split_horizontally(440);
        let rows = values.len().max(1);
        let cols = values.first().map_or(1, |r| r.len().max(1));
        // the colour scale: `value_range` when given (one scale for every map of a quantity),
        // else the map's own finite range
        let (vmin, vmax) = value_range.unwrap_or_else(|| finite_range(values.iter().flatten()));
        let (vmin, vmax) = if vmin > vmax {
            (0.0, 1.0)
        } else if vmax - vmin < 1e-300 {
            (vmin, vmin + 1.0)
        } else {
            (vmin, vmax)
        };
        let y_range = if y_down { y_extent.1..y_extent.0 } else { y_extent.0..y_extent.1 };
        let mut chart = ChartBuilder::on(&main)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(x_extent.0..x_extent.1, y_range)
            .map_err(|e| e.to_string())?;
        chart.configure_mesh().x_desc(x_label).y_desc(y_label).disable_mesh().draw().map_err(|e| e.to_string())?;
        let dx = (x_extent.1 - x_extent.0) / cols as f64;
        let dy = (y_extent.1 - y_extent.0) / rows as f64;
        let cmap = |v: f64| {
            let t = ((v - vmin) / (vmax - vmin)).clamp(0.0, 1.0);
            ViridisRGB::get_color(t)
        };
        chart
            .draw_series(values.iter().enumerate().flat_map(|(r, row)| {
                row.iter().enumerate().map(move |(c, &v)| {
                    let x = x_extent.0 + c as f64 * dx;
                    let y = y_extent.0 + r as f64 * dy;
                    Rectangle::new([(x, y), (x + dx, y + dy)], cmap(v).filled())
                })
            }))
            .map_err(|e| e.to_string())?;
        // colour bar
        let mut cb = ChartBuilder::on(&bar)
            .margin_top(40)
            .margin_bottom(50)
            .margin_right(8)
            .y_label_area_size(52)
            .build_cartesian_2d(0.0..1.0, vmin..vmax)
            .map_err(|e| e.to_string())?;
        cb.configure_mesh()
            .disable_x_axis()
            .disable_mesh()
            .y_desc(value_label)
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()
            .map_err(|e| e.to_string())?;
        let steps = 50;
        cb.draw_series((0..steps).map(|i| {
            let a = vmin + (vmax - vmin) * i as f64 / steps as f64;
            let b = vmin + (vmax - vmin) * (i + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, a), (1.0, b)], cmap(0.5 * (a + b)).filled())
        }))
        .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(value: f64, higher_is_better: Option<bool>) -> Bar {
        Bar { label: "x".into(), value, low: None, high: None, higher_is_better }
    }

    /// Bars are coloured by clinical benefit where its direction is judged (a shallower wrinkle
    /// is an improvement), not by sign; unjudged bars and no change are neutral.
    #[test]
    fn bars_are_coloured_by_benefit_not_by_sign() {
        assert_eq!(bar_colour(&bar(-10.0, Some(false))), IMPROVEMENT);
        assert_eq!(bar_colour(&bar(10.0, Some(false))), WORSENING);
        assert_eq!(bar_colour(&bar(10.0, Some(true))), IMPROVEMENT);
        assert_eq!(bar_colour(&bar(-10.0, Some(true))), WORSENING);
        assert_eq!(bar_colour(&bar(0.0, Some(true))), NEUTRAL);
        assert_eq!(bar_colour(&bar(-10.0, None)), NEUTRAL);
        let svg = bar_chart_svg("t", "x", &[bar(-10.0, Some(false)), bar(5.0, Some(false))]).unwrap();
        assert!(svg.contains("improvement") && svg.contains("worsening"), "legend names both colours");
        assert_eq!(crate::page::higher_is_better("outcomes.wrinkle_depth_change_pct"), Some(false));
        assert_eq!(crate::page::higher_is_better("collagen_change_pct"), Some(true));
    }
}
