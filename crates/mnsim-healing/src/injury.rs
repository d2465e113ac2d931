//! From the channels of one session to the injury of each tissue cell, and its application to
//! the current tissue state.
//!
//! Damage volume of channel i in cell k (vertical extent [z₀, z₁]):
//!
//! V_ik = ∫_{[z₀,z₁] ∩ [0, D_i]} π (d_i(z)/2 + m)² dz   (8-slice midpoint rule),
//!
//! with d_i(z) the open diameter of the channel ([`mnsim_core::ChannelSet::diameter_at_depth_um`])
//! and m the damage margin. The injured fraction of the cell is the Poisson-overlap
//! φ_k = 1 − exp(−Σ_i V_ik / V_k), so that repeated punctures of the same spot saturate.
//! Damage zones are assigned to the column holding the entry point (they are ≤ 0.2 mm wide,
//! smaller than a column).

use crate::grid::TissueGrid;
use crate::settings::Rates;
use crate::state::{Compartment, Var};
use mnsim_core::{ChannelSet, Layer};

/// Injury of one session on the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Injury {
    /// Injured volume fraction per cell (flat cell index), 0..1.
    pub phi: Vec<f64>,
    /// Barrier-disrupted fraction of each column's surface, 0..1.
    pub phi_barrier: Vec<f64>,
    /// Re-epithelialisation rate per column, per day (None where no channel hit).
    pub reepi_per_d: Vec<Option<f64>>,
    /// Number of channels of this session that pierced (depth > 0).
    pub n_channels: usize,
    /// Number of channels whose depth exceeds the superficial plexus (pinpoint bleeding).
    pub n_bleeding: usize,
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
    let mut r_n = vec![0usize; ncols];
    let mut n_channels = 0;
    let mut n_bleeding = 0;
    const SLICES: usize = 8;
    for i in channels.of_session(session) {
        let depth = channels.depth_um[i];
        if !(depth > 0.0) {
            continue;
        }
        n_channels += 1;
        if depth > plexus_depth_um {
            n_bleeding += 1;
        }
        let (ix, iy) = grid.column_of(channels.x_um[i], channels.y_um[i]);
        let col = iy * grid.nx + ix;
        r_sum[col] += channels.surface_diameter_um[i].max(0.0) / 2.0 + r.damage_margin_um;
        r_n[col] += 1;
        for iz in 0..nz {
            let z0 = grid.z_top_um[iz];
            let z1 = (z0 + grid.dz_um[iz]).min(depth);
            if z1 <= z0 {
                break;
            }
            let h = (z1 - z0) / SLICES as f64;
            let mut v = 0.0;
            for s in 0..SLICES {
                let z = z0 + (s as f64 + 0.5) * h;
                let rad = channels.diameter_at_depth_um(i, z) / 2.0 + r.damage_margin_um;
                v += std::f64::consts::PI * rad * rad * h;
            }
            vol[grid.idx(ix, iy, iz)] += v;
        }
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
            (r_n[c] > 0).then(|| {
                let rw = (r_sum[c] / r_n[c] as f64).max(1.0);
                // area of a closing disc shrinks at 2 v / r (per hour), ×24 per day
                2.0 * r.keratinocyte_front_um_per_h / rw * 24.0
            })
        })
        .collect();
    Injury { phi, phi_barrier, reepi_per_d, n_channels, n_bleeding }
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
