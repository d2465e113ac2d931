//! The local (reaction) kinetics of one tissue cell: dy/dt = f(y; cell), time in days.
//!
//! The equations, their sources and what was changed are listed in `docs/model/healing.md`;
//! each block below names the model it comes from. Inputs to nonlinear terms are clamped at 0
//! so that small negative excursions of the integrator cannot feed back with the wrong sign.
//! At the homeostatic state of [`crate::state::baseline`] every right-hand side is exactly 0.

use crate::settings::Rates;
use crate::state::{COL1_BASELINE, COL3_BASELINE, Compartment, NSTATES, Var, is_active};

/// Smallest wound fraction used when localising the inflammatory (leukocyte) kinetics to the
/// wound sub-volume, W_e = W + 0.01 (resident immune surveillance volume; keeps the
/// localisation finite at homeostasis and in intact cells that leukocytes wander into). Also the
/// floor of the erythema read-out (`simulate::local_erythema_index`). Assumed.
pub const WOUND_FLOOR: f64 = 0.01;

/// Smallest wound fraction used when localising the growth-factor signals and the fibroblast
/// densities to the wound sub-volume, W_s = W + 0.001 (PDGF and TGF-β concentrations, the
/// granulation-tissue capacity and the myofibroblast switch). A numerical regularisation, not a
/// physical volume: chosen by the grid study of docs/model/healing.md § Convergence, where with
/// the leukocyte floor (0.01) in its place the default grid read a sparse three-session course's
/// collagen gain +8.9 % above a grid that resolves its wounds (a cell 3 % wounded localised its
/// signals over 4 % instead of 3 %); with 10⁻³ +3.9 %, with 10⁻⁴ +3.2 % (the resolved grid moves
/// by < 1 % over the three).
pub const SIGNAL_FLOOR: f64 = 0.001;

/// Per-cell parameters that are not global rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellParams {
    /// Compartment (epidermis or connective tissue).
    pub comp: Compartment,
    /// Re-epithelialisation rate of the open epidermis, per day (2 v / r_wound, set at each
    /// session from the channels that hit this column).
    pub reepi_per_d: f64,
    /// Open share of the epidermal cell right after the last session that opened it (0 if
    /// none): the local openness of the wounds is (1 − ε)/this, 1 while the wound is as open as
    /// when it was made, whatever share of the cell it takes.
    pub open_after_session: f64,
    /// Barrier deficit (1 − B) of the epidermal cell right after the last session that opened
    /// it (0 if none): the share of the cell's surface in the disrupted footprint.
    pub footprint_after_session: f64,
    /// Age factor of keratinocyte turnover and melanin clearance (1 at 40 y).
    pub age_turnover: f64,
    /// Age factor of collagen/elastin synthesis and fibroblast proliferation (1 at 40 y).
    pub age_synthesis: f64,
    /// Age factor of the confluent barrier's de novo recovery (1 at 25 y):
    /// exp(−β_age (age − 25)), β_age from Ghadially et al. 1995 (`mnsim_core::closure`).
    pub age_barrier: f64,
    /// Mean squared distance from the cell's wounded tissue to the nearest intact tissue, µm²
    /// (`injury::damage_union`, set by the last session that wounded the cell; 0 = the cell
    /// was never wounded, no exchange).
    pub wound_sq_dist_um2: f64,
    /// Whether the sub-cell wound model is on (`HealingSettings::wound_model`): fibroblasts
    /// inside and outside the cell's wound tracked apart ([`Var::FibroblastsInWound`]).
    pub sub_cell: bool,
    /// Gains of the topical actives acting on this cell now ([`crate::actives`]; zero without
    /// one): collagen synthesis in the papillary dermis, keratinocyte proliferation in the
    /// epidermis.
    pub active: crate::actives::ActiveGains,
}

impl CellParams {
    /// A cell of compartment `comp` at 40 y with no wound history (re-epithelialisation rate,
    /// openness and footprint 0, age factors 1).
    pub fn resting(comp: Compartment) -> CellParams {
        CellParams {
            comp,
            reepi_per_d: 0.0,
            open_after_session: 0.0,
            footprint_after_session: 0.0,
            age_turnover: 1.0,
            age_synthesis: 1.0,
            age_barrier: 1.0,
            wound_sq_dist_um2: 0.0,
            sub_cell: false,
            active: crate::actives::ActiveGains::default(),
        }
    }
}

/// Age factor relative to 40 y for a linear decline of `rate_per_y` from age 20, floored at 0.2.
///
/// f(a) = max(0.2, 1 − r·(max(a,20) − 20)) / (1 − 20 r).
pub fn age_factor(age_y: f64, rate_per_y: f64) -> f64 {
    let rel = |a: f64| (1.0 - rate_per_y * (a.max(20.0) - 20.0)).max(0.2);
    rel(age_y) / rel(40.0)
}

/// Decline of keratinocyte turnover with age, per year (Grove & Kligman 1983: ≈ 30–50 % slower
/// from the 20s to the 70s; recalled).
pub const AGE_TURNOVER_DECLINE_PER_Y: f64 = 0.008;
/// Decline of collagen synthesis with age, per year (Shuster 1975: skin collagen −1 %/y; recalled, SK37).
pub const AGE_SYNTHESIS_DECLINE_PER_Y: f64 = 0.01;

#[inline]
fn pos(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// Right-hand side of the local kinetics, dy/dt (per day), written into `dy`.
pub fn rhs(r: &Rates, cell: &CellParams, y: &[f64], dy: &mut [f64]) {
    use Var::*;
    let g = |v: Var| pos(y[v.index()]);
    let (c, d, p, t, n, m1, m2) =
        (g(Clot), g(Debris), g(Pdgf), g(Tgfb), g(Neutrophils), g(MacrophagesM1), g(MacrophagesM2));
    let (f, mf, c3, c1, cn, el, mmp, v, cap) = (
        g(Fibroblasts),
        g(Myofibroblasts),
        g(CollagenIII),
        g(CollagenI),
        g(CollagenNew),
        g(Elastin),
        g(Mmp),
        g(Vegf),
        g(Capillaries),
    );
    let (ep, b, k, mel, h, w) =
        (g(Epidermis), g(Barrier), g(KeratinocyteTurnover), g(Melanin), g(EpidermalThickness), g(WoundFraction));
    let we = w + WOUND_FLOOR;
    let ws = w + SIGNAL_FLOOR;
    let m = m1 + m2;

    // ---- Cooper et al. 2015 inflammatory phase, sterile (P = 0, C = E = 0), localised to the
    // wound sub-volume W: cell average = W × (Cooper kinetics of the local densities).
    let n_loc = n / we;
    let fi = m / (1.0 + (n_loc / r.neut_inf).powi(2)); // effective macrophages, cell average
    let r2 = r.neut_signal_debris * d;
    let r1 = r.mac_signal_debris * d + r.mac_signal_neut * n;
    let dd = -(r.debris_decay_per_d + (r.debris_clear_neut * n + r.debris_clear_mac * fi) / we) * d;
    let dn = r.neut_max_recruit_per_d * we * r2 / (r.neut_half_sat * we + r2)
        - r.neut_death_per_d * n
        - r.neut_efferocytosis * fi * n / we;
    let dm1 =
        r.mac_max_recruit_per_d * we * r1 / (r.mac_half_sat * we + r1) - (r.m1_to_m2_per_d + r.mac_death_per_d) * m1;
    let dm2 = r.m1_to_m2_per_d * m1 - r.mac_death_per_d * m2;

    // ---- clot, PDGF, TGF-β (Waugh & Sherratt 2006 TGF-β decay and macrophage source).
    let dc = -(r.clot_lysis_per_d + r.clot_clear_mac_per_d * m) * c;
    let dp = r.pdgf_decay_per_d * (c - p) + r.pdgf_from_mac_per_d * m;
    let dt = r.tgfb_decay_per_d * (1.0 - t)
        + r.tgfb_from_clot_per_d * c
        + r.tgfb_from_m1_per_d * m1
        + r.tgfb_from_m2_per_d * m2
        + r.tgfb_from_myo_per_d * mf;

    // Growth-factor signals on fibroblasts. The mediators come from the wound sub-volume W;
    // fibroblasts respond to the wound's local concentration (cell average ÷ W_e) inside the
    // response zone Z ⊇ W (the part of the cell within the wound's signalling reach,
    // `Rates::signal_reach_um`), so that the cell-average response Z·g(P/W_e) is extensive in
    // the wounded volume and does not depend on the size of the cell (no Jensen bias of a
    // saturating g on a cell mean).
    let zone = pos(y[ResponseZone.index()]).max(w);
    let h_t = {
        let x = pos(t - 1.0) / ws;
        x / (r.tgfb_half_sat + x)
    };
    let g_p = {
        let x = p / ws;
        x / (r.pdgf_half_sat + x)
    };
    let act = 1.0 - (1.0 - g_p) * (1.0 - h_t);
    // The myofibroblast switch and survival keep the cell-average TGF-β signal they were
    // calibrated on (HK-TL-04/05): localised, TGF-β stays saturating in the wound for as long
    // as macrophages remain and the switch runs to day 16, 10 % of peak at day 37.
    let h_t_cell = {
        let x = pos(t - 1.0);
        x / (r.tgfb_half_sat + x)
    };

    // Sub-cell wound model (`WoundModel::SubCell`, the default since 2026-12-02): the cell's
    // fibroblasts F are split into those inside the wound sub-volume W (amount F_w, density f_w = F_w/W_e,
    // granulation-tissue capacity `fib_capacity`) and those in the rest (density
    // f_i = (F − F_w)/(1 − W), capacity 1, homeostatic dermis). Each part proliferates on its own
    // density and only the fibroblasts inside the response zone (F_w + (Z − W) f_i) respond to
    // the wound's signals; the wound is refilled from around it over the mean squared distance
    // to intact tissue (`injury::damage_union`). In the default cell-mean model the cell mean f
    // stands for both parts.
    let fw = g(FibroblastsInWound).min(f);
    let f_i = pos(f - fw) / (1.0 - w).max(WOUND_FLOOR);
    let beside = pos(zone - w);
    let in_zone = fw + beside * f_i;
    let fib_responding = if cell.sub_cell { in_zone * act } else { f * zone * act };

    let mmp_fib = if cell.sub_cell { r.mmp_from_fib_act * in_zone * act } else { r.mmp_from_fib_act * f * zone * act };
    // MMP (aggregate), relaxing to its source; TGF-β inhibits the fibroblast part (Murphy 2012).
    let mmp_src = 1.0
        + r.mmp_from_neut * n
        + r.mmp_from_m1 * m1
        + r.mmp_from_m2 * m2
        + mmp_fib / (1.0 + r.mmp_tgfb_inhibition * h_t);
    let dmmp = r.mmp_relax_per_d * (mmp_src - mmp);

    // VEGF
    let mut vegf_src = 1.0 + r.vegf_from_m2 * m2 + r.vegf_from_m1 * m1;

    dy[..NSTATES].fill(0.0);
    dy[Clot.index()] = dc;
    dy[Debris.index()] = dd;
    dy[Pdgf.index()] = dp;
    dy[Tgfb.index()] = dt;
    dy[Neutrophils.index()] = dn;
    dy[MacrophagesM1.index()] = dm1;
    dy[MacrophagesM2.index()] = dm2;
    dy[Mmp.index()] = dmmp;
    dy[WoundFraction.index()] = -r.wound_resolution_per_d * w;

    match cell.comp {
        Compartment::Connective => {
            let sa = cell.age_synthesis;
            // ---- fibroblasts / myofibroblasts (Olsen, Sherratt & Maini 1995 form; capacity
            // of granulation tissue in the wound sub-volume).
            // Murphy et al. 2012: the switch needs TGF-β *and* tension; tension is taken to grow
            // with the new matrix laid down (collagen_new), which delays the myofibroblast peak.
            let tension = cn / (r.myo_tension_half_sat + cn);
            let (df, dfw, dmf) = if cell.sub_cell {
                let f_w = fw / ws;
                let prolif = sa * r.fib_death_per_d * r.fib_pdgf_gain * g_p;
                let prolif_w = prolif * fw * (1.0 - (f_w + mf / ws) / r.fib_capacity);
                let prolif_i = prolif * beside * f_i * (1.0 - f_i);
                // Exchange with the tissue around the wound (per cell volume): random motility
                // down the density difference across the wound's rim, at the slowest diffusive
                // mode of the wound, D_f/⟨d²⟩ (a disc: 0.96 D/⟨d²⟩), times W(1 − W) (no rim inside
                // a cell that is all wound or all intact) and β (`Rates::wound_refill_closure`,
                // 1). Chemotaxis is left out of the exchange: the pool mixes every arrival
                // through the wound at once, while a resolved wound fills from its rim as a
                // front, and with it the closure overshoots the resolved grid (docs/model/
                // healing.md § Convergence); motility alone is the closure with no free factor.
                let refill = if cell.wound_sq_dist_um2 > 0.0 {
                    r.wound_refill_closure * w * (1.0 - w).max(0.0) * 24.0 / cell.wound_sq_dist_um2
                        * r.fib_motility_um2_per_h
                        * (f_i - f_w)
                } else {
                    0.0
                };
                let switch = r.myo_diff_per_d * h_t_cell * tension;
                let to_myo = switch * (fw + SIGNAL_FLOOR * f_i);
                (
                    r.fib_death_per_d * (1.0 - f) + prolif_w + prolif_i - to_myo,
                    r.fib_death_per_d * (w - fw) + prolif_w - switch * fw + refill - r.wound_resolution_per_d * fw,
                    to_myo - r.myo_apoptosis_per_d * (1.0 - r.myo_survival_tgfb * h_t_cell) * mf,
                )
            } else {
                let cap_f = 1.0 + (r.fib_capacity - 1.0) * ws;
                let df = r.fib_death_per_d * (1.0 - f)
                    + sa * r.fib_death_per_d * r.fib_pdgf_gain * zone * g_p * f * (1.0 - (f + mf) / cap_f)
                    - r.myo_diff_per_d * h_t_cell * tension * f * ws;
                // Differentiation happens in the granulation tissue (wound sub-volume W) only.
                let dmf = r.myo_diff_per_d * h_t_cell * tension * f * ws
                    - r.myo_apoptosis_per_d * (1.0 - r.myo_survival_tgfb * h_t_cell) * mf;
                (df, 0.0, dmf)
            };
            // ---- collagen III/I with the added III → I conversion step.
            let ctot = c1 + c3;
            let room = pos((r.col_capacity - ctot) / (r.col_capacity - 1.0));
            // a topical active raises the synthesis of every fibroblast by (1 + g_c)
            let boost = 1.0 + cell.active.collagen_synthesis;
            let q_hom = r.col_turnover_per_d * sa * f * boost;
            let q_act = sa * r.col_synth_per_d * (fib_responding + r.col_synth_myo * mf) * room * boost;
            let deg = r.col_turnover_per_d * sa * mmp;
            let wound_deg = r.matrix_mmp_degradation_per_d * pos(mmp - 1.0);
            let excess = r.col_excess_remodel_per_d * mmp * pos(ctot - 1.0) / ctot.max(1e-9);
            let conv = r.col3_to_col1_per_d * mmp * (c3 - (COL3_BASELINE / COL1_BASELINE) * c1);
            let dc3 = q_hom * COL3_BASELINE + q_act * r.col3_share_new
                - conv
                - (deg + wound_deg * r.col3_mmp_susceptibility + excess) * c3;
            let dc1 = q_hom * COL1_BASELINE + q_act * (1.0 - r.col3_share_new) + conv - (deg + wound_deg + excess) * c1;
            let mean_sus = if ctot > 1e-9 { (c3 * r.col3_mmp_susceptibility + c1) / ctot } else { 1.0 };
            let dcn = q_act - (deg + wound_deg * mean_sus + excess) * cn;
            // ---- elastin: wound-induced tropoelastin matures into elastic fibres through two
            // stages of rate 2/τ (a gamma(2) delay of mean τ, Roten 1996); homeostatic
            // turnover stays in the mature pool (its delay is immaterial at 1/74 y).
            let (te, ea) = (g(Tropoelastin), g(ElastinAssembly));
            let k_mat = 2.0 / r.elastin_maturation_d;
            let el_loss = r.elastin_neut_per_d * n + wound_deg;
            let zone_fib = if cell.sub_cell { in_zone } else { f * zone };
            let dte = sa * r.elastin_synth_per_d * h_t * (zone_fib + mf) * room - (k_mat + el_loss) * te;
            let dea = k_mat * te - (k_mat + el_loss) * ea;
            let del = r.elastin_turnover_per_d * sa * (f - mmp * el) + k_mat * ea - el_loss * el;
            // ---- capillaries (VEGF-driven sprouting, regression when VEGF falls).
            vegf_src += r.vegf_from_hypoxia * pos(1.0 - cap);
            let g_v = {
                let x = pos(v - 1.0);
                x / (r.vegf_half_sat + x)
            };
            let cap_c = 1.0 + (r.cap_max - 1.0) * ws;
            let dcap = r.cap_sprout_per_d * g_v * cap * (1.0 - cap / cap_c)
                - r.cap_regress_per_d * (1.0 - g_v) * pos(cap - 1.0);
            dy[Fibroblasts.index()] = df;
            dy[FibroblastsInWound.index()] = dfw;
            dy[Myofibroblasts.index()] = dmf;
            dy[CollagenIII.index()] = dc3;
            dy[CollagenI.index()] = dc1;
            dy[CollagenNew.index()] = dcn;
            dy[Elastin.index()] = del;
            dy[Tropoelastin.index()] = dte;
            dy[ElastinAssembly.index()] = dea;
            dy[Capillaries.index()] = dcap;
            dy[ResponseZone.index()] = -r.wound_resolution_per_d * pos(y[ResponseZone.index()]);
        }
        Compartment::Epidermis => {
            let st = cell.age_turnover;
            vegf_src += r.vegf_from_wound_edge * pos(1.0 - ep);
            // Wound-edge keratinocytes: activated by the wound's local PDGF-like signal and by
            // the wound being open (local openness, intensive), with the turnover's time lag.
            let openness =
                if cell.open_after_session > 0.0 { (pos(1.0 - ep) / cell.open_after_session).min(1.0) } else { 0.0 };
            let ke = g(EdgeActivation);
            let p_loc = p / ws;
            let ke_src = 1.0
                + r.keratinocyte_gf_gain * p_loc / (r.pdgf_half_sat + p_loc)
                + r.keratinocyte_wound_gain * openness
                + cell.active.keratinocyte;
            let dep = cell.reepi_per_d * ke * (1.0 - ep);
            // Open wounds hold the barrier of their disrupted footprint open: the local form
            // of the loss, k_Bo·(local openness)·(barrier still standing inside the footprint),
            // with the footprint's barrier B − (1 − β) (β the footprint share), so that it does
            // not depend on how much intact surface shares the cell.
            let in_footprint = pos(b - (1.0 - cell.footprint_after_session));
            // Two ways back (since 2026-12-01): the deficit of isolated punctures closes at
            // k_B (lateral repair from the intact stratum corneum around them); the confluent
            // deficit s (overlapping footprints, nothing intact beside it) re-forms de novo at
            // k_Bc, as after complete removal of the stratum corneum.
            let s_conf = pos(y[BarrierConfluentDeficit.index()]).min(pos(1.0 - b));
            let k_conf = r.barrier_confluent_recovery_per_h * cell.age_barrier;
            let db = 24.0
                * (r.barrier_recovery_per_h * pos(1.0 - b - s_conf) + k_conf * s_conf
                    - r.barrier_open_per_h * openness * in_footprint);
            // a topical active (retinoid, EGF) raises the proliferation target by g_k
            let k_src = 1.0
                + r.keratinocyte_gf_gain * p / (r.pdgf_half_sat + p)
                + r.keratinocyte_wound_gain * pos(1.0 - ep)
                + cell.active.keratinocyte;
            let dk = (k_src - k) / r.keratinocyte_tau_d;
            let tau = r.epidermal_transit_d / st;
            let dh = (k - h) / tau;
            let dmel = (1.0 + r.melanin_inflammation_gain * (n + m1) - k * mel) / tau;
            dy[Epidermis.index()] = dep;
            dy[EdgeActivation.index()] = (ke_src - ke) / r.keratinocyte_tau_d;
            dy[Barrier.index()] = db;
            dy[BarrierConfluentDeficit.index()] = -24.0 * k_conf * s_conf;
            dy[KeratinocyteTurnover.index()] = dk;
            dy[EpidermalThickness.index()] = dh;
            dy[Melanin.index()] = dmel;
        }
    }
    dy[Vegf.index()] = r.vegf_relax_per_d * (vegf_src - v);
    for v in Var::ALL {
        if !is_active(cell.comp, v) {
            dy[v.index()] = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::baseline;

    /// Both wound models are at rest at homeostasis, in either compartment, whatever the
    /// cell's wound geometry.
    #[test]
    fn homeostasis_is_a_rest_point_of_both_wound_models() {
        let r = Rates::default();
        for comp in [Compartment::Connective, Compartment::Epidermis] {
            for sub_cell in [false, true] {
                let cell = CellParams { sub_cell, wound_sq_dist_um2: 400.0, ..CellParams::resting(comp) };
                let y = baseline(comp);
                let mut dy = [1.0; NSTATES];
                rhs(&r, &cell, &y, &mut dy);
                assert!(dy.iter().all(|d| *d == 0.0), "{comp:?}, sub-cell {sub_cell}: {dy:?}");
            }
        }
    }

    /// In the sub-cell model a wound emptied of fibroblasts is refilled from the intact tissue
    /// of its cell (and fibroblasts are neither made nor lost by the exchange itself: with
    /// proliferation, turnover, the switch and wound resolution off, F is constant while F_w
    /// rises towards the uniform share W·F).
    #[test]
    fn sub_cell_exchange_refills_the_wound_and_conserves_fibroblasts() {
        let r = Rates {
            fib_pdgf_gain: 0.0,
            fib_death_per_d: 0.0,
            myo_diff_per_d: 0.0,
            wound_resolution_per_d: 0.0,
            ..Rates::default()
        };
        let cell =
            CellParams { sub_cell: true, wound_sq_dist_um2: 900.0, ..CellParams::resting(Compartment::Connective) };
        let mut y = baseline(Compartment::Connective);
        let w = 0.4;
        y[Var::WoundFraction.index()] = w;
        y[Var::ResponseZone.index()] = 1.0;
        y[Var::Fibroblasts.index()] = 1.0 - w;
        let mut dy = [0.0; NSTATES];
        rhs(&r, &cell, &y, &mut dy);
        assert_eq!(dy[Var::Fibroblasts.index()], 0.0, "the exchange moves fibroblasts, it makes none");
        let expect = r.wound_refill_closure * w * (1.0 - w) * 24.0 / 900.0 * r.fib_motility_um2_per_h * 1.0;
        let got = dy[Var::FibroblastsInWound.index()];
        assert!((got - expect).abs() < 1e-12 * expect, "refill {got} vs β W(1 − W) D/⟨d²⟩ (f_i − f_w) = {expect}");
    }

    /// The two-stage maturation of wound-induced tropoelastin is a gamma(2) delay of mean τ:
    /// a pulse T₀ put into the first stage of a resting connective cell has matured into
    /// elastic fibres by t as T₀·(1 − e^(−x)(1 + x)), x = 2t/τ (4.5 % at 1 month, 26 % at
    /// 3 months, 59 % at 6 months for τ = 180 d), integrated here by RK4.
    #[test]
    fn tropoelastin_matures_with_the_documented_gamma_delay() {
        // the mature pool's own turnover (1/74 y) switched off to isolate the delay chain
        let r = Rates { elastin_turnover_per_d: 0.0, ..Rates::default() };
        let cell = CellParams::resting(Compartment::Connective);
        let pulse = 0.1;
        let mut y = baseline(Compartment::Connective);
        y[Var::Tropoelastin.index()] = pulse;
        let (dt, mut t) = (0.01, 0.0);
        let mut k = [[0.0; NSTATES]; 4];
        for (month, expect_pct) in [(30.0, 4.5), (90.0, 26.4), (180.0, 59.4)] {
            while t < month - 1e-9 {
                let mut tmp = y;
                rhs(&r, &cell, &tmp, &mut k[0]);
                for (stage, w) in [(1, 0.5), (2, 0.5), (3, 1.0)] {
                    for i in 0..NSTATES {
                        tmp[i] = y[i] + w * dt * k[stage - 1][i];
                    }
                    rhs(&r, &cell, &tmp, &mut k[stage]);
                }
                for i in 0..NSTATES {
                    y[i] += dt / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
                }
                t += dt;
            }
            let x = 2.0 * t / r.elastin_maturation_d;
            let exact = pulse * (1.0 - (-x).exp() * (1.0 + x));
            let matured = y[Var::Elastin.index()] - 1.0;
            assert!((matured - exact).abs() < 1e-6 * pulse, "t = {t}: matured {matured}, exact {exact}");
            assert!((100.0 * exact / pulse - expect_pct).abs() < 0.1, "documented share at {month} d");
            let left = y[Var::Tropoelastin.index()] + y[Var::ElastinAssembly.index()];
            assert!((left + matured - pulse).abs() < 1e-9 * pulse, "tropoelastin is conserved into fibres");
        }
    }
}
