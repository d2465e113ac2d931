//! Steady-state permeability of intact membranes computed with the finite-volume solver
//! (used by the intact-skin validation against measured kp).

use crate::physchem::{TransportParams, UM_PER_S_PER_CM_PER_H};
use crate::solver::{BottomBoundary, LateralBoundary, Solver, SolverSpec, Vehicle};

/// Viable-epidermis thickness of a heat-separated epidermal membrane as used in in-vitro kp
/// measurements, µm. Assumed (the HuskinDB rows do not state it).
pub const EPIDERMAL_MEMBRANE_VE_UM: f64 = 50.0;

/// Steady-state kp (cm/h) of a laminate `(thickness µm, layer index)` from an aqueous infinite
/// dose into a perfect sink, solved with the FV solver (`cells_per_layer` cells each). Backward
/// Euler with very long steps reaches the steady state of the 1-D problem exactly (no splitting
/// in 1-D), so a few steps of 10¹⁵ s suffice.
pub fn steady_kp_cm_per_h(p: &TransportParams, layers: &[(f64, usize)], cells_per_layer: usize) -> f64 {
    let mut dz = vec![];
    let mut d = vec![];
    let mut k = vec![];
    let mut lay = vec![];
    for &(h, l) in layers {
        let (dd, kk) = p.layer_dk(l);
        for _ in 0..cells_per_layer {
            dz.push(h / cells_per_layer as f64);
            d.push(dd);
            k.push(kk);
            lay.push(l as u8);
        }
    }
    let nz = dz.len();
    let mut s = Solver::new(SolverSpec {
        nx: 1,
        ny: 1,
        dx_um: 1.0,
        dy_um: 1.0,
        dz_um: dz,
        layer: lay,
        d_um2_per_s: d,
        k,
        lambda_per_s: vec![0.0; nz],
        lateral: LateralBoundary::NoFlux,
        bottom: BottomBoundary::Sink,
        vehicle: Vehicle {
            coupled: true,
            infinite: true,
            partition: 1.0,
            volume_um: 1.0,
            amount: 0.0,
            infinite_concentration: 1.0,
        },
        threads: 1,
    });
    let dt = 1.0e15;
    for _ in 0..4 {
        s.step(dt);
    }
    s.acc.last_sunk / dt / UM_PER_S_PER_CM_PER_H
}
