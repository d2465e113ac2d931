//! Physico-chemistry → transport parameters.
//!
//! Every function states its equation and source; `docs/model/transport.md` repeats them with
//! the parameter table. Internal units: µm, s; partition coefficients are tissue/water
//! (dimensionless); diffusivities µm²·s⁻¹; rate constants s⁻¹.

/// log10 of seconds per hour: converts log kp from cm/s to cm/h.
pub const LOG10_S_PER_H: f64 = 3.556_302_500_767_287;
/// µm·s⁻¹ per cm·h⁻¹ (1 cm/h = 10⁴ µm / 3600 s).
pub const UM_PER_S_PER_CM_PER_H: f64 = 1.0e4 / 3600.0;

/// Potts–Guy intercept, log10(cm/s) (Potts & Guy 1992, Pharm Res 9:663, main equation).
pub const POTTS_GUY_INTERCEPT_CM_PER_S: f64 = -6.3;
/// Potts–Guy slope on log Kow (Potts & Guy 1992).
pub const POTTS_GUY_LOGP_SLOPE: f64 = 0.71;
/// Potts–Guy slope on MW, per Da (Potts & Guy 1992).
pub const POTTS_GUY_MW_SLOPE: f64 = -0.0061;
/// Floor on log10 kp, cm/h. Assumed: below 10⁻¹² cm/h nothing measurable crosses intact stratum
/// corneum within days (10 mg/mL gives < 10⁻⁷ µg·cm⁻² in 24 h); the floor keeps the
/// extrapolation of Potts–Guy to MDa polymers (which gives 10⁻⁶⁰⁰⁰) representable in f32.
pub const LOG_KP_FLOOR_CM_PER_H: f64 = -12.0;

/// Reference stratum-corneum thickness of the membranes Potts–Guy was fitted on, µm. Assumed:
/// 15 µm, the middle of the 10–20 µm used by skin permeation models
/// (`reference/transport-healing.md` §2, recalled). The SC diffusivity is set so that a SC of this
/// thickness has exactly the Potts–Guy kp; thicker SC at a site then gives a lower kp.
pub const SC_REFERENCE_THICKNESS_UM: f64 = 15.0;

/// SC lipid volume fraction (Chen et al. 2010 Table III: 0.125 × 0.45, via US EPA httk).
pub const SC_PHI_LIPID: f64 = 0.125 * 0.45;
/// SC protein (corneocyte keratin) volume fraction (Chen 2010: 0.875 × 0.45).
pub const SC_PHI_PROTEIN: f64 = 0.875 * 0.45;
/// SC water volume fraction (Chen 2010: 0.55).
pub const SC_PHI_WATER: f64 = 0.55;
/// Lipid density, g/cm³ (Nitsche et al. 2006, via httk).
pub const RHO_LIPID: f64 = 0.9;
/// Protein density, g/cm³ (Nitsche et al. 2006, via httk).
pub const RHO_PROTEIN: f64 = 1.37;
/// Water density, g/cm³.
pub const RHO_WATER: f64 = 1.0;

/// Boltzmann constant, J/K.
pub const K_BOLTZMANN: f64 = 1.380_649e-23;
/// Avogadro constant, 1/mol.
pub const N_AVOGADRO: f64 = 6.022_140_76e23;
/// Skin-surface temperature, K (32 °C; standard in vitro permeation temperature, OECD 428).
pub const SKIN_TEMPERATURE_K: f64 = 305.15;
/// Viscosity of water at 32 °C, Pa·s (0.765 mPa·s; CRC handbook value, recalled).
pub const WATER_VISCOSITY_PA_S: f64 = 0.765e-3;
/// Partial specific volume for the equivalent-sphere radius, cm³/g (0.73, the usual protein
/// value; recalled). Reproduces caffeine's aqueous D (≈ 7.6·10⁻¹⁰ m²/s at 32 °C).
pub const PARTIAL_SPECIFIC_VOLUME_CM3_PER_G: f64 = 0.73;

/// Skin blood-flow-limited clearance rate for small solutes, s⁻¹. Recalled, unverified:
/// cutaneous blood flow ≈ 5 mL·(100 g)⁻¹·min⁻¹ = 8.3·10⁻⁴ s⁻¹ (textbook physiology); a freely
/// exchanging small solute is cleared at about the perfusion rate. No measured dermal clearance
/// rate constant was found (`reference/transport-healing.md` §4).
pub const CLEARANCE_BLOOD_PER_S: f64 = 8.3e-4;
/// Molecular weight scale above which capillary exchange falls off, Da. Assumed: continuous
/// capillaries pass solutes of a few kDa freely and restrict proteins.
pub const CLEARANCE_MW_SCALE_DA: f64 = 5_000.0;
/// Lymphatic clearance rate of macromolecules, s⁻¹. Assumed (≈ 19 h half-life; lymph flow is
/// of order 1 % of blood flow).
pub const CLEARANCE_LYMPH_PER_S: f64 = 1.0e-5;

/// Potts–Guy QSPR for the permeability coefficient of intact skin from water, log10 cm/h.
///
/// log10 kp[cm/s] = −6.3 + 0.71·log Kow − 0.0061·MW (Potts & Guy 1992, Pharm Res 9:663–669),
/// plus log10 3600 to give cm/h. Not floored.
pub fn potts_guy_log_kp_cm_per_h(mw_da: f64, log_p: f64) -> f64 {
    POTTS_GUY_INTERCEPT_CM_PER_S + LOG10_S_PER_H + POTTS_GUY_LOGP_SLOPE * log_p + POTTS_GUY_MW_SLOPE * mw_da
}

/// Stratum corneum / water partition coefficient, two-phase (lipid + keratin) plus water:
///
/// K_sc/w = φ_lip·(ρ_lip/ρ_w)·Kow^0.69 + φ_pro·(ρ_pro/ρ_w)·4.23·Kow^0.31 + φ_w
///
/// (Wang, Chen, Lian, Han 2010, Eq. 10, as implemented in US EPA httk; the water term φ_w·1 is
/// the water phase with partition 1, assumed).
pub fn sc_water_partition(log_p: f64) -> f64 {
    let kow = 10f64.powf(log_p);
    SC_PHI_LIPID * (RHO_LIPID / RHO_WATER) * kow.powf(0.69)
        + SC_PHI_PROTEIN * (RHO_PROTEIN / RHO_WATER) * 4.23 * kow.powf(0.31)
        + SC_PHI_WATER
}

/// Binding term of Chen et al. 2015: B = 0.68 + 0.32/fu + 0.025·f_non·K_sc/w.
pub fn chen_binding_term(unbound_fraction: f64, unionised_fraction: f64, k_sc: f64) -> f64 {
    0.68 + 0.32 / unbound_fraction + 0.025 * unionised_fraction * k_sc
}

/// Viable epidermis (and dermis) / water partition: K_ve = 0.7·B (Chen et al. 2015, Eq. 11).
pub fn viable_partition(binding: f64) -> f64 {
    0.7 * binding
}

/// Viable epidermis (and dermis) diffusivity, µm²·s⁻¹:
/// D_ve = 10^(−8.5 − 0.655·log10 MW) / B  m²·s⁻¹ (Chen et al. 2015, Eq. 15, via httk).
pub fn viable_diffusivity_um2_per_s(mw_da: f64, binding: f64) -> f64 {
    10f64.powf(-8.5 - 0.655 * mw_da.log10()) / binding * 1.0e12
}

/// Equivalent-sphere (Stokes) radius from MW, nm: r = (3·MW·v̄ / (4π·N_A))^(1/3).
pub fn equivalent_sphere_radius_nm(mw_da: f64) -> f64 {
    let v_cm3 = mw_da * PARTIAL_SPECIFIC_VOLUME_CM3_PER_G / N_AVOGADRO;
    (3.0 * v_cm3 / (4.0 * std::f64::consts::PI)).cbrt() * 1.0e7
}

/// Stokes–Einstein aqueous diffusivity at skin temperature, µm²·s⁻¹: D = k_B·T / (6π·η·r).
pub fn stokes_einstein_um2_per_s(radius_nm: f64) -> f64 {
    K_BOLTZMANN * SKIN_TEMPERATURE_K / (6.0 * std::f64::consts::PI * WATER_VISCOSITY_PA_S * radius_nm * 1.0e-9) * 1.0e12
}

/// First-order dermal clearance rate constant, s⁻¹:
/// k_cl = k_blood·exp(−MW / MW_c) + k_lymph (assumed form; constants above).
pub fn dermal_clearance_per_s(mw_da: f64) -> f64 {
    CLEARANCE_BLOOD_PER_S * (-mw_da / CLEARANCE_MW_SCALE_DA).exp() + CLEARANCE_LYMPH_PER_S
}

/// Physico-chemical description of one active.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Physchem {
    /// Molecular weight, Da.
    pub molecular_weight_da: f64,
    /// log10 octanol/water partition coefficient.
    pub log_p: f64,
    /// Hydrodynamic radius, nm (None: equivalent sphere from MW).
    pub hydrodynamic_radius_nm: Option<f64>,
    /// Fraction unbound in plasma/tissue (Chen 2015 `fu`), (0, 1].
    pub unbound_fraction: f64,
    /// Un-ionised fraction at skin pH (Chen 2015 `f_non`), [0, 1].
    pub unionised_fraction: f64,
}

/// Transport parameters of one active in each tissue, derived from [`Physchem`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TransportParams {
    /// Molecular weight, Da (kept for unit conversion mol ↔ µg).
    pub molecular_weight_da: f64,
    /// Potts–Guy log10 kp, cm/h, after the floor.
    pub log_kp_potts_guy_cm_per_h: f64,
    /// SC/water partition.
    pub k_sc: f64,
    /// SC diffusivity, µm²/s: D_sc = kp·h_ref / K_sc.
    pub d_sc_um2_per_s: f64,
    /// Viable epidermis / water partition.
    pub k_ve: f64,
    /// Viable epidermis diffusivity, µm²/s.
    pub d_ve_um2_per_s: f64,
    /// Dermis / water partition (same as viable epidermis, Chen 2015 lumps them).
    pub k_de: f64,
    /// Dermis diffusivity, µm²/s.
    pub d_de_um2_per_s: f64,
    /// Subcutis partition (assumed = dermis).
    pub k_sub: f64,
    /// Subcutis diffusivity, µm²/s (assumed = dermis).
    pub d_sub_um2_per_s: f64,
    /// Free aqueous diffusivity in open channels, µm²/s (Stokes–Einstein).
    pub d_aq_um2_per_s: f64,
    /// Partition of the channel fluid / water (1: the open channel holds interstitial water).
    pub k_channel: f64,
    /// Dermal clearance rate, s⁻¹.
    pub clearance_per_s: f64,
}

impl TransportParams {
    /// Derive all transport parameters. `clearance_override_per_s` replaces the default dermal
    /// clearance when given.
    ///
    /// SC: kp from Potts–Guy (floored at 10⁻¹² cm/h), K_sc from [`sc_water_partition`],
    /// D_sc = kp·h_ref/K_sc so that a membrane of thickness h_ref has exactly the Potts–Guy kp
    /// (steady flux K·D·ΔC/h).
    pub fn from_physchem(p: &Physchem, clearance_override_per_s: Option<f64>) -> TransportParams {
        let log_kp = potts_guy_log_kp_cm_per_h(p.molecular_weight_da, p.log_p).max(LOG_KP_FLOOR_CM_PER_H);
        let kp_um_s = 10f64.powf(log_kp) * UM_PER_S_PER_CM_PER_H;
        let k_sc = sc_water_partition(p.log_p);
        let d_sc = kp_um_s * SC_REFERENCE_THICKNESS_UM / k_sc;
        let b = chen_binding_term(p.unbound_fraction, p.unionised_fraction, k_sc);
        let k_ve = viable_partition(b);
        let d_ve = viable_diffusivity_um2_per_s(p.molecular_weight_da, b);
        let r = p.hydrodynamic_radius_nm.unwrap_or_else(|| equivalent_sphere_radius_nm(p.molecular_weight_da));
        let d_aq = stokes_einstein_um2_per_s(r);
        TransportParams {
            molecular_weight_da: p.molecular_weight_da,
            log_kp_potts_guy_cm_per_h: log_kp,
            k_sc,
            d_sc_um2_per_s: d_sc,
            k_ve,
            d_ve_um2_per_s: d_ve,
            k_de: k_ve,
            d_de_um2_per_s: d_ve,
            k_sub: k_ve,
            d_sub_um2_per_s: d_ve,
            d_aq_um2_per_s: d_aq,
            k_channel: 1.0,
            clearance_per_s: clearance_override_per_s.unwrap_or_else(|| dermal_clearance_per_s(p.molecular_weight_da)),
        }
    }

    /// (D, K) of a tissue layer, indexed like [`mnsim_core::Layer::ALL`].
    pub fn layer_dk(&self, layer_index: usize) -> (f64, f64) {
        match layer_index {
            0 => (self.d_sc_um2_per_s, self.k_sc),
            1 => (self.d_ve_um2_per_s, self.k_ve),
            2 | 3 => (self.d_de_um2_per_s, self.k_de),
            _ => (self.d_sub_um2_per_s, self.k_sub),
        }
    }

    /// Steady-state permeability of a laminate of layers (thickness µm, layer index) from water,
    /// cm/h: kp = 1 / Σ h_i/(K_i·D_i) (series resistances).
    pub fn laminate_kp_cm_per_h(&self, layers: &[(f64, usize)]) -> f64 {
        let r: f64 = layers
            .iter()
            .map(|&(h, l)| {
                let (d, k) = self.layer_dk(l);
                h / (k * d)
            })
            .sum();
        1.0 / r / UM_PER_S_PER_CM_PER_H
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caffeine_numbers_are_plausible() {
        // Stokes–Einstein for caffeine ≈ 7.6e-10 m²/s at 32 °C.
        let d = stokes_einstein_um2_per_s(equivalent_sphere_radius_nm(194.19));
        assert!((650.0..850.0).contains(&d), "{d}");
        let lk = potts_guy_log_kp_cm_per_h(194.19, -0.07);
        assert!((lk + 3.98).abs() < 0.01, "{lk}");
        let p = Physchem {
            molecular_weight_da: 194.19,
            log_p: -0.07,
            hydrodynamic_radius_nm: None,
            unbound_fraction: 1.0,
            unionised_fraction: 1.0,
        };
        let t = TransportParams::from_physchem(&p, None);
        let kp_sc = t.laminate_kp_cm_per_h(&[(SC_REFERENCE_THICKNESS_UM, 0)]);
        assert!((kp_sc.log10() - lk).abs() < 1e-12);
        assert!(t.d_ve_um2_per_s > 50.0 && t.d_ve_um2_per_s < 200.0, "{}", t.d_ve_um2_per_s);
    }

    #[test]
    fn mda_polymer_is_floored_and_finite() {
        let p = Physchem {
            molecular_weight_da: 1.0e6,
            log_p: -3.0,
            hydrodynamic_radius_nm: Some(78.0),
            unbound_fraction: 1.0,
            unionised_fraction: 0.0,
        };
        let t = TransportParams::from_physchem(&p, None);
        assert_eq!(t.log_kp_potts_guy_cm_per_h, LOG_KP_FLOOR_CM_PER_H);
        assert!(t.d_sc_um2_per_s > 0.0 && (t.d_sc_um2_per_s as f32) > 0.0);
        assert!(t.d_aq_um2_per_s.is_finite() && t.clearance_per_s > 0.0);
    }
}
