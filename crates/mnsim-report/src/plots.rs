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
        map.configure_mesh()
            .x_desc("x (mm)")
            .y_desc("y (mm)")
            .disable_mesh()
            .draw()
            .map_err(|e| e.to_string())?;
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
