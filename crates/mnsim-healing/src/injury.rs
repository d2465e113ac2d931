//! From the channels of one session to the injury of each tissue cell, and its application to
//! the current tissue state.
//!
//! Damage volume of channel i in cell k (vertical extent [z₀, z₁], column c):
//!
//! V_ik = ∫_{[z₀,z₁] ∩ [0, D_i]} A_c(i, a_i(z)) dz   (8-slice midpoint rule),
//!
//! with a_i(z) = d_i(z)/2 + m the radius of the damage disc (d_i(z) the open diameter of the
//! channel, [`mnsim_core::ChannelSet::diameter_at_depth_um`]; m the damage margin) and
//! A_c(i, a) the part of the disc of radius a centred on the track that lies in column c. A disc
//! that lies wholly inside its entry column gives A = πa² there; a disc that crosses a column
//! boundary is spread over the columns it overlaps by an equal-area quadrature of the disc
//! ([`DISC_RINGS`] × [`DISC_ANGLES`] points), so that the injured volume of a session does not
//! depend on the column width. The injured fraction of the cell is the Poisson-overlap (union
//! of randomly placed zones) φ_k = 1 − exp(−Σ_i V_ik / V_k), so that repeated punctures of the
//! same spot saturate. The re-epithelialisation rate of a column is 2 v / r̄ with r̄ the mean
//! surface damage radius of the discs that overlap it, weighted by their overlapping area.

use crate::grid::TissueGrid;
use crate::settings::Rates;
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
    /// Injured volume fraction per cell (flat cell index), 0..1.
    pub phi: Vec<f64>,
    /// Barrier-disrupted fraction of each column's surface, 0..1.
    pub phi_barrier: Vec<f64>,
    /// Re-epithelialisation rate per column, per day (None where no damage disc overlaps it).
    pub reepi_per_d: Vec<Option<f64>>,
    /// Number of channels of this session that pierced (depth > 0).
    pub n_channels: usize,
    /// Number of channels whose depth exceeds the superficial plexus (pinpoint bleeding).
    pub n_bleeding: usize,
}

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
        for k in 0..DISC_ANGLES {
            // offset by a quarter step so that no point lies on a column boundary through the centre
            let th = std::f64::consts::TAU * (k as f64 + 0.25 + 0.5 * (j % 2) as f64) / DISC_ANGLES as f64;
            let (cx, cy) = grid.column_of(x_um + rr * th.cos(), y_um + rr * th.sin());
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
) -> Injury {
    let ncols = grid.ncols();
    let nz = grid.nz();
    let mut vol = vec![0.0; grid.ncells()];
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
        add_track_volume(grid, channels, i, r.damage_margin_um, nz, &mut shares, &mut vol);
    }
    let mut phi = vec![0.0; grid.ncells()];
    for iz in 0..nz {
        let vc = grid.volume_um3(iz);
        for c in 0..ncols {
            let k = iz * ncols + c;
            phi[k] = 1.0 - (-vol[k] / vc).exp();
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
    Injury { phi, phi_barrier, reepi_per_d, n_channels, n_bleeding }
}

/// Add the damage volume of channel `i` to the cells it crosses (`vol` by flat cell index).
fn add_track_volume(
    grid: &TissueGrid,
    channels: &ChannelSet,
    i: usize,
    margin_um: f64,
    nz: usize,
    shares: &mut Vec<(usize, f64)>,
    vol: &mut [f64],
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
            let rad = channels.diameter_at_depth_um(i, z) / 2.0 + margin_um;
            if rad != shares_radius {
                disc_shares(grid, x, y, rad, shares);
                shares_radius = rad;
            }
            let v = std::f64::consts::PI * rad * rad * h;
            for &(col, f) in shares.iter() {
                vol[iz * ncols + col] += v * f;
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

/// Apply an injured fraction `phi` (and barrier loss `phi_b` for the epidermis) to the current
/// state `y` of one cell. Injury acts on the *current* state: cells, vessels and matrix in the
/// damage zone are lost, debris and clot are added, the wound sub-volume grows.
pub fn apply(y: &mut [f64], comp: Compartment, layer: Layer, phi: f64, phi_b: f64, r: &Rates) {
    use Var::*;
    if phi <= 0.0 && phi_b <= 0.0 {
        return;
    }
    let keep = 1.0 - phi;
    let frag = 1.0 - r.matrix_fragmentation * phi;
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
            for v in [Fibroblasts, Myofibroblasts, Capillaries] {
                y[v.index()] *= keep;
            }
            for v in [CollagenIII, CollagenI, CollagenNew, Elastin] {
                y[v.index()] *= frag;
            }
        }
        Compartment::Epidermis => {
            y[Epidermis.index()] *= keep;
            y[Barrier.index()] *= 1.0 - phi_b;
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
            let inj = session_injury(&g, &channels, 0, 400.0, &r);
            // Σ −ln(1 − φ)·V_cell recovers the summed zone volume (before the union).
            let v: f64 = (0..g.ncells()).map(|k| -(1.0 - inj.phi[k]).ln() * g.volume_um3(k / g.ncols())).sum();
            totals.push(v);
        }
        for v in &totals {
            assert!((v / totals[0] - 1.0).abs() < 1e-9, "summed damage volume by grid: {totals:?}");
        }
    }
}
