//! The size of a transport problem before it is built: the grid that [`crate::simulate`] lays
//! out for a skin, a patch and the deepest channel, and the memory it will hold. Used by
//! `simulate` itself and by the work estimate of a scenario (`mnsim check`), so both agree.

use crate::error::TransportError;
use crate::grid::ZGrid;
use crate::spec::TransportSettings;
use mnsim_core::{Patch, Skin};

/// Bytes held per voxel by the solver: concentration (f64), reciprocal D·K (f32), three face
/// conductances (f32), capacity (f32) and sweep scratch (f64) — 8 + 4 + 12 + 4 + 2 ≈ 30 B,
/// the figure `mnsim bench transport` measures as `bytes per voxel`.
pub const BYTES_PER_VOXEL: usize = 30;
/// Bytes held per lateral column (per-plane scratch, channel maps, output planes), B.
pub const BYTES_PER_COLUMN: usize = 64;

/// The grid of one transport run: lateral cells per side, depth grid, voxels and bytes.
#[derive(Debug, Clone)]
pub struct GridSize {
    /// Depth of the domain, µm.
    pub depth_um: f64,
    /// Depth grid.
    pub zgrid: ZGrid,
    /// Lateral cells per side (the window is square).
    pub n_lateral: usize,
    /// Lateral cell size, µm.
    pub dx_um: f64,
    /// Window side, µm (a whole number of cells).
    pub width_um: f64,
    /// Voxels in all.
    pub voxels: usize,
    /// Memory the solver will hold, B.
    pub bytes: usize,
}

/// Lay out the grid for channels reaching `deepest_um` (0 when none pierced) on `patch`.
pub fn grid_size(
    skin: &Skin,
    patch: Patch,
    deepest_um: f64,
    settings: &TransportSettings,
) -> Result<GridSize, TransportError> {
    let l = &skin.layers;
    let depth = settings.domain_depth_um.unwrap_or_else(|| l.cutis_um().max(deepest_um + 200.0)).min(l.total_um());
    let zgrid =
        ZGrid::graded(l, depth, settings.sc_cells, settings.epidermis_dz_um, settings.max_dz_um, settings.dz_growth)?;
    let dx_um = settings.lateral_resolution_um;
    let width = settings.domain_width_um.min(patch.width_um).min(patch.height_um);
    let n_lateral = ((width / dx_um).round() as usize).max(1);
    let plane = n_lateral.saturating_mul(n_lateral);
    let voxels = plane.saturating_mul(zgrid.nz());
    let bytes = voxels.saturating_mul(BYTES_PER_VOXEL).saturating_add(plane.saturating_mul(BYTES_PER_COLUMN));
    Ok(GridSize { depth_um: depth, zgrid, n_lateral, dx_um, width_um: n_lateral as f64 * dx_um, voxels, bytes })
}

/// The memory limit of `settings` (`max_memory_gib`), B.
pub fn memory_limit_bytes(settings: &TransportSettings) -> usize {
    (settings.max_memory_gib * 1024f64.powi(3)) as usize
}
