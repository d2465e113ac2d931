//! Transport between tissue cells (the other half of the operator splitting): diffusion of
//! growth factors, random motility of leukocytes and fibroblasts, and fibroblast chemotaxis up
//! the PDGF gradient (Keller–Segel flux).
//!
//! Finite volumes on the tissue grid, periodic in x and y, closed at top and bottom. Between
//! neighbouring cells a and b at centre distance ℓ through a face of area A:
//!
//! J_{a→b} = A/ℓ · [ D (u_a − u_b) − χ ũ (P_b − P_a) ],  ũ = u_a if P_b > P_a else u_b (upwind),
//!
//! advanced with forward Euler in sub-steps of at most 0.45 / (largest outflow rate), which keeps
//! every species non-negative and conserves its total to round-off. Fibroblasts do not cross into
//! the epidermis (basement membrane). In the sub-cell wound model, of the fibroblasts a cell
//! gains or loses, the share W (its wound fraction) is booked to those inside its wound
//! ([`Var::FibroblastsInWound`], kept within [0, F]): on a grid fine enough that W is 0 or 1
//! this is exact, and on coarser ones the exchange inside a cell is `reaction::rhs`'s.

use crate::grid::TissueGrid;
use crate::settings::{Rates, WoundModel};
use crate::state::{Compartment, NSTATES, Var};

/// Face list of the grid, built once.
#[derive(Debug, Clone)]
pub struct Faces {
    /// (cell a, cell b, A/ℓ in µm, whether a fibroblast may cross).
    faces: Vec<(usize, usize, f64, bool)>,
    /// Cell volumes, µm³.
    vol: Vec<f64>,
}

impl Faces {
    /// Build the face list of a grid.
    pub fn new(g: &TissueGrid) -> Faces {
        let mut faces = vec![];
        let nz = g.nz();
        for iz in 0..nz {
            let fib_ok = g.compartment(iz) == Compartment::Connective;
            for iy in 0..g.ny {
                for ix in 0..g.nx {
                    let a = g.idx(ix, iy, iz);
                    if g.nx > 1 && (g.nx > 2 || ix == 0) {
                        let b = g.idx((ix + 1) % g.nx, iy, iz);
                        faces.push((a, b, g.dy_um * g.dz_um[iz] / g.dx_um, fib_ok));
                    }
                    if g.ny > 1 && (g.ny > 2 || iy == 0) {
                        let b = g.idx(ix, (iy + 1) % g.ny, iz);
                        faces.push((a, b, g.dx_um * g.dz_um[iz] / g.dy_um, fib_ok));
                    }
                    if iz + 1 < nz {
                        let b = g.idx(ix, iy, iz + 1);
                        let l = 0.5 * (g.dz_um[iz] + g.dz_um[iz + 1]);
                        let fib_cross = fib_ok && g.compartment(iz + 1) == Compartment::Connective;
                        faces.push((a, b, g.dx_um * g.dy_um / l, fib_cross));
                    }
                }
            }
        }
        let vol = (0..g.ncells()).map(|k| g.volume_um3(k / g.ncols())).collect();
        Faces { faces, vol }
    }
}

/// Advance transport over `dt_d` days in place.
pub fn step(faces: &Faces, r: &Rates, y: &mut [[f64; NSTATES]], dt_d: f64, wounds: WoundModel) {
    let per_d = 24.0; // µm²/h → µm²/d
    let gf = r.gf_diffusivity_um2_per_h * per_d;
    let leuk = r.leukocyte_motility_um2_per_h * per_d;
    let fib = r.fib_motility_um2_per_h * per_d;
    let chi = r.fib_chemotaxis_um2_per_h * per_d;
    let species: [(Var, f64, bool); 7] = [
        (Var::Pdgf, gf, false),
        (Var::Tgfb, gf, false),
        (Var::Vegf, gf, false),
        (Var::Neutrophils, leuk, false),
        (Var::MacrophagesM1, leuk, false),
        (Var::MacrophagesM2, leuk, false),
        (Var::Fibroblasts, fib, true),
    ];
    let n = y.len();
    let (i_f, i_fw, i_w) = (Var::Fibroblasts.index(), Var::FibroblastsInWound.index(), Var::WoundFraction.index());
    let sub_cell = wounds == WoundModel::SubCell;
    let fib_before: Vec<f64> = if sub_cell { y.iter().map(|c| c[i_f]).collect() } else { vec![] };
    let mut out = vec![0.0; n];
    let mut flux = vec![0.0; n];
    let ip = Var::Pdgf.index();
    for (v, d, is_fib) in species {
        if d <= 0.0 && !(is_fib && chi > 0.0) {
            continue;
        }
        let iv = v.index();
        // largest outflow rate → sub-steps
        out.fill(0.0);
        for &(a, b, t, fib_ok) in &faces.faces {
            if is_fib && !fib_ok {
                continue;
            }
            let c = if is_fib { chi * (y[b][ip] - y[a][ip]).abs() } else { 0.0 };
            let rate = t * (d + c);
            out[a] += rate / faces.vol[a];
            out[b] += rate / faces.vol[b];
        }
        let max_rate = out.iter().cloned().fold(0.0, f64::max);
        let nsub = ((dt_d * max_rate / 0.45).ceil() as usize).max(1);
        let h = dt_d / nsub as f64;
        for _ in 0..nsub {
            flux.fill(0.0);
            for &(a, b, t, fib_ok) in &faces.faces {
                if is_fib && !fib_ok {
                    continue;
                }
                let (ua, ub) = (y[a][iv].max(0.0), y[b][iv].max(0.0));
                let mut j = t * d * (ua - ub);
                if is_fib && chi > 0.0 {
                    let dp = y[b][ip] - y[a][ip];
                    let up = if dp > 0.0 { ua } else { ub };
                    j -= t * chi * up * dp;
                }
                flux[a] -= j;
                flux[b] += j;
            }
            for k in 0..n {
                y[k][iv] = (y[k][iv] + h * flux[k] / faces.vol[k]).max(0.0);
            }
        }
    }
    for (c, f0) in y.iter_mut().zip(fib_before).filter(|_| sub_cell) {
        let w = c[i_w].clamp(0.0, 1.0);
        c[i_fw] = (c[i_fw] + w * (c[i_f] - f0)).clamp(0.0, c[i_f].max(0.0));
    }
}
