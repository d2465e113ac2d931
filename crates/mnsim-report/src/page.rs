//! The run's figures (SVG), tidy tables (CSV) and the self-contained `report.html`.

use crate::RunMeta;
use crate::plots::{self, Bar, Line, PALETTE};
use mnsim_core::units::S_PER_DAY;
use mnsim_scenario::ResolvedScenario;
use mnsim_sim::RunResult;
use std::fmt::Write;

/// HTML-escape.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The scenario in words.
pub fn scenario_in_words(s: &ResolvedScenario) -> String {
    let sc = &s.scenario;
    let p = &sc.patient;
    let sex = match p.sex {
        mnsim_core::Sex::Female => "woman",
        mnsim_core::Sex::Male => "man",
    };
    let dev = &s.device;
    let device = match &dev.geometry {
        mnsim_core::device::DeviceGeometry::Roller { drum_diameter_um, needle_rings, needles_per_ring, .. } => format!(
            "a {:.1} mm roller ({} needles on a {:.0} mm drum)",
            dev.needle.length_um / 1000.0,
            needle_rings * needles_per_ring,
            drum_diameter_um / 1000.0
        ),
        mnsim_core::device::DeviceGeometry::Stamp { rows, cols, pitch_um, .. } => {
            format!("a {:.2} mm stamp ({rows} × {cols} needles at {pitch_um:.0} µm)", dev.needle.length_um / 1000.0)
        }
        mnsim_core::device::DeviceGeometry::Pen { needles, frequency_hz, glide_speed_um_per_s, .. } => format!(
            "a {:.2} mm automated pen ({needles} needles at {frequency_hz:.0} Hz, gliding at {:.0} mm/s)",
            dev.needle.length_um / 1000.0,
            glide_speed_um_per_s / 1000.0
        ),
    };
    let days: Vec<String> = s.protocol.sessions.iter().map(|x| format!("{:.0}", x.start_s / S_PER_DAY)).collect();
    let passes = s.protocol.sessions.first().map_or(0, |x| x.passes());
    let topical = match &sc.topical {
        Some(t) => format!(
            " {} at {} mg/mL ({} µL/cm², {}) is applied {} min after needling.",
            {
                let n = t.name.replace('_', " ");
                let mut c = n.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or(n)
            },
            t.concentration_mg_per_ml,
            t.vehicle_volume_ul_per_cm2,
            if t.occluded { "occluded" } else { "open" },
            t.applied_after_needling_min
        ),
        None => " No topical is applied.".into(),
    };
    format!(
        "A {:.0}-year-old {sex} (Fitzpatrick {}), {} skin, treated for {} with {device}: {} session{} on day{} {} with {passes} pass{} each, followed for {:.0} days.{topical}",
        p.age_y,
        p.fitzpatrick,
        s.skin.site.replace('_', " "),
        format!("{:?}", sc.indication.kind)
            .to_lowercase()
            .replace("acnescars", "acne scars")
            .replace("finelines", "fine lines"),
        days.len(),
        if days.len() == 1 { "" } else { "s" },
        if days.len() == 1 { "" } else { "s" },
        days.join(", "),
        if passes == 1 { "" } else { "es" },
        sc.simulation.follow_up_d
    )
}

/// SVG figures of a run, by file name.
pub fn figures(s: &ResolvedScenario, r: &RunResult) -> Result<Vec<(&'static str, String)>, String> {
    let mut out = vec![(
        "puncture_map.svg",
        plots::puncture_map_svg(r, &s.skin, s.patch.width_um, s.patch.height_um, s.device.needle.length_um)?,
    )];
    if let Some(t) = &r.transport {
        let n = &t.needled;
        let layers: [(&str, &Vec<f64>); 6] = [
            ("vehicle", &n.vehicle_ug_per_cm2),
            ("stratum corneum", &n.stratum_corneum_ug_per_cm2),
            ("viable epidermis", &n.viable_epidermis_ug_per_cm2),
            ("papillary dermis", &n.papillary_dermis_ug_per_cm2),
            ("reticular dermis", &n.reticular_dermis_ug_per_cm2),
            ("cleared", &n.cleared_ug_per_cm2),
        ];
        let mut lines: Vec<Line> = layers
            .iter()
            .enumerate()
            .map(|(k, (name, v))| Line {
                label: format!("{name} (needled)"),
                x: &t.times_h,
                y: v.to_vec(),
                colour: PALETTE[k],
            })
            .collect();
        lines.push(Line {
            label: "delivered past SC, intact skin (absent: < 1e-8 of the largest)".into(),
            x: &t.times_h,
            y: t.intact.delivered_ug_per_cm2.clone(),
            colour: PALETTE[6],
        });
        out.push((
            "delivery.svg",
            plots::line_chart_svg(
                &format!("Delivery of {} after session 1", t.active.replace('_', " ")),
                "time after application (h)",
                "amount (µg/cm², log scale, 8 decades)",
                &lines,
                &[],
                "",
                (760, 420),
                true,
            )?,
        ));
        if !t.profiles.is_empty() {
            let mut lines = Vec::new();
            for (k, p) in t.profiles.iter().enumerate().take(3) {
                lines.push(Line {
                    label: format!("needled, window mean, {:.0} h", p.time_h),
                    x: &p.depth_um,
                    y: p.needled_mean_ug_per_ml.clone(),
                    colour: PALETTE[2 * k % PALETTE.len()],
                });
                lines.push(Line {
                    label: format!("intact, {:.0} h (absent: below the axis)", p.time_h),
                    x: &p.depth_um,
                    y: p.intact_ug_per_ml.clone(),
                    colour: PALETTE[(2 * k + 1) % PALETTE.len()],
                });
            }
            out.push((
                "depth_profiles.svg",
                plots::line_chart_svg(
                    "Concentration vs depth, needled and intact skin",
                    "depth below the surface (µm)",
                    "concentration (µg/mL, log scale, 8 decades)",
                    &lines,
                    &[],
                    "",
                    (760, 380),
                    true,
                )?,
            ));
        }
        if let Some(sl) = &t.slice {
            let x0 = sl.x_um.first().copied().unwrap_or(0.0);
            let x1 = sl.x_um.last().copied().unwrap_or(1.0);
            let z1 = sl.depth_um.last().copied().unwrap_or(1.0);
            let logc: Vec<Vec<f64>> = sl
                .concentration_ug_per_ml
                .iter()
                .map(|row| row.iter().map(|c| c.max(1e-12).log10()).collect())
                .collect();
            out.push((
                "channel_slice.svg",
                plots::heatmap_svg(
                    &format!("Concentration through a channel at {:.1} h", sl.time_h),
                    "x (µm)",
                    "depth (µm)",
                    &logc,
                    (x0, x1),
                    (0.0, z1),
                    true,
                    "log10 concentration (µg/mL)",
                    None,
                )?,
            ));
        }
    }
    if let Some(h) = &r.healing {
        let tc = &h.time_courses;
        let session_d: Vec<f64> = s.protocol.sessions.iter().map(|x| x.start_s / S_PER_DAY).collect();
        let rel = |var: &str| -> Vec<f64> {
            let v = tc.get(var, "patch").unwrap_or(&[]).to_vec();
            let b = v.first().copied().filter(|b| *b > 0.0).unwrap_or(1.0);
            v.into_iter().map(|x| x / b).collect()
        };
        // the ensemble's 5–95 % band of a patch series, relative to the nominal member's
        // baseline where its line is
        let band = |var: &str, relative: bool| -> plots::Band {
            let b = r.healing_band.as_ref()?;
            let i = tc.series.iter().position(|s| s.variable == var && s.region == "patch")?;
            let first = tc.series[i].values.first().copied().filter(|b| *b > 0.0).unwrap_or(1.0);
            let base = if relative { first } else { 1.0 };
            Some((b.lower[i].iter().map(|x| x / base).collect(), b.upper[i].iter().map(|x| x / base).collect()))
        };
        let band_note = if r.healing_band.is_some() { " (bands: 5–95 % over the ensemble)" } else { "" };
        let matrix_vars = ["collagen_i", "collagen_iii", "elastin", "dermal_thickness"];
        let matrix = vec![
            Line { label: "collagen I".into(), x: &tc.t_d, y: rel("collagen_i"), colour: PALETTE[0] },
            Line { label: "collagen III".into(), x: &tc.t_d, y: rel("collagen_iii"), colour: PALETTE[1] },
            Line { label: "elastin".into(), x: &tc.t_d, y: rel("elastin"), colour: PALETTE[2] },
            Line { label: "dermal thickness".into(), x: &tc.t_d, y: rel("dermal_thickness"), colour: PALETTE[4] },
        ];
        let bands: Vec<plots::Band> = matrix_vars.iter().map(|v| band(v, true)).collect();
        out.push((
            "healing_matrix.svg",
            plots::line_chart_bands_svg(
                &format!("Dermal matrix over the course (patch average){band_note}"),
                "time from first session (days)",
                "relative to baseline (1 = baseline)",
                &matrix,
                &bands,
                &session_d,
                "session",
                (760, 400),
                false,
            )?,
        ));
        let cells = vec![
            Line {
                label: "neutrophils".into(),
                x: &tc.t_d,
                y: tc.get("neutrophils", "patch").unwrap_or(&[]).to_vec(),
                colour: PALETTE[1],
            },
            Line {
                label: "macrophages M1".into(),
                x: &tc.t_d,
                y: tc.get("macrophages_m1", "patch").unwrap_or(&[]).to_vec(),
                colour: PALETTE[3],
            },
            Line {
                label: "macrophages M2".into(),
                x: &tc.t_d,
                y: tc.get("macrophages_m2", "patch").unwrap_or(&[]).to_vec(),
                colour: PALETTE[4],
            },
            Line {
                label: "erythema index".into(),
                x: &tc.t_d,
                y: tc.get("erythema_index", "patch").unwrap_or(&[]).to_vec(),
                colour: PALETTE[6],
            },
        ];
        let bands: Vec<plots::Band> = ["neutrophils", "macrophages_m1", "macrophages_m2", "erythema_index"]
            .iter()
            .map(|v| band(v, false))
            .collect();
        out.push((
            "healing_inflammation.svg",
            plots::line_chart_bands_svg(
                &format!("Inflammation (patch average, Cooper 2015 cell units){band_note}"),
                "time from first session (days)",
                "cells / index (model units)",
                &cells,
                &bands,
                &session_d,
                "session",
                (760, 360),
                false,
            )?,
        ));
        let repair = vec![
            Line { label: "fibroblasts".into(), x: &tc.t_d, y: rel("fibroblasts"), colour: PALETTE[0] },
            Line {
                label: "myofibroblasts".into(),
                x: &tc.t_d,
                y: tc.get("myofibroblasts", "patch").unwrap_or(&[]).to_vec(),
                colour: PALETTE[1],
            },
            Line { label: "capillary density".into(), x: &tc.t_d, y: rel("capillary_density"), colour: PALETTE[2] },
            Line {
                label: "barrier function".into(),
                x: &tc.t_d,
                y: tc.get("barrier_function", "patch").unwrap_or(&[]).to_vec(),
                colour: PALETTE[7],
            },
        ];
        let bands: Vec<plots::Band> = [
            ("fibroblasts", true),
            ("myofibroblasts", false),
            ("capillary_density", true),
            ("barrier_function", false),
        ]
        .iter()
        .map(|&(v, relative)| band(v, relative))
        .collect();
        out.push((
            "healing_repair.svg",
            plots::line_chart_bands_svg(
                &format!("Repair: cells, vessels and barrier (patch average){band_note}"),
                "time from first session (days)",
                "relative to baseline / fraction",
                &repair,
                &bands,
                &session_d,
                "session",
                (760, 360),
                false,
            )?,
        ));
        // one colour scale for every map of new collagen, so the maps compare at a glance
        let map_range = plots::finite_range(h.maps.iter().flat_map(|m| m.values_um.iter().flatten()));
        for (k, m) in h.maps.iter().enumerate() {
            let name: &'static str = match k {
                0 => "collagen_map_1.svg",
                1 => "collagen_map_2.svg",
                2 => "collagen_map_3.svg",
                3 => "collagen_map_4.svg",
                _ => continue,
            };
            let ny = m.values_um.len() as f64;
            let nx = m.values_um.first().map_or(0, |r| r.len()) as f64;
            out.push((
                name,
                plots::heatmap_svg(
                    &format!("New collagen at day {:.0}", m.t_d),
                    "x (mm)",
                    "y (mm)",
                    &m.values_um,
                    (0.0, nx * m.dx_um / 1000.0),
                    (0.0, ny * m.dy_um / 1000.0),
                    false,
                    "added dermal thickness (µm)",
                    Some(map_range),
                )?,
            ));
        }
    }
    if r.outcomes.is_some() {
        let keep = [
            ("collagen_change_pct", "collagen"),
            ("collagen_i_change_pct", "collagen I"),
            ("collagen_iii_change_pct", "collagen III"),
            ("elastin_change_pct", "elastin"),
            ("dermis_change_pct", "dermal thickness"),
            ("epidermis_change_pct", "epidermal thickness"),
            ("suction_stiffness_change_pct", "firmness (suction stiffness)"),
            ("wrinkle_depth_change_pct", "wrinkle depth"),
            ("roughness_change_pct", "roughness Ra"),
            ("scar_improvement_pct", "scar depth improvement"),
            ("striae_improvement_pct", "striae improvement"),
            ("masi_change_pct", "MASI-like score"),
            ("lesion_melanin_index_change_pct", "lesion melanin index"),
        ];
        let bars: Vec<Bar> = keep
            .iter()
            .filter_map(|(name, label)| {
                let iv = r.ensemble.iter().find(|i| i.name == *name)?;
                let nominal = r.outcomes.as_ref()?.summary().into_iter().find(|(n, _, _)| n == name)?.1;
                Some(Bar {
                    label: (*label).into(),
                    value: nominal,
                    low: Some(iv.lo),
                    high: Some(iv.hi),
                    higher_is_better: higher_is_better(name),
                })
            })
            .collect();
        out.push((
            "outcomes.svg",
            plots::bar_chart_svg("Outcomes at the end of follow-up vs baseline", "change vs baseline (%)", &bars)?,
        ));
    }
    Ok(out)
}

/// Tidy table of the healing course: one row per time × phase × region × quantity (at a session
/// time the state is recorded just before and just after the session; `phase` tells them apart).
pub fn healing_csv(r: &RunResult) -> Option<Vec<u8>> {
    let h = r.healing.as_ref()?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["time_d", "phase", "region", "quantity", "value", "ensemble_p05", "ensemble_p95", "unit"]).ok()?;
    // tidy() is series-major: row n is series n / samples, sample n % samples
    let samples = h.time_courses.t_d.len().max(1);
    let band = |n: usize| {
        r.healing_band.as_ref().map_or((String::new(), String::new()), |b| {
            let (i, k) = (n / samples, n % samples);
            (format!("{}", b.lower[i][k]), format!("{}", b.upper[i][k]))
        })
    };
    for (n, row) in h.time_courses.tidy().into_iter().enumerate() {
        let (lo, hi) = band(n);
        w.write_record([
            format!("{}", row.t_d),
            row.phase.name().to_string(),
            row.region,
            row.variable,
            format!("{}", row.value),
            lo,
            hi,
            row.unit,
        ])
        .ok()?;
    }
    w.into_inner().ok()
}

/// Tidy table of delivery: one row per time × skin (needled/intact) × compartment.
pub fn delivery_csv(r: &RunResult) -> Option<Vec<u8>> {
    let t = r.transport.as_ref()?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["time_h", "skin", "quantity", "value", "unit"]).ok()?;
    for (skin, s) in [("needled", &t.needled), ("intact", &t.intact)] {
        let cols: [(&str, &Vec<f64>, &str); 12] = [
            ("vehicle", &s.vehicle_ug_per_cm2, "µg/cm²"),
            ("stratum_corneum", &s.stratum_corneum_ug_per_cm2, "µg/cm²"),
            ("viable_epidermis", &s.viable_epidermis_ug_per_cm2, "µg/cm²"),
            ("papillary_dermis", &s.papillary_dermis_ug_per_cm2, "µg/cm²"),
            ("reticular_dermis", &s.reticular_dermis_ug_per_cm2, "µg/cm²"),
            ("subcutis", &s.subcutis_ug_per_cm2, "µg/cm²"),
            ("cleared", &s.cleared_ug_per_cm2, "µg/cm²"),
            ("receptor", &s.receptor_ug_per_cm2, "µg/cm²"),
            ("delivered_past_sc", &s.delivered_ug_per_cm2, "µg/cm²"),
            ("flux_into_skin", &s.flux_into_skin_ug_per_cm2_per_h, "µg/cm²/h"),
            ("flux_into_dermis", &s.flux_into_dermis_ug_per_cm2_per_h, "µg/cm²/h"),
            ("conservation_rel_error", &s.conservation_rel_error, "1"),
        ];
        for (k, &time) in t.times_h.iter().enumerate() {
            for (q, v, u) in &cols {
                if let Some(x) = v.get(k) {
                    w.write_record([format!("{time}"), skin.to_string(), q.to_string(), format!("{x}"), u.to_string()])
                        .ok()?;
                }
            }
        }
    }
    for (k, &time) in t.times_h.iter().enumerate() {
        if let Some(er) = t.enhancement_ratio.get(k) {
            w.write_record([
                format!("{time}"),
                "ratio".into(),
                "enhancement_ratio".into(),
                format!("{er}"),
                "1".into(),
            ])
            .ok()?;
        }
    }
    w.into_inner().ok()
}

/// Tidy table of depth profiles: one row per time × depth × profile (needled window mean,
/// needled column through a channel, intact skin).
pub fn profiles_csv(r: &RunResult) -> Option<Vec<u8>> {
    let t = r.transport.as_ref()?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["time_h", "depth_um", "profile", "concentration_ug_per_ml"]).ok()?;
    for p in &t.profiles {
        for (k, &z) in p.depth_um.iter().enumerate() {
            for (name, v) in [
                ("needled_mean", &p.needled_mean_ug_per_ml),
                ("needled_channel", &p.needled_channel_ug_per_ml),
                ("intact", &p.intact_ug_per_ml),
            ] {
                if let Some(x) = v.get(k) {
                    w.write_record([format!("{}", p.time_h), format!("{z}"), name.to_string(), format!("{x}")]).ok()?;
                }
            }
        }
    }
    w.into_inner().ok()
}

/// The data of the channel slice figure: one row per cell of the slice (`[depth][x]`).
pub fn channel_slice_csv(r: &RunResult) -> Option<Vec<u8>> {
    let sl = r.transport.as_ref()?.slice.as_ref()?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["time_h", "y_um", "x_um", "depth_um", "concentration_ug_per_ml"]).ok()?;
    for (iz, row) in sl.concentration_ug_per_ml.iter().enumerate() {
        for (ix, c) in row.iter().enumerate() {
            let (Some(x), Some(z)) = (sl.x_um.get(ix), sl.depth_um.get(iz)) else { continue };
            w.write_record([sl.time_h, sl.y_um, *x, *z, *c].map(|v| format!("{v}"))).ok()?;
        }
    }
    w.into_inner().ok()
}

/// The data of the maps of new collagen: one row per map × column (column centres).
pub fn collagen_maps_csv(r: &RunResult) -> Option<Vec<u8>> {
    let h = r.healing.as_ref()?;
    if h.maps.is_empty() {
        return None;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["t_d", "x_mm", "y_mm", "added_dermal_thickness_um"]).ok()?;
    for m in &h.maps {
        for (iy, row) in m.values_um.iter().enumerate() {
            for (ix, v) in row.iter().enumerate() {
                let (x, y) = ((ix as f64 + 0.5) * m.dx_um / 1000.0, (iy as f64 + 0.5) * m.dy_um / 1000.0);
                w.write_record([m.t_d, x, y, *v].map(|v| format!("{v}"))).ok()?;
            }
        }
    }
    w.into_inner().ok()
}

/// Which way an outcome's change is a clinical benefit (`outcomes.` prefix optional): a rise
/// of collagen, elastin, thickness, firmness or a scar or striae improvement; a fall of wrinkle
/// depth, roughness, a pigment score or melanin index. `None` for an outcome not judged here.
/// By definition of each read-out, not a model parameter.
pub fn higher_is_better(outcome: &str) -> Option<bool> {
    let name = outcome.strip_prefix("outcomes.").unwrap_or(outcome);
    match name {
        "collagen_change_pct"
        | "collagen_i_change_pct"
        | "collagen_iii_change_pct"
        | "elastin_change_pct"
        | "dermis_change_pct"
        | "epidermis_change_pct"
        | "suction_stiffness_change_pct"
        | "scar_improvement_pct"
        | "striae_improvement_pct" => Some(true),
        "wrinkle_depth_change_pct" | "roughness_change_pct" | "masi_change_pct" | "lesion_melanin_index_change_pct" => {
            Some(false)
        }
        _ => None,
    }
}

/// The table that holds each figure's data, by figure file name.
pub fn figure_data(figure: &str) -> Option<&'static str> {
    Some(match figure {
        "puncture_map.svg" => "punctures.csv",
        "delivery.svg" => "delivery.csv",
        "depth_profiles.svg" => "depth_profiles.csv",
        "channel_slice.svg" => "channel_slice.csv",
        "outcomes.svg" => "outcomes.csv",
        f if f.starts_with("healing_") => "healing.csv",
        f if f.starts_with("collagen_map_") => "collagen_maps.csv",
        _ => return None,
    })
}

/// A figure of the report with a link to the table of its data.
fn fig_with_data(name: &str, svg: &str) -> String {
    match figure_data(name) {
        Some(csv) => format!("<div class=\"fig\">{svg}<p class=\"muted\">Data: <a href=\"{csv}\">{csv}</a></p></div>"),
        None => format!("<div class=\"fig\">{svg}</div>"),
    }
}

/// Tidy table of outcomes: one row per quantity, with the ensemble median and interval.
pub fn outcomes_csv(r: &RunResult) -> Option<Vec<u8>> {
    let o = r.outcomes.as_ref()?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["quantity", "value", "ensemble_median", "ensemble_p05", "ensemble_p95", "unit"]).ok()?;
    for (name, v, unit) in o.summary() {
        let iv = r.ensemble.iter().find(|i| i.name == name);
        w.write_record([
            name.clone(),
            format!("{v}"),
            iv.map(|i| format!("{}", i.median)).unwrap_or_default(),
            iv.map(|i| format!("{}", i.lo)).unwrap_or_default(),
            iv.map(|i| format!("{}", i.hi)).unwrap_or_default(),
            unit,
        ])
        .ok()?;
    }
    w.into_inner().ok()
}

fn fig_value(r: &RunResult, name: &str) -> Option<(f64, String)> {
    r.figure(name).map(|f| (f.value, f.unit.clone()))
}

/// The self-contained HTML page (inline SVG, no network, no script).
pub fn report_html(s: &ResolvedScenario, r: &RunResult, meta: &RunMeta, figs: &[(&'static str, String)]) -> String {
    let svg = |name: &str| figs.iter().find(|(n, _)| *n == name).map(|(_, s)| s.as_str());
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim — {}</title><style>\
body{{font-family:sans-serif;max-width:1120px;margin:1.5em auto;color:#222;line-height:1.4}}\
h1{{margin-bottom:0.2em}}section{{margin:1.6em 0;border-top:1px solid #ddd}}\
table{{border-collapse:collapse;font-size:14px}}td,th{{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}}\
td.num{{text-align:right;font-variant-numeric:tabular-nums}}.fig{{margin:0.6em 0}}.meaning p{{margin:0.4em 0}}\
.muted{{color:#666;font-size:13px}}.warning{{background:#fff3cd;border:1px solid #e0c060;padding:6px 10px}}</style></head><body>",
        esc(&s.scenario.name)
    );
    let _ = write!(
        h,
        "<h1>mnsim report: {}</h1><p class=\"muted\">mnsim {} ({}), seed {}, run {} in {:.2} s. Every number is traced to docs/MODEL.md.</p>",
        esc(&s.scenario.name),
        esc(&meta.mnsim_version),
        esc(&meta.git_revision),
        s.seed(),
        esc(&meta.started_utc),
        meta.wall_time_s
    );
    for w in &r.warnings {
        let _ = write!(h, "<p class=\"warning\"><b>Warning:</b> {}</p>", esc(w));
    }
    let _ = write!(h, "<section id=\"scenario\"><h2>Scenario</h2><p>{}</p>", esc(&scenario_in_words(s)));
    if !s.scenario.description.is_empty() {
        let _ = write!(h, "<p class=\"muted\">{}</p>", esc(&s.scenario.description));
    }
    h.push_str("</section>");

    // headline numbers
    h.push_str("<section id=\"headline\"><h2>Headline numbers</h2><table><tr><th>quantity</th><th>value</th><th>5–95 % (ensemble)</th><th>unit</th></tr>");
    let rows: [(&str, &str); 16] = [
        ("holes_per_cm2_per_session", "holes per cm² per session"),
        ("mean_depth_um", "mean depth reached"),
        ("depth_fraction", "depth ÷ needle length"),
        ("bleeding_fraction", "punctures reaching the vascular plexus"),
        ("transport_delivered_needled_ug_per_cm2", "topical delivered past the stratum corneum (needled)"),
        ("transport_enhancement_ratio", "enhancement vs intact skin"),
        ("transport_window_min", "application window (benefit > half)"),
        ("reepithelialisation_h", "re-epithelialisation"),
        ("downtime_d", "downtime (visible inflammation)"),
        ("outcomes.collagen_change_pct", "collagen vs baseline"),
        ("outcomes.elastin_change_pct", "elastin vs baseline"),
        ("outcomes.dermis_change_pct", "dermal thickness vs baseline"),
        ("outcomes.suction_stiffness_change_pct", "firmness vs baseline"),
        ("outcomes.scar_grade", "scar grade at follow-up (1–4)"),
        ("outcomes.masi_change_pct", "MASI-like score change"),
        ("outcomes.wrinkle_depth_change_pct", "wrinkle depth change"),
    ];
    for (name, label) in rows {
        if let Some((v, unit)) = fig_value(r, name) {
            let iv = name.strip_prefix("outcomes.").and_then(|n| r.ensemble.iter().find(|i| i.name == n));
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(label),
                fmt_value(v),
                iv.map(|i| format!("{} – {}", fmt_value(i.lo), fmt_value(i.hi))).unwrap_or_default(),
                esc(&unit)
            );
        }
    }
    h.push_str("</table><p class=\"muted\">All figures by name with units: results.json; tables: *.csv.</p></section>");

    // punctures
    let _ = write!(
        h,
        "<section id=\"punctures\"><h2>Punctures and depth reached</h2>{}</section>",
        fig_with_data("puncture_map.svg", svg("puncture_map.svg").unwrap_or(""))
    );
    // delivery
    h.push_str("<section id=\"delivery\"><h2>Delivery of the topical</h2>");
    match (&r.transport, svg("delivery.svg")) {
        (Some(t), Some(d)) => {
            let _ = write!(
                h,
                "{}{}{}<p class=\"muted\">Channels close with a half-life of {:.2} h; {} channels in the simulated window; mass balance error {:.1e}.</p>",
                fig_with_data("delivery.svg", d),
                svg("depth_profiles.svg").map(|x| fig_with_data("depth_profiles.svg", x)).unwrap_or_default(),
                svg("channel_slice.svg").map(|x| fig_with_data("channel_slice.svg", x)).unwrap_or_default(),
                t.closure_half_life_h,
                t.channels_in_window,
                t.max_conservation_rel_error
            );
        }
        _ => h.push_str("<p>No topical in this scenario.</p>"),
    }
    h.push_str("</section>");
    // healing
    h.push_str("<section id=\"healing\"><h2>Healing over the course</h2>");
    if r.healing.is_some() {
        for f in [
            "healing_matrix.svg",
            "healing_inflammation.svg",
            "healing_repair.svg",
            "collagen_map_1.svg",
            "collagen_map_2.svg",
            "collagen_map_3.svg",
            "collagen_map_4.svg",
        ] {
            if let Some(x) = svg(f) {
                h.push_str(&fig_with_data(f, x));
            }
        }
    } else {
        h.push_str("<p>Healing was not simulated (simulation.run_healing = false).</p>");
    }
    h.push_str("</section>");
    // outcomes
    h.push_str("<section id=\"outcomes\"><h2>Outcomes</h2>");
    if let Some(o) = &r.outcomes {
        if let Some(x) = svg("outcomes.svg") {
            h.push_str(&fig_with_data("outcomes.svg", x));
        }
        h.push_str(&clinical_table(r, &o.summary()));
        h.push_str("<div class=\"meaning\" id=\"meaning\"><h3>What this means</h3>");
        for m in &o.meaning {
            let _ = write!(h, "<p><b>{}:</b> {}</p>", esc(&format!("{:?}", m.benefit)), esc(&m.text));
        }
        h.push_str("</div>");
    } else {
        h.push_str("<p>Outcomes need the healing course.</p>");
    }
    h.push_str("</section><p class=\"muted\">Inputs, seed and version: manifest.json. Model: docs/MODEL.md.</p></body></html>\n");
    h
}

/// The clinical scores as clinics report them, baseline → follow-up with the ensemble's 5–95 %
/// range of the follow-up value (docs/model/outcomes.md § 11); rows without a value (no scar, no
/// lesion) are left out.
fn clinical_table(r: &RunResult, summary: &[(String, f64, String)]) -> String {
    const ROWS: [(&str, &str, &str); 15] = [
        ("Goodman–Baron quantitative score", "scar_gb_quantitative_points_baseline", "scar_gb_quantitative_points"),
        ("ECCA (atrophic items)", "scar_ecca_points_baseline", "scar_ecca_points"),
        ("MASI", "masi_points_baseline", "masi_points"),
        ("mMASI", "mmasi_points_baseline", "mmasi_points"),
        (
            "lesion melanin index (Mexameter)",
            "lesion_melanin_index_mexameter_baseline",
            "lesion_melanin_index_mexameter",
        ),
        ("Lemperle wrinkle grade", "wrinkle_lemperle_grade_baseline", "wrinkle_lemperle_grade"),
        ("Fitzpatrick wrinkle score", "wrinkle_fitzpatrick_score_baseline", "wrinkle_fitzpatrick_score"),
        ("Alexiades-Armenakas laxity", "laxity_aa_grade_baseline", "laxity_aa_grade"),
        ("Alexiades-Armenakas texture", "texture_aa_grade_baseline", "texture_aa_grade"),
        ("profilometry Ra (field with the lines)", "profilometry_ra_um_baseline", "profilometry_ra_um"),
        ("profilometry Rz", "profilometry_rz_um_baseline", "profilometry_rz_um"),
        (
            "melanin index of the treated patch (Mexameter)",
            "melanin_index_mexameter_baseline",
            "melanin_index_mexameter",
        ),
        ("HFUS dermal echogenicity change", "", "hfus_echogenicity_change_pct"),
        ("HFUS echogenicity change, lowest", "", "hfus_echogenicity_nadir_change_pct"),
        ("risk of post-inflammatory hyperpigmentation", "", "pih_risk_pct"),
    ];
    let get = |n: &str| summary.iter().find(|x| x.0 == n);
    let mut h = String::from(
        "<h3 id=\"clinical\">Clinical scores</h3><table><tr><th>scale</th><th>baseline</th><th>follow-up</th>\
         <th>5–95 % (ensemble)</th><th>unit</th></tr>",
    );
    for (label, base, end) in ROWS {
        let Some((_, v, unit)) = get(end) else { continue };
        let b = get(base).map(|x| fmt_value(x.1)).unwrap_or_default();
        let iv = r.ensemble.iter().find(|i| i.name == end);
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{b}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(label),
            fmt_value(*v),
            iv.map(|i| format!("{} – {}", fmt_value(i.lo), fmt_value(i.hi))).unwrap_or_default(),
            esc(&unit.replace("um", "µm"))
        );
    }
    h.push_str(
        "</table><p class=\"muted\">Each score is a documented mapping from the model's state with its assumptions \
         (docs/model/outcomes.md § 11); grades are continuous where a cohort mean is meant.</p>",
    );
    h
}

/// A number for tables: 3 decimals in [0.01, 10⁶), scientific notation outside.
pub fn fmt_value(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 0.01 && v.abs() < 1e6) { format!("{v:.3}") } else { format!("{v:.3e}") }
}
