//! The coarse tissue grid: the patch cut into square columns, each column cut in depth into an
//! epidermis cell (stratum corneum + viable epidermis), papillary- and reticular-dermis slabs and
//! one subcutis cell. Lateral boundaries are periodic (a unit patch of a larger treated area);
//! top and bottom are closed.

use crate::error::HealingError;
use crate::settings::HealingSettings;
use crate::state::Compartment;
use mnsim_core::{Layer, Patch, Skin};
use serde::{Deserialize, Serialize};

/// Geometry of the tissue grid. Cell index: `(iz * ny + iy) * nx + ix`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TissueGrid {
    /// Columns along x.
    pub nx: usize,
    /// Columns along y.
    pub ny: usize,
    /// Column width along x, µm.
    pub dx_um: f64,
    /// Column width along y, µm.
    pub dy_um: f64,
    /// Depth of the top of each vertical cell below the surface, µm.
    pub z_top_um: Vec<f64>,
    /// Thickness of each vertical cell, µm.
    pub dz_um: Vec<f64>,
    /// Skin layer of each vertical cell (the epidermis cell is `ViableEpidermis`; the stratum
    /// corneum is lumped into it and represented by the barrier variable).
    pub layer: Vec<Layer>,
}

impl TissueGrid {
    /// Build the grid for a skin and patch.
    pub fn new(skin: &Skin, patch: Patch, s: &HealingSettings) -> Result<TissueGrid, HealingError> {
        if !(patch.width_um.is_finite() && patch.height_um.is_finite())
            || patch.width_um <= 0.0
            || patch.height_um <= 0.0
        {
            return Err(HealingError::Geometry(format!(
                "patch must have positive finite width and height, got {} × {} µm",
                patch.width_um, patch.height_um
            )));
        }
        let l = &skin.layers;
        for (name, v) in [
            ("stratum_corneum_um", l.stratum_corneum_um),
            ("viable_epidermis_um", l.viable_epidermis_um),
            ("papillary_dermis_um", l.papillary_dermis_um),
            ("reticular_dermis_um", l.reticular_dermis_um),
            ("subcutis_um", l.subcutis_um),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(HealingError::Geometry(format!("skin layer {name} = {v} µm")));
            }
        }
        if l.epidermis_um() <= 0.0 || l.papillary_dermis_um <= 0.0 || l.reticular_dermis_um <= 0.0 {
            return Err(HealingError::Geometry(
                "epidermis, papillary and reticular dermis must all be thicker than 0".into(),
            ));
        }
        let nx = (patch.width_um / s.tissue_cell_um).ceil().max(1.0) as usize;
        let ny = (patch.height_um / s.tissue_cell_um).ceil().max(1.0) as usize;
        let mut z_top = vec![];
        let mut dz = vec![];
        let mut layer = vec![];
        let mut z = 0.0;
        let mut push = |thick: f64, lay: Layer, slab: f64| {
            let n = (thick / slab).ceil().max(1.0) as usize;
            for _ in 0..n {
                z_top.push(z);
                dz.push(thick / n as f64);
                layer.push(lay);
                z += thick / n as f64;
            }
        };
        push(l.epidermis_um(), Layer::ViableEpidermis, f64::INFINITY);
        push(l.papillary_dermis_um, Layer::PapillaryDermis, s.dermis_slab_um);
        push(l.reticular_dermis_um, Layer::ReticularDermis, s.dermis_slab_um);
        let sub = l.subcutis_um.min(s.subcutis_depth_um);
        if sub > 1.0 {
            push(sub, Layer::Subcutis, f64::INFINITY);
        }
        Ok(TissueGrid {
            nx,
            ny,
            dx_um: patch.width_um / nx as f64,
            dy_um: patch.height_um / ny as f64,
            z_top_um: z_top,
            dz_um: dz,
            layer,
        })
    }

    /// Number of vertical cells per column.
    pub fn nz(&self) -> usize {
        self.dz_um.len()
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.nx * self.ny
    }

    /// Total number of cells.
    pub fn ncells(&self) -> usize {
        self.ncols() * self.nz()
    }

    /// Flat index of cell (ix, iy, iz).
    #[inline]
    pub fn idx(&self, ix: usize, iy: usize, iz: usize) -> usize {
        (iz * self.ny + iy) * self.nx + ix
    }

    /// Volume of a cell in layer row `iz`, µm³.
    pub fn volume_um3(&self, iz: usize) -> f64 {
        self.dx_um * self.dy_um * self.dz_um[iz]
    }

    /// Compartment of vertical cell `iz`.
    pub fn compartment(&self, iz: usize) -> Compartment {
        if self.layer[iz] == Layer::ViableEpidermis { Compartment::Epidermis } else { Compartment::Connective }
    }

    /// Column (ix, iy) containing surface point (x, y), µm (periodic wrap).
    pub fn column_of(&self, x_um: f64, y_um: f64) -> (usize, usize) {
        let w = self.dx_um * self.nx as f64;
        let h = self.dy_um * self.ny as f64;
        let xm = x_um.rem_euclid(w);
        let ym = y_um.rem_euclid(h);
        (((xm / self.dx_um) as usize).min(self.nx - 1), ((ym / self.dy_um) as usize).min(self.ny - 1))
    }
}
