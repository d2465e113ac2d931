//! The scenario file format: one struct per TOML table. Every quantity carries its unit in its
//! key. Unknown keys are errors (`deny_unknown_fields`). Optional fields take the defaults of
//! [`crate::defaults`], and [`Scenario::resolved`] writes them in, so the manifest of every run
//! shows every value that was used.

use mnsim_core::device::CartridgeLayout;
use mnsim_core::penetration::PenetrationParams;
use mnsim_core::skin::Sex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole scenario: who is treated, with what, how often, with which topical, and how to
/// simulate it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used for the run folder (`acne-scars-cheek`).
    pub name: String,
    /// One sentence in words.
    #[serde(default)]
    pub description: String,
    /// Patient and body site.
    pub patient: Patient,
    /// What is being treated (used by the outcome models).
    #[serde(default)]
    pub indication: Indication,
    /// The device.
    pub device: DeviceSpec,
    /// When and how the device is used.
    pub protocol: ProtocolSpec,
    /// A topical applied after needling (omit for none): a catalogue active by name, or a
    /// free name with `molecular_weight_da` and `log_p`.
    #[serde(default)]
    pub topical: Option<mnsim_transport::TopicalSpec>,
    /// A daily topical the patient applies at home between sessions (omit for none), taken up
    /// through intact skin: a catalogue active by name. A depigmenting active (tranexamic acid,
    /// ascorbic acid, niacinamide, hydroquinone, kojic acid) inhibits melanogenesis by its own
    /// dose–response (docs/model/outcomes.md § 7); any other active does nothing here.
    #[serde(default)]
    pub home_care: Option<HomeCareSpec>,
    /// Transport solver settings (grid, time steps, channel resealing; advanced).
    #[serde(default)]
    pub transport: mnsim_transport::TransportSettings,
    /// Simulation settings.
    #[serde(default)]
    pub simulation: SimulationSpec,
    /// Outcome-metric parameters (advanced; defaults documented in docs/model/outcomes.md).
    #[serde(default)]
    pub outcomes: mnsim_outcomes::OutcomeParams,
    /// Penetration model parameters (advanced; defaults are the calibrated values).
    #[serde(default)]
    pub penetration: PenetrationParams,
    /// Healing model settings and kinetic rates (advanced; `follow_up_d` is set from
    /// `simulation.follow_up_d`).
    #[serde(default)]
    pub healing: mnsim_healing::HealingSettings,
}

/// The patient and the treated site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// Named body site from the site table (`forehead`, `glabella`, `temple`, `cheek`,
    /// `periorbital`, `nose`, `perioral`, `chin`, `jawline`, `neck`, `scalp`, `decolletage`,
    /// `abdomen`, `back`, `shoulder`, `buttock`, `thigh`, `upper_arm`, `dorsal_forearm`,
    /// `volar_forearm`, `dorsal_hand`), or `custom` with `layers`.
    pub site: String,
    /// Age, years, in [12, 100].
    pub age_y: f64,
    /// `female` or `male`.
    pub sex: Sex,
    /// Fitzpatrick skin type, 1–6.
    #[serde(default = "default_fitzpatrick")]
    pub fitzpatrick: u8,
    /// Colorimetric skin lightness L* (CIE, 0–100) where measured; otherwise taken from the
    /// Fitzpatrick type (`mnsim_core::closure::LIGHTNESS_BY_FITZPATRICK`). Sets how long the
    /// channels stay open (darker skin closes more slowly, Ogunjimi et al. 2020).
    #[serde(default)]
    pub skin_lightness_l: Option<f64>,
    /// Species of the skin: `human` (default), `pig` or `rat`. Animal studies must say so: rat
    /// channels close in hours where human ones take days under occlusion.
    #[serde(default)]
    pub species: mnsim_core::Species,
    /// Custom layer thicknesses (µm) replacing the site table; required when `site = "custom"`,
    /// allowed with a named site to override it (no age or sex adjustment is then applied).
    #[serde(default)]
    pub layers: Option<mnsim_core::LayerStack>,
}

fn default_fitzpatrick() -> u8 {
    3
}

/// What is being treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicationKind {
    /// General rejuvenation (no lesion).
    #[default]
    Rejuvenation,
    /// Atrophic acne scars.
    AcneScars,
    /// Fine lines and wrinkles.
    FineLines,
    /// Melasma / hyperpigmentation.
    Melasma,
    /// Striae distensae (stretch marks).
    Striae,
    /// Skin laxity.
    Laxity,
}

/// The indication and, for lesions, their geometry (used by the outcome metrics).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indication {
    /// What is being treated.
    #[serde(default)]
    pub kind: IndicationKind,
    /// An atrophic scar: `{ kind = "rolling" | "boxcar" | "ice_pick", depth_um, width_um }`.
    #[serde(default)]
    pub scar: Option<mnsim_outcomes::AtrophicScar>,
    /// Striae: `{ kind = "rubra" | "alba", width_um, dermal_deficit_pct }`.
    #[serde(default)]
    pub striae: Option<mnsim_outcomes::Striae>,
    /// A pigmented lesion (melasma): `{ excess_melanin, area_fraction }`; excess melanin as a
    /// fraction of the surrounding skin's (0.5 = 1.5× the surround).
    #[serde(default)]
    pub pigment: Option<mnsim_outcomes::PigmentLesion>,
    /// Fractional inhibition of melanogenesis by a daily home regimen over the course
    /// (0 none; a triple-combination cream is 0.919, see docs/model/outcomes.md).
    #[serde(default)]
    pub home_depigmenting_inhibition: f64,
    /// Baseline depth of the treated lines, µm (profilometry), if known.
    #[serde(default)]
    pub wrinkle_depth_um: Option<f64>,
    /// Baseline surface roughness Ra, µm, if known.
    #[serde(default)]
    pub roughness_ra_um: Option<f64>,
    /// Baseline Alexiades-Armenakas laxity grade, 0–4 (half grades allowed), if graded; absent:
    /// from age (2 at 50 y, 1/15 grade per year, assumed; docs/model/outcomes.md § 11).
    #[serde(default)]
    pub laxity_grade: Option<f64>,
    /// Baseline Alexiades-Armenakas texture grade, 0–4, if graded; absent: from age, as laxity.
    #[serde(default)]
    pub texture_grade: Option<f64>,
}

/// A daily home topical (the scenario's `[home_care]` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HomeCareSpec {
    /// Catalogue active (`tranexamic_acid`, `niacinamide`, …; see `mnsim actives`).
    pub name: String,
    /// Concentration of the active in the product, mg/mL. (0, 1000].
    pub concentration_mg_per_ml: f64,
    /// Applications per day, 1–6.
    #[serde(default = "default_applications")]
    pub applications_per_day: u32,
    /// First day of use, d from the first session. [0, 3650].
    #[serde(default = "default_home_from")]
    pub from_day: f64,
    /// Last day of use, d from the first session (absent: to the end of follow-up).
    /// [from_day, 3650].
    #[serde(default)]
    pub to_day: Option<f64>,
    /// Product applied per application, mg/cm² (density 1 g/mL assumed). (0, 20]. Default 2,
    /// the standard application of sunscreen testing (ISO 24444; recalled), taken for a
    /// leave-on serum or cream.
    #[serde(default = "default_home_amount")]
    pub amount_mg_per_cm2: f64,
    /// Vehicle pH (sets the un-ionised fraction). [0, 14]. Absent: the transport default (5.5).
    #[serde(default)]
    pub vehicle_ph: Option<f64>,
}

fn default_applications() -> u32 {
    2
}
/// Assumed: home care resumes the day after needling.
fn default_home_from() -> f64 {
    1.0
}
fn default_home_amount() -> f64 {
    2.0
}

/// Device kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A dermaroller drum.
    Roller,
    /// A stamp plate.
    Stamp,
    /// An automated (motorised) pen.
    Pen,
}

/// The device. Kind-specific keys are only allowed for their kind; omitted keys take the
/// kind's defaults (see `docs/MODEL.md` § Devices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    /// `roller`, `stamp` or `pen`.
    pub kind: DeviceKind,
    /// Needle length (pen depth setting), µm, in [50, 5000].
    pub needle_length_um: f64,
    /// Needle shaft diameter, µm.
    #[serde(default)]
    pub needle_base_diameter_um: Option<f64>,
    /// Needle tip diameter (2 × tip radius), µm.
    #[serde(default)]
    pub needle_tip_diameter_um: Option<f64>,
    /// Length of the conical tip, µm.
    #[serde(default)]
    pub needle_taper_length_um: Option<f64>,

    /// Roller: drum diameter, mm.
    #[serde(default)]
    pub drum_diameter_mm: Option<f64>,
    /// Roller: drum width, mm.
    #[serde(default)]
    pub drum_width_mm: Option<f64>,
    /// Roller: rings of needles across the drum.
    #[serde(default)]
    pub needle_rings: Option<u32>,
    /// Roller: needles around each ring.
    #[serde(default)]
    pub needles_per_ring: Option<u32>,
    /// Roller: needle tilt from radial, degrees.
    #[serde(default)]
    pub needle_tilt_deg: Option<f64>,
    /// Roller: hand rolling speed, mm/s.
    #[serde(default)]
    pub rolling_speed_mm_per_s: Option<f64>,

    /// Stamp: needle rows.
    #[serde(default)]
    pub needle_rows: Option<u32>,
    /// Stamp: needle columns.
    #[serde(default)]
    pub needle_cols: Option<u32>,
    /// Stamp: speed of the plate at skin contact, mm/s.
    #[serde(default)]
    pub press_speed_mm_per_s: Option<f64>,
    /// Stamp: force pressing the plate onto the skin, N, in [0, 500], shared by its needles; a
    /// needle whose share is below its puncture force does not pierce (default 20 N, a hand
    /// press; docs/MODEL.md § 5).
    #[serde(default)]
    pub press_force_n: Option<f64>,

    /// Pen and stamp: needle pitch (centre to centre), µm.
    #[serde(default)]
    pub needle_pitch_um: Option<f64>,
    /// Pen: needles in the cartridge.
    #[serde(default)]
    pub needle_count: Option<u32>,
    /// Pen: cartridge layout, `grid` or `ring`.
    #[serde(default)]
    pub arrangement: Option<CartridgeLayout>,
    /// Pen: stroke frequency, Hz.
    #[serde(default)]
    pub frequency_hz: Option<f64>,
    /// Pen: glide speed over the skin, mm/s.
    #[serde(default)]
    pub glide_speed_mm_per_s: Option<f64>,
    /// Pen: peak-to-peak cartridge stroke, µm (default: needle length + 1000 µm).
    #[serde(default)]
    pub stroke_um: Option<f64>,
}

/// Sessions and passes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtocolSpec {
    /// Days of the sessions from the first (`[0, 28, 56]`). Give either this, or `sessions`
    /// and `interval_d`.
    #[serde(default)]
    pub session_days: Option<Vec<f64>>,
    /// Number of sessions, 1–20 (with `interval_d`).
    #[serde(default)]
    pub sessions: Option<u32>,
    /// Days between sessions (with `sessions`).
    #[serde(default)]
    pub interval_d: Option<f64>,
    /// Stroke directions of each session, degrees from the patch x axis.
    #[serde(default = "default_directions")]
    pub directions_deg: Vec<f64>,
    /// Passes in each direction.
    #[serde(default = "default_passes")]
    pub passes_per_direction: u32,
    /// Hand jitter: standard deviation of puncture position, µm.
    #[serde(default = "default_position_jitter")]
    pub position_jitter_um: f64,
    /// Hand jitter: standard deviation of each pass's direction, degrees.
    #[serde(default = "default_direction_jitter")]
    pub direction_jitter_deg: f64,
    /// Pause between passes, s.
    #[serde(default = "default_pause")]
    pub pause_between_passes_s: f64,
    /// The treated skin is covered after needling (occlusive film, patch, hydrogel), which keeps
    /// the channels open for days instead of hours (docs/MODEL.md § 6.1). A topical with
    /// `occluded = true` occludes too.
    #[serde(default)]
    pub occluded_after_needling: bool,
    /// In-plane strain of the skin while it is needled, %, in [0, 40]: the resting tension of
    /// living skin by default (6.6 %, calibrated; docs/MODEL.md § 5–6); more where the operator
    /// stretches the skin taut; 0 for excised skin that has retracted (ex vivo studies). Stretched
    /// skin dimples less before puncture, so needles go deeper, and its torn entries gape wider.
    #[serde(default = "default_skin_prestrain")]
    pub skin_prestrain_pct: f64,
}

fn default_directions() -> Vec<f64> {
    vec![0.0, 90.0, 45.0, 135.0]
}
fn default_passes() -> u32 {
    1
}
/// Assumed: a steady hand places each stroke within about ±50 µm of the ideal path.
fn default_position_jitter() -> f64 {
    50.0
}
/// Assumed: a few degrees of wobble in stroke direction.
fn default_direction_jitter() -> f64 {
    3.0
}
fn default_pause() -> f64 {
    2.0
}
fn default_skin_prestrain() -> f64 {
    crate::defaults::SKIN_PRESTRAIN_PCT
}

/// Simulation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationSpec {
    /// Patch width, mm (periodic unit patch).
    #[serde(default = "default_patch_mm")]
    pub patch_width_mm: f64,
    /// Patch height, mm.
    #[serde(default = "default_patch_mm")]
    pub patch_height_mm: f64,
    /// Follow-up after the last session, days.
    #[serde(default = "default_follow_up")]
    pub follow_up_d: f64,
    /// Lateral distance from a channel counted as "within reach", µm.
    #[serde(default = "default_reach")]
    pub reach_radius_um: f64,
    /// Seed of every random draw.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Members of the uncertainty ensemble (1 = the nominal run only). Each further member has
    /// its own jitter seed and log-normally perturbed uncertain parameters.
    #[serde(default = "default_ensemble")]
    pub ensemble_members: u32,
    /// Coefficient of variation of the ensemble's parameter perturbations.
    #[serde(default = "default_parameter_cv")]
    pub parameter_cv: f64,
    /// Run the healing course and the outcome metrics (false: device, penetration and
    /// transport only — fast, for device engineering and validation of those stages).
    #[serde(default = "default_true")]
    pub run_healing: bool,
}

fn default_true() -> bool {
    true
}

/// 5 members: enough for a median and a rough 5–95 % interval within the 10 s budget of a
/// default run.
fn default_ensemble() -> u32 {
    5
}
/// Assumed: 20 % inter-individual variability of the perturbed rates (no cohort data).
fn default_parameter_cv() -> f64 {
    0.2
}

/// 3 mm: a periodic unit patch that holds a few hundred channels per session for the common
/// devices and keeps the healing grid at 6 × 6 columns.
fn default_patch_mm() -> f64 {
    3.0
}
fn default_follow_up() -> f64 {
    180.0
}
/// Assumed: 250 µm, a few hours' lateral diffusion length of a small solute in viable tissue
/// (√(D t) with D ~ 10 µm²/s, t ~ 2 h).
fn default_reach() -> f64 {
    250.0
}
fn default_seed() -> u64 {
    20_261_125
}

impl Default for SimulationSpec {
    fn default() -> Self {
        SimulationSpec {
            patch_width_mm: default_patch_mm(),
            patch_height_mm: default_patch_mm(),
            follow_up_d: default_follow_up(),
            reach_radius_um: default_reach(),
            seed: default_seed(),
            ensemble_members: default_ensemble(),
            parameter_cv: default_parameter_cv(),
            run_healing: true,
        }
    }
}
