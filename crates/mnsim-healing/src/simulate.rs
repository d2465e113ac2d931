//! One healing run: sessions injure the current state, Strang splitting of transport and
//! reactions between events, recording of time courses and the figures derived from them.
//!
//! Splitting (Strang): over a step Δt, y ← T(Δt/2) ∘ R(Δt) ∘ T(Δt/2) y, with T the transport
//! step of [`crate::transport`] and R the stiff per-cell kinetics of [`crate::reaction`]
//! integrated by diffsol ESDIRK34 ([`crate::integrator`]) in parallel over cells (rayon). Steps stop
//! exactly at session times, map times and the end; after a session the step restarts at
//! `split_min_h` and grows by `split_growth` up to max(`split_max_h`, `split_age_share` × the time
//! since the last session).

use crate::actives::{self, ActiveGains};
use crate::error::HealingError;
use crate::grid::TissueGrid;
use crate::injury::{self, Injury};
use crate::integrator::{CellStep, SolverStats, with_integrator};
use crate::output::*;
use crate::reaction::{AGE_SYNTHESIS_DECLINE_PER_Y, AGE_TURNOVER_DECLINE_PER_Y, CellParams, age_factor, rhs};
use crate::settings::{HealingSettings, Rates, WoundModel};
use crate::state::{Compartment, Home, NSTATES, Var, baseline};
use crate::transport::{self, Faces};
use mnsim_core::{ChannelSet, Layer, Patch, Skin};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Seconds per day.
pub const S_PER_D: f64 = 86_400.0;

/// Default surface radius of a wound used before any channel sets one, µm.
const DEFAULT_WOUND_RADIUS_UM: f64 = 75.0;

/// Derived patch-level indices recorded alongside the state variables.
pub const DERIVED: [(&str, &str); 8] = [
    ("collagen_total", "fraction_of_baseline_collagen"),
    ("dermal_thickness", "rel_to_homeostasis"),
    ("new_collagen_thickness", "um"),
    ("tewl", "g_m2_h"),
    ("erythema_index", "dimensionless"),
    ("collagen_iii_share", "pct"),
    ("local_collagen_iii_share", "pct"),
    ("local_capillary_density", "rel_to_homeostasis"),
];

fn check_inputs(channels: &ChannelSet, times: &[f64]) -> Result<(), HealingError> {
    if times.iter().any(|t| !t.is_finite() || *t < 0.0) || times.windows(2).any(|w| w[1] <= w[0]) {
        return Err(HealingError::SessionTimes(times.to_vec()));
    }
    let n = channels.len();
    for (name, len) in [
        ("y_um", channels.y_um.len()),
        ("created_s", channels.created_s.len()),
        ("session", channels.session.len()),
        ("depth_um", channels.depth_um.len()),
        ("surface_diameter_um", channels.surface_diameter_um.len()),
    ] {
        if len != n {
            return Err(HealingError::Channels(format!("{name} has {len} entries, x_um has {n}")));
        }
    }
    for i in 0..n {
        let vals = [channels.x_um[i], channels.y_um[i], channels.depth_um[i], channels.surface_diameter_um[i]];
        if vals.iter().any(|v| !v.is_finite()) || channels.depth_um[i] < 0.0 {
            return Err(HealingError::Channels(format!("channel {i} has a non-finite or negative value")));
        }
        if channels.session[i] as usize >= times.len() {
            return Err(HealingError::Channels(format!(
                "channel {i} belongs to session {} but only {} session time(s) were given",
                channels.session[i],
                times.len()
            )));
        }
    }
    for v in
        [channels.tip_diameter_um, channels.base_diameter_um, channels.taper_length_um, channels.wall_recoil_fraction]
    {
        if !v.is_finite() || v < 0.0 {
            return Err(HealingError::Channels(format!("needle geometry value {v} is not finite and ≥ 0")));
        }
    }
    Ok(())
}

struct Recorder {
    t: Vec<f64>,
    /// [region][var] series; regions: layers present, then patch.
    regions: Vec<String>,
    layer_rows: Vec<Vec<usize>>, // iz rows per layer region
    vars: Vec<Vec<Vec<f64>>>,
    derived: Vec<Vec<f64>>,
    local_cell: Option<usize>,
    local_pre: [f64; NSTATES],
    local: Vec<[f64; NSTATES]>,
}

fn layer_regions(g: &TissueGrid) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut names = vec![];
    let mut rows: Vec<Vec<usize>> = vec![];
    for l in Layer::ALL {
        let r: Vec<usize> = (0..g.nz()).filter(|&iz| g.layer[iz] == l).collect();
        if !r.is_empty() {
            names.push(l.name().to_string());
            rows.push(r);
        }
    }
    (names, rows)
}

/// Volume-weighted mean of variable `iv` over vertical rows `rows`.
fn mean_rows(g: &TissueGrid, y: &[[f64; NSTATES]], rows: &[usize], iv: usize) -> f64 {
    let nc = g.ncols();
    let mut s = 0.0;
    let mut w = 0.0;
    for &iz in rows {
        let dz = g.dz_um[iz];
        let mut acc = 0.0;
        for c in 0..nc {
            acc += y[iz * nc + c][iv];
        }
        s += acc * dz;
        w += dz * nc as f64;
    }
    if w > 0.0 { s / w } else { 0.0 }
}

fn rows_of(g: &TissueGrid, pred: impl Fn(Layer) -> bool) -> Vec<usize> {
    (0..g.nz()).filter(|&iz| pred(g.layer[iz])).collect()
}

fn is_dermis(l: Layer) -> bool {
    matches!(l, Layer::PapillaryDermis | Layer::ReticularDermis)
}

impl Recorder {
    fn record(&mut self, t: f64, g: &TissueGrid, y: &[[f64; NSTATES]], r: &Rates) {
        self.t.push(t);
        let derm = rows_of(g, is_dermis);
        let epi = rows_of(g, |l| l == Layer::ViableEpidermis);
        let cutis = rows_of(g, |l| l != Layer::Subcutis);
        let pap = rows_of(g, |l| l == Layer::PapillaryDermis);
        for (ri, rows) in self.layer_rows.iter().enumerate() {
            for v in Var::ALL {
                self.vars[ri][v.index()].push(mean_rows(g, y, rows, v.index()));
            }
        }
        let pi = self.layer_rows.len();
        for v in Var::ALL {
            let rows = match v.home() {
                Home::Epidermis => &epi,
                Home::Dermis => &derm,
                Home::Everywhere => &cutis,
            };
            self.vars[pi][v.index()].push(mean_rows(g, y, rows, v.index()));
        }
        let c1 = mean_rows(g, y, &derm, Var::CollagenI.index());
        let c3 = mean_rows(g, y, &derm, Var::CollagenIII.index());
        let el = mean_rows(g, y, &derm, Var::Elastin.index());
        let cn = mean_rows(g, y, &derm, Var::CollagenNew.index());
        let dth: f64 = derm.iter().map(|&iz| g.dz_um[iz]).sum();
        let thick = 1.0 + r.thickness_collagen_share * (c1 + c3 - 1.0) + r.thickness_elastin_share * (el - 1.0);
        let b = mean_rows(g, y, &epi, Var::Barrier.index());
        let tewl = r.tewl_baseline_g_m2_h * (1.0 + r.tewl_open_gain * (1.0 - b).max(0.0));
        let ery_rows = if pap.is_empty() { &derm } else { &pap };
        // Visible redness follows the inflammation of the wounds themselves, not its dilution
        // over a healing cell: per unit wound volume (see `local_erythema_index`).
        let ery = local_erythema_index(
            erythema_index(
                mean_rows(g, y, ery_rows, Var::Neutrophils.index()),
                mean_rows(g, y, ery_rows, Var::MacrophagesM1.index()),
                mean_rows(g, y, ery_rows, Var::Clot.index()),
            ),
            mean_rows(g, y, ery_rows, Var::WoundFraction.index()),
        );
        let loc = self.local_cell.map(|k| y[k]).unwrap_or_else(|| baseline(Compartment::Connective));
        let lc3 = loc[Var::CollagenIII.index()];
        let lc1 = loc[Var::CollagenI.index()];
        let d = [
            c1 + c3,
            thick,
            cn * dth * r.thickness_collagen_share,
            tewl,
            ery,
            100.0 * c3 / (c1 + c3).max(1e-12),
            100.0 * lc3 / (lc1 + lc3).max(1e-12),
            loc[Var::Capillaries.index()],
        ];
        for (i, v) in d.into_iter().enumerate() {
            self.derived[i].push(v);
        }
        self.local.push(loc);
    }
}

/// Erythema (visible inflammation) index of the papillary dermis, dimensionless:
/// E = N + 0.25·M1 + 0.5·clot (acute vasodilation follows neutrophils and the first
/// macrophages; fresh clot shows as purpura). Weights assumed; the thresholds on E are
/// calibrated (see `Rates::downtime_threshold`).
pub fn erythema_index(neutrophils: f64, m1: f64, clot: f64) -> f64 {
    neutrophils + 0.25 * m1 + 0.5 * clot
}

/// Erythema index of the wounds, as the eye sees it: the cell-mean index `e_cell` per unit wound
/// (granulation) volume, E_loc = e_cell / (W̄ + W_floor), with W̄ the mean wound fraction of the
/// same rows and W_floor = [`crate::reaction::WOUND_FLOOR`].
///
/// Why per wound and not per cell: the redness of needled skin is the redness of a halo of
/// vasodilation around each puncture, and the halos of every clinical puncture density overlap —
/// the neurogenic flare of a point injury spreads at least 8–24 mm (laser-Doppler flare measured
/// at 8, 16 and 24 mm from a localized stimulus, Microvasc Res 1991, PMID 1828855), far beyond
/// the 0.3–1.5 mm spacing of roller and pen punctures — so the patch looks as red as the
/// inflammation of one wound makes its halo, whatever fraction of a 500 µm healing cell the wound
/// fills. The cell mean diluted sparse sessions to nothing (a 1.5 mm roller session showed no
/// erythema at all, RS13) and made the read-out depend on the grid.
pub fn local_erythema_index(e_cell: f64, mean_wound_fraction: f64) -> f64 {
    e_cell / (mean_wound_fraction.max(0.0) + crate::reaction::WOUND_FLOOR)
}

/// Run the healing cascade over a course.
///
/// * `skin` — layers, plexus depth and age of the treated site.
/// * `channels` — every channel of the course; channel i injures the tissue at
///   `session_times_s[channels.session[i]]`.
/// * `patch` — the simulated surface patch (periodic unit cell), µm.
/// * `session_times_s` — session times, s since course start, strictly increasing.
/// * `settings` — numerics, outputs and rates (validated here).
///
/// The run covers [0, t_last + follow_up] (or [0, follow_up] with no sessions). Every output is
/// finite; quantities are non-negative.
pub fn simulate(
    skin: &Skin,
    channels: &ChannelSet,
    patch: Patch,
    session_times_s: &[f64],
    settings: &HealingSettings,
) -> Result<HealingResult, HealingError> {
    simulate_counting(skin, channels, patch, session_times_s, settings, &AtomicU64::new(0))
}

/// Whole simulated days of a course: ⌈t_last + follow_up⌉ (what [`simulate_counting`] counts).
pub fn course_days(session_times_s: &[f64], settings: &HealingSettings) -> u64 {
    let last_d = session_times_s.last().copied().unwrap_or(0.0) / S_PER_D;
    (last_d + settings.follow_up_d).max(0.0).ceil() as u64
}

/// [`simulate`], adding to `simulated_d` each whole simulated day as the course passes it
/// (from another thread it reads as the course's progress; it ends [`course_days`] higher).
pub fn simulate_counting(
    skin: &Skin,
    channels: &ChannelSet,
    patch: Patch,
    session_times_s: &[f64],
    settings: &HealingSettings,
    simulated_d: &AtomicU64,
) -> Result<HealingResult, HealingError> {
    settings.validate()?;
    check_inputs(channels, session_times_s)?;
    if settings.threads > 0 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(settings.threads)
            .build()
            .map_err(|e| HealingError::Geometry(format!("cannot build thread pool: {e}")))?;
        pool.install(|| run(skin, channels, patch, session_times_s, settings, simulated_d))
    } else {
        run(skin, channels, patch, session_times_s, settings, simulated_d)
    }
}

fn run(
    skin: &Skin,
    channels: &ChannelSet,
    patch: Patch,
    session_times_s: &[f64],
    settings: &HealingSettings,
    simulated_d: &AtomicU64,
) -> Result<HealingResult, HealingError> {
    let total_days = course_days(session_times_s, settings);
    let mut days_counted = 0u64;
    let r = &settings.rates;
    let g = TissueGrid::new(skin, patch, settings)?;
    let faces = Faces::new(&g);
    let nc = g.ncols();
    let ncell = g.ncells();
    let sessions_d: Vec<f64> = session_times_s.iter().map(|t| t / S_PER_D).collect();
    let t_end = sessions_d.last().copied().unwrap_or(0.0) + settings.follow_up_d;
    let age_t = age_factor(skin.age_y, AGE_TURNOVER_DECLINE_PER_Y);
    let age_s = age_factor(skin.age_y, AGE_SYNTHESIS_DECLINE_PER_Y);
    let age_b = (-mnsim_core::closure::AGE_LOG_SLOPE_PER_Y * (skin.age_y - mnsim_core::closure::REFERENCE_AGE_Y)).exp();
    let default_reepi = 2.0 * r.keratinocyte_front_um_per_h / (DEFAULT_WOUND_RADIUS_UM + r.damage_margin_um) * 24.0;
    let mut params: Vec<CellParams> = (0..ncell)
        .map(|k| CellParams {
            comp: g.compartment(k / nc),
            reepi_per_d: default_reepi,
            open_after_session: 0.0,
            footprint_after_session: 0.0,
            age_turnover: age_t,
            age_synthesis: age_s,
            age_barrier: age_b,
            wound_sq_dist_um2: 0.0,
            sub_cell: settings.wound_model == WoundModel::SubCell,
            active: ActiveGains::default(),
        })
        .collect();
    let mut y: Vec<[f64; NSTATES]> = (0..ncell).map(|k| baseline(g.compartment(k / nc))).collect();

    // Injuries, computed once per session from the channels.
    let injuries: Vec<Injury> = (0..sessions_d.len())
        .map(|s| {
            injury::session_injury(&g, channels, s as u32, skin.superficial_plexus_depth_um, r, settings.wound_model)
        })
        .collect();
    // Most injured connective cell of the first session (for local figures).
    let local_cell = injuries.first().and_then(|inj| {
        (nc..ncell)
            .filter(|&k| g.compartment(k / nc) == Compartment::Connective && g.layer[k / nc] != Layer::Subcutis)
            .max_by(|&a, &b| inj.phi[a].total_cmp(&inj.phi[b]))
            .filter(|&k| inj.phi[k] > 0.0)
    });

    let (regions, layer_rows) = layer_regions(&g);
    let nreg = regions.len() + 1;
    let mut rec = Recorder {
        t: vec![],
        regions: regions.clone(),
        layer_rows,
        vars: vec![vec![vec![]; NSTATES]; nreg],
        derived: vec![vec![]; DERIVED.len()],
        local_cell,
        local_pre: baseline(Compartment::Connective),
        local: vec![],
    };
    let _ = &rec.regions;

    // Event list: sessions, map times (after the first session), end.
    let t0_maps = sessions_d.first().copied().unwrap_or(0.0);
    let mut map_times: Vec<f64> = settings.map_times_d.iter().map(|m| (t0_maps + m).min(t_end)).collect();
    map_times.sort_by(f64::total_cmp);
    map_times.dedup();
    // the splitting steps also stop where an active's window opens or closes, so the gains are
    // constant over every step
    let effect_edges =
        settings.active_effects.iter().flat_map(|e| [e.from_d, e.to_d]).filter(|&x| x > 0.0 && x < t_end);
    let mut stops: Vec<f64> =
        sessions_d.iter().copied().chain(map_times.iter().copied()).chain(effect_edges).chain([t_end]).collect();
    stops.sort_by(f64::total_cmp);
    stops.dedup_by(|a, b| (*a - *b).abs() < 1e-9);

    let mut maps = vec![];
    let mut stats = SolverStats::default();
    let mut t = 0.0f64;
    let mut next_session = 0usize;
    let dmin = settings.split_min_h / 24.0;
    let dmax = settings.split_max_h / 24.0;
    let mut dt = dmax;
    let mut injured_dermis_pct = vec![0.0; sessions_d.len()];
    let derm_rows = rows_of(&g, is_dermis);
    let chunk = (ncell / (rayon::current_num_threads() * 4)).max(1);
    let mut steps = vec![CellStep::default(); ncell];

    rec.record(t, &g, &y, r);
    loop {
        // Apply sessions due now.
        while next_session < sessions_d.len() && (sessions_d[next_session] - t).abs() < 1e-9 {
            let inj = &injuries[next_session];
            for k in 0..ncell {
                let iz = k / nc;
                injury::apply(&mut y[k], g.compartment(iz), g.layer[iz], inj.cell(k, nc), r);
                if inj.phi[k] > 0.0 {
                    params[k].wound_sq_dist_um2 = inj.wound_sq_dist_um2[k];
                }
            }
            for c in 0..nc {
                if let Some(rate) = inj.reepi_per_d[c] {
                    params[c].reepi_per_d = rate;
                }
                let open = (1.0 - y[c][Var::Epidermis.index()]).max(0.0);
                if open > 0.0 {
                    params[c].open_after_session = open;
                    params[c].footprint_after_session = (1.0 - y[c][Var::Barrier.index()]).clamp(0.0, 1.0);
                }
            }
            let (mut vi, mut vt) = (0.0, 0.0);
            for &iz in &derm_rows {
                for c in 0..nc {
                    vi += inj.phi[iz * nc + c] * g.dz_um[iz];
                    vt += g.dz_um[iz];
                }
            }
            injured_dermis_pct[next_session] = 100.0 * vi / vt.max(1e-12);
            if next_session == 0 {
                if let Some(k) = local_cell {
                    rec.local_pre = y[k];
                }
            }
            rec.record(t, &g, &y, r);
            next_session += 1;
            dt = dmin;
            // a session changes every wounded cell at once: each re-estimates its first step
            steps.fill(CellStep::default());
        }
        if t >= t_end - 1e-9 {
            break;
        }
        let next_stop = stops.iter().copied().find(|&s| s > t + 1e-9).unwrap_or(t_end);
        let h = dt.min(next_stop - t);
        if !settings.active_effects.is_empty() {
            set_active_gains(&g, &mut params, actives::gains_at(&settings.active_effects, t + 0.5 * h));
        }
        // Strang splitting: T(h/2) R(h) T(h/2)
        transport::step(&faces, r, &mut y, 0.5 * h, settings.wound_model);
        let chunk_stats: Result<Vec<SolverStats>, HealingError> = y
            .par_chunks_mut(chunk)
            .zip(params.par_chunks(chunk))
            .zip(steps.par_chunks_mut(chunk))
            .enumerate()
            .map(|(ci, ((ys, ps), hs))| {
                with_integrator(r, settings.rtol, settings.atol, |solve| {
                    let mut st = SolverStats::default();
                    let mut f = [0.0; NSTATES];
                    for (j, ((yc, pc), hc)) in ys.iter_mut().zip(ps).zip(hs.iter_mut()).enumerate() {
                        rhs(r, pc, yc, &mut f);
                        let fmax = f.iter().fold(0.0f64, |a, b| a.max(b.abs()));
                        if !settings.integrate_resting_cells && fmax * h < settings.atol * 1e-3 {
                            st.cell_skips += 1;
                            continue;
                        }
                        let s = solve(pc, yc, h, hc).map_err(|message| HealingError::Solver {
                            cell: ci * chunk + j,
                            t_d: t,
                            message,
                        })?;
                        st.add(&s);
                    }
                    Ok(st)
                })
            })
            .collect();
        for s in chunk_stats? {
            stats.add(&s);
        }
        transport::step(&faces, r, &mut y, 0.5 * h, settings.wound_model);
        t = if (next_stop - (t + h)).abs() < 1e-9 { next_stop } else { t + h };
        // the cap grows with the wound's age (`split_age_share`)
        let age_d = if next_session > 0 { t - sessions_d[next_session - 1] } else { 0.0 };
        dt = (dt * settings.split_growth).min(dmax.max(settings.split_age_share * age_d));
        rec.record(t, &g, &y, r);
        let whole_days = (t.floor() as u64).min(total_days);
        if whole_days > days_counted {
            simulated_d.fetch_add(whole_days - days_counted, Ordering::Relaxed);
            days_counted = whole_days;
        }
        for &mt in &map_times {
            if (mt - t).abs() < 1e-9 && maps.iter().all(|m: &CollagenMap| (m.t_d - mt).abs() > 1e-9) {
                maps.push(collagen_map(&g, &y, r, t));
            }
        }
    }
    if maps.is_empty() && !settings.map_times_d.is_empty() {
        maps.push(collagen_map(&g, &y, r, t));
    }
    simulated_d.fetch_add(total_days - days_counted, Ordering::Relaxed);
    Ok(finish(rec, &g, r, &sessions_d, &injuries, &injured_dermis_pct, maps, stats, t_end))
}

/// Put the gains of the topical actives into the cells they act on: collagen synthesis in the
/// papillary dermis (the fibroblasts the topical reaches; assumed: its concentration falls
/// with depth as the dermis clears it), keratinocyte proliferation in the epidermis.
fn set_active_gains(g: &TissueGrid, params: &mut [CellParams], gains: ActiveGains) {
    let nc = g.ncols();
    for (k, p) in params.iter_mut().enumerate() {
        p.active = match g.layer[k / nc] {
            Layer::PapillaryDermis => ActiveGains { collagen_synthesis: gains.collagen_synthesis, keratinocyte: 0.0 },
            Layer::ViableEpidermis => ActiveGains { collagen_synthesis: 0.0, keratinocyte: gains.keratinocyte },
            _ => ActiveGains::default(),
        };
    }
}

fn collagen_map(g: &TissueGrid, y: &[[f64; NSTATES]], r: &Rates, t: f64) -> CollagenMap {
    let nc = g.ncols();
    let derm = rows_of(g, is_dermis);
    let values_um = (0..g.ny)
        .map(|iy| {
            (0..g.nx)
                .map(|ix| {
                    let c = iy * g.nx + ix;
                    derm.iter()
                        .map(|&iz| g.dz_um[iz] * y[iz * nc + c][Var::CollagenNew.index()] * r.thickness_collagen_share)
                        .sum()
                })
                .collect()
        })
        .collect();
    CollagenMap { t_d: t, dx_um: g.dx_um, dy_um: g.dy_um, values_um }
}

/// Index range of records in [t_a, t_b] (t_b exclusive unless last).
fn window(t: &[f64], a: f64, b: f64) -> (usize, usize) {
    // first record at time a *after* the injury (the later duplicate at a session time)
    let i0 =
        t.iter().rposition(|&x| (x - a).abs() < 1e-9).unwrap_or_else(|| t.iter().position(|&x| x >= a).unwrap_or(0));
    let i1 = t.iter().position(|&x| x >= b - 1e-9).map(|i| {
        // the pre-injury record at a session time b
        i
    });
    (i0, i1.unwrap_or(t.len() - 1))
}

/// Time after `i0` at which `x` first falls to `frac` of its value at its peak (searching
/// from the peak on), linear interpolation; (value, censored).
fn recovery_time(t: &[f64], x: &[f64], i0: usize, i1: usize, frac: f64, from_peak: bool) -> (f64, bool) {
    let mut ip = i0;
    if from_peak {
        for i in i0..=i1 {
            if x[i] > x[ip] {
                ip = i;
            }
        }
    }
    let peak = x[ip];
    if peak <= 0.0 {
        return (0.0, false);
    }
    let thr = frac * peak;
    for i in ip..=i1 {
        if x[i] <= thr {
            if i == ip {
                return (t[i] - t[i0], false);
            }
            let (ta, tb, xa, xb) = (t[i - 1], t[i], x[i - 1], x[i]);
            let tc = if xa != xb { ta + (xa - thr) / (xa - xb) * (tb - ta) } else { tb };
            return (tc - t[i0], false);
        }
    }
    (t[i1] - t[i0], true)
}

/// Last time in the window of samples `i0..=i1` at which `x` exceeds `thr`, relative to the
/// window start (linear interpolation at the last crossing), and whether the window ended above
/// it (censored). The downtime and erythema read-outs of [`crate::output::Summary`].
pub fn duration_above(t: &[f64], x: &[f64], i0: usize, i1: usize, thr: f64) -> (f64, bool) {
    let mut last = None;
    for i in i0..=i1 {
        if x[i] > thr {
            last = Some(i);
        }
    }
    match last {
        None => (0.0, false),
        // still above the threshold at the window's end: the duration is censored there
        Some(i) if i == i1 => (t[i1] - t[i0], true),
        Some(i) => {
            let (ta, tb, xa, xb) = (t[i], t[i + 1], x[i], x[i + 1]);
            let tc = if xa != xb { ta + (xa - thr) / (xa - xb) * (tb - ta) } else { tb };
            (tc - t[i0], false)
        }
    }
}

fn argmax(x: &[f64], i0: usize, i1: usize) -> usize {
    let mut ip = i0;
    for i in i0..=i1 {
        if x[i] > x[ip] {
            ip = i;
        }
    }
    ip
}

#[allow(clippy::too_many_arguments)]
fn finish(
    rec: Recorder,
    g: &TissueGrid,
    r: &Rates,
    sessions_d: &[f64],
    injuries: &[Injury],
    injured_dermis_pct: &[f64],
    maps: Vec<CollagenMap>,
    stats: SolverStats,
    t_end: f64,
) -> HealingResult {
    let t = &rec.t;
    let pi = rec.layer_rows.len();
    let patch = |v: Var| rec.vars[pi][v.index()].as_slice();
    let der = |name: &str| {
        let i = DERIVED.iter().position(|(n, _)| *n == name).expect("derived name");
        rec.derived[i].as_slice()
    };
    let last = t.len() - 1;
    let c1 = patch(Var::CollagenI);
    let c3 = patch(Var::CollagenIII);
    let el = patch(Var::Elastin);
    let ctot = der("collagen_total");
    let thick = der("dermal_thickness");
    let tewl = der("tewl");
    let ery = der("erythema_index");
    let open: Vec<f64> = patch(Var::Epidermis).iter().map(|e| (1.0 - e).max(0.0)).collect();
    let tewl_ex: Vec<f64> = tewl.iter().map(|x| (x - r.tewl_baseline_g_m2_h).max(0.0)).collect();
    let pct = |x: f64, base: f64| 100.0 * (x / base - 1.0);

    let mut sessions = vec![];
    for (s, &ts) in sessions_d.iter().enumerate() {
        let tb = sessions_d.get(s + 1).copied().unwrap_or(t_end);
        let (i0, i1) = window(t, ts, tb);
        let (re, c_re) = recovery_time(t, &open, i0, i1, 0.05, false);
        let (br, c_br) = recovery_time(t, &tewl_ex, i0, i1, 0.10, true);
        let (dt_, c_dt) = duration_above(t, ery, i0, i1, r.downtime_threshold);
        let (er, c_er) = duration_above(t, ery, i0, i1, r.erythema_threshold);
        let tp = tewl[argmax(tewl, i0, i1)];
        sessions.push(SessionFigures {
            session: s,
            t_d: ts,
            n_channels: injuries[s].n_channels,
            n_bleeding: injuries[s].n_bleeding,
            injured_dermis_pct: injured_dermis_pct[s],
            reepithelialisation_h: re * 24.0,
            barrier_recovery_h: br * 24.0,
            tewl_peak_g_m2_h: tp,
            downtime_d: dt_,
            erythema_d: er,
            collagen_change_pct: pct(ctot[i1], 1.0),
            collagen_i_change_pct: pct(c1[i1], crate::state::COL1_BASELINE),
            collagen_iii_change_pct: pct(c3[i1], crate::state::COL3_BASELINE),
            elastin_change_pct: pct(el[i1], 1.0),
            dermal_thickness_change_pct: pct(thick[i1], 1.0),
            censored: (c_re && open[i0] > 0.0) || (c_br && tewl_ex[i0..=i1].iter().any(|&x| x > 0.0)) || c_dt || c_er,
        });
    }

    // Peak times after the first session.
    let mut peaks = PeakTimes::default();
    if let Some(&ts) = sessions_d.first() {
        let tb = sessions_d.get(1).copied().unwrap_or(t_end);
        let (i0, i1) = window(t, ts, tb);
        let pk = |x: &[f64]| t[argmax(x, i0, i1)] - ts;
        let mac: Vec<f64> =
            patch(Var::MacrophagesM1).iter().zip(patch(Var::MacrophagesM2)).map(|(a, b)| a + b).collect();
        peaks.neutrophils_d = pk(patch(Var::Neutrophils));
        peaks.macrophages_d = pk(&mac);
        peaks.pdgf_d = pk(patch(Var::Pdgf));
        peaks.tgf_beta_d = pk(patch(Var::Tgfb));
        peaks.vegf_d = pk(patch(Var::Vegf));
        peaks.mmp_d = pk(patch(Var::Mmp));
        peaks.fibroblasts_d = pk(patch(Var::Fibroblasts));
        peaks.myofibroblasts_d = pk(patch(Var::Myofibroblasts));
        peaks.capillaries_d = pk(patch(Var::Capillaries));
        let g3: Vec<f64> = c3.iter().map(|x| x - c3[i0]).collect();
        let g1: Vec<f64> = c1.iter().map(|x| x - c1[i0]).collect();
        peaks.collagen_iii_gain_d = pk(&g3);
        peaks.collagen_i_gain_d = pk(&g1);
        peaks.myofibroblasts_10pct_d = recovery_time(t, patch(Var::Myofibroblasts), i0, i1, 0.10, true).0;
        let capx: Vec<f64> = patch(Var::Capillaries).iter().map(|c| (c - 1.0).max(0.0)).collect();
        peaks.capillaries_10pct_d = recovery_time(t, &capx, i0, i1, 0.10, true).0;
        let lc: Vec<f64> = rec.local.iter().map(|y| y[Var::Capillaries.index()]).collect();
        peaks.capillaries_peak_local_rel = lc[argmax(&lc, i0, i1)];
        let ls = der("local_collagen_iii_share");
        peaks.collagen_iii_share_local_max_pct = ls[argmax(ls, i0, i1)];
        let pre = rec.local_pre;
        let mut dom = t[i1] - ts;
        let mut seen_iii = false;
        for i in i0..=i1 {
            let d3 = rec.local[i][Var::CollagenIII.index()]
                - pre[Var::CollagenIII.index()] * (1.0 - r.matrix_fragmentation * 0.0);
            let d1 = rec.local[i][Var::CollagenI.index()] - pre[Var::CollagenI.index()];
            if d3 > 1e-6 && d3 > d1 {
                seen_iii = true;
            }
            if seen_iii && d1 > d3 && d1 > 0.0 {
                dom = t[i] - ts;
                break;
            }
        }
        peaks.collagen_i_dominant_local_d = dom;
    }

    let derm = rows_of(g, is_dermis);
    let dth: f64 = derm.iter().map(|&iz| g.dz_um[iz]).sum();
    let pap_region = rec.regions.iter().position(|n| n == "papillary_dermis");
    let pap_col = pap_region
        .map(|ri| {
            let a = &rec.vars[ri][Var::CollagenI.index()];
            let b = &rec.vars[ri][Var::CollagenIII.index()];
            a[last] + b[last]
        })
        .unwrap_or(1.0);
    let cap = patch(Var::Capillaries);
    let first = sessions.first();
    let headline = Summary {
        collagen_change_pct: pct(ctot[last], 1.0),
        collagen_i_change_pct: pct(c1[last], crate::state::COL1_BASELINE),
        collagen_iii_change_pct: pct(c3[last], crate::state::COL3_BASELINE),
        elastin_change_pct: pct(el[last], 1.0),
        dermal_thickness_change_pct: pct(thick[last], 1.0),
        papillary_collagen_change_pct: pct(pap_col, 1.0),
        reepithelialisation_h: first.map_or(0.0, |s| s.reepithelialisation_h),
        downtime_d: first.map_or(0.0, |s| s.downtime_d),
        erythema_d: first.map_or(0.0, |s| s.erythema_d),
        barrier_recovery_h: first.map_or(0.0, |s| s.barrier_recovery_h),
        tewl_peak_g_m2_h: first.map_or(r.tewl_baseline_g_m2_h, |s| s.tewl_peak_g_m2_h),
        capillary_density_peak_change_pct: pct(cap.iter().cloned().fold(f64::MIN, f64::max), 1.0),
        capillary_density_change_pct: pct(cap[last], 1.0),
        melanin_index_change_pct: pct(patch(Var::Melanin)[last], 1.0),
        epidermal_thickness_change_pct: pct(patch(Var::EpidermalThickness)[last], 1.0),
        new_collagen_um: patch(Var::CollagenNew)[last] * dth * r.thickness_collagen_share,
        tropoelastin_pct: 100.0 * (patch(Var::Tropoelastin)[last] + patch(Var::ElastinAssembly)[last]),
    };

    // Time courses.
    let mut series = vec![];
    let mut names = rec.regions.clone();
    names.push("patch".into());
    for (ri, name) in names.iter().enumerate() {
        for v in Var::ALL {
            series.push(Series {
                variable: v.name().into(),
                region: name.clone(),
                unit: v.unit().into(),
                values: rec.vars[ri][v.index()].clone(),
            });
        }
    }
    for (i, (n, u)) in DERIVED.iter().enumerate() {
        series.push(Series {
            variable: (*n).into(),
            region: "patch".into(),
            unit: (*u).into(),
            values: rec.derived[i].clone(),
        });
    }
    HealingResult {
        time_courses: TimeCourses { t_d: rec.t.clone(), series },
        maps,
        sessions,
        peaks,
        headline,
        grid_shape: [g.nx, g.ny, g.nz()],
        simulated_d: t_end,
        stats,
    }
}
