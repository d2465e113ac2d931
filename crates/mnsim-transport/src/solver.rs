//! The implicit finite-volume diffusion solver (locally one-dimensional sweeps).
//!
//! # Equation
//!
//! For the concentration c (mol·m⁻³) with partition K (tissue/water) and diffusivity D
//! (µm²·s⁻¹) per voxel, the flux is written on the potential u = c/K, which is continuous across
//! interfaces at equilibrium:
//!
//! ∂c/∂t = ∇·(D·K ∇u) − λ(z)·c,   u = c/K,
//!
//! with a well-mixed vehicle on top (potential u_v = c_v/K_v), first-order clearance λ in the
//! dermis, no-flux or periodic sides and a no-flux or perfect-sink bottom.
//!
//! # Discretisation
//!
//! Cell-centred finite volumes. The conductance of the face between cells a and b, per unit
//! face area, is the series (harmonic) combination of the two half cells,
//! G = 1 / (h_a/(2·D_a·K_a) + h_b/(2·D_b·K_b)), so the flux G·(u_a − u_b) is exact for a
//! piecewise-constant laminate at steady state (second order in space for smooth
//! coefficients). The vehicle–surface conductance is G_top = 1/(h_0/(2·D_0·K_0)).
//!
//! Time: Lie splitting into x, y and z sweeps, each backward Euler (first order in time,
//! unconditionally stable, positivity preserving: every sweep matrix is an M-matrix). Each 1-D
//! system is tridiagonal and solved by the Thomas algorithm (Sherman–Morrison for periodic
//! lines). The vehicle is coupled implicitly in the z sweep: a first pass eliminates every column
//! from the bottom up to a 2×2 relation between its top cell and u_v, whose sum over columns
//! gives u_v (Schur complement); the second pass is an ordinary Thomas solve per column with u_v
//! known. Clearance and the bottom sink are implicit in the z sweep.
//!
//! Second order in time: [`Solver::step_extrapolated`] (the production path, via
//! [`crate::stepping::StepControl`]) combines one step of h and two of h/2 of the above as
//! 2·S(h/2)² − S(h) (Richardson extrapolation of the whole split step: the splitting error is
//! removed with the backward-Euler error). L-stable, conservative (weights sum to 1), kept ≥ 0
//! by a clip-and-rescale of tiny undershoots or a fallback to the half steps (counted).
//!
//! # Conservation
//!
//! Every sweep conserves Σ c·V exactly up to round-off (faces are shared); amounts that leave
//! (vehicle uptake, clearance, bottom sink) are accumulated from the very terms the implicit
//! solve applied, so dose = vehicle + skin + cleared + sink holds to round-off at every step.
//!
//! # Storage and cost
//!
//! Flat structure-of-arrays, f32 coefficients: `c` (f64), `cap` = K, the three face
//! conductances `gx`, `gy`, `gz` (precomputed, boundary conditions folded in) and `rdk` =
//! 1/(D·K) (only read when channel voxels change): 28 B per voxel plus per-block scratch. When
//! channels reseal only the channel voxels and their faces are recomputed, so nothing is recomputed when channels reseal except the few channel
//! voxels. The x and y sweeps are fused per z-plane (the plane stays in cache); the z sweep
//! streams once (twice for a finite dose). No allocation inside a step (the extrapolated step's
//! second state, 8 B per voxel, is allocated on its first call).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Lateral boundary condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LateralBoundary {
    /// Zero flux through the sides (mirror symmetry).
    NoFlux,
    /// Periodic: the domain is one tile of an infinite pattern.
    Periodic,
}

/// Bottom boundary condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BottomBoundary {
    /// Zero flux (in vivo: removal by clearance only).
    NoFlux,
    /// Perfect sink, c = 0 below the last cell (in vitro receptor).
    Sink,
}

/// The vehicle (formulation) compartment on top of the skin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Vehicle {
    /// Coupled to the skin surface at all (false: no-flux top, for tests).
    pub coupled: bool,
    /// Infinite dose: the vehicle concentration never changes.
    pub infinite: bool,
    /// Vehicle/water partition K_v.
    pub partition: f64,
    /// Current vehicle volume per unit skin area, µm (= µm³/µm²).
    pub volume_um: f64,
    /// Amount in the vehicle per unit skin area, mol·m⁻³·µm (finite dose).
    pub amount: f64,
    /// Concentration of an infinite dose, mol·m⁻³.
    pub infinite_concentration: f64,
}

impl Vehicle {
    /// Vehicle potential u_v = c_v / K_v.
    pub fn potential(&self) -> f64 {
        if !self.coupled {
            0.0
        } else if self.infinite {
            self.infinite_concentration / self.partition
        } else {
            self.amount / (self.volume_um * self.partition)
        }
    }
}

/// Amounts per unit skin area (mol·m⁻³·µm), after the last step.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Accounts {
    /// Amount in each layer ([`mnsim_core::Layer::ALL`] order).
    pub layer: [f64; 5],
    /// Cumulative amount removed by dermal clearance.
    pub cleared: f64,
    /// Cumulative amount through the bottom sink.
    pub sunk: f64,
    /// Cumulative amount taken up from the vehicle.
    pub uptake: f64,
    /// Amount taken up in the last step.
    pub last_uptake: f64,
    /// Amount crossing the bottom sink in the last step.
    pub last_sunk: f64,
    /// Cumulative amount added by explicit sources ([`Solver::add_source`] and any forcing that
    /// books its vehicle source here); 0 in production.
    pub added: f64,
}

impl Accounts {
    /// Amount in the skin (all layers).
    pub fn skin(&self) -> f64 {
        self.layer.iter().sum()
    }
}

/// Channel voxels and how their coefficients relax: for open fraction φ = φ₀·f(t),
/// D·K = (1−φ)·(D·K)_tissue(z) + φ·(D·K)_channel(z) and K = (1−φ)·K_tissue + φ·K_channel
/// (parallel mixing of open pore and tissue inside the voxel).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelVoxels {
    /// Flat voxel indices.
    pub idx: Vec<u32>,
    /// Open fraction at creation, (0, 1].
    pub phi0: Vec<f32>,
    /// D·K of the open channel per depth cell, µm²/s.
    pub dk_channel: Vec<f64>,
    /// K of the open channel per depth cell.
    pub cap_channel: Vec<f64>,
}

/// The solver state and its coefficient arrays.
pub struct Solver {
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// Cells along z.
    pub nz: usize,
    /// Lateral sizes, µm.
    pub dx_um: f64,
    /// Lateral sizes, µm.
    pub dy_um: f64,
    /// Depth cell sizes, µm.
    pub dz_um: Vec<f64>,
    /// Layer index per depth cell.
    pub layer: Vec<u8>,
    /// Clearance rate per depth cell, s⁻¹.
    pub lambda_per_s: Vec<f64>,
    /// Tissue D·K per depth cell (what channel voxels relax to), µm²/s.
    pub dk_tissue: Vec<f64>,
    /// Tissue K per depth cell.
    pub cap_tissue: Vec<f64>,
    /// Concentration per voxel, mol·m⁻³.
    pub c: Vec<f64>,
    /// Resistivity 1/(D·K) per voxel along z, s/µm² (the vertical faces and the vehicle
    /// coupling). In a voxel that a channel fills in part this is the parallel (arithmetic) mix
    /// of channel and tissue, exact for a channel that runs through the voxel along z.
    pub rdk: Vec<f32>,
    /// Resistivity 1/(D·K) per voxel across x and y, s/µm² (the lateral faces). Equal to `rdk`
    /// except in channel voxels, where the lateral mix is that of aligned cylinders
    /// ([`lateral_mix_dk`]); set it with `rdk` when changing resistivities directly.
    pub rdk_lat: Vec<f32>,
    /// Face towards i+1: the harmonic mean of D·K of the two voxels, µm²/s (the sweep multiplies
    /// by Δt/Δx²). 0 at a no-flux side; at i = nx−1 the wrap face for periodic sides.
    pub gx: Vec<f32>,
    /// As `gx` for the face towards j+1.
    pub gy: Vec<f32>,
    /// Conductance per unit area of the face below voxel (i, j, k), µm/s:
    /// 1/(Δz_k/(2·D·K)_k + Δz_{k+1}/(2·D·K)_{k+1}); at the bottom the sink conductance
    /// 2·(D·K)/Δz (or 0 for no flux).
    pub gz: Vec<f32>,
    /// K per voxel.
    pub cap: Vec<f32>,
    /// Side boundaries.
    pub lateral: LateralBoundary,
    /// Bottom boundary.
    pub bottom: BottomBoundary,
    /// Vehicle-side mass-transfer resistance, s/µm (0: well stirred).
    pub vehicle_resistance_s_per_um: f64,
    /// The vehicle.
    pub vehicle: Vehicle,
    /// Amount bookkeeping.
    pub acc: Accounts,
    /// Channel voxels (empty for intact skin).
    pub channels: ChannelVoxels,
    /// Keep [`Solver::step_extrapolated`] positive (clip or fall back; default true). Off only
    /// for manufactured fields that change sign.
    pub clip_negative: bool,
    threads: usize,
    xy_blocks: usize,
    xy_scratch: Vec<f64>,
    z_blocks: usize,
    z_scratch: Vec<f64>,
    row_sums: Vec<[f64; 8]>,
    row_schur: Vec<[f64; 2]>,
    ext_c: Vec<f64>,
    plane_sums: Vec<[f64; 2]>,
    pool: Option<rayon::ThreadPool>,
    avx512: bool,
    ch_cache: Option<ChannelCache>,
}

/// A cheap fingerprint of a channel list (length and a position-weighted sum of the indices),
/// to notice when `Solver::channels` was replaced.
fn channel_key(idx: &[u32]) -> (usize, u64) {
    let mut h: u64 = 0;
    for (n, &i) in idx.iter().enumerate() {
        h = h.wrapping_add((i as u64 + 1).wrapping_mul(n as u64 * 2 + 1));
    }
    (idx.len(), h)
}

/// Where the channel voxels lie, for [`Solver::apply_channels`]: their range in the (sorted)
/// list per z-plane and a flag per row (k, j) holding at least one.
#[derive(Debug)]
struct ChannelCache {
    key: (usize, u64),
    /// The list is strictly increasing and inside the grid (else the serial path is used).
    sorted: bool,
    /// `idx[plane_start[k]..plane_start[k + 1]]` lie in plane k.
    plane_start: Vec<usize>,
    /// Row (k, j) at `k·ny + j` holds a channel voxel.
    row_flag: Vec<bool>,
}

impl ChannelCache {
    fn new(idx: &[u32], nx: usize, ny: usize, nz: usize, key: (usize, u64)) -> ChannelCache {
        let plane = nx * ny;
        let n = plane * nz;
        let sorted = idx.windows(2).all(|w| w[0] < w[1]) && idx.last().is_none_or(|&l| (l as usize) < n);
        let mut plane_start = vec![0; nz + 1];
        let mut row_flag = vec![false; ny * nz];
        if sorted {
            for &i in idx {
                let i = i as usize;
                plane_start[i / plane + 1] += 1;
                row_flag[i / nx] = true;
            }
            for k in 0..nz {
                plane_start[k + 1] += plane_start[k];
            }
        }
        ChannelCache { key, sorted, plane_start, row_flag }
    }
}

/// Lateral D·K of a voxel that a channel fills to the area fraction φ, µm²/s: the effective
/// conductivity of aligned cylinders (the channel, D·K = `dk_channel`) in a matrix (the tissue,
/// `dk_tissue`) across their axis, Rayleigh's (1892) / Maxwell Garnett's formula for cylinders,
///
/// σ = σ_t·(σ_c(1 + φ) + σ_t(1 − φ)) / (σ_c(1 − φ) + σ_t(1 + φ)),
///
/// σ_t at φ = 0, σ_c at φ = 1, and between the Wiener bounds (series below, parallel above)
/// otherwise. Along the channel (z) the parallel mix (1 − φ)σ_t + φσ_c is exact; across it the
/// parallel mix would let a channel's rim voxels conduct sideways as if the channel filled them,
/// widening every channel by up to a voxel laterally.
pub fn lateral_mix_dk(dk_tissue: f64, dk_channel: f64, phi: f64) -> f64 {
    let (t, c) = (dk_tissue, dk_channel);
    t * (c * (1.0 + phi) + t * (1.0 - phi)) / (c * (1.0 - phi) + t * (1.0 + phi))
}

/// Coefficients of a channel voxel open to φ = `phi` (clamped to [0, 1]): (vertical
/// resistivity 1/((1 − φ)σ_t + φσ_c), lateral resistivity 1/[`lateral_mix_dk`], capacity
/// (1 − φ)K_t + φK_c), as the parallel and the serial channel update both set them.
#[inline(always)]
fn channel_voxel(dk_t: f64, dk_c: f64, cap_t: f64, cap_c: f64, phi: f64) -> (f32, f32, f32) {
    let phi = phi.clamp(0.0, 1.0);
    (
        (1.0 / ((1.0 - phi) * dk_t + phi * dk_c).max(DK_FLOOR)) as f32,
        (1.0 / lateral_mix_dk(dk_t, dk_c, phi).max(DK_FLOOR)) as f32,
        ((1.0 - phi) * cap_t + phi * cap_c) as f32,
    )
}

/// Harmonic-mean conductance from two resistivities: 2/(r_a + r_b).
#[inline(always)]
fn harm_r(a: f32, b: f32) -> f64 {
    2.0 / (a as f64 + b as f64)
}

fn xy_scratch_len(nx: usize, ny: usize) -> usize {
    // transposed c, e, transposed rdk+cap (as f64 slots, f32 packed two per slot), 4 rows
    let plane = nx * ny;
    3 * plane + 8 * nx.max(ny)
}

fn detect_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512vl")
            && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

struct SendPtr(*mut f64);
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}
impl SendPtr {
    #[inline(always)]
    fn get(&self) -> *mut f64 {
        self.0
    }
}

/// Description of a layered problem for [`Solver::new`].
#[derive(Debug, Clone)]
pub struct SolverSpec {
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// Lateral cell size, µm.
    pub dx_um: f64,
    /// Lateral cell size, µm.
    pub dy_um: f64,
    /// Depth cells, µm.
    pub dz_um: Vec<f64>,
    /// Layer index per depth cell.
    pub layer: Vec<u8>,
    /// Diffusivity per depth cell, µm²/s.
    pub d_um2_per_s: Vec<f64>,
    /// Partition per depth cell.
    pub k: Vec<f64>,
    /// Clearance per depth cell, s⁻¹.
    pub lambda_per_s: Vec<f64>,
    /// Sides.
    pub lateral: LateralBoundary,
    /// Bottom.
    pub bottom: BottomBoundary,
    /// Vehicle.
    pub vehicle: Vehicle,
    /// Worker threads (0: rayon's global pool).
    pub threads: usize,
}

/// Largest amount, relative to the skin amount, that the positivity clip of
/// [`Solver::step_extrapolated`] may add (and rescale away) in one step before the step falls
/// back to backward Euler.
pub const CLIP_MAX: f64 = 1e-6;

/// What [`Solver::step_extrapolated`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtrapolatedStep {
    /// Second order; every extrapolated concentration was ≥ 0.
    Clean,
    /// Second order; the voxels below 0 were set to 0 and the state rescaled (the amount
    /// clipped ≤ [`CLIP_MAX`] of the skin amount).
    Clipped,
    /// The two backward-Euler half steps were kept (first order; positive).
    Fallback,
}

/// Smallest D·K stored, µm²/s (keeps every face conductance positive and finite in f32).
pub const DK_FLOOR: f64 = 1.0e-30;

impl Solver {
    /// Build a laterally homogeneous layered problem with zero concentration.
    pub fn new(spec: SolverSpec) -> Solver {
        let SolverSpec {
            nx,
            ny,
            dx_um,
            dy_um,
            dz_um,
            layer,
            d_um2_per_s,
            k,
            lambda_per_s,
            lateral,
            bottom,
            vehicle,
            threads,
        } = spec;
        let nz = dz_um.len();
        let n = nx * ny * nz;
        let dk_tissue: Vec<f64> = d_um2_per_s.iter().zip(&k).map(|(d, k)| (d * k).max(DK_FLOOR)).collect();
        let mut rdk = vec![0f32; n];
        let mut cap = vec![0f32; n];
        let plane = nx * ny;
        for kk in 0..nz {
            rdk[kk * plane..(kk + 1) * plane].fill((1.0 / dk_tissue[kk]) as f32);
            cap[kk * plane..(kk + 1) * plane].fill(k[kk] as f32);
        }
        let pool = if threads > 0 { rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok() } else { None };
        let t = if threads > 0 { threads } else { rayon::current_num_threads() };
        let xy_blocks = nz.clamp(1, 2 * t);
        let z_blocks = ny.clamp(1, 2 * t);

        let mut s = Solver {
            nx,
            ny,
            nz,
            dx_um,
            dy_um,
            dz_um,
            layer,
            lambda_per_s,
            dk_tissue,
            cap_tissue: k,
            c: vec![0.0; n],
            rdk_lat: rdk.clone(),
            rdk,
            gx: vec![0.0; n],
            gy: vec![0.0; n],
            gz: vec![0.0; n],
            cap,
            lateral,
            bottom,
            vehicle_resistance_s_per_um: 0.0,
            vehicle,
            acc: Accounts::default(),
            channels: ChannelVoxels::default(),
            clip_negative: true,
            threads: t,
            xy_blocks,
            xy_scratch: vec![0.0; xy_blocks * xy_scratch_len(nx, ny)],
            z_blocks,
            z_scratch: vec![0.0; z_blocks * (nz * nx + 8 * nx)],
            avx512: detect_avx512(),
            row_sums: vec![[0.0; 8]; ny],
            row_schur: vec![[0.0; 2]; ny],
            ext_c: vec![],
            plane_sums: vec![[0.0; 2]; nz],
            pool,
            ch_cache: None,
        };
        s.rebuild_faces();
        s
    }

    #[inline]
    fn face_x(&self, ix: usize, i: usize) -> f32 {
        let nx = self.nx;
        if i + 1 < nx {
            harm_r(self.rdk_lat[ix], self.rdk_lat[ix + 1]) as f32
        } else if self.lateral == LateralBoundary::Periodic && nx >= 3 {
            harm_r(self.rdk_lat[ix], self.rdk_lat[ix + 1 - nx]) as f32
        } else {
            0.0
        }
    }

    #[inline]
    fn face_y(&self, ix: usize, j: usize) -> f32 {
        let (nx, ny) = (self.nx, self.ny);
        if j + 1 < ny {
            harm_r(self.rdk_lat[ix], self.rdk_lat[ix + nx]) as f32
        } else if self.lateral == LateralBoundary::Periodic && ny >= 3 {
            harm_r(self.rdk_lat[ix], self.rdk_lat[ix + nx - nx * ny]) as f32
        } else {
            0.0
        }
    }

    #[inline]
    fn face_z(&self, ix: usize, k: usize) -> f32 {
        let plane = self.nx * self.ny;
        if k + 1 < self.nz {
            (1.0 / (0.5 * self.dz_um[k] * self.rdk[ix] as f64 + 0.5 * self.dz_um[k + 1] * self.rdk[ix + plane] as f64))
                as f32
        } else if self.bottom == BottomBoundary::Sink {
            (2.0 / (self.dz_um[k] * self.rdk[ix] as f64)) as f32
        } else {
            0.0
        }
    }

    /// Recompute every face conductance from `rdk` and `rdk_lat` (after changing them directly).
    pub fn rebuild_faces(&mut self) {
        let (nx, ny, nz) = (self.nx, self.ny, self.nz);
        for k in 0..nz {
            for j in 0..ny {
                for i in 0..nx {
                    let ix = (k * ny + j) * nx + i;
                    self.gx[ix] = self.face_x(ix, i);
                    self.gy[ix] = self.face_y(ix, j);
                    self.gz[ix] = self.face_z(ix, k);
                }
            }
        }
    }

    /// Recompute the faces touching voxel `ix` (its own and its lower neighbours').
    fn rebuild_faces_around(&mut self, ix: usize) {
        let (nx, ny) = (self.nx, self.ny);
        let plane = nx * ny;
        let k = ix / plane;
        let j = (ix % plane) / nx;
        let i = ix % nx;
        self.gx[ix] = self.face_x(ix, i);
        self.gy[ix] = self.face_y(ix, j);
        self.gz[ix] = self.face_z(ix, k);
        let periodic = self.lateral == LateralBoundary::Periodic;
        if i > 0 {
            self.gx[ix - 1] = self.face_x(ix - 1, i - 1);
        } else if periodic && nx >= 3 {
            self.gx[ix + nx - 1] = self.face_x(ix + nx - 1, nx - 1);
        }
        if j > 0 {
            self.gy[ix - nx] = self.face_y(ix - nx, j - 1);
        } else if periodic && ny >= 3 {
            let t = ix + plane - nx;
            self.gy[t] = self.face_y(t, ny - 1);
        }
        if k > 0 {
            self.gz[ix - plane] = self.face_z(ix - plane, k - 1);
        }
    }

    /// Threads used.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Total voxels.
    pub fn len(&self) -> usize {
        self.c.len()
    }

    /// True if there are no voxels.
    pub fn is_empty(&self) -> bool {
        self.c.is_empty()
    }

    /// Bytes held per voxel (state, coefficients, scratch, channel list), B.
    pub fn bytes_per_voxel(&self) -> f64 {
        let b = self.c.len() * 8
            + (self.rdk.len() + self.rdk_lat.len()) * 4
            + (self.gx.len() + self.gy.len() + self.gz.len()) * 4
            + self.cap.len() * 4
            + self.xy_scratch.len() * 8
            + self.z_scratch.len() * 8
            + self.ext_c.len() * 8
            + self.channels.idx.len() * 8;
        b as f64 / self.len().max(1) as f64
    }

    /// Set the relaxation state of the channel voxels: open fraction φ = φ₀·f, and recompute
    /// the faces touching them. Parallel over z-planes: the channel voxels (sorted, as
    /// [`crate::simulate::rasterise_channels`] gives them) are split by plane, and every face of
    /// a row of voxels that holds or borders a channel voxel is recomputed from `rdk` (a face
    /// away from the channels recomputes to the value it had). The same values, bit for bit, as
    /// [`Solver::apply_channels_serial`].
    pub fn apply_channels(&mut self, f: f64) {
        let key = channel_key(&self.channels.idx);
        if self.ch_cache.as_ref().is_none_or(|c| c.key != key) {
            self.ch_cache = Some(ChannelCache::new(&self.channels.idx, self.nx, self.ny, self.nz, key));
        }
        let cache = self.ch_cache.take().unwrap();
        if !cache.sorted {
            self.ch_cache = Some(cache);
            self.apply_channels_serial(f);
            return;
        }
        let pool = self.pool.take();
        match &pool {
            Some(p) => p.install(|| self.apply_channels_par(f, &cache)),
            None => self.apply_channels_par(f, &cache),
        }
        self.pool = pool;
        self.ch_cache = Some(cache);
    }

    fn apply_channels_par(&mut self, f: f64, cache: &ChannelCache) {
        let (nx, ny, nz) = (self.nx, self.ny, self.nz);
        let plane = nx * ny;
        let ch = &self.channels;
        let (dk_t, cap_t) = (&self.dk_tissue, &self.cap_tissue);
        // phase 1: rdk and cap of the channel voxels, plane by plane
        self.rdk
            .par_chunks_mut(plane)
            .zip(self.rdk_lat.par_chunks_mut(plane))
            .zip(self.cap.par_chunks_mut(plane))
            .enumerate()
            .for_each(|(k, ((rdk, rdk_lat), cap))| {
                let (a, b) = (cache.plane_start[k], cache.plane_start[k + 1]);
                let (dkt, dkc, ct, cc) = (dk_t[k], ch.dk_channel[k], cap_t[k], ch.cap_channel[k]);
                for (&ix, &p0) in ch.idx[a..b].iter().zip(&ch.phi0[a..b]) {
                    let o = ix as usize - k * plane;
                    (rdk[o], rdk_lat[o], cap[o]) = channel_voxel(dkt, dkc, ct, cc, p0 as f64 * f);
                }
            });
        // phase 2: the faces of the rows that hold or border a channel voxel
        let (rdk, rdk_lat) = (&self.rdk, &self.rdk_lat);
        let dz = &self.dz_um;
        let periodic = self.lateral == LateralBoundary::Periodic;
        let sink = self.bottom == BottomBoundary::Sink;
        let flag = &cache.row_flag;
        let avx = self.avx512;
        self.gx
            .par_chunks_mut(plane)
            .zip(self.gy.par_chunks_mut(plane))
            .zip(self.gz.par_chunks_mut(plane))
            .enumerate()
            .for_each(|(k, ((gx, gy), gz))| {
                let off = k * plane;
                let below = if k + 1 < nz { Some(&rdk[off + plane..off + 2 * plane]) } else { None };
                let fp = FacePlane { k, nx, ny, nz, dz, periodic, sink, flag };
                fp.dispatch(avx, (gx, gy, gz), (&rdk[off..off + plane], &rdk_lat[off..off + plane]), below);
            });
    }

    /// [`Solver::apply_channels`] voxel by voxel on one thread (the reference the parallel path
    /// is tested against; used for channel lists that are not sorted).
    pub fn apply_channels_serial(&mut self, f: f64) {
        let plane = self.nx * self.ny;
        let ch = &self.channels;
        for (&ix, &p0) in ch.idx.iter().zip(&ch.phi0) {
            let ix = ix as usize;
            let k = ix / plane;
            (self.rdk[ix], self.rdk_lat[ix], self.cap[ix]) = channel_voxel(
                self.dk_tissue[k],
                ch.dk_channel[k],
                self.cap_tissue[k],
                ch.cap_channel[k],
                p0 as f64 * f,
            );
        }
        for n in 0..self.channels.idx.len() {
            let ix = self.channels.idx[n] as usize;
            self.rebuild_faces_around(ix);
        }
    }

    /// Recompute the layer amounts from the state (the step keeps them up to date already).
    pub fn layer_amounts(&self) -> [f64; 5] {
        let plane = self.nx * self.ny;
        let mut out = [0.0; 5];
        for k in 0..self.nz {
            let s: f64 = self.c[k * plane..(k + 1) * plane].iter().sum();
            out[self.layer[k] as usize] += s * self.dz_um[k];
        }
        out.map(|v| v / plane as f64)
    }

    /// Laterally averaged concentration per depth cell, mol·m⁻³.
    pub fn depth_profile(&self) -> Vec<f64> {
        let plane = self.nx * self.ny;
        (0..self.nz).map(|k| self.c[k * plane..(k + 1) * plane].iter().sum::<f64>() / plane as f64).collect()
    }

    /// Flux across the face below depth cell `k` (between k and k+1), patch mean, per unit
    /// area: mol·m⁻³·µm·s⁻¹.
    pub fn face_flux(&self, k: usize) -> f64 {
        if k + 1 >= self.nz {
            return 0.0;
        }
        let plane = self.nx * self.ny;
        let (a, b) = (k * plane, (k + 1) * plane);
        let mut s = 0.0;
        for p in 0..plane {
            let g = self.gz[a + p] as f64;
            let ua = self.c[a + p] / self.cap[a + p] as f64;
            let ub = self.c[b + p] / self.cap[b + p] as f64;
            s += g * (ua - ub);
        }
        s / plane as f64
    }

    /// Add `dt·S(i, j, k)` (S in mol·m⁻³·s⁻¹) to every voxel: an explicit source split step, used
    /// by the manufactured-solution tests. Returns the amount added per unit area.
    pub fn add_source(&mut self, dt_s: f64, s: impl Fn(usize, usize, usize) -> f64 + Sync) -> f64 {
        let (nx, ny) = (self.nx, self.ny);
        let plane = nx * ny;
        let dz = &self.dz_um;
        let added: f64 = self
            .c
            .par_chunks_mut(plane)
            .enumerate()
            .map(|(k, cp)| {
                let mut a = 0.0;
                for j in 0..ny {
                    for i in 0..nx {
                        let v = dt_s * s(i, j, k);
                        cp[j * nx + i] += v;
                        a += v;
                    }
                }
                a * dz[k]
            })
            .collect::<Vec<f64>>()
            .iter()
            .sum();
        let added = added / plane as f64;
        self.acc.added += added;
        added
    }

    /// One second-order step of length `h`: Richardson extrapolation of the LOD backward-Euler
    /// step S, c(t + h) = 2·S(h/2)∘S(h/2)·c − S(h)·c (the extrapolated implicit Euler method).
    /// S is a one-step method with a smooth error expansion in h (backward Euler and the Lie
    /// splitting error are both O(h²) per step), so the combination has a local error O(h³):
    /// second order in time, the splitting error included. L-stable: for a decay mode z = λh,
    /// R(z) = 2/(1 + z/2)² − 1/(1 + z) → 0 as z → ∞. Cost: three sweeps sets (one at h, two at
    /// h/2) and one more f64 state (`ext_c`, allocated on the first call).
    ///
    /// `prepare(solver, t_end, h_sub)` is called before each sub-step with the sub-step's end
    /// relative to the start of the step and its length — (h/2, h/2) and (h, h/2) for the
    /// halves, then (h, h) for the full step (taken from the saved state) — to set the time-dependent coefficients (channel
    /// resealing, vehicle volume) at the sub-step's end and add any explicit forcing. The last
    /// call is for the end of the step, so the coefficients left are those at t + h.
    ///
    /// Conservation: the state and every account (layers, vehicle, cleared, sink, uptake,
    /// added) are combined with the same weights (2, −1), which sum to 1, so dose = vehicle +
    /// skin + cleared + sink − added holds to round-off as for S.
    ///
    /// Positivity: the extrapolation can undershoot where the solution is nearly 0 (the tails of
    /// a front: the two half steps decay faster there than the full step). Voxels taken below 0
    /// are set to 0 and the whole state is rescaled by M/(M + m) (M the extrapolated skin
    /// amount, m the amount the clipping added), which keeps the state ≥ 0 and the amount exact;
    /// if m > [`CLIP_MAX`]·M (or the vehicle amount would go negative), the step falls back to
    /// the two backward-Euler half steps (first order, positive). See [`ExtrapolatedStep`].
    pub fn step_extrapolated(&mut self, h: f64, mut prepare: impl FnMut(&mut Solver, f64, f64)) -> ExtrapolatedStep {
        let n = self.c.len();
        if self.ext_c.len() != n {
            self.ext_c = vec![0.0; n];
        }
        let (acc0, am0) = (self.acc, self.vehicle.amount);
        self.ext_c.copy_from_slice(&self.c);
        // the two half steps first, then the full step from the saved state: the coefficients
        // at t + h the second half step left are those the full step needs (a `prepare` that
        // notices an unchanged time can skip its work), and the ones left at the end
        prepare(self, 0.5 * h, 0.5 * h);
        self.step(0.5 * h);
        prepare(self, h, 0.5 * h);
        self.step(0.5 * h);
        let (acc_h, am_h) = (self.acc, self.vehicle.amount);
        std::mem::swap(&mut self.c, &mut self.ext_c);
        self.acc = acc0;
        self.vehicle.amount = am0;
        prepare(self, h, h);
        self.step(h);
        let (acc_f, am_f) = (self.acc, self.vehicle.amount);
        // c: the two half steps, ext_c: the full step
        std::mem::swap(&mut self.c, &mut self.ext_c);
        let pool = self.pool.take();
        let r = match &pool {
            Some(p) => p.install(|| self.combine(acc0, &acc_f, &acc_h, am_f, am_h)),
            None => self.combine(acc0, &acc_f, &acc_h, am_f, am_h),
        };
        self.pool = pool;
        r
    }

    fn combine(&mut self, acc0: Accounts, f: &Accounts, hh: &Accounts, am_f: f64, am_h: f64) -> ExtrapolatedStep {
        let plane = self.nx * self.ny;
        let x = |a: f64, b: f64| 2.0 * a - b;
        // pass 1: ext ← 2·c_half − c_full (c keeps c_half for a fallback); per plane Σ and Σ max(·, 0)
        self.ext_c.par_chunks_mut(plane).zip(self.c.par_chunks(plane)).zip(self.plane_sums.par_iter_mut()).for_each(
            |((ep, cp), ps)| {
                let (mut s, mut sp) = (0.0, 0.0);
                for (e, &c) in ep.iter_mut().zip(cp) {
                    let v = 2.0 * c - *e;
                    *e = v;
                    s += v;
                    sp += v.max(0.0);
                }
                *ps = [s, sp];
            },
        );
        let (mut m_ext, mut m_pos) = (0.0, 0.0);
        let mut lay_pos = [0.0; 5];
        for (k, ps) in self.plane_sums.iter().enumerate() {
            m_ext += ps[0] * self.dz_um[k];
            m_pos += ps[1] * self.dz_um[k];
            lay_pos[self.layer[k] as usize] += ps[1] * self.dz_um[k];
        }
        let (m_ext, m_pos) = (m_ext / plane as f64, m_pos / plane as f64);
        let am = if self.vehicle.coupled && !self.vehicle.infinite { x(am_h, am_f) } else { am_h };
        let clip = m_pos - m_ext;
        let outcome = if !self.clip_negative || (clip <= 0.0 && am >= 0.0) {
            ExtrapolatedStep::Clean
        } else if am >= 0.0 && m_ext > 0.0 && clip <= CLIP_MAX * m_ext {
            ExtrapolatedStep::Clipped
        } else {
            ExtrapolatedStep::Fallback
        };
        match outcome {
            ExtrapolatedStep::Fallback => {
                // c holds the two half steps
                self.acc = *hh;
                self.vehicle.amount = am_h;
            }
            _ => {
                let a = &mut self.acc;
                for l in 0..5 {
                    a.layer[l] = x(hh.layer[l], f.layer[l]);
                }
                a.cleared = x(hh.cleared, f.cleared);
                a.sunk = x(hh.sunk, f.sunk);
                a.uptake = x(hh.uptake, f.uptake);
                a.added = x(hh.added, f.added);
                self.vehicle.amount = am;
                std::mem::swap(&mut self.c, &mut self.ext_c);
                if outcome == ExtrapolatedStep::Clipped {
                    let scale = m_ext / m_pos;
                    self.c.par_iter_mut().for_each(|c| *c = c.max(0.0) * scale);
                    a.layer = lay_pos.map(|v| v / plane as f64 * scale);
                }
            }
        }
        self.acc.last_uptake = self.acc.uptake - acc0.uptake;
        self.acc.last_sunk = self.acc.sunk - acc0.sunk;
        outcome
    }

    /// Advance by `dt_s` (one LOD step: x, y sweeps fused per plane, then the z sweep with the
    /// vehicle, clearance and bottom sink). Afterwards `c` holds the state at t + dt, `acc.layer`
    /// the layer amounts, and the cumulative accounts include this step. Allocates nothing.
    pub fn step(&mut self, dt_s: f64) {
        if let Some(pool) = self.pool.take() {
            pool.install(|| self.step_inner(dt_s));
            self.pool = Some(pool);
        } else {
            self.step_inner(dt_s);
        }
    }

    /// Time the two passes separately (diagnostics for the bench): returns (xy s, z s).
    #[doc(hidden)]
    pub fn step_timed(&mut self, dt: f64) -> (f64, f64) {
        let pool = self.pool.take();
        let run = |s: &mut Self| {
            let t0 = std::time::Instant::now();
            s.sweep_xy(dt);
            let t1 = std::time::Instant::now();
            s.sweep_z(dt);
            ((t1 - t0).as_secs_f64(), t1.elapsed().as_secs_f64())
        };
        let r = match &pool {
            Some(p) => p.install(|| run(self)),
            None => run(self),
        };
        self.pool = pool;
        r
    }

    fn step_inner(&mut self, dt: f64) {
        if self.nx > 1 || self.ny > 1 {
            self.sweep_xy(dt);
        }
        self.sweep_z(dt);
    }

    fn sweep_xy(&mut self, dt: f64) {
        let (nx, ny, nz) = (self.nx, self.ny, self.nz);
        let plane = nx * ny;
        let per_block = nz.div_ceil(self.xy_blocks);
        let rx = dt / (self.dx_um * self.dx_um);
        let ry = dt / (self.dy_um * self.dy_um);
        let lateral = self.lateral;
        let scratch_len = xy_scratch_len(nx, ny);
        let (gx, gy) = (&self.gx, &self.gy);
        let cap = &self.cap;
        let avx = self.avx512;
        self.c.par_chunks_mut(per_block * plane).zip(self.xy_scratch.par_chunks_mut(scratch_len)).enumerate().for_each(
            |(b, (cblk, scratch))| {
                let k0 = b * per_block;
                for (kk, cpl) in cblk.chunks_mut(plane).enumerate() {
                    let off = (k0 + kk) * plane;
                    let g = (&gx[off..off + plane], &gy[off..off + plane]);
                    let cp = &cap[off..off + plane];
                    let periodic = lateral == LateralBoundary::Periodic;
                    plane_xy_dispatch(avx, cpl, g, cp, nx, ny, rx, ry, periodic, scratch);
                }
            },
        );
    }

    fn sweep_z(&mut self, dt: f64) {
        let (nx, ny, nz) = (self.nx, self.ny, self.nz);
        let plane = nx * ny;
        let n_cols = plane as f64;
        let rows_per_block = ny.div_ceil(self.z_blocks);
        let scratch_len = nz * nx + 8 * nx;
        let veh = self.vehicle;
        let ctx = ZCtx {
            nx,
            nz,
            plane,
            dt,
            dz: &self.dz_um,
            lambda: &self.lambda_per_s,
            layer: &self.layer,
            rdk: &self.rdk,
            gz: &self.gz,
            cap: &self.cap,
            coupled: veh.coupled,
            rv: self.vehicle_resistance_s_per_um,
            avx: self.avx512,
        };
        let cptr = SendPtr(self.c.as_mut_ptr());
        let cptr = &cptr;
        // Pass 1 (finite dose only): Schur complement for the vehicle potential.
        let uv = if veh.coupled && !veh.infinite {
            self.row_schur
                .par_chunks_mut(rows_per_block)
                .zip(self.z_scratch.par_chunks_mut(scratch_len))
                .enumerate()
                .for_each(|(b, (sch, scratch))| {
                    for (jj, s) in sch.iter_mut().enumerate() {
                        let j = b * rows_per_block + jj;
                        // SAFETY: pass 1 only reads c.
                        let c = unsafe { std::slice::from_raw_parts(cptr.get(), plane * nz) };
                        *s = ctx.schur_dispatch(c, j, scratch);
                    }
                });
            let (mut s1, mut s0) = (0.0, 0.0);
            for s in &self.row_schur {
                s1 += s[0];
                s0 += s[1];
            }
            (veh.amount + s0 / n_cols) / (veh.volume_um * veh.partition + s1 / n_cols)
        } else {
            veh.potential()
        };
        // Pass 2: Thomas per column with u_v known.
        self.row_sums
            .par_chunks_mut(rows_per_block)
            .zip(self.z_scratch.par_chunks_mut(scratch_len))
            .enumerate()
            .for_each(|(b, (sums, scratch))| {
                for (jj, s) in sums.iter_mut().enumerate() {
                    let j = b * rows_per_block + jj;
                    // SAFETY: row j touches only indices (k·ny + j)·nx + i, disjoint between
                    // rows; rows are split between blocks without overlap.
                    unsafe { *s = ctx.thomas_dispatch(cptr.get(), j, uv, scratch) };
                }
            });
        let mut tot = [0.0; 8];
        for s in &self.row_sums {
            for (t, v) in tot.iter_mut().zip(s) {
                *t += v;
            }
        }
        let tot = tot.map(|v| v / n_cols);
        self.acc.layer.copy_from_slice(&tot[..5]);
        self.acc.cleared += tot[5];
        self.acc.sunk += tot[6];
        self.acc.last_sunk = tot[6];
        self.acc.uptake += tot[7];
        self.acc.last_uptake = tot[7];
        if veh.coupled && !veh.infinite {
            self.vehicle.amount -= tot[7];
        }
    }
}

/// Forward elimination of one row of lines (vectorised over the row): row `cur` of c becomes
/// d', `e_cur` the upper multipliers, `wprev` the conductance to the next row.
/// w = scale·g (g: face conductance to the next row, or the sink at the last z row).
/// Diagonal: s_cap·K + w_prev + w − w_prev·e_prev; rhs: s_rhs·c + w_prev·d_prev.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn fwd_row(
    c_cur: &mut [f64],
    d_prev: &[f64],
    e_prev: &[f64],
    e_cur: &mut [f64],
    wprev: &mut [f64],
    cap: &[f32],
    g: &[f32],
    scale: f64,
    s_cap: f64,
    s_rhs: f64,
) {
    let n = c_cur.len();
    let (d_prev, e_prev, e_cur, wprev, cap, g) =
        (&d_prev[..n], &e_prev[..n], &mut e_cur[..n], &mut wprev[..n], &cap[..n], &g[..n]);
    for i in 0..n {
        let w = scale * g[i] as f64;
        let wl = wprev[i];
        let m = s_cap * cap[i] as f64 + wl + w - wl * e_prev[i];
        let inv = 1.0 / m;
        e_cur[i] = w * inv;
        c_cur[i] = (s_rhs * c_cur[i] + wl * d_prev[i]) * inv;
        wprev[i] = w;
    }
}

/// Back substitution of one row: u = d' + e·u_next; c = K·u. Returns Σ c over the row.
#[inline(always)]
fn back_row(c_cur: &mut [f64], e_cur: &[f64], unext: &mut [f64], cap: &[f32]) -> f64 {
    let n = c_cur.len();
    let (e_cur, unext, cap) = (&e_cur[..n], &mut unext[..n], &cap[..n]);
    let mut s = 0.0;
    for i in 0..n {
        let u = c_cur[i] + e_cur[i] * unext[i];
        unext[i] = u;
        let cv = cap[i] as f64 * u;
        c_cur[i] = cv;
        s += cv;
    }
    s
}

/// Lines along the slow axis of an `n_rows × n_cols` array (row-major), vectorised over columns:
/// per-volume form (lateral sweeps); `g` holds the face conductance towards the next row (the
/// last row's face is ignored: no flux).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn lines_lateral(
    c: &mut [f64],
    g: &[f32],
    cap: &[f32],
    n_cols: usize,
    n_rows: usize,
    r: f64,
    e: &mut [f64],
    rows: &mut [f64],
) {
    let (wprev, rest) = rows.split_at_mut(n_cols);
    let (unext, rest) = rest.split_at_mut(n_cols);
    let zeros = &mut rest[..n_cols];
    zeros.fill(0.0);
    wprev.fill(0.0);
    for j in 0..n_rows {
        let o = j * n_cols;
        let (c_before, c_rest) = c.split_at_mut(o);
        let c_cur = &mut c_rest[..n_cols];
        let (e_before, e_rest) = e.split_at_mut(o);
        let e_cur = &mut e_rest[..n_cols];
        let (d_prev, e_prev): (&[f64], &[f64]) =
            if j > 0 { (&c_before[o - n_cols..], &e_before[o - n_cols..]) } else { (&*zeros, &*zeros) };
        let scale = if j + 1 < n_rows { r } else { 0.0 };
        let (cp, gp) = (&cap[o..o + n_cols], &g[o..o + n_cols]);
        fwd_row(c_cur, d_prev, e_prev, e_cur, wprev, cp, gp, scale, 1.0, 1.0);
    }
    unext.fill(0.0);
    for j in (0..n_rows).rev() {
        let o = j * n_cols;
        back_row(&mut c[o..o + n_cols], &e[o..o + n_cols], unext, &cap[o..o + n_cols]);
    }
}

/// Both lateral sweeps of one z-plane: x (on the transposed plane, so it vectorises), then y.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn plane_xy(
    c: &mut [f64],
    g: (&[f32], &[f32]),
    cap: &[f32],
    nx: usize,
    ny: usize,
    rx: f64,
    ry: f64,
    periodic: bool,
    scratch: &mut [f64],
) {
    let (gx, gy) = g;
    let plane = nx * ny;
    let (ct, rest) = scratch.split_at_mut(plane);
    let (e, rest) = rest.split_at_mut(plane);
    let (packed, rows) = rest.split_at_mut(plane);
    // SAFETY: f64 storage reinterpreted as twice as many f32 (alignment 8 ≥ 4).
    let packed: &mut [f32] = unsafe { std::slice::from_raw_parts_mut(packed.as_mut_ptr() as *mut f32, 2 * plane) };
    let (gt, capt) = packed.split_at_mut(plane);
    if nx > 1 {
        if periodic && nx >= 3 {
            for j in 0..ny {
                let r = j * nx..(j + 1) * nx;
                cyclic_row(&mut c[r.clone()], &gx[r.clone()], &cap[r], rx, rows);
            }
        } else if ny == 1 {
            lines_lateral(c, gx, cap, 1, nx, rx, e, rows);
        } else {
            for j in 0..ny {
                for i in 0..nx {
                    ct[i * ny + j] = c[j * nx + i];
                    gt[i * ny + j] = gx[j * nx + i];
                    capt[i * ny + j] = cap[j * nx + i];
                }
            }
            lines_lateral(ct, gt, capt, ny, nx, rx, e, rows);
            for i in 0..nx {
                for j in 0..ny {
                    c[j * nx + i] = ct[i * ny + j];
                }
            }
        }
    }
    if ny > 1 {
        if periodic && ny >= 3 {
            for i in 0..nx {
                cyclic_strided(c, i, nx, ny, gy, cap, ry, rows);
            }
        } else {
            lines_lateral(c, gy, cap, nx, ny, ry, e, rows);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn plane_xy_avx512(
    c: &mut [f64],
    g: (&[f32], &[f32]),
    cap: &[f32],
    nx: usize,
    ny: usize,
    rx: f64,
    ry: f64,
    periodic: bool,
    scratch: &mut [f64],
) {
    plane_xy(c, g, cap, nx, ny, rx, ry, periodic, scratch)
}

#[allow(clippy::too_many_arguments)]
fn plane_xy_dispatch(
    avx: bool,
    c: &mut [f64],
    g: (&[f32], &[f32]),
    cap: &[f32],
    nx: usize,
    ny: usize,
    rx: f64,
    ry: f64,
    periodic: bool,
    scratch: &mut [f64],
) {
    #[cfg(target_arch = "x86_64")]
    if avx {
        // SAFETY: the features were detected at run time.
        unsafe { plane_xy_avx512(c, g, cap, nx, ny, rx, ry, periodic, scratch) };
        return;
    }
    let _ = avx;
    plane_xy(c, g, cap, nx, ny, rx, ry, periodic, scratch)
}

/// Face recomputation of one z-plane after the channel voxels changed (phase 2 of
/// [`Solver::apply_channels`]).
struct FacePlane<'a> {
    k: usize,
    nx: usize,
    ny: usize,
    nz: usize,
    dz: &'a [f64],
    periodic: bool,
    sink: bool,
    flag: &'a [bool],
}

impl FacePlane<'_> {
    fn dispatch(&self, avx: bool, g: (&mut [f32], &mut [f32], &mut [f32]), r: (&[f32], &[f32]), below: Option<&[f32]>) {
        #[cfg(target_arch = "x86_64")]
        if avx {
            // SAFETY: the features were detected at run time.
            unsafe { self.run_avx512(g, r, below) };
            return;
        }
        let _ = avx;
        self.run(g, r, below)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
    unsafe fn run_avx512(&self, g: (&mut [f32], &mut [f32], &mut [f32]), r: (&[f32], &[f32]), below: Option<&[f32]>) {
        self.run(g, r, below)
    }

    /// The same expressions as `Solver::face_x`, `face_y`, `face_z` (bit for bit).
    #[inline(always)]
    fn run(&self, g: (&mut [f32], &mut [f32], &mut [f32]), r: (&[f32], &[f32]), below: Option<&[f32]>) {
        let (gx, gy, gz) = g;
        // vertical resistivities for the z faces, lateral ones for the x and y faces
        let (r, rl) = r;
        let FacePlane { k, nx, ny, nz, dz, periodic, sink, flag } = *self;
        for j in 0..ny {
            let here = flag[k * ny + j];
            let next_row = if j + 1 < ny { flag[k * ny + j + 1] } else { periodic && ny >= 3 && flag[k * ny] };
            let next_plane = k + 1 < nz && flag[(k + 1) * ny + j];
            let row = j * nx;
            let rr = &r[row..row + nx];
            let rrl = &rl[row..row + nx];
            if here {
                let gxr = &mut gx[row..row + nx];
                for i in 0..nx - 1 {
                    gxr[i] = harm_r(rrl[i], rrl[i + 1]) as f32;
                }
                gxr[nx - 1] = if periodic && nx >= 3 { harm_r(rrl[nx - 1], rrl[0]) as f32 } else { 0.0 };
            }
            if here || next_row {
                let gyr = &mut gy[row..row + nx];
                if j + 1 < ny {
                    let rn = &rl[row + nx..row + 2 * nx];
                    for i in 0..nx {
                        gyr[i] = harm_r(rrl[i], rn[i]) as f32;
                    }
                } else if periodic && ny >= 3 {
                    let rn = &rl[..nx];
                    for i in 0..nx {
                        gyr[i] = harm_r(rrl[i], rn[i]) as f32;
                    }
                } else {
                    gyr.fill(0.0);
                }
            }
            if here || next_plane {
                let gzr = &mut gz[row..row + nx];
                match below {
                    Some(rb) => {
                        let (h0, h1) = (0.5 * dz[k], 0.5 * dz[k + 1]);
                        let rb = &rb[row..row + nx];
                        for i in 0..nx {
                            gzr[i] = (1.0 / (h0 * rr[i] as f64 + h1 * rb[i] as f64)) as f32;
                        }
                    }
                    None if sink => {
                        for i in 0..nx {
                            gzr[i] = (2.0 / (dz[k] * rr[i] as f64)) as f32;
                        }
                    }
                    None => gzr.fill(0.0),
                }
            }
        }
    }
}

struct ZCtx<'a> {
    nx: usize,
    nz: usize,
    plane: usize,
    dt: f64,
    dz: &'a [f64],
    lambda: &'a [f64],
    layer: &'a [u8],
    rdk: &'a [f32],
    gz: &'a [f32],
    cap: &'a [f32],
    coupled: bool,
    rv: f64,
    avx: bool,
}

impl ZCtx<'_> {
    fn schur_dispatch(&self, c: &[f64], j: usize, scratch: &mut [f64]) -> [f64; 2] {
        #[cfg(target_arch = "x86_64")]
        if self.avx {
            // SAFETY: features detected at run time.
            return unsafe { self.schur_avx512(c, j, scratch) };
        }
        self.schur_row(c, j, scratch)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
    unsafe fn schur_avx512(&self, c: &[f64], j: usize, scratch: &mut [f64]) -> [f64; 2] {
        self.schur_row(c, j, scratch)
    }

    /// # Safety
    /// See [`ZCtx::thomas_row`].
    unsafe fn thomas_dispatch(&self, c: *mut f64, j: usize, uv: f64, scratch: &mut [f64]) -> [f64; 8] {
        #[cfg(target_arch = "x86_64")]
        if self.avx {
            return unsafe { self.thomas_avx512(c, j, uv, scratch) };
        }
        unsafe { self.thomas_row(c, j, uv, scratch) }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
    unsafe fn thomas_avx512(&self, c: *mut f64, j: usize, uv: f64, scratch: &mut [f64]) -> [f64; 8] {
        unsafe { self.thomas_row(c, j, uv, scratch) }
    }

    /// Bottom-up elimination of every column of row j; returns (Σ S1, Σ S0) over the row.
    #[inline(always)]
    fn schur_row(&self, c: &[f64], j: usize, scratch: &mut [f64]) -> [f64; 2] {
        let (nx, nz, plane) = (self.nx, self.nz, self.plane);
        let (bp, rest) = scratch.split_at_mut(nx);
        let (rp, rest) = rest.split_at_mut(nx);
        let wtop = &mut rest[..nx];
        let dt = self.dt;
        let r0 = &self.rdk[j * nx..j * nx + nx];
        for i in 0..nx {
            wtop[i] = if self.coupled { dt / (self.rv + 0.5 * self.dz[0] * r0[i] as f64) } else { 0.0 };
        }
        // bottom cell: B' = B (its g_z is the sink, not a coupling), R' = Δz·c
        let k = nz - 1;
        let o = k * plane + j * nx;
        {
            let (cr, capr, gbl) = (&c[o..o + nx], &self.cap[o..o + nx], &self.gz[o..o + nx]);
            let gab: &[f32] = if k > 0 { &self.gz[o - plane..o - plane + nx] } else { gbl };
            let sc = self.dz[k] * (1.0 + dt * self.lambda[k]);
            for i in 0..nx {
                let wab = if k > 0 { dt * gab[i] as f64 } else { wtop[i] };
                bp[i] = sc * capr[i] as f64 + wab + dt * gbl[i] as f64;
                rp[i] = self.dz[k] * cr[i];
            }
        }
        for k in (0..nz - 1).rev() {
            let o = k * plane + j * nx;
            let (cr, capr, gbl) = (&c[o..o + nx], &self.cap[o..o + nx], &self.gz[o..o + nx]);
            let sc = self.dz[k] * (1.0 + dt * self.lambda[k]);
            let dzk = self.dz[k];
            if k > 0 {
                let gab = &self.gz[o - plane..o - plane + nx];
                for i in 0..nx {
                    let wbl = dt * gbl[i] as f64;
                    let bk = sc * capr[i] as f64 + dt * gab[i] as f64 + wbl;
                    let q = wbl / bp[i];
                    bp[i] = bk - wbl * q;
                    rp[i] = dzk * cr[i] + q * rp[i];
                }
            } else {
                for i in 0..nx {
                    let wbl = dt * gbl[i] as f64;
                    let bk = sc * capr[i] as f64 + wtop[i] + wbl;
                    let q = wbl / bp[i];
                    bp[i] = bk - wbl * q;
                    rp[i] = dzk * cr[i] + q * rp[i];
                }
            }
        }
        let (mut s1, mut s0) = (0.0, 0.0);
        for i in 0..nx {
            let wt = wtop[i];
            s1 += wt * (1.0 - wt / bp[i]);
            s0 += wt * rp[i] / bp[i];
        }
        [s1, s0]
    }

    /// Top-down Thomas for every column of row j with the vehicle potential known. Returns
    /// [layer amounts ×5, cleared, sunk, uptake] summed over the row's columns.
    ///
    /// # Safety
    /// `c` must point to the full state; only row j's voxels are read and written, and no
    /// other thread touches row j.
    #[inline(always)]
    unsafe fn thomas_row(&self, c: *mut f64, j: usize, uv: f64, scratch: &mut [f64]) -> [f64; 8] {
        let (nx, nz, plane) = (self.nx, self.nz, self.plane);
        let (e, rest) = scratch.split_at_mut(nz * nx);
        let (wprev, rest) = rest.split_at_mut(nx);
        let (unext, rest) = rest.split_at_mut(nx);
        let (wtop, rest) = rest.split_at_mut(nx);
        let (uvrow, rest) = rest.split_at_mut(nx);
        let zeros = &mut rest[..nx];
        zeros.fill(0.0);
        uvrow.fill(uv);
        let dt = self.dt;
        let row = |k: usize| -> &mut [f64] {
            // SAFETY: distinct k give disjoint rows; caller guarantees exclusivity of row j.
            unsafe { std::slice::from_raw_parts_mut(c.add(k * plane + j * nx), nx) }
        };
        let r0 = &self.rdk[j * nx..j * nx + nx];
        for i in 0..nx {
            wtop[i] = if self.coupled { dt / (self.rv + 0.5 * self.dz[0] * r0[i] as f64) } else { 0.0 };
        }
        wprev.copy_from_slice(wtop);
        let mut prev: &mut [f64] = uvrow;
        for k in 0..nz {
            let o = k * plane + j * nx;
            let cur = row(k);
            let (e_before, e_rest) = e.split_at_mut(k * nx);
            let e_cur = &mut e_rest[..nx];
            let e_prev: &[f64] = if k > 0 { &e_before[(k - 1) * nx..] } else { &*zeros };
            fwd_row(
                cur,
                prev,
                e_prev,
                e_cur,
                wprev,
                &self.cap[o..o + nx],
                &self.gz[o..o + nx],
                dt,
                self.dz[k] * (1.0 + dt * self.lambda[k]),
                self.dz[k],
            );
            prev = cur;
        }
        let mut out = [0.0; 8];
        unext.fill(0.0);
        for k in (0..nz).rev() {
            let o = k * plane + j * nx;
            let cur = row(k);
            let s = back_row(cur, &e[k * nx..(k + 1) * nx], unext, &self.cap[o..o + nx]);
            if k + 1 == nz {
                // wprev holds the bottom sink conductance of each column (0 for no flux)
                for i in 0..nx {
                    out[6] += wprev[i] * unext[i];
                }
            }
            out[self.layer[k] as usize] += s * self.dz[k];
            out[5] += dt * self.lambda[k] * self.dz[k] * s;
        }
        for i in 0..nx {
            out[7] += wtop[i] * (uv - unext[i]);
        }
        out
    }
}

/// Periodic (cyclic) tridiagonal solve of `(cap_i + w_{i−1} + w_i)·u_i − w_{i−1}·u_{i−1} −
/// w_i·u_{i+1} = r_i` (indices mod n, n ≥ 3) by Sherman–Morrison; `r` is overwritten by u.
/// `scratch` needs 3n values.
pub fn cyclic_solve(cap: &[f64], w: &[f64], r: &mut [f64], scratch: &mut [f64]) {
    let n = r.len();
    let (z, rest) = scratch.split_at_mut(n);
    let (e, _) = rest.split_at_mut(n);
    let b = |i: usize| cap[i] + w[(i + n - 1) % n] + w[i];
    let b0 = b(0);
    let gamma = -b0;
    let beta = -w[n - 1];
    let alpha = -w[n - 1];
    // forward
    let mut m = 2.0 * b0;
    e[0] = w[0] / m;
    r[0] /= m;
    z[0] = gamma / m;
    for i in 1..n {
        let wl = w[i - 1];
        let bi = if i == n - 1 { b(i) - alpha * beta / gamma } else { b(i) };
        m = bi - wl * e[i - 1];
        e[i] = if i + 1 < n { w[i] / m } else { 0.0 };
        r[i] = (r[i] + wl * r[i - 1]) / m;
        let v = if i == n - 1 { alpha } else { 0.0 };
        z[i] = (v + wl * z[i - 1]) / m;
    }
    for i in (0..n - 1).rev() {
        r[i] += e[i] * r[i + 1];
        z[i] += e[i] * z[i + 1];
    }
    let fact = (r[0] + beta * r[n - 1] / gamma) / (1.0 + z[0] + beta * z[n - 1] / gamma);
    for i in 0..n {
        r[i] -= fact * z[i];
    }
}

fn cyclic_row(c: &mut [f64], g: &[f32], cap: &[f32], r: f64, scratch: &mut [f64]) {
    let n = c.len();
    let (capb, rest) = scratch.split_at_mut(n);
    let (w, rest) = rest.split_at_mut(n);
    let (rhs, rest) = rest.split_at_mut(n);
    for i in 0..n {
        capb[i] = cap[i] as f64;
        w[i] = r * g[i] as f64;
        rhs[i] = c[i];
    }
    cyclic_solve(capb, w, rhs, rest);
    for i in 0..n {
        c[i] = capb[i] * rhs[i];
    }
}

#[allow(clippy::too_many_arguments)]
fn cyclic_strided(c: &mut [f64], i: usize, nx: usize, ny: usize, g: &[f32], cap: &[f32], r: f64, scratch: &mut [f64]) {
    let n = ny;
    let (capb, rest) = scratch.split_at_mut(n);
    let (w, rest) = rest.split_at_mut(n);
    let (rhs, rest) = rest.split_at_mut(n);
    for j in 0..n {
        let a = j * nx + i;
        capb[j] = cap[a] as f64;
        w[j] = r * g[a] as f64;
        rhs[j] = c[a];
    }
    cyclic_solve(capb, w, rhs, rest);
    for j in 0..n {
        c[j * nx + i] = capb[j] * rhs[j];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lateral_mix_of_a_channel_voxel_is_between_the_wiener_bounds() {
        for (t, c) in [(1.0, 1.0e3), (1.0e-3, 1.0), (2.0, 0.5), (1.0, 1.0)] {
            assert!((lateral_mix_dk(t, c, 0.0) - t).abs() <= 1e-12 * t);
            assert!((lateral_mix_dk(t, c, 1.0) - c).abs() <= 1e-12 * c);
            for phi in [0.1, 0.3, 0.5, 0.9] {
                let m = lateral_mix_dk(t, c, phi);
                let (series, parallel) = (1.0 / ((1.0 - phi) / t + phi / c), (1.0 - phi) * t + phi * c);
                assert!(m >= series * (1.0 - 1e-12) && m <= parallel * (1.0 + 1e-12), "{t} {c} {phi}: {m}");
            }
        }
        // a water channel in a thousandfold slower tissue: a rim voxel 30 % open conducts sideways
        // like tissue that is 1.86 times faster, not like a third of the channel (the parallel mix)
        let m = lateral_mix_dk(1.0, 1.0e3, 0.3);
        assert!((m - 1.3 / 0.7 * (1.0 + 1e-3 * 0.7 / 1.3) / (1.0 + 1e-3 * 1.3 / 0.7)).abs() < 1e-9, "{m}");
    }

    #[test]
    fn cyclic_solve_reproduces_rhs() {
        let n = 7;
        let cap: Vec<f64> = (0..n).map(|i| 1.0 + 0.1 * i as f64).collect();
        let w: Vec<f64> = (0..n).map(|i| 0.5 + 0.3 * ((i * 3) % 5) as f64).collect();
        let x: Vec<f64> = (0..n).map(|i| (i as f64).sin() + 2.0).collect();
        let mut r: Vec<f64> = (0..n)
            .map(|i| {
                let im = (i + n - 1) % n;
                let ip = (i + 1) % n;
                (cap[i] + w[im] + w[i]) * x[i] - w[im] * x[im] - w[i] * x[ip]
            })
            .collect();
        let mut s = vec![0.0; 3 * n];
        cyclic_solve(&cap, &w, &mut r, &mut s);
        for i in 0..n {
            assert!((r[i] - x[i]).abs() < 1e-12, "{} vs {}", r[i], x[i]);
        }
    }

    /// The parallel, row-wise `apply_channels` gives every coefficient and face bit for bit as
    /// the voxel-by-voxel reference, for both side and both bottom conditions, open fractions
    /// from 1 to 10⁻⁶, channels at the sides, the corners and the bottom plane, and after the
    /// channel list is replaced.
    #[test]
    fn parallel_apply_channels_equals_the_serial_reference() {
        let (nx, ny, nz) = (13, 11, 6);
        let n = nx * ny * nz;
        for lateral in [LateralBoundary::NoFlux, LateralBoundary::Periodic] {
            for bottom in [BottomBoundary::NoFlux, BottomBoundary::Sink] {
                let spec = || SolverSpec {
                    nx,
                    ny,
                    dx_um: 10.0,
                    dy_um: 10.0,
                    dz_um: vec![2.0, 2.0, 5.0, 6.0, 7.2, 8.6],
                    layer: vec![0, 0, 1, 2, 3, 3],
                    d_um2_per_s: vec![1e-4, 1e-4, 10.0, 20.0, 20.0, 30.0],
                    k: vec![3.0, 3.0, 1.0, 0.9, 0.9, 0.8],
                    lambda_per_s: vec![0.0; 6],
                    lateral,
                    bottom,
                    vehicle: Vehicle {
                        coupled: true,
                        infinite: false,
                        partition: 1.0,
                        volume_um: 100.0,
                        amount: 1.0,
                        infinite_concentration: 0.0,
                    },
                    threads: 2,
                };
                let (mut a, mut b) = (Solver::new(spec()), Solver::new(spec()));
                for round in 0..2 {
                    // a sparse pseudo-random sorted set (most rows hold none), plus the corners of
                    // every plane (the wrap faces) and the whole bottom plane in round 1
                    let mut idx: Vec<u32> = (0..n)
                        .filter(|&i| {
                            (i * 7 + round * 5) % 37 == 0 || i % (nx * ny) == 0 || i % (nx * ny) == nx * ny - 1
                        })
                        .chain(if round == 1 { (n - nx * ny)..n } else { 0..0 })
                        .map(|i| i as u32)
                        .collect();
                    idx.sort();
                    idx.dedup();
                    let phi0: Vec<f32> = idx.iter().map(|&i| 0.05 + 0.95 * ((i * 13 % 17) as f32 / 16.0)).collect();
                    let ch = ChannelVoxels {
                        idx,
                        phi0,
                        dk_channel: vec![300.0, 300.0, 250.0, 200.0, 200.0, 150.0],
                        cap_channel: vec![1.0; 6],
                    };
                    a.channels = ch.clone();
                    b.channels = ch;
                    for f in [1.0, 0.5, 1e-3, 1e-6] {
                        a.apply_channels(f);
                        b.apply_channels_serial(f);
                        assert!(
                            a.rdk == b.rdk && a.rdk_lat == b.rdk_lat && a.cap == b.cap,
                            "{lateral:?} {bottom:?} f {f}: coefficients"
                        );
                        for (name, ga, gb) in [("x", &a.gx, &b.gx), ("y", &a.gy, &b.gy), ("z", &a.gz, &b.gz)] {
                            let diff = ga.iter().zip(gb.iter()).filter(|(p, q)| p.to_bits() != q.to_bits()).count();
                            assert_eq!(diff, 0, "{lateral:?} {bottom:?} f {f}: {diff} faces {name} differ");
                        }
                    }
                }
            }
        }
    }
}
