//! From the channels of one session to the injury of each tissue cell, and its application to
//! the current tissue state.
//!
//! Damage volume of channel i in cell k (vertical extent [z₀, z₁], column c):
//!
//! V_ik = ∫_{[z₀,z₁] ∩ [0, D_i]} A_c(i, a_i(z)) dz   (8-slice midpoint rule),
//!
//! with a_i(z) = d_i(z)/2 + m the radius of the damage disc (d_i(z) the diameter of the
//! channel's recoiled wall, [`mnsim_core::ChannelSet::wall_diameter_at_depth_um`]: the tissue the
//! needle tore, not the elastic gape of its entry; m the damage margin) and
//! A_c(i, a) the part of the disc of radius a centred on the track that lies in column c. A disc
//! that lies wholly inside its entry column gives A = πa² there; a disc that crosses a column
//! boundary is spread over the columns it overlaps by an equal-area quadrature of the disc
//! ([`DISC_RINGS`] × [`DISC_ANGLES`] points), so that the injured volume of a session does not
//! depend on the column width. The injured fraction of the cell is the Poisson-overlap (union
//! of randomly placed zones) φ_k = 1 − exp(−Σ_i V_ik / V_k), so that repeated punctures of the
//! same spot saturate (the epidermis, and connective tissue under the cell-mean wound model
//! `WoundModel::CellMean`); under the default sub-cell wound model (`WoundModel::SubCell`)
//! the connective tissue's is the exact union of the damage discs
//! measured on a raster ([`damage_union`]; the capillaries keep the Poisson estimate,
//! [`Injury::phi_vessels`]), so that a grid that resolves the wounds has W ∈ {0, 1}. The
//! re-epithelialisation rate of a column is 2 v / r̄ with r̄ the mean
//! surface damage radius of the discs that overlap it, weighted by their overlapping area.

use crate::grid::TissueGrid;
use crate::settings::{Rates, WoundModel};
use crate::state::{Compartment, Var};
use mnsim_core::{ChannelSet, Layer};

/// Rings of the equal-area quadrature of a damage disc. Numerical choice: 6 × 24 = 144 points
/// put the share of a disc in each overlapped column within ≈ 1 % of the exact area (tested in
/// `disc_shares_match_the_exact_overlap`).
pub const DISC_RINGS: usize = 6;
/// Angles per ring of the disc quadrature (see [`DISC_RINGS`]).
pub const DISC_ANGLES: usize = 24;

/// Injury of one session on the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Injury {
    /// Injured volume fraction per cell (flat cell index), 0..1: the damage zone of radius
    /// d(z)/2 + m, in which cells are lost and debris and clot form.
    pub phi: Vec<f64>,
    /// Injured fraction per cell as the Poisson-overlap estimate 1 − exp(−ΣV/V_cell), applied to
    /// the capillaries only. Known inconsistency (2026-12-02): with the exact union a cell that
    /// a grid resolves inside a wound loses every vessel, and capillaries here regrow only by
    /// sprouting from those left in the same cell (no ingrowth from neighbours), so they would
    /// never come back; until capillary ingrowth is modelled they keep this smeared estimate.
    pub phi_vessels: Vec<f64>,
    /// Torn-matrix volume fraction per cell, 0..1: the shear rim d(z)/2 < ρ ≤ d(z)/2 + m only.
    /// A solid needle parts the tissue and removes none (the channel closes again within hours,
    /// `mnsim_core::closure`), so the fibres of the channel's own footprint are displaced, not
    /// cut; only those in the rim are fragmented.
    pub phi_torn: Vec<f64>,
    /// Barrier-disrupted fraction of each column's surface, 0..1.
    pub phi_barrier: Vec<f64>,
    /// Confluent share of each column's barrier disruption, 0..1 ([`confluent_shares`]): the
    /// part that re-forms de novo instead of closing laterally.
    pub barrier_confluent: Vec<f64>,
    /// Re-epithelialisation rate per column, per day (None where no damage disc overlaps it).
    pub reepi_per_d: Vec<Option<f64>>,
    /// Response-zone fraction per cell (flat cell index; 0 in the epidermis): the part of the
    /// cell within the signalling reach of this session's wounds ([`response_zone`]).
    pub zone: Vec<f64>,
    /// Mean squared distance from the wounded tissue of each cell to the nearest intact tissue,
    /// µm² (flat cell index; [`damage_union`]): the length scale on which fibroblasts
    /// refill the wound from around it.
    pub wound_sq_dist_um2: Vec<f64>,
    /// Number of channels of this session that pierced (depth > 0).
    pub n_channels: usize,
    /// Number of channels whose depth exceeds the superficial plexus (pinpoint bleeding).
    pub n_bleeding: usize,
}

/// (cos θ, sin θ) of the quadrature directions of [`disc_shares`], ring by ring: θ_jk =
/// 2π (k + ¼ + ½ (j mod 2)) / [`DISC_ANGLES`], offset by a quarter step so that no point lies on
/// a column boundary through the centre (computed once; the same values as evaluating them per
/// disc).
static DISC_DIRECTIONS: std::sync::LazyLock<Vec<(f64, f64)>> = std::sync::LazyLock::new(|| {
    (0..DISC_RINGS)
        .flat_map(|j| {
            (0..DISC_ANGLES).map(move |k| {
                let th = std::f64::consts::TAU * (k as f64 + 0.25 + 0.5 * (j % 2) as f64) / DISC_ANGLES as f64;
                (th.cos(), th.sin())
            })
        })
        .collect()
});

/// Shares of a disc of radius `radius_um` centred on surface point (x, y) in the columns of the
/// grid, written into `shares` as (column, fraction of the disc area); the fractions sum to 1.
/// A disc wholly inside one column gives that column alone.
pub fn disc_shares(grid: &TissueGrid, x_um: f64, y_um: f64, radius_um: f64, shares: &mut Vec<(usize, f64)>) {
    shares.clear();
    let (ix, iy) = grid.column_of(x_um, y_um);
    let xm = x_um.rem_euclid(grid.dx_um * grid.nx as f64) - ix as f64 * grid.dx_um;
    let ym = y_um.rem_euclid(grid.dy_um * grid.ny as f64) - iy as f64 * grid.dy_um;
    let room = xm.min(grid.dx_um - xm).min(ym).min(grid.dy_um - ym);
    if radius_um <= room || (grid.nx == 1 && grid.ny == 1) {
        shares.push((iy * grid.nx + ix, 1.0));
        return;
    }
    let w = 1.0 / (DISC_RINGS * DISC_ANGLES) as f64;
    for j in 0..DISC_RINGS {
        let rr = radius_um * ((j as f64 + 0.5) / DISC_RINGS as f64).sqrt();
        for &(cos_th, sin_th) in &DISC_DIRECTIONS[j * DISC_ANGLES..(j + 1) * DISC_ANGLES] {
            let (cx, cy) = grid.column_of(x_um + rr * cos_th, y_um + rr * sin_th);
            let col = cy * grid.nx + cx;
            match shares.iter_mut().find(|(c, _)| *c == col) {
                Some(s) => s.1 += w,
                None => shares.push((col, w)),
            }
        }
    }
}

/// Compute the injury of session `session` from the channels that belong to it.
pub fn session_injury(
    grid: &TissueGrid,
    channels: &ChannelSet,
    session: u32,
    plexus_depth_um: f64,
    r: &Rates,
    wounds: WoundModel,
) -> Injury {
    let ncols = grid.ncols();
    let nz = grid.nz();
    let mut vol = vec![0.0; grid.ncells()];
    let mut rim = vec![0.0; grid.ncells()];
    let mut r_sum = vec![0.0; ncols];
    let mut r_weight = vec![0.0; ncols];
    let mut n_channels = 0;
    let mut n_bleeding = 0;
    let mut shares = Vec::with_capacity(16);
    for i in channels.of_session(session) {
        let depth = channels.depth_um[i];
        if !(depth > 0.0) {
            continue;
        }
        n_channels += 1;
        if depth > plexus_depth_um {
            n_bleeding += 1;
        }
        let (x, y) = (channels.x_um[i], channels.y_um[i]);
        let r_surface = channels.surface_diameter_um[i].max(0.0) / 2.0 + r.damage_margin_um;
        disc_shares(grid, x, y, r_surface, &mut shares);
        for &(col, s) in &shares {
            r_sum[col] += s * r_surface;
            r_weight[col] += s;
        }
        add_track_volume(grid, channels, i, r.damage_margin_um, nz, &mut shares, &mut vol, &mut rim);
    }
    let mut phi = vec![0.0; grid.ncells()];
    let mut phi_torn = vec![0.0; grid.ncells()];
    for iz in 0..nz {
        let vc = grid.volume_um3(iz);
        for c in 0..ncols {
            let k = iz * ncols + c;
            phi[k] = 1.0 - (-vol[k] / vc).exp();
            phi_torn[k] = 1.0 - (-rim[k] / vc).exp();
        }
    }
    let vc0 = grid.volume_um3(0);
    let phi_barrier = (0..ncols).map(|c| 1.0 - (-r.barrier_footprint * vol[c] / vc0).exp()).collect();
    let reepi_per_d = (0..ncols)
        .map(|c| {
            (r_weight[c] > 0.0).then(|| {
                let rw = (r_sum[c] / r_weight[c]).max(1.0);
                // area of a closing disc shrinks at 2 v / r (per hour), ×24 per day
                2.0 * r.keratinocyte_front_um_per_h / rw * 24.0
            })
        })
        .collect();
    let zone = response_zone(grid, channels, session, r.damage_margin_um, r.signal_reach_um());
    // Sub-cell wound model: in connective tissue the injured fraction is the exact union of the
    // damage discs (so that a cell inside a disc is wholly wounded and a grid that resolves the
    // wounds has W ∈ {0, 1}); the capillaries keep the Poisson estimate (`phi_vessels`).
    let phi_vessels = phi.clone();
    let mut wound_sq_dist_um2 = vec![0.0; grid.ncells()];
    if wounds == WoundModel::SubCell {
        let union = damage_union(grid, channels, session, r.damage_margin_um);
        for (k, p) in phi.iter_mut().enumerate() {
            if grid.compartment(k / ncols) == crate::state::Compartment::Connective {
                *p = union.phi[k];
            }
        }
        wound_sq_dist_um2 = union.sq_dist_um2;
    }
    let barrier_confluent = confluent_shares(grid, channels, session, r.damage_margin_um, r.barrier_footprint);
    Injury {
        phi,
        phi_vessels,
        phi_torn,
        phi_barrier,
        barrier_confluent,
        reepi_per_d,
        zone,
        wound_sq_dist_um2,
        n_channels,
        n_bleeding,
    }
}

/// Lateral spacing of the raster on which the response zone is measured, µm (numerical
/// choice: on the sparse 1.5 mm roller course of HI-AUST-COL, 20 µm with 50 µm levels gives
/// every cell's zone fraction within 0.001 of 10 µm with 25 µm levels, at an eighth of the
/// cost; widened on patches so large that the raster would pass [`ZONE_RASTER_MAX_POINTS`]).
pub const ZONE_RASTER_UM: f64 = 20.0;
/// Largest number of lateral raster points of the response-zone measurement.
pub const ZONE_RASTER_MAX_POINTS: usize = 1 << 20;
/// Largest depth step between the raster's sampling levels, µm.
pub const ZONE_LEVEL_UM: f64 = 50.0;

/// A lateral raster over the patch (periodic like it) with whole raster points per column, so
/// that every point weighs the same, at most `step_um` apart and at most
/// [`ZONE_RASTER_MAX_POINTS`] in all; point centres at (i + ½)·sx.
struct Raster {
    nxs: usize,
    nys: usize,
    sx: f64,
    sy: f64,
    /// Column of each raster point (row-major).
    col_of: Vec<usize>,
    /// Raster points per column.
    per_col: f64,
}

impl Raster {
    fn new(grid: &TissueGrid, step_um: f64) -> Raster {
        let mut step = step_um;
        let per_axis = |step: f64| ((grid.dx_um / step).ceil() as usize, (grid.dy_um / step).ceil() as usize);
        while {
            let (px, py) = per_axis(step);
            px * py * grid.ncols() > ZONE_RASTER_MAX_POINTS && (px > 1 || py > 1)
        } {
            step *= 1.25;
        }
        let (px, py) = per_axis(step);
        let (nxs, nys) = (px * grid.nx, py * grid.ny);
        let col_of = (0..nys).flat_map(|j| (0..nxs).map(move |i| (j / py) * grid.nx + i / px)).collect();
        Raster { nxs, nys, sx: grid.dx_um / px as f64, sy: grid.dy_um / py as f64, col_of, per_col: (px * py) as f64 }
    }
}

/// Response-zone fraction of each connective cell for the channels of session `session`.
///
/// The zone of channel i is the set of points within the signalling reach ℓ of its damage zone:
/// at depth z ≤ D_i, lateral distance ≤ d_i(z)/2 + m + ℓ; below the tip, within ℓ of it,
/// lateral distance ≤ d_i(D_i)/2 + m + √(ℓ² − (z − D_i)²). The union of the zones (exact, not a
/// Poisson estimate) is measured on a lateral raster of [`ZONE_RASTER_UM`] at depth levels at
/// most [`ZONE_LEVEL_UM`] apart (cell midpoints of equal sub-slabs), periodic like the patch, and
/// the covered share of each cell's sample points is its zone fraction. The measurement does
/// not depend on the healing grid except through which cell a point falls in.
pub fn response_zone(
    grid: &TissueGrid,
    channels: &ChannelSet,
    session: u32,
    margin_um: f64,
    reach_um: f64,
) -> Vec<f64> {
    let ncols = grid.ncols();
    let mut zone = vec![0.0; grid.ncells()];
    let raster = Raster::new(grid, ZONE_RASTER_UM);
    let mut counts = vec![0usize; ncols];
    for_each_level_union(grid, channels, session, &raster, margin_um, reach_um, |iz, levels, covered| {
        counts.fill(0);
        for (k, &c) in covered.iter().enumerate() {
            if c {
                counts[raster.col_of[k]] += 1;
            }
        }
        for c in 0..ncols {
            zone[iz * ncols + c] += counts[c] as f64 / raster.per_col / levels as f64;
        }
    });
    zone
}

/// Visit, depth level by depth level, the union of the zones (lateral radius
/// `zone_radius_um(…, margin_um, reach_um)`) of the channels of session `session` that pierced,
/// rasterised on `raster` (periodic like the patch). Levels are the midpoints of equal sub-slabs
/// at most [`ZONE_LEVEL_UM`] thick of each connective row; `visit(row, levels of that row,
/// covered)` is called for each level where some channel has a zone.
fn for_each_level_union(
    grid: &TissueGrid,
    channels: &ChannelSet,
    session: u32,
    raster: &Raster,
    margin_um: f64,
    reach_um: f64,
    mut visit: impl FnMut(usize, usize, &[bool]),
) {
    let ids: Vec<usize> = channels.of_session(session).filter(|&i| channels.depth_um[i] > 0.0).collect();
    if ids.is_empty() {
        return;
    }
    let Raster { nxs, nys, sx, sy, .. } = *raster;
    let mut covered = vec![false; nxs * nys];
    for iz in 0..grid.nz() {
        if grid.compartment(iz) != crate::state::Compartment::Connective {
            continue;
        }
        let levels = (grid.dz_um[iz] / ZONE_LEVEL_UM).ceil().max(1.0) as usize;
        for lv in 0..levels {
            let z = grid.z_top_um[iz] + (lv as f64 + 0.5) * grid.dz_um[iz] / levels as f64;
            covered.fill(false);
            let (mut any, mut n_covered) = (false, 0usize);
            for &i in &ids {
                let rad = zone_radius_um(channels, i, z, margin_um, reach_um);
                if rad > 0.0 {
                    any = true;
                    n_covered += mark_disc(&mut covered, nxs, nys, sx, sy, channels.x_um[i], channels.y_um[i], rad);
                    if n_covered == covered.len() {
                        // every point is covered: the remaining discs cannot change the union
                        break;
                    }
                }
            }
            if any {
                visit(iz, levels, &covered);
            }
        }
    }
}

/// Lateral spacing of the raster on which the union of the damage discs and the distance of
/// wounded tissue to intact tissue are measured, µm. Numerical choice: for one track of a 120 µm
/// entry the union's volume and ⟨d²⟩ are within 3 % and 11 % of the discs' exact values
/// (`exact_union_injury_is_the_damage_volume_of_the_track`,
/// `wound_distance_of_one_track_is_that_of_its_discs`); 20 µm gave +6 % and +50 %.
pub const DAMAGE_RASTER_UM: f64 = 10.0;

/// The exact union of a session's damage discs per connective cell, and how far its wounded
/// tissue lies from intact tissue.
#[derive(Debug, Clone, PartialEq)]
pub struct DamageUnion {
    /// Covered share of each cell (flat cell index; 0 outside the connective tissue), 0..1.
    pub phi: Vec<f64>,
    /// Mean squared lateral distance ⟨d²⟩ from the cell's wounded points to the nearest intact
    /// point, µm² (flat cell index).
    pub sq_dist_um2: Vec<f64>,
}

/// Union of the damage discs (radius d_i(z)/2 + m at depth z ≤ D_i) of session `session`, and
/// the mean squared lateral distance ⟨d²⟩ of each connective cell's wounded points to intact
/// tissue.
///
/// Both are measured on a lateral raster of [`DAMAGE_RASTER_UM`] at depth levels at most
/// [`ZONE_LEVEL_UM`] apart, periodic like the patch. The distance of a covered point is the exact
/// Euclidean transform to the nearest uncovered point ([`crate::distance`]) less half a raster
/// step (the wound's edge lies between the two points), averaged over the covered points of the
/// cell; points of a level that the union covers completely are left out (no intact tissue
/// beside them at that depth). A cell with no covered point gets the ⟨d²⟩ of a disc of one
/// raster cell's area, a²/6 with πa² = s_x s_y. A disc of radius a gives a²/6; the slowest
/// diffusive mode of refilling it from its rim decays at j₀,₁² D/a² = 0.96 D/⟨d²⟩ (a strip:
/// 0.82 D/⟨d²⟩), the scale of the sub-cell refill in `reaction::rhs`.
pub fn damage_union(grid: &TissueGrid, channels: &ChannelSet, session: u32, margin_um: f64) -> DamageUnion {
    let ncols = grid.ncols();
    let raster = Raster::new(grid, DAMAGE_RASTER_UM);
    let (nxs, nys, sx, sy) = (raster.nxs, raster.nys, raster.sx, raster.sy);
    let fallback = sx * sy / (6.0 * std::f64::consts::PI);
    let half_step = 0.5 * (sx * sy).sqrt();
    let mut phi = vec![0.0; grid.ncells()];
    let (mut sum, mut count) = (vec![0.0; grid.ncells()], vec![0usize; grid.ncells()]);
    let mut hits = vec![0usize; ncols];
    for_each_level_union(grid, channels, session, &raster, margin_um, 0.0, |iz, levels, covered| {
        hits.fill(0);
        let d2 = crate::distance::periodic_sq_distance_to_outside(covered, nxs, nys, sx, sy);
        for (k, (&c, &d)) in covered.iter().zip(&d2).enumerate() {
            if c {
                let col = raster.col_of[k];
                hits[col] += 1;
                if d.is_finite() {
                    sum[iz * ncols + col] += (d.sqrt() - half_step).max(0.0).powi(2);
                    count[iz * ncols + col] += 1;
                }
            }
        }
        for c in 0..ncols {
            phi[iz * ncols + c] += hits[c] as f64 / raster.per_col / levels as f64;
        }
    });
    let sq_dist_um2 =
        sum.iter().zip(&count).map(|(&s, &n)| if n > 0 { (s / n as f64).max(fallback) } else { fallback }).collect();
    DamageUnion { phi, sq_dist_um2 }
}

/// Lateral radius of the response zone of channel `i` at depth `z_um` (0 where it has none).
fn zone_radius_um(channels: &ChannelSet, i: usize, z_um: f64, margin_um: f64, reach_um: f64) -> f64 {
    let depth = channels.depth_um[i];
    if z_um <= depth {
        channels.wall_diameter_at_depth_um(i, z_um) / 2.0 + margin_um + reach_um
    } else {
        let below = z_um - depth;
        if below >= reach_um {
            return 0.0;
        }
        channels.wall_diameter_at_depth_um(i, depth) / 2.0 + margin_um + (reach_um * reach_um - below * below).sqrt()
    }
}

/// Visit the raster points (spacing sx × sy, point centres at (i + ½)·sx) within `rad` of
/// (x, y), periodic like the patch when `wrap` (a point is then visited once per disc even when
/// the disc is wider than the patch), else only those inside the patch.
#[allow(clippy::too_many_arguments)]
fn visit_disc(
    nxs: usize,
    nys: usize,
    sx: f64,
    sy: f64,
    x: f64,
    y: f64,
    rad: f64,
    wrap: bool,
    mut f: impl FnMut(usize),
) {
    let (nx, ny) = (nxs as i64, nys as i64);
    let j0 = ((y - rad) / sy - 0.5).ceil() as i64;
    let j1 = ((y + rad) / sy - 0.5).floor() as i64;
    let (j0, j1) = if wrap { (j0, j1.min(j0 + ny - 1)) } else { (j0.max(0), j1.min(ny - 1)) };
    for j in j0..=j1 {
        let dy = (j as f64 + 0.5) * sy - y;
        let half = (rad * rad - dy * dy).max(0.0).sqrt();
        let i0 = ((x - half) / sx - 0.5).ceil() as i64;
        let i1 = ((x + half) / sx - 0.5).floor() as i64;
        let (i0, i1) = if wrap { (i0, i1.min(i0 + nx - 1)) } else { (i0.max(0), i1.min(nx - 1)) };
        if i1 < i0 {
            continue;
        }
        let row = j.rem_euclid(ny) as usize * nxs;
        // i.rem_euclid(nx) for i in i0..=i1, without a division per point
        let mut i = i0.rem_euclid(nx) as usize;
        for _ in i0..=i1 {
            f(row + i);
            i += 1;
            if i == nxs {
                i = 0;
            }
        }
    }
}

/// Mark the raster points within `rad` of (x, y) (see [`visit_disc`]); returns how many of them
/// were not marked before.
#[allow(clippy::too_many_arguments)]
fn mark_disc(covered: &mut [bool], nxs: usize, nys: usize, sx: f64, sy: f64, x: f64, y: f64, rad: f64) -> usize {
    let mut newly = 0;
    visit_disc(nxs, nys, sx, sy, x, y, rad, true, |k| {
        newly += usize::from(!covered[k]);
        covered[k] = true;
    });
    newly
}

/// Lateral spacing of the surface raster on which the overlap of barrier footprints is
/// measured, µm. Numerical choice: for two footprints of radius 87 µm (an 80 µm entry) the
/// measured overlap share is within 0.015 of the exact lens area at 0.5, 1 and 1.5 radii apart
/// (`confluent_share_is_the_overlap_of_the_footprints`); the cost is one raster pass per session.
pub const FOOTPRINT_RASTER_UM: f64 = 10.0;

/// Confluent share of each column's barrier disruption by the channels of session `session`:
/// of the surface covered by at least one disruption footprint (a disc of radius
/// √`footprint`·(d_s/2 + m) around each entry, the area the barrier loss φ_B = 1 − e^(−footprint·V/V)
/// assigns to a puncture), the part covered by two or more. Measured on the actual entry
/// positions (a raster of [`FOOTPRINT_RASTER_UM`]), so isolated punctures give 0 however many
/// share a column, and coalescing ones give → 1. Columns with no footprint give 0. The raster
/// does not wrap at the patch edge: a device pattern clipped to the patch (a stamp wider than
/// it) is not periodic, and wrapping it would put punctures of opposite edges side by side.
pub fn confluent_shares(
    grid: &TissueGrid,
    channels: &ChannelSet,
    session: u32,
    margin_um: f64,
    footprint: f64,
) -> Vec<f64> {
    let ncols = grid.ncols();
    let Raster { nxs, nys, sx, sy, col_of, .. } = Raster::new(grid, FOOTPRINT_RASTER_UM);
    let mut hits = vec![0u8; nxs * nys];
    for i in channels.of_session(session).filter(|&i| channels.depth_um[i] > 0.0) {
        let rad = footprint.max(0.0).sqrt() * (channels.surface_diameter_um[i].max(0.0) / 2.0 + margin_um);
        visit_disc(nxs, nys, sx, sy, channels.x_um[i], channels.y_um[i], rad, false, |k| {
            hits[k] = hits[k].saturating_add(1)
        });
    }
    let (mut once, mut more) = (vec![0usize; ncols], vec![0usize; ncols]);
    for (k, &h) in hits.iter().enumerate() {
        match h {
            0 => {}
            1 => once[col_of[k]] += 1,
            _ => more[col_of[k]] += 1,
        }
    }
    (0..ncols).map(|c| if once[c] + more[c] > 0 { more[c] as f64 / (once[c] + more[c]) as f64 } else { 0.0 }).collect()
}

/// Cross-section of the matrix a sharp needle tears at one depth, µm²: a band of half-width `m`
/// (the damage margin) on each face of a planar crack as long as the recoiled wall is wide,
/// A_t = 2·(d/2)·2m = 2 d m.
///
/// A sharp-tipped punch penetrates skin by forming and wedging open a mode I planar crack that
/// advances with it (Shergold & Fleck 2005, J Biomech Eng 127:838, in vivo human skin, abstract,
/// retrieved): the tissue beside the needle is parted and pushed aside, and fibres are broken
/// only along the crack. The crack's length is taken as the channel's wall diameter d (assumed:
/// the tissue the needle parted, `ChannelSet::wall_diameter_at_depth_um`) and the torn band's
/// half-width as the damage margin m (the same assumed crush/shear width as the cell damage).
/// Before 2026-12-03 the whole annulus d/2 < ρ ≤ d/2 + m was counted as torn,
/// π(m² + d m), π/2 ≈ 1.6× this band for m ≪ d.
pub fn torn_band_area_um2(half_width_um: f64, margin_um: f64) -> f64 {
    4.0 * half_width_um.max(0.0) * margin_um.max(0.0)
}

/// Add the damage volume of channel `i` to the cells it crosses (`vol` by flat cell index), and
/// the volume of matrix it tears (the band of [`torn_band_area_um2`] along its crack) to `rim`.
#[allow(clippy::too_many_arguments)]
fn add_track_volume(
    grid: &TissueGrid,
    channels: &ChannelSet,
    i: usize,
    margin_um: f64,
    nz: usize,
    shares: &mut Vec<(usize, f64)>,
    vol: &mut [f64],
    rim: &mut [f64],
) {
    const SLICES: usize = 8;
    let ncols = grid.ncols();
    let depth = channels.depth_um[i];
    let (x, y) = (channels.x_um[i], channels.y_um[i]);
    let mut shares_radius = f64::NAN;
    for iz in 0..nz {
        let z0 = grid.z_top_um[iz];
        let z1 = (z0 + grid.dz_um[iz]).min(depth);
        if z1 <= z0 {
            break;
        }
        let h = (z1 - z0) / SLICES as f64;
        for s in 0..SLICES {
            let z = z0 + (s as f64 + 0.5) * h;
            let half_width = channels.wall_diameter_at_depth_um(i, z) / 2.0;
            let rad = half_width + margin_um;
            if rad != shares_radius {
                disc_shares(grid, x, y, rad, shares);
                shares_radius = rad;
            }
            let v = std::f64::consts::PI * rad * rad * h;
            let v_rim = torn_band_area_um2(half_width, margin_um) * h;
            for &(col, f) in shares.iter() {
                vol[iz * ncols + col] += v * f;
                rim[iz * ncols + col] += v_rim * f;
            }
        }
    }
}

/// Bleeding weight of a layer (relative clot formed per unit injured volume and unit capillary
/// density).
pub fn bleed_weight(layer: Layer, r: &Rates) -> f64 {
    match layer {
        Layer::StratumCorneum | Layer::ViableEpidermis => 0.0,
        Layer::PapillaryDermis => r.bleed_papillary,
        Layer::ReticularDermis => r.bleed_reticular,
        Layer::Subcutis => r.bleed_subcutis,
    }
}

/// What one session does to one cell (see [`Injury`] for each field).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CellInjury {
    /// Injured (damage-zone) volume fraction.
    pub phi: f64,
    /// Poisson estimate of it, for the capillaries ([`Injury::phi_vessels`]).
    pub phi_vessels: f64,
    /// Torn-matrix (shear-rim) volume fraction.
    pub phi_torn: f64,
    /// Barrier-disrupted fraction of the column's surface (epidermis).
    pub phi_barrier: f64,
    /// Confluent share of that disruption (epidermis; [`confluent_shares`]).
    pub confluent: f64,
    /// Response-zone fraction.
    pub zone: f64,
    /// Mean squared distance of the cell's wounded tissue to intact tissue, µm².
    pub wound_sq_dist_um2: f64,
}

impl Injury {
    /// The injury of cell `k` (flat index) in a grid of `ncols` columns.
    pub fn cell(&self, k: usize, ncols: usize) -> CellInjury {
        CellInjury {
            phi: self.phi[k],
            phi_vessels: self.phi_vessels[k],
            phi_torn: self.phi_torn[k],
            phi_barrier: self.phi_barrier[k % ncols],
            confluent: self.barrier_confluent[k % ncols],
            zone: self.zone[k],
            wound_sq_dist_um2: self.wound_sq_dist_um2[k],
        }
    }
}

/// Apply an injured fraction `phi` (and barrier loss `phi_b` for the epidermis) to the current
/// state `y` of one cell. Injury acts on the *current* state: cells, vessels and matrix in the
/// damage zone are lost, debris and clot are added, the wound sub-volume grows.
pub fn apply(y: &mut [f64], comp: Compartment, layer: Layer, cell: CellInjury, r: &Rates) {
    let CellInjury { phi, phi_vessels, phi_torn, phi_barrier: phi_b, confluent, zone, .. } = cell;
    use Var::*;
    if comp == Compartment::Connective && zone > 0.0 {
        let z = y[ResponseZone.index()];
        y[ResponseZone.index()] = z + zone.min(1.0) * (1.0 - z);
    }
    if phi <= 0.0 && phi_b <= 0.0 {
        return;
    }
    let keep = 1.0 - phi;
    let frag = 1.0 - r.matrix_fragmentation * phi_torn;
    y[Debris.index()] += phi * r.debris_full;
    let w = y[WoundFraction.index()];
    y[WoundFraction.index()] = w + phi * (1.0 - w);
    for v in [Neutrophils, MacrophagesM1, MacrophagesM2] {
        y[v.index()] *= keep;
    }
    match comp {
        Compartment::Connective => {
            let cap = y[Capillaries.index()].max(0.0);
            y[Clot.index()] = (y[Clot.index()] + phi * bleed_weight(layer, r) * cap).min(1.0);
            // The old wound's fibroblasts survive outside the new damage zones; the newly
            // wounded volume φ(1 − W) starts with none.
            for v in [Fibroblasts, FibroblastsInWound, Myofibroblasts] {
                y[v.index()] *= keep;
            }
            y[Capillaries.index()] *= 1.0 - phi_vessels;
            for v in [CollagenIII, CollagenI, CollagenNew, Elastin, Tropoelastin, ElastinAssembly] {
                y[v.index()] *= frag;
            }
        }
        Compartment::Epidermis => {
            y[Epidermis.index()] *= keep;
            let lost = y[Barrier.index()] * phi_b;
            y[Barrier.index()] -= lost;
            y[BarrierConfluentDeficit.index()] += confluent * lost;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::HealingSettings;
    use mnsim_core::{Patch, Sex, Skin};

    fn grid(cell_um: f64) -> TissueGrid {
        let skin = Skin::at_site("cheek", 40.0, Sex::Female).expect("cheek is a built-in site");
        let s = HealingSettings { tissue_cell_um: cell_um, ..HealingSettings::default() };
        TissueGrid::new(&skin, Patch { width_um: 1000.0, height_um: 1000.0 }, &s).expect("valid grid")
    }

    /// Area of the part of a disc (radius r) beyond a chord at distance d from its centre.
    fn segment_fraction(r: f64, d: f64) -> f64 {
        (r * r * (d / r).acos() - d * (r * r - d * d).sqrt()) / (std::f64::consts::PI * r * r)
    }

    #[test]
    fn disc_shares_match_the_exact_overlap() {
        let g = grid(250.0);
        let mut shares = vec![];
        // Disc of radius 80 µm centred 30 µm left of the boundary x = 250 µm, far from y edges.
        disc_shares(&g, 220.0, 125.0, 80.0, &mut shares);
        let total: f64 = shares.iter().map(|s| s.1).sum();
        assert!((total - 1.0).abs() < 1e-12, "shares sum to {total}");
        let right = shares.iter().find(|s| s.0 == 1).map(|s| s.1).unwrap_or(0.0);
        let exact = segment_fraction(80.0, 30.0);
        assert!((right - exact).abs() < 0.01, "share across the boundary {right:.4} vs exact {exact:.4}");
        // Wholly inside: one column.
        disc_shares(&g, 125.0, 125.0, 80.0, &mut shares);
        assert_eq!(shares, vec![(0, 1.0)]);
        // Periodic: a disc at the patch corner spreads over the four corner columns equally.
        disc_shares(&g, 0.0, 0.0, 80.0, &mut shares);
        assert_eq!(shares.len(), 4);
        for s in &shares {
            assert!((s.1 - 0.25).abs() < 0.01, "corner share {s:?}");
        }
    }

    #[test]
    fn injured_volume_does_not_depend_on_the_column_width() {
        let mut channels = crate::protocol::uniform_course(1, 40, 900.0, 120.0, 1000.0, 1000.0, 0.0);
        for i in 0..channels.len() {
            // off-centre entry points, so discs cross column boundaries at every grid
            channels.x_um[i] = 37.0 + 23.7 * i as f64;
            channels.y_um[i] = (91.0 * i as f64) % 1000.0;
        }
        let r = Rates::default();
        let mut totals = vec![];
        for cell in [500.0, 250.0, 125.0, 62.5] {
            let g = grid(cell);
            let inj = session_injury(&g, &channels, 0, 400.0, &r, WoundModel::CellMean);
            // Σ −ln(1 − φ)·V_cell recovers the summed zone volume (before the union).
            let v: f64 = (0..g.ncells()).map(|k| -(1.0 - inj.phi[k]).ln() * g.volume_um3(k / g.ncols())).sum();
            totals.push(v);
        }
        for v in &totals {
            assert!((v / totals[0] - 1.0).abs() < 1e-9, "summed damage volume by grid: {totals:?}");
        }
    }

    /// The connective injured fraction is the exact union of the damage discs: for one track it
    /// sums to the track's damage volume (quadrature of π a(z)², a = d(z)/2 + m) on every grid,
    /// within the raster's accuracy, and a cell the disc covers is wholly wounded.
    #[test]
    fn exact_union_injury_is_the_damage_volume_of_the_track() {
        let mut channels = crate::protocol::uniform_course(1, 1, 600.0, 80.0, 1000.0, 1000.0, 0.0);
        channels.x_um[0] = 480.0;
        channels.y_um[0] = 510.0;
        let r = Rates::default();
        for cell in [500.0, 250.0, 125.0, 25.0] {
            let g = grid(cell);
            let inj = session_injury(&g, &channels, 0, 400.0, &r, WoundModel::SubCell);
            let (top, bottom) = (g.z_top_um[1], g.z_top_um[g.nz() - 1] + g.dz_um[g.nz() - 1]);
            let exact = one_zone_volume(&channels, r.damage_margin_um, 0.0, top, bottom);
            let got: f64 = (g.ncols()..g.ncells()).map(|k| inj.phi[k] * g.volume_um3(k / g.ncols())).sum();
            println!(
                "cell {cell} µm: union {got:.4e} vs track {exact:.4e} µm³ ({:+.2} %)",
                100.0 * (got / exact - 1.0)
            );
            assert!((got / exact - 1.0).abs() < 0.03, "cell {cell} µm: union {got:.4e} vs track {exact:.4e}");
            if cell == 25.0 {
                let full = (g.ncols()..g.ncells()).filter(|&k| inj.phi[k] > 0.999).count();
                assert!(full > 0, "a 25 µm cell inside the disc is wholly wounded");
            }
        }
    }

    /// The mean squared distance from a track's wound to intact tissue is a(z)⁴/6 ÷ a(z)²
    /// averaged over depth (a disc of radius a has ⟨d²⟩ = a²/6), within the raster's accuracy;
    /// cells it does not touch keep the sub-raster value.
    #[test]
    fn wound_distance_of_one_track_is_that_of_its_discs() {
        let mut channels = crate::protocol::uniform_course(1, 1, 600.0, 120.0, 1000.0, 1000.0, 0.0);
        channels.x_um[0] = 250.0;
        channels.y_um[0] = 250.0;
        let g = grid(500.0);
        let margin = 10.0;
        let d2 = damage_union(&g, &channels, 0, margin).sq_dist_um2;
        for iz in 1..g.nz() {
            let n = 2000;
            let (mut num, mut den) = (0.0, 0.0);
            for k in 0..n {
                let z = g.z_top_um[iz] + (k as f64 + 0.5) * g.dz_um[iz] / n as f64;
                let a = zone_radius_um(&channels, 0, z, margin, 0.0);
                num += a.powi(4) / 6.0;
                den += a * a;
            }
            let k = iz * g.ncols();
            if den > 0.0 && g.compartment(iz) == crate::state::Compartment::Connective {
                let exact = num / den;
                println!("row {iz}: raster {:.1} vs discs {exact:.1} µm²", d2[k]);
                // raster accuracy at 10 µm with the half-step correction: −10.6 % and −9.6 % on the
                // two rows the track crosses (without it, +50 % at 20 µm); the 1-D argument for
                // the half step over-corrects diagonally.
                assert!((d2[k] / exact - 1.0).abs() < 0.15, "row {iz}: {} vs {exact}", d2[k]);
            }
            assert!(d2[k + 1] > 0.0 && d2[k + 1] < 25.0, "untouched cell keeps the sub-raster value");
        }
    }

    /// Zone volume of channel 0 by fine quadrature of π ρ(z)² over depth (the exact union of
    /// one channel's zone).
    fn one_zone_volume(channels: &ChannelSet, margin: f64, reach: f64, z0: f64, z1: f64) -> f64 {
        let n = 20_000;
        let h = (z1 - z0) / n as f64;
        (0..n)
            .map(|k| {
                let rho = zone_radius_um(channels, 0, z0 + (k as f64 + 0.5) * h, margin, reach);
                std::f64::consts::PI * rho * rho * h
            })
            .sum()
    }

    fn zone_volume(g: &TissueGrid, zone: &[f64]) -> f64 {
        (0..g.ncells()).map(|k| zone[k] * g.volume_um3(k / g.ncols())).sum()
    }

    #[test]
    fn response_zone_of_one_channel_matches_its_volume() {
        let mut channels = crate::protocol::uniform_course(1, 1, 600.0, 80.0, 1000.0, 1000.0, 0.0);
        channels.x_um[0] = 480.0;
        channels.y_um[0] = 510.0;
        let (margin, reach) = (10.0, 149.0);
        for cell in [500.0, 250.0, 125.0] {
            let g = grid(cell);
            let zone = response_zone(&g, &channels, 0, margin, reach);
            // the zone is measured in the connective tissue only, below the epidermis cell
            let top = g.z_top_um[1];
            let bottom = g.z_top_um[g.nz() - 1] + g.dz_um[g.nz() - 1];
            let exact = one_zone_volume(&channels, margin, reach, top, bottom);
            let got = zone_volume(&g, &zone);
            println!(
                "cell {cell} µm: raster {got:.5e} vs exact {exact:.5e} µm³ ({:+.2} %)",
                100.0 * (got / exact - 1.0)
            );
            assert!((got / exact - 1.0).abs() < 0.02, "cell {cell} µm: raster {got:.4e} vs exact {exact:.4e} µm³");
            assert!(zone[..g.ncols()].iter().all(|&z| z == 0.0), "no zone in the epidermis");
            assert!(zone.iter().all(|&z| (0.0..=1.0).contains(&z)));
        }
    }

    #[test]
    fn response_zones_overlap_as_a_union() {
        let g = grid(250.0);
        let mut one = crate::protocol::uniform_course(1, 1, 600.0, 80.0, 1000.0, 1000.0, 0.0);
        one.x_um[0] = 480.0;
        one.y_um[0] = 510.0;
        let mut two = one.clone();
        for v in [&mut two.x_um, &mut two.y_um, &mut two.depth_um, &mut two.surface_diameter_um, &mut two.created_s] {
            v.push(v[0]);
        }
        two.session.push(0);
        let z1 = response_zone(&g, &one, 0, 10.0, 149.0);
        let z2 = response_zone(&g, &two, 0, 10.0, 149.0);
        assert_eq!(z1, z2, "a second puncture of the same spot adds no zone");
        // Dense punctures saturate the zone at 1; zero-depth channels make none.
        let dense = crate::protocol::uniform_course(1, 400, 600.0, 80.0, 1000.0, 1000.0, 0.0);
        let zd = response_zone(&g, &dense, 0, 10.0, 149.0);
        let k = 1 * g.ncols() + 5; // a papillary cell
        assert!(zd[k] > 0.99, "400 punctures per mm² cover the papillary dermis: {}", zd[k]);
        let mut none = dense.clone();
        none.depth_um.iter_mut().for_each(|d| *d = 0.0);
        assert!(response_zone(&g, &none, 0, 10.0, 149.0).iter().all(|&z| z == 0.0));
    }

    #[test]
    fn only_the_shear_rim_is_torn() {
        let g = grid(500.0);
        let channels = crate::protocol::uniform_course(1, 20, 600.0, 80.0, 1000.0, 1000.0, 0.0);
        let r = Rates::default();
        let inj = session_injury(&g, &channels, 0, 400.0, &r, WoundModel::CellMean);
        let k = g.ncols() + 1;
        assert!(
            inj.phi_torn[k] > 0.0 && inj.phi_torn[k] < inj.phi[k],
            "torn {} vs injured {}",
            inj.phi_torn[k],
            inj.phi[k]
        );
        let no_rim = Rates { damage_margin_um: 0.0, ..Rates::default() };
        let inj0 = session_injury(&g, &channels, 0, 400.0, &no_rim, WoundModel::CellMean);
        assert!(inj0.phi_torn.iter().all(|&t| t.abs() < 1e-15), "no margin, nothing torn");
    }

    /// The torn band of one isolated track is 2·d·m per unit depth (a band of half-width m on
    /// both faces of a planar crack of length d): on a column holding the whole track, the torn
    /// volume, −V ln(1 − φ_t), is the integral of 2·d(z)·m over the cell's depth.
    #[test]
    fn the_torn_band_is_twice_the_wall_diameter_times_the_margin() {
        let g = grid(1000.0);
        let channels = crate::protocol::uniform_course(1, 1, 800.0, 80.0, 1000.0, 1000.0, 0.0);
        let r = Rates::default();
        let inj = session_injury(&g, &channels, 0, 400.0, &r, WoundModel::CellMean);
        for iz in 1..g.nz() {
            let (z0, z1) = (g.z_top_um[iz], (g.z_top_um[iz] + g.dz_um[iz]).min(channels.depth_um[0]));
            if z1 <= z0 {
                continue;
            }
            let n = 20_000;
            let h = (z1 - z0) / n as f64;
            let exact: f64 = (0..n)
                .map(|j| {
                    2.0 * channels.wall_diameter_at_depth_um(0, z0 + (j as f64 + 0.5) * h) * r.damage_margin_um * h
                })
                .sum();
            let torn = -g.volume_um3(iz) * (1.0 - inj.phi_torn[iz * g.ncols()]).ln();
            assert!((torn / exact - 1.0).abs() < 0.01, "row {iz}: torn {torn} µm³ against {exact}");
        }
    }

    /// Two equal discs of radius a whose centres are d apart overlap by the lens area
    /// 2a²·acos(d/2a) − (d/2)·√(4a² − d²); their union is 2πa² − lens, so the confluent share of
    /// the disrupted surface is lens / union.
    #[test]
    fn confluent_share_is_the_overlap_of_the_footprints() {
        let g = grid(1000.0); // one column
        let mut two = crate::protocol::uniform_course(1, 1, 600.0, 80.0, 1000.0, 1000.0, 0.0);
        two.x_um[0] = 450.0;
        two.y_um[0] = 500.0;
        for v in [&mut two.x_um, &mut two.y_um, &mut two.depth_um, &mut two.surface_diameter_um, &mut two.created_s] {
            v.push(v[0]);
        }
        two.session.push(0);
        let (margin, footprint) = (10.0_f64, 3.0_f64);
        let a = footprint.sqrt() * (two.surface_diameter_um[0] / 2.0 + margin);
        // the same spot twice: all of it is confluent
        assert_eq!(confluent_shares(&g, &two, 0, margin, footprint), vec![1.0]);
        for d in [0.5 * a, a, 1.5 * a] {
            two.x_um[1] = 450.0 + d;
            let lens = 2.0 * a * a * (d / (2.0 * a)).acos() - 0.5 * d * (4.0 * a * a - d * d).sqrt();
            let exact = lens / (2.0 * std::f64::consts::PI * a * a - lens);
            let got = confluent_shares(&g, &two, 0, margin, footprint)[0];
            println!("d = {d:.1} µm (a = {a:.1}): raster {got:.4} vs exact {exact:.4}");
            assert!((got - exact).abs() < 0.02, "d = {d}: raster {got} vs exact {exact}");
        }
        // apart: isolated punctures are not confluent however close to each other they are
        two.x_um[1] = 450.0 + 2.05 * a;
        assert_eq!(confluent_shares(&g, &two, 0, margin, footprint), vec![0.0]);
        // on opposite edges of the patch: not side by side (the raster does not wrap)
        two.x_um[0] = 5.0;
        two.x_um[1] = 995.0;
        assert_eq!(confluent_shares(&g, &two, 0, margin, footprint), vec![0.0]);
        // a dense session coalesces
        let dense = crate::protocol::uniform_course(1, 400, 600.0, 80.0, 1000.0, 1000.0, 0.0);
        assert!(confluent_shares(&g, &dense, 0, margin, footprint)[0] > 0.95);
    }

    /// A confluent barrier deficit re-forms at the slow rate, an isolated one at the fast
    /// rate: after a session that leaves deficit d with confluent share c, the deficit is
    /// d·[(1 − c)·e^(−k_B t) + c·e^(−k_Bc t)] once the wounds are closed (checked by RK4 on the
    /// epidermal cell's right-hand side with the epidermis closed and no hold-open).
    #[test]
    fn confluent_barrier_deficit_recovers_at_the_slow_rate() {
        use crate::reaction::{CellParams, rhs};
        let r = Rates::default();
        let cell = CellParams::resting(Compartment::Epidermis);
        let (d0, c) = (0.6, 0.5);
        let mut y = crate::state::baseline(Compartment::Epidermis);
        y[Var::Barrier.index()] = 1.0 - d0;
        y[Var::BarrierConfluentDeficit.index()] = c * d0;
        let (dt, mut t) = (1e-3, 0.0); // days
        let mut k = [[0.0; crate::state::NSTATES]; 4];
        while t < 2.0 - 1e-12 {
            let mut tmp = y;
            rhs(&r, &cell, &tmp, &mut k[0]);
            for (stage, w) in [(1, 0.5), (2, 0.5), (3, 1.0)] {
                for i in 0..crate::state::NSTATES {
                    tmp[i] = y[i] + w * dt * k[stage - 1][i];
                }
                rhs(&r, &cell, &tmp, &mut k[stage]);
            }
            for i in 0..crate::state::NSTATES {
                y[i] += dt / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
            }
            t += dt;
        }
        let h = 24.0 * t;
        let exact = d0
            * ((1.0 - c) * (-r.barrier_recovery_per_h * h).exp() + c * (-r.barrier_confluent_recovery_per_h * h).exp());
        let got = 1.0 - y[Var::Barrier.index()];
        assert!((got - exact).abs() < 1e-6, "deficit after {h} h: {got} vs {exact}");
        let isolated_only = d0 * (-r.barrier_recovery_per_h * h).exp();
        assert!(got > 1e3 * isolated_only, "after 2 days the confluent part is what is left: {got} vs {isolated_only}");
    }
}
