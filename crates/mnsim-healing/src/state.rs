//! The state vector of one tissue cell: what each entry means, its unit and its homeostatic
//! value.
//!
//! Every tissue cell of the grid carries the same [`NSTATES`]-long vector. Resident quantities
//! (fibroblasts, collagen, elastin, capillaries, MMP activity, keratinocyte turnover, melanin,
//! epidermal coverage and barrier) are dimensionless densities **relative to their homeostatic
//! value in that cell** (1 = homeostasis); collagen I and III are fractions of the homeostatic
//! total collagen (so I + III = 1 at homeostasis, split 84.2/15.8, the 80/15 % I/III dermal
//! composition renormalised to the two tracked types). Wound-only quantities (clot, debris,
//! neutrophils, macrophages, PDGF) are 0 at homeostasis and are measured in the units of the
//! published model they come from (see `docs/model/healing.md`). Which entries are active depends
//! on the cell's compartment ([`Compartment`]); inactive entries keep their homeostatic value.

use serde::{Deserialize, Serialize};

/// Number of state variables per tissue cell.
pub const NSTATES: usize = 28;

/// Index of each state variable in a cell's state vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[repr(usize)]
pub enum Var {
    /// Fibrin clot / platelet plug, volume fraction of the cell (0..1).
    Clot = 0,
    /// Cell and matrix debris (damage signal), Cooper et al. 2015 debris units (a fully
    /// injured cell = 2, Cooper's reference wound).
    Debris,
    /// Early growth factor (PDGF-like), dimensionless (quasi-steady PDGF of a cell full of clot = 1).
    Pdgf,
    /// Active TGF-β, relative to homeostasis (1).
    Tgfb,
    /// Activated neutrophils, Cooper et al. 2015 units.
    Neutrophils,
    /// Inflammatory (M1-like) macrophages, Cooper et al. 2015 macrophage units.
    MacrophagesM1,
    /// Repair (M2-like) macrophages, same units.
    MacrophagesM2,
    /// Fibroblasts, relative to homeostatic dermal density.
    Fibroblasts,
    /// Myofibroblasts (α-SMA⁺), relative to homeostatic fibroblast density.
    Myofibroblasts,
    /// Collagen III, fraction of homeostatic total collagen (0.158 at homeostasis).
    CollagenIII,
    /// Collagen I, fraction of homeostatic total collagen (0.842 at homeostasis).
    CollagenI,
    /// Collagen made since the course began and still present, fraction of homeostatic total.
    CollagenNew,
    /// Mature (cross-linked, stainable) elastic fibres, relative to homeostasis: what an
    /// elastic-fibre stain (Verhoeff, Miller, orcein) measures as "total elastin".
    Elastin,
    /// Aggregate MMP (collagenase/gelatinase) activity, relative to homeostasis.
    Mmp,
    /// VEGF, relative to homeostasis.
    Vegf,
    /// Capillary density, relative to homeostasis.
    Capillaries,
    /// Epidermal coverage (re-epithelialised fraction of the surface), 0..1.
    Epidermis,
    /// Stratum-corneum barrier function, 0..1 (TEWL follows from it).
    Barrier,
    /// Keratinocyte turnover (basal proliferation rate), relative to homeostasis.
    KeratinocyteTurnover,
    /// Basal-layer melanin, relative to homeostasis.
    Melanin,
    /// Viable-epidermis thickness, relative to homeostasis.
    EpidermalThickness,
    /// Wound (granulation) tissue fraction of the cell volume, 0..1: the sub-volume in which the
    /// saturating Cooper 2015 kinetics and the granulation-tissue capacities apply.
    WoundFraction,
    /// Response zone: fraction of the cell volume within the signalling reach of a wound
    /// (`injury::response_zone`), 0..1. Fibroblasts inside it respond to the wound's growth
    /// factors at the wound's local concentration; it resolves with the wound.
    ResponseZone,
    /// Activation of the keratinocytes at the edge of the open wounds (migration speed factor),
    /// relative to homeostasis. Driven by the wound's local signals, so that the closure rate
    /// does not depend on how much intact epidermis shares the cell; the turnover of the whole
    /// epidermal cell is [`Var::KeratinocyteTurnover`].
    EdgeActivation,
    /// Wound-induced tropoelastin, first stage of its assembly into elastic fibres (secreted,
    /// not yet on microfibrils), fraction of homeostatic elastin. With
    /// [`Var::ElastinAssembly`] it makes the maturation delay a two-stage (gamma) delay of mean
    /// `Rates::elastin_maturation_d` (Roten et al. 1996: no elastic fibres in any scar younger
    /// than 3 months, a progressive increase after).
    Tropoelastin,
    /// Wound-induced elastin in the second stage of assembly (on microfibrils, not yet
    /// cross-linked), fraction of homeostatic elastin.
    ElastinAssembly,
    /// The part of the barrier deficit (1 − B) that lies where disruption footprints overlap
    /// (confluent disruption, no intact stratum corneum beside it), 0..1: it re-forms by de novo
    /// lamellar-body secretion at `Rates::barrier_confluent_recovery_per_h`, not by the fast
    /// closure of isolated punctures (`Rates::barrier_recovery_per_h`).
    BarrierConfluentDeficit,
    /// Fibroblasts inside the wound sub-volume [`Var::WoundFraction`], as a share of the cell
    /// (cell-average units, ≤ [`Var::Fibroblasts`]): the wound's density is this ÷ W, the rest of
    /// the cell holds (F − this) ÷ (1 − W). A session leaves none in the tissue it newly
    /// wounds; they come back by proliferation and by moving in from the intact tissue around
    /// (`reaction::rhs`), so that a cell's response does not depend on how much intact tissue
    /// shares it (the sub-cell wound model, docs/model/healing.md § Convergence).
    FibroblastsInWound,
}

impl Var {
    /// All variables in state-vector order.
    pub const ALL: [Var; NSTATES] = [
        Var::Clot,
        Var::Debris,
        Var::Pdgf,
        Var::Tgfb,
        Var::Neutrophils,
        Var::MacrophagesM1,
        Var::MacrophagesM2,
        Var::Fibroblasts,
        Var::Myofibroblasts,
        Var::CollagenIII,
        Var::CollagenI,
        Var::CollagenNew,
        Var::Elastin,
        Var::Mmp,
        Var::Vegf,
        Var::Capillaries,
        Var::Epidermis,
        Var::Barrier,
        Var::KeratinocyteTurnover,
        Var::Melanin,
        Var::EpidermalThickness,
        Var::WoundFraction,
        Var::ResponseZone,
        Var::EdgeActivation,
        Var::Tropoelastin,
        Var::ElastinAssembly,
        Var::BarrierConfluentDeficit,
        Var::FibroblastsInWound,
    ];

    /// Position in the state vector.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Snake-case name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Var::Clot => "clot",
            Var::Debris => "debris",
            Var::Pdgf => "pdgf",
            Var::Tgfb => "tgf_beta",
            Var::Neutrophils => "neutrophils",
            Var::MacrophagesM1 => "macrophages_m1",
            Var::MacrophagesM2 => "macrophages_m2",
            Var::Fibroblasts => "fibroblasts",
            Var::Myofibroblasts => "myofibroblasts",
            Var::CollagenIII => "collagen_iii",
            Var::CollagenI => "collagen_i",
            Var::CollagenNew => "collagen_new",
            Var::Elastin => "elastin",
            Var::Mmp => "mmp_activity",
            Var::Vegf => "vegf",
            Var::Capillaries => "capillary_density",
            Var::Epidermis => "epidermal_coverage",
            Var::Barrier => "barrier_function",
            Var::KeratinocyteTurnover => "keratinocyte_turnover",
            Var::Melanin => "basal_melanin",
            Var::EpidermalThickness => "epidermal_thickness",
            Var::WoundFraction => "wound_fraction",
            Var::ResponseZone => "response_zone",
            Var::EdgeActivation => "wound_edge_activation",
            Var::Tropoelastin => "tropoelastin",
            Var::ElastinAssembly => "elastin_assembly",
            Var::BarrierConfluentDeficit => "barrier_confluent_deficit",
            Var::FibroblastsInWound => "fibroblasts_in_wound",
        }
    }

    /// Unit of the value as stored and reported.
    pub fn unit(self) -> &'static str {
        match self {
            Var::Clot => "volume_fraction",
            Var::Debris => "cooper2015_debris_units",
            Var::Pdgf => "rel_clot_equivalent",
            Var::Neutrophils | Var::MacrophagesM1 | Var::MacrophagesM2 => "cooper2015_cell_units",
            Var::CollagenIII | Var::CollagenI | Var::CollagenNew => "fraction_of_baseline_collagen",
            Var::Tropoelastin | Var::ElastinAssembly => "fraction_of_baseline_elastin",
            Var::Epidermis | Var::Barrier | Var::BarrierConfluentDeficit => "fraction",
            Var::WoundFraction | Var::ResponseZone => "volume_fraction",
            _ => "rel_to_homeostasis",
        }
    }

    /// Which compartment(s) this variable lives in.
    pub fn home(self) -> Home {
        match self {
            Var::Epidermis
            | Var::Barrier
            | Var::KeratinocyteTurnover
            | Var::Melanin
            | Var::EpidermalThickness
            | Var::EdgeActivation
            | Var::BarrierConfluentDeficit => Home::Epidermis,
            Var::Fibroblasts
            | Var::FibroblastsInWound
            | Var::Myofibroblasts
            | Var::CollagenIII
            | Var::CollagenI
            | Var::CollagenNew
            | Var::Elastin
            | Var::Tropoelastin
            | Var::ElastinAssembly
            | Var::Capillaries
            | Var::ResponseZone => Home::Dermis,
            _ => Home::Everywhere,
        }
    }
}

/// Where a variable is meaningful (used for patch averages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// Epidermis cells only.
    Epidermis,
    /// Connective tissue (dermis and subcutis); patch averages use the dermis.
    Dermis,
    /// Every cell; patch averages use epidermis + dermis.
    Everywhere,
}

/// Homeostatic collagen III share of the two tracked types (15 / (80 + 15)); HE-TL-06.
pub const COL3_BASELINE: f64 = 15.0 / 95.0;
/// Homeostatic collagen I share (80 / (80 + 15)); HE-TL-06.
pub const COL1_BASELINE: f64 = 80.0 / 95.0;

/// The compartment a tissue cell belongs to; decides which variables are active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compartment {
    /// Stratum corneum + viable epidermis (keratinocytes, melanocytes; no fibroblasts, matrix or
    /// capillaries).
    Epidermis,
    /// Papillary or reticular dermis, or subcutis (connective tissue).
    Connective,
}

/// Homeostatic state of a cell of the given compartment.
pub fn baseline(comp: Compartment) -> [f64; NSTATES] {
    let mut y = [0.0; NSTATES];
    y[Var::Tgfb.index()] = 1.0;
    y[Var::Mmp.index()] = 1.0;
    y[Var::Vegf.index()] = 1.0;
    y[Var::Epidermis.index()] = 1.0;
    y[Var::Barrier.index()] = 1.0;
    y[Var::KeratinocyteTurnover.index()] = 1.0;
    y[Var::Melanin.index()] = 1.0;
    y[Var::EpidermalThickness.index()] = 1.0;
    y[Var::EdgeActivation.index()] = 1.0;
    if comp == Compartment::Connective {
        y[Var::Fibroblasts.index()] = 1.0;
        y[Var::CollagenIII.index()] = COL3_BASELINE;
        y[Var::CollagenI.index()] = COL1_BASELINE;
        y[Var::Elastin.index()] = 1.0;
        y[Var::Capillaries.index()] = 1.0;
    }
    y
}

/// Whether variable `v` evolves in a cell of compartment `comp` (inactive ones stay at baseline).
pub fn is_active(comp: Compartment, v: Var) -> bool {
    match (comp, v.home()) {
        (Compartment::Epidermis, Home::Dermis) => false,
        (Compartment::Connective, Home::Epidermis) => false,
        _ => true,
    }
}
