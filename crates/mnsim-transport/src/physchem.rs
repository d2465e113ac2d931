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

// --- Ionisation (Henderson–Hasselbalch) --------------------------------------------------------

/// Acid/base character of an active, for its un-ionised fraction at the vehicle pH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IonisationKind {
    /// Not ionisable in the pH range of topical products (f_neutral = 1 at every pH).
    #[default]
    Neutral,
    /// A weak acid HA ⇌ H⁺ + A⁻ with the given pKa.
    Acid,
    /// A weak base B + H⁺ ⇌ BH⁺ with the given pKa (of the conjugate acid BH⁺).
    Base,
}

/// Smallest un-ionised fraction carried, dimensionless: keeps log D = log P + log10 f finite for a
/// fully ionised active (pH − pKa up to 14 gives 10⁻¹⁴; this floor is far below it and only
/// guards against 0 from underflow).
pub const NEUTRAL_FRACTION_FLOOR: f64 = 1.0e-30;

/// Un-ionised (neutral) fraction by Henderson–Hasselbalch, dimensionless in (0, 1]:
/// acid f = 1/(1 + 10^(pH − pKa)), base f = 1/(1 + 10^(pKa − pH)), neutral f = 1.
/// A `pka` of `None` is treated as neutral. Floored at [`NEUTRAL_FRACTION_FLOOR`].
pub fn neutral_fraction(kind: IonisationKind, pka: Option<f64>, ph: f64) -> f64 {
    let f = match (kind, pka) {
        (IonisationKind::Acid, Some(pka)) => 1.0 / (1.0 + 10f64.powf(ph - pka)),
        (IonisationKind::Base, Some(pka)) => 1.0 / (1.0 + 10f64.powf(pka - ph)),
        _ => 1.0,
    };
    f.max(NEUTRAL_FRACTION_FLOOR)
}

/// Effective distribution coefficient log D = log P + log10 f_neutral (only the neutral species
/// partitions into octanol/SC lipid; the ion pair partition is neglected, assumed).
pub fn log_d(log_p: f64, neutral_fraction: f64) -> f64 {
    log_p + neutral_fraction.max(NEUTRAL_FRACTION_FLOOR).log10()
}

// --- Polar (aqueous pore) pathway --------------------------------------------------------------

/// Effective radius of the aqueous pores of intact stratum corneum, nm. 2.0 nm = 20 Å: the middle
/// of the 10–28 Å range of SC aqueous pore radii reported in the literature (Moore, Shiloach,
/// Puvvada, Blankschtein 2003, J Cosmet Sci 54:143, synopsis — retrieved) and the 20 ± 5 Å of
/// glycerol-protected pig skin (Ghosh & Blankschtein 2007, J Cosmet Sci 58:109, p. 130 —
/// retrieved); Peck et al. 1994 (Pharm Res 11:1306) gave 15–25 Å for human epidermal membrane
/// (recalled, unverified). Not fitted to any permeability case.
pub const SC_PORE_RADIUS_NM: f64 = 2.0;
/// Area-specific electrical resistance of intact human skin in vitro, kΩ·cm². 25.4 = 10 kΩ over
/// a 2.54 cm² diffusion cell: the integrity limit of Davies et al. 2004, which Brackin et al. 2023
/// (Toxicol In Vitro 105735, abstract) found to split 9 978 measurements of one laboratory in
/// half, i.e. the median (retrieved). Sets the pores' porosity/tortuosity (below).
pub const SKIN_ELECTRICAL_RESISTANCE_KOHM_CM2: f64 = 25.4;
/// Electrical conductivity of the isotonic saline/PBS the resistance is measured in, S/m, at
/// 25 °C (0.9 % NaCl ≈ 1.6 S/m; handbook value, recalled, unverified).
pub const SALINE_CONDUCTIVITY_S_PER_M: f64 = 1.6;
/// Hydrodynamic radius of the current-carrying ion (Na⁺), nm: Stokes–Einstein radius from its
/// infinite-dilution diffusivity 1.33·10⁻⁵ cm²/s at 25 °C (Ghosh & Blankschtein 2007, p. 130,
/// retrieved; the porous-pathway theory of Tang et al. 2001 models the current as Na⁺) with water
/// viscosity 0.890 mPa·s at 25 °C (handbook, recalled): r = k_B·T/(6π·η·D) = 0.184 nm.
pub const CURRENT_ION_RADIUS_NM: f64 = 0.184;

/// Renkin (centreline, hard-sphere) hindrance factor for a sphere of radius r in a cylindrical
/// pore of radius r_p, dimensionless: with λ = r/r_p,
/// H(λ) = (1 − λ)²·(1 − 2.104·λ + 2.09·λ³ − 0.95·λ⁵) for λ < 1, 0 for λ ≥ 1
/// (partition (1 − λ)² times the centreline drag; as written in J Cosmet Sci 59:272, Eq. 3,
/// citing Anderson & Quinn — retrieved; the source states it for λ ≤ 0.4, beyond which it is an
/// extrapolation that stays positive and decreasing and reaches 0 at λ = 1).
pub fn renkin_hindrance(solute_radius_nm: f64, pore_radius_nm: f64) -> f64 {
    let l = solute_radius_nm / pore_radius_nm;
    if !(l < 1.0) {
        return 0.0;
    }
    let l = l.max(0.0);
    (1.0 - l).powi(2) * (1.0 - 2.104 * l + 2.09 * l.powi(3) - 0.95 * l.powi(5))
}

/// Porosity over tortuosity and path length of the SC aqueous pores, ε/(τ·L), µm⁻¹, from the
/// skin's electrical resistance (porous-pathway theory, Tang, Mitragotri, Blankschtein, Langer
/// 2001, J Pharm Sci 90:545 — form recalled): the ions cross the same hindered pores, so
/// 1/R = (ε/(τ·L))·σ·H(r_ion/r_p), i.e. ε/(τ·L) = 1/(R·σ·H(r_ion/r_p)).
pub fn pore_porosity_per_length_per_um(
    resistance_kohm_cm2: f64,
    conductivity_s_per_m: f64,
    pore_radius_nm: f64,
) -> f64 {
    // R: kΩ·cm² → Ω·m² (×10³ × 10⁻⁴); result m⁻¹ → µm⁻¹ (×10⁻⁶).
    let r_ohm_m2 = resistance_kohm_cm2 * 1.0e3 * 1.0e-4;
    let h_ion = renkin_hindrance(CURRENT_ION_RADIUS_NM, pore_radius_nm);
    1.0 / (r_ohm_m2 * conductivity_s_per_m * h_ion) * 1.0e-6
}

/// Permeability of the polar (aqueous pore) pathway of intact skin, cm/h:
/// kp_polar = ε/(τ·L) · D_aq(r) · H(r/r_p), D_aq the Stokes–Einstein diffusivity at skin
/// temperature, with the default pore constants above. Size dependent, independent of log P and
/// of ionisation (ions and neutral species cross the water-filled pores alike; charge–wall
/// interactions neglected, assumed).
pub fn polar_kp_cm_per_h(solute_radius_nm: f64) -> f64 {
    let eps_tau_l = pore_porosity_per_length_per_um(
        SKIN_ELECTRICAL_RESISTANCE_KOHM_CM2,
        SALINE_CONDUCTIVITY_S_PER_M,
        SC_PORE_RADIUS_NM,
    );
    let kp_um_s =
        eps_tau_l * stokes_einstein_um2_per_s(solute_radius_nm) * renkin_hindrance(solute_radius_nm, SC_PORE_RADIUS_NM);
    kp_um_s / UM_PER_S_PER_CM_PER_H
}

/// Intact-skin permeability, two parallel routes, cm/h (not floored):
/// kp = kp_lipid·f_neutral + kp_polar, kp_lipid the Potts–Guy value of the neutral species.
pub fn intact_kp_cm_per_h(mw_da: f64, log_p: f64, neutral_fraction: f64, solute_radius_nm: f64) -> f64 {
    10f64.powf(potts_guy_log_kp_cm_per_h(mw_da, log_p)) * neutral_fraction + polar_kp_cm_per_h(solute_radius_nm)
}

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
    /// Un-ionised fraction at the vehicle pH (Henderson–Hasselbalch, [`neutral_fraction`]; Chen
    /// 2015 `f_non`), (0, 1]. Only this fraction takes the lipid route.
    pub unionised_fraction: f64,
}

/// Transport parameters of one active in each tissue, derived from [`Physchem`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TransportParams {
    /// Molecular weight, Da (kept for unit conversion mol ↔ µg).
    pub molecular_weight_da: f64,
    /// Intact-skin log10 kp of the reference SC, cm/h, after the floor:
    /// log10(kp_lipid·f_neutral + kp_polar).
    pub log_kp_intact_cm_per_h: f64,
    /// Lipid-route log10 kp of the neutral species (Potts–Guy), cm/h, not floored.
    pub log_kp_lipid_cm_per_h: f64,
    /// Polar-route (aqueous pore) kp, cm/h (0 for a solute wider than the pores).
    pub kp_polar_cm_per_h: f64,
    /// Un-ionised fraction at the vehicle pH used.
    pub neutral_fraction: f64,
    /// SC/water partition, from log D.
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
    /// SC: kp = kp_lipid·f_neutral + kp_polar ([`intact_kp_cm_per_h`], floored at 10⁻¹² cm/h),
    /// K_sc from [`sc_water_partition`] at log D = log P + log10 f_neutral, D_sc = kp·h_ref/K_sc
    /// so that a membrane of thickness h_ref has exactly that kp (steady flux K·D·ΔC/h).
    pub fn from_physchem(p: &Physchem, clearance_override_per_s: Option<f64>) -> TransportParams {
        let r = p.hydrodynamic_radius_nm.unwrap_or_else(|| equivalent_sphere_radius_nm(p.molecular_weight_da));
        let f_n = p.unionised_fraction.clamp(NEUTRAL_FRACTION_FLOOR, 1.0);
        let log_kp_lipid = potts_guy_log_kp_cm_per_h(p.molecular_weight_da, p.log_p);
        let kp_polar = polar_kp_cm_per_h(r);
        let log_kp = intact_kp_cm_per_h(p.molecular_weight_da, p.log_p, f_n, r).log10().max(LOG_KP_FLOOR_CM_PER_H);
        let kp_um_s = 10f64.powf(log_kp) * UM_PER_S_PER_CM_PER_H;
        let k_sc = sc_water_partition(log_d(p.log_p, f_n));
        let d_sc = kp_um_s * SC_REFERENCE_THICKNESS_UM / k_sc;
        // Chen 2015's binding term weights the neutral species' SC partition by f_non itself.
        let b = chen_binding_term(p.unbound_fraction, f_n, sc_water_partition(p.log_p));
        let k_ve = viable_partition(b);
        let d_ve = viable_diffusivity_um2_per_s(p.molecular_weight_da, b);
        let d_aq = stokes_einstein_um2_per_s(r);
        TransportParams {
            molecular_weight_da: p.molecular_weight_da,
            log_kp_intact_cm_per_h: log_kp,
            log_kp_lipid_cm_per_h: log_kp_lipid,
            kp_polar_cm_per_h: kp_polar,
            neutral_fraction: f_n,
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
        // the reference SC carries exactly the two-route kp, and it exceeds Potts–Guy alone
        let two_route = intact_kp_cm_per_h(194.19, -0.07, 1.0, equivalent_sphere_radius_nm(194.19));
        assert!((kp_sc / two_route - 1.0).abs() < 1e-12);
        assert!(kp_sc.log10() > lk);
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
        assert_eq!(t.log_kp_intact_cm_per_h, LOG_KP_FLOOR_CM_PER_H);
        assert_eq!(t.kp_polar_cm_per_h, 0.0, "a 78 nm coil does not fit a 2 nm pore");
        assert!(t.d_sc_um2_per_s > 0.0 && (t.d_sc_um2_per_s as f32) > 0.0);
        assert!(t.d_aq_um2_per_s.is_finite() && t.clearance_per_s > 0.0);
    }

    #[test]
    fn henderson_hasselbalch_by_hand() {
        // acid pKa 4.2 at pH 5.2: 1/(1 + 10¹) = 1/11; base pKa 8 at pH 7: 1/(1 + 10¹) = 1/11
        assert!((neutral_fraction(IonisationKind::Acid, Some(4.2), 5.2) - 1.0 / 11.0).abs() < 1e-12);
        assert!((neutral_fraction(IonisationKind::Base, Some(8.0), 7.0) - 1.0 / 11.0).abs() < 1e-12);
        // acid pKa 4 at pH 2: 1/(1 + 10⁻²) = 100/101; base pKa 9.6 at pH 11.6: 100/101
        assert!((neutral_fraction(IonisationKind::Acid, Some(4.0), 2.0) - 100.0 / 101.0).abs() < 1e-12);
        assert!((neutral_fraction(IonisationKind::Base, Some(9.6), 11.6) - 100.0 / 101.0).abs() < 1e-12);
        // pH = pKa: half, for either kind
        for pka in [2.0, 4.2, 7.4, 9.6] {
            assert!((neutral_fraction(IonisationKind::Acid, Some(pka), pka) - 0.5).abs() < 1e-12);
            assert!((neutral_fraction(IonisationKind::Base, Some(pka), pka) - 0.5).abs() < 1e-12);
        }
        // neutral, or no pKa: 1 at every pH
        for ph in [0.0, 5.5, 14.0] {
            assert_eq!(neutral_fraction(IonisationKind::Neutral, Some(4.0), ph), 1.0);
            assert_eq!(neutral_fraction(IonisationKind::Acid, None, ph), 1.0);
        }
        // log D of an acid one unit above its pKa: log P − log10 11
        assert!(
            (log_d(1.87, neutral_fraction(IonisationKind::Acid, Some(4.2), 5.2)) - (1.87 - 11f64.log10())).abs()
                < 1e-12
        );
    }

    #[test]
    fn fully_ionised_turns_the_lipid_route_off() {
        // benzoic acid (pKa 4.2) at pH 14: f = 10^-9.8, so kp is the polar route alone
        let (mw, lp) = (122.12, 1.87);
        let r = equivalent_sphere_radius_nm(mw);
        let f = neutral_fraction(IonisationKind::Acid, Some(4.2), 14.0);
        assert!(f < 1e-9);
        let kp = intact_kp_cm_per_h(mw, lp, f, r);
        assert!((kp / polar_kp_cm_per_h(r) - 1.0).abs() < 1e-6, "{kp}");
        // un-ionised: the lipid route dominates for this lipophilic acid
        assert!(intact_kp_cm_per_h(mw, lp, 1.0, r) > 10.0 * polar_kp_cm_per_h(r));
        // at pH = pKa the lipid part is exactly half
        let half = intact_kp_cm_per_h(mw, lp, 0.5, r) - polar_kp_cm_per_h(r);
        assert!((half / (0.5 * 10f64.powf(potts_guy_log_kp_cm_per_h(mw, lp))) - 1.0).abs() < 1e-9);
        // ionisation lowers the SC partition through log D
        let p = |f: f64| Physchem {
            molecular_weight_da: mw,
            log_p: lp,
            hydrodynamic_radius_nm: None,
            unbound_fraction: 1.0,
            unionised_fraction: f,
        };
        let (t1, t0) = (TransportParams::from_physchem(&p(1.0), None), TransportParams::from_physchem(&p(1e-6), None));
        assert!(t0.k_sc < t1.k_sc && t0.log_kp_intact_cm_per_h < t1.log_kp_intact_cm_per_h);
    }

    #[test]
    fn renkin_and_pore_term_by_hand() {
        // λ = 0.5/2 = 0.25: (0.75)²·(1 − 0.526 + 2.09·0.015625 − 0.95·0.0009765625)
        //                  = 0.5625 · 0.505728516 = 0.284472290
        assert!((renkin_hindrance(0.5, 2.0) - 0.284_472_290).abs() < 1e-8);
        assert_eq!(renkin_hindrance(2.0, 2.0), 0.0);
        assert_eq!(renkin_hindrance(5.0, 2.0), 0.0);
        assert!((renkin_hindrance(0.0, 2.0) - 1.0).abs() < 1e-15);
        // ε/(τL) by hand: R = 25.4 kΩ·cm² = 2.54 Ω·m², σ = 1.6 S/m, Na⁺ λ = 0.184/2 = 0.092:
        // H = 0.908²·(1 − 0.193568 + 2.09·0.092³ − 0.95·0.092⁵) = 0.824464·0.808053 = 0.666211
        // ε/(τL) = 1/(2.54·1.6·0.666211) = 0.369347 m⁻¹ = 3.69347e-7 µm⁻¹
        let e = pore_porosity_per_length_per_um(25.4, 1.6, 2.0);
        assert!((e / 3.69347e-7 - 1.0).abs() < 1e-5, "{e}");
        // kp_polar at r = 0.5 nm: D = k_B·T/(6π·η·r) = 4.21305e-21/(6π·0.765e-3·0.5e-9) = 584.34 µm²/s;
        // kp = 3.69347e-7 · 584.34 · 0.284472 = 6.1396e-5 µm/s = 2.2103e-5 cm/h
        let kp = polar_kp_cm_per_h(0.5);
        assert!((kp / 2.2103e-5 - 1.0).abs() < 1e-3, "{kp}");
    }

    #[test]
    fn pore_term_falls_with_size_and_two_routes_bound_each() {
        let mut prev = f64::INFINITY;
        for i in 1..=60 {
            let r = 0.05 * i as f64; // 0.05 … 3 nm
            let kp = polar_kp_cm_per_h(r);
            assert!(kp >= 0.0 && kp.is_finite());
            if r < SC_PORE_RADIUS_NM {
                assert!(kp < prev && kp > 0.0, "not decreasing at r = {r}: {kp} vs {prev}");
            } else {
                assert_eq!(kp, 0.0);
            }
            prev = kp;
        }
        for mw in [18.0, 120.0, 300.0, 765.0, 2000.0] {
            for lp in [-4.0, -1.0, 0.0, 2.0, 5.0] {
                for f in [1e-12, 0.01, 0.5, 1.0] {
                    let r = equivalent_sphere_radius_nm(mw);
                    let total = intact_kp_cm_per_h(mw, lp, f, r);
                    let lipid = 10f64.powf(potts_guy_log_kp_cm_per_h(mw, lp)) * f;
                    assert!(total >= lipid && total >= polar_kp_cm_per_h(r), "{mw} {lp} {f}");
                }
            }
        }
    }
}
