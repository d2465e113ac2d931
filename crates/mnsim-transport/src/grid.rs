//! The finite-volume grid: uniform laterally (Δx = Δy), graded in depth with cell faces on every
//! layer interface, so each cell lies in exactly one layer.
//!
//! Storage order is x fastest, then y, then z: `idx = (k·ny + j)·nx + i`.

use crate::error::TransportError;
use mnsim_core::LayerStack;

/// Depth discretisation: cell faces and thicknesses, µm, and the layer of each cell.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ZGrid {
    /// Face depths, µm (nz + 1 values, first 0).
    pub faces_um: Vec<f64>,
    /// Cell thicknesses, µm (nz).
    pub dz_um: Vec<f64>,
    /// Layer index of each cell ([`mnsim_core::Layer::ALL`] order).
    pub layer: Vec<u8>,
}

impl ZGrid {
    /// Number of cells.
    pub fn nz(&self) -> usize {
        self.dz_um.len()
    }

    /// Cell-centre depths, µm.
    pub fn centres_um(&self) -> Vec<f64> {
        self.faces_um.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect()
    }

    /// Uniform grid of `n` cells over `[0, depth_um]`, all in layer `layer`.
    pub fn uniform(depth_um: f64, n: usize, layer: u8) -> ZGrid {
        let dz = depth_um / n as f64;
        ZGrid { faces_um: (0..=n).map(|k| k as f64 * dz).collect(), dz_um: vec![dz; n], layer: vec![layer; n] }
    }

    /// Stack of uniform sub-grids: `(thickness_um, cells, layer)` from the surface down.
    pub fn from_segments(segments: &[(f64, usize, u8)]) -> ZGrid {
        let mut faces = vec![0.0];
        let mut dz = Vec::new();
        let mut layer = Vec::new();
        for &(h, n, l) in segments {
            let n = n.max(1);
            let top = *faces.last().unwrap();
            for k in 0..n {
                let f = top + h * (k + 1) as f64 / n as f64;
                dz.push(f - faces.last().unwrap());
                faces.push(f);
                layer.push(l);
            }
        }
        ZGrid { faces_um: faces, dz_um: dz, layer }
    }

    /// Graded grid for a layered skin down to `depth_um`:
    /// the stratum corneum in `sc_cells` equal cells; the viable epidermis in cells of at most
    /// `epidermis_dz_um`; below, cells that start at `epidermis_dz_um` and grow by `growth` per
    /// cell up to `max_dz_um`, restarted at every layer interface so faces sit on interfaces.
    pub fn graded(
        layers: &LayerStack,
        depth_um: f64,
        sc_cells: usize,
        epidermis_dz_um: f64,
        max_dz_um: f64,
        growth: f64,
    ) -> Result<ZGrid, TransportError> {
        if !(depth_um > layers.epidermis_um()) {
            return Err(TransportError::Settings(format!(
                "domain depth {depth_um} µm must exceed the epidermis ({} µm)",
                layers.epidermis_um()
            )));
        }
        let t = layers.thicknesses_um();
        let b = layers.bottoms_um();
        let mut faces = vec![0.0];
        let mut dz = Vec::new();
        let mut lay = Vec::new();
        let mut push = |f: f64, l: u8, faces: &mut Vec<f64>| {
            dz.push(f - faces.last().unwrap());
            faces.push(f);
            lay.push(l);
        };
        // SC
        let n_sc = sc_cells.max(1);
        for k in 0..n_sc {
            push(t[0] * (k + 1) as f64 / n_sc as f64, 0, &mut faces);
        }
        // VE
        let n_ve = (t[1] / epidermis_dz_um).ceil().max(1.0) as usize;
        for k in 0..n_ve {
            push(b[0] + t[1] * (k + 1) as f64 / n_ve as f64, 1, &mut faces);
        }
        // deeper layers, graded
        for l in 2..5 {
            let top = b[l - 1];
            let bot = b[l].min(depth_um);
            if bot <= top + 1e-9 {
                continue;
            }
            // sizes h_m = e·g^m capped at max: build then rescale to fit the segment exactly
            let mut sizes = Vec::new();
            let mut h = epidermis_dz_um;
            let mut acc = 0.0;
            while acc < bot - top - 1e-9 {
                let s = h.min(max_dz_um);
                sizes.push(s);
                acc += s;
                h *= growth;
            }
            let scale = (bot - top) / acc;
            let mut f = top;
            for s in sizes {
                f += s * scale;
                push(f, l as u8, &mut faces);
            }
            *faces.last_mut().unwrap() = bot;
            if bot >= depth_um {
                break;
            }
        }
        if *faces.last().unwrap() < depth_um - 1e-9 {
            return Err(TransportError::Settings(format!(
                "domain depth {depth_um} µm is deeper than the modelled tissue ({} µm)",
                layers.total_um()
            )));
        }
        // recompute dz from faces (last face may have been snapped)
        let dz: Vec<f64> = faces.windows(2).map(|w| w[1] - w[0]).collect();
        Ok(ZGrid { faces_um: faces, dz_um: dz, layer: lay })
    }
}

/// Full 3D grid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Grid {
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// Lateral cell size along x, µm.
    pub dx_um: f64,
    /// Lateral cell size along y, µm.
    pub dy_um: f64,
    /// Depth grid.
    pub z: ZGrid,
}

impl Grid {
    /// Number of cells along z.
    pub fn nz(&self) -> usize {
        self.z.nz()
    }
    /// Total voxels.
    pub fn len(&self) -> usize {
        self.nx * self.ny * self.nz()
    }
    /// True if empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Flat index of (i, j, k).
    #[inline]
    pub fn idx(&self, i: usize, j: usize, k: usize) -> usize {
        (k * self.ny + j) * self.nx + i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graded_grid_has_faces_on_interfaces() {
        let l = LayerStack {
            stratum_corneum_um: 15.0,
            viable_epidermis_um: 70.0,
            papillary_dermis_um: 200.0,
            reticular_dermis_um: 800.0,
            subcutis_um: 3000.0,
        };
        let g = ZGrid::graded(&l, 1085.0, 6, 5.0, 40.0, 1.2).unwrap();
        for b in l.bottoms_um().iter().take(4) {
            assert!(g.faces_um.iter().any(|f| (f - b).abs() < 1e-9), "no face at {b}");
        }
        assert!((g.faces_um.last().unwrap() - 1085.0).abs() < 1e-9);
        assert!(g.dz_um.iter().all(|&d| d > 0.0 && d <= 40.0 + 1e-9));
        assert_eq!(g.layer.len(), g.nz());
    }
}
