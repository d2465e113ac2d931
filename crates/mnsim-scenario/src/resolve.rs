//! Validation of a parsed scenario and its conversion into the typed inputs of the physics.

use crate::defaults::fill_device;
use crate::error::{Location, ScenarioError, Shown, compact, compact_list, compact_numbers_in};
use crate::schema::{DeviceKind, Scenario};
use mnsim_core::device::{Device, DeviceGeometry, Needle};
use mnsim_core::penetration::PenetrationParams;
use mnsim_core::protocol::{HandMotion, Protocol, Session};
use mnsim_core::skin::{MAX_PRESTRAIN_PCT, Skin, find_site, site_names};
use mnsim_core::units::{S_PER_DAY, UM_PER_MM};
use mnsim_core::{CoreError, Patch};
use serde::Serialize;

/// A validated scenario with every default filled in, and the typed physics inputs built from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedScenario {
    /// The scenario as it will run, every default written in (stamped into outputs).
    pub scenario: Scenario,
    /// The patient's skin at the site.
    pub skin: Skin,
    /// The device.
    pub device: Device,
    /// The protocol.
    pub protocol: Protocol,
    /// The simulated patch.
    pub patch: Patch,
}

impl ResolvedScenario {
    /// Seed of every random draw (`simulation.seed`).
    pub fn seed(&self) -> u64 {
        self.scenario.simulation.seed
    }

    /// Penetration parameters (`[penetration]`).
    pub fn penetration(&self) -> &PenetrationParams {
        &self.scenario.penetration
    }
}

/// Collects the context needed to point at a field.
pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl Ctx<'_> {
    pub(crate) fn invalid(&self, field: &str, value: impl Shown, allowed: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            at: Location { file: self.file.to_string(), line: line_of(self.text, field) },
            field: field.to_string(),
            value: value.shown(),
            allowed: compact_numbers_in(&allowed.into()),
        }
    }

    fn range(&self, field: &str, v: f64, lo: f64, hi: f64, unit: &str) -> Result<f64, ScenarioError> {
        if v.is_finite() && v >= lo && v <= hi {
            Ok(v)
        } else {
            Err(self.invalid(field, v, format!("must be a finite number in [{}, {}] {unit}", compact(lo), compact(hi))))
        }
    }

    fn positive(&self, field: &str, v: f64, hi: f64, unit: &str) -> Result<f64, ScenarioError> {
        if v.is_finite() && v > 0.0 && v <= hi {
            Ok(v)
        } else {
            Err(self.invalid(field, v, format!("must be a finite number in (0, {}] {unit}", compact(hi))))
        }
    }

    fn count(&self, field: &str, v: u32, lo: u32, hi: u32) -> Result<u32, ScenarioError> {
        if (lo..=hi).contains(&v) {
            Ok(v)
        } else {
            Err(self.invalid(field, v, format!("must be an integer in [{lo}, {hi}]")))
        }
    }
}

/// 1-based line of a dotted field path in a TOML text (`device.needle_length_um`), from the
/// parser's own spans (quoted keys, quoted headers, dotted keys and inline tables included); a
/// key not written in the file (a default) points at its nearest written table, else `None`.
pub fn line_of(text: &str, field: &str) -> Option<usize> {
    crate::locate::line_of_field(text, field)
}

fn core_err(ctx: &Ctx, prefix: &str, e: CoreError) -> ScenarioError {
    match e {
        CoreError::OutOfRange { quantity, value, allowed } => {
            let field = if quantity.contains('.') { quantity.to_string() } else { format!("{prefix}.{quantity}") };
            ctx.invalid(&field, value, format!("must be in {allowed}"))
        }
        CoreError::UnknownSite(site, known) => {
            ctx.invalid("patient.site", site, format!("must be one of: {known}, or custom"))
        }
        CoreError::NeedleTooLong { needle_length_um, tissue_um } => ctx.invalid(
            "device.needle_length_um",
            needle_length_um,
            format!("must not exceed the skin + subcutis thickness at this site ({} µm)", compact(tissue_um.round())),
        ),
        other => ctx.invalid(prefix, "(table)", other.to_string()),
    }
}

fn transport_err(ctx: &Ctx, prefix: &str, e: mnsim_transport::TransportError) -> ScenarioError {
    match e {
        mnsim_transport::TransportError::OutOfRange { field, value, allowed } => {
            let leaf = field.rsplit('.').next().unwrap_or(field).to_string();
            ctx.invalid(&format!("{prefix}.{leaf}"), value, format!("must be in {allowed}"))
        }
        mnsim_transport::TransportError::UnknownActive { name, known } => ctx.invalid(
            &format!("{prefix}.name"),
            format!("{name:?}"),
            format!("must be a catalogue active ({known}), or a free name given with molecular_weight_da and log_p"),
        ),
        mnsim_transport::TransportError::Missing { field, why } => {
            ctx.invalid(&format!("{prefix}.{field}"), "(absent)", why.to_string())
        }
        other => ctx.invalid(prefix, "(table)", other.to_string()),
    }
}

/// The topical: a name that says what it is, then the transport crate's own checks.
fn check_topical(ctx: &Ctx, t: &mnsim_transport::TopicalSpec) -> Result<(), ScenarioError> {
    if t.name.trim().is_empty() {
        return Err(ctx.invalid(
            "topical.name",
            format!("{:?}", t.name),
            format!(
                "must name the active: a catalogue active ({}), or a free name given with molecular_weight_da and log_p",
                mnsim_transport::catalogue::names()
            ),
        ));
    }
    t.validate().map_err(|e| transport_err(ctx, "topical", e))
}

/// The home topical: a catalogue active and its regimen in range.
fn check_home_care(ctx: &Ctx, h: &crate::schema::HomeCareSpec) -> Result<(), ScenarioError> {
    if mnsim_transport::catalogue::find(&h.name).is_none() {
        return Err(ctx.invalid(
            "home_care.name",
            format!("{:?}", h.name),
            format!("must be a catalogue active: {}", mnsim_transport::catalogue::names()),
        ));
    }
    ctx.positive("home_care.concentration_mg_per_ml", h.concentration_mg_per_ml, 1000.0, "mg/mL")?;
    ctx.count("home_care.applications_per_day", h.applications_per_day, 1, 6)?;
    ctx.range("home_care.from_day", h.from_day, 0.0, 3650.0, "days")?;
    if let Some(t) = h.to_day {
        if !(t.is_finite() && t >= h.from_day && t <= 3650.0) {
            return Err(ctx.invalid(
                "home_care.to_day",
                t,
                format!("must be a finite number in [home_care.from_day = {}, 3650] days", compact(h.from_day)),
            ));
        }
    }
    ctx.positive("home_care.amount_mg_per_cm2", h.amount_mg_per_cm2, 20.0, "mg/cm²")?;
    if let Some(ph) = h.vehicle_ph {
        ctx.range("home_care.vehicle_ph", ph, 0.0, 14.0, "")?;
    }
    Ok(())
}

/// Validate `sc` (parsed from `text` of `file`), fill defaults and build the physics inputs.
pub(crate) fn resolve(mut sc: Scenario, ctx: &Ctx) -> Result<ResolvedScenario, ScenarioError> {
    // --- name -------------------------------------------------------------------------------
    if sc.name.is_empty()
        || sc.name.len() > 64
        || !sc.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Err(ctx.invalid(
            "name",
            format!("{:?}", sc.name),
            "must be 1-64 characters of letters, digits, '-', '_' or '.'",
        ));
    }

    // --- patient and skin -------------------------------------------------------------------
    let p = &sc.patient;
    ctx.range("patient.age_y", p.age_y, 12.0, 100.0, "years")?;
    ctx.count("patient.fitzpatrick", p.fitzpatrick as u32, 1, 6)?;
    if let Some(l) = p.skin_lightness_l {
        ctx.range("patient.skin_lightness_l", l, 0.0, 100.0, "(CIE L*)")?;
    }
    let skin = match (&p.layers, p.site.as_str()) {
        (Some(layers), site) => {
            for (name, v) in [
                "stratum_corneum_um",
                "viable_epidermis_um",
                "papillary_dermis_um",
                "reticular_dermis_um",
                "subcutis_um",
            ]
            .into_iter()
            .zip(layers.thicknesses_um())
            {
                if !v.is_finite() {
                    return Err(ctx.invalid(&format!("patient.layers.{name}"), v, "must be a finite number"));
                }
            }
            layers.validate().map_err(|e| core_err(ctx, "patient.layers", e))?;
            if site != "custom" {
                find_site(site).map_err(|e| core_err(ctx, "patient", e))?;
            }
            Skin::from_layers(site.to_string(), *layers, p.age_y, p.sex)
        }
        (None, "custom") => {
            return Err(ctx.invalid("patient.layers", "(missing)", "required when patient.site = \"custom\""));
        }
        (None, site) => Skin::at_site(site, p.age_y, p.sex).map_err(|e| match e {
            CoreError::UnknownSite(..) => ctx.invalid(
                "patient.site",
                format!("{site:?}"),
                format!("must be one of: {}, or custom", site_names().join(", ")),
            ),
            other => core_err(ctx, "patient", other),
        })?,
    };

    // --- indication ---------------------------------------------------------------------------
    {
        let ind = &sc.indication;
        let outcome_err = |prefix: &str, e: mnsim_outcomes::OutcomeError| match e {
            mnsim_outcomes::OutcomeError::OutOfRange { field, value, allowed } => {
                let leaf = field.rsplit('.').next().unwrap_or(&field).to_string();
                ctx.invalid(&format!("{prefix}.{leaf}"), value, format!("must be in {allowed}"))
            }
            other => ctx.invalid(prefix, "(table)", other.to_string()),
        };
        if let Some(s) = &ind.scar {
            s.validate().map_err(|e| outcome_err("indication.scar", e))?;
        }
        if let Some(s) = &ind.striae {
            s.validate().map_err(|e| outcome_err("indication.striae", e))?;
        }
        if let Some(p) = &ind.pigment {
            p.validate().map_err(|e| outcome_err("indication.pigment", e))?;
        }
        ctx.range("indication.home_depigmenting_inhibition", ind.home_depigmenting_inhibition, 0.0, 0.99, "")?;
        if let Some(w) = ind.wrinkle_depth_um {
            ctx.range("indication.wrinkle_depth_um", w, 0.0, 5000.0, "µm")?;
        }
        if let Some(r) = ind.roughness_ra_um {
            ctx.range("indication.roughness_ra_um", r, 0.0, 1000.0, "µm")?;
        }
        if let Some(g) = ind.laxity_grade {
            ctx.range("indication.laxity_grade", g, 0.0, 4.0, "")?;
        }
        if let Some(g) = ind.texture_grade {
            ctx.range("indication.texture_grade", g, 0.0, 4.0, "")?;
        }
    }

    // --- device -------------------------------------------------------------------------------
    let d = &mut sc.device;
    ctx.range("device.needle_length_um", d.needle_length_um, 50.0, 5000.0, "µm")?;
    let only = |field: &str, present: bool, kind: &str| -> Result<(), ScenarioError> {
        if present {
            Err(ctx.invalid(&format!("device.{field}"), "(set)", format!("applies only to kind = \"{kind}\"")))
        } else {
            Ok(())
        }
    };
    let is = |k: DeviceKind| d.kind == k;
    for (f, present) in [
        ("drum_diameter_mm", d.drum_diameter_mm.is_some()),
        ("drum_width_mm", d.drum_width_mm.is_some()),
        ("needle_rings", d.needle_rings.is_some()),
        ("needles_per_ring", d.needles_per_ring.is_some()),
        ("needle_tilt_deg", d.needle_tilt_deg.is_some()),
        ("rolling_speed_mm_per_s", d.rolling_speed_mm_per_s.is_some()),
    ] {
        if !is(DeviceKind::Roller) {
            only(f, present, "roller")?;
        }
    }
    for (f, present) in [
        ("needle_rows", d.needle_rows.is_some()),
        ("needle_cols", d.needle_cols.is_some()),
        ("press_speed_mm_per_s", d.press_speed_mm_per_s.is_some()),
        ("press_force_n", d.press_force_n.is_some()),
    ] {
        if !is(DeviceKind::Stamp) {
            only(f, present, "stamp")?;
        }
    }
    for (f, present) in [
        ("needle_count", d.needle_count.is_some()),
        ("arrangement", d.arrangement.is_some()),
        ("frequency_hz", d.frequency_hz.is_some()),
        ("glide_speed_mm_per_s", d.glide_speed_mm_per_s.is_some()),
        ("stroke_um", d.stroke_um.is_some()),
    ] {
        if !is(DeviceKind::Pen) {
            only(f, present, "pen")?;
        }
    }
    if is(DeviceKind::Roller) && d.needle_pitch_um.is_some() {
        only("needle_pitch_um", true, "stamp\" or kind = \"pen")?;
    }
    fill_device(d);
    let base =
        ctx.range("device.needle_base_diameter_um", d.needle_base_diameter_um.unwrap_or_default(), 5.0, 1000.0, "µm")?;
    let tip = d.needle_tip_diameter_um.unwrap_or_default();
    if !(tip.is_finite() && tip > 0.0 && tip <= base) {
        return Err(ctx.invalid(
            "device.needle_tip_diameter_um",
            tip,
            format!("must be in (0, {}] µm (at most the base diameter)", compact(base)),
        ));
    }
    let taper =
        ctx.range("device.needle_taper_length_um", d.needle_taper_length_um.unwrap_or_default(), 0.0, 5000.0, "µm")?;
    let needle =
        Needle { length_um: d.needle_length_um, base_diameter_um: base, tip_diameter_um: tip, taper_length_um: taper };
    let geometry = match d.kind {
        DeviceKind::Roller => DeviceGeometry::Roller {
            drum_diameter_um: ctx.range(
                "device.drum_diameter_mm",
                d.drum_diameter_mm.unwrap_or_default(),
                2.0,
                100.0,
                "mm",
            )? * UM_PER_MM,
            drum_width_um: ctx.range("device.drum_width_mm", d.drum_width_mm.unwrap_or_default(), 1.0, 100.0, "mm")?
                * UM_PER_MM,
            needle_rings: ctx.count("device.needle_rings", d.needle_rings.unwrap_or_default(), 1, 200)?,
            needles_per_ring: ctx.count("device.needles_per_ring", d.needles_per_ring.unwrap_or_default(), 1, 500)?,
            needle_tilt_deg: ctx.range(
                "device.needle_tilt_deg",
                d.needle_tilt_deg.unwrap_or_default(),
                0.0,
                45.0,
                "degrees",
            )?,
            rolling_speed_um_per_s: ctx.range(
                "device.rolling_speed_mm_per_s",
                d.rolling_speed_mm_per_s.unwrap_or_default(),
                0.1,
                1000.0,
                "mm/s",
            )? * UM_PER_MM,
        },
        DeviceKind::Stamp => DeviceGeometry::Stamp {
            rows: ctx.count("device.needle_rows", d.needle_rows.unwrap_or_default(), 1, 200)?,
            cols: ctx.count("device.needle_cols", d.needle_cols.unwrap_or_default(), 1, 200)?,
            pitch_um: ctx.range(
                "device.needle_pitch_um",
                d.needle_pitch_um.unwrap_or_default(),
                base,
                20_000.0,
                "µm (at least the base diameter)",
            )?,
            press_speed_um_per_s: ctx.range(
                "device.press_speed_mm_per_s",
                d.press_speed_mm_per_s.unwrap_or_default(),
                0.1,
                10_000.0,
                "mm/s",
            )? * UM_PER_MM,
            press_force_n: ctx.range("device.press_force_n", d.press_force_n.unwrap_or_default(), 0.0, 500.0, "N")?,
        },
        DeviceKind::Pen => DeviceGeometry::Pen {
            needles: ctx.count("device.needle_count", d.needle_count.unwrap_or_default(), 1, 100)?,
            layout: d.arrangement.unwrap_or(mnsim_core::device::CartridgeLayout::Grid),
            pitch_um: ctx.range(
                "device.needle_pitch_um",
                d.needle_pitch_um.unwrap_or_default(),
                base,
                5_000.0,
                "µm (at least the base diameter)",
            )?,
            frequency_hz: ctx.range("device.frequency_hz", d.frequency_hz.unwrap_or_default(), 1.0, 300.0, "Hz")?,
            glide_speed_um_per_s: ctx.range(
                "device.glide_speed_mm_per_s",
                d.glide_speed_mm_per_s.unwrap_or_default(),
                0.1,
                1000.0,
                "mm/s",
            )? * UM_PER_MM,
            stroke_um: ctx.range(
                "device.stroke_um",
                d.stroke_um.unwrap_or_default(),
                d.needle_length_um,
                10_000.0,
                "µm (at least the needle length)",
            )?,
        },
    };
    let device = Device { needle, geometry };
    device.validate().map_err(|e| core_err(ctx, "device", e))?;
    if needle.length_um > skin.layers.total_um() {
        return Err(core_err(
            ctx,
            "device",
            CoreError::NeedleTooLong { needle_length_um: needle.length_um, tissue_um: skin.layers.total_um() },
        ));
    }

    // --- protocol -----------------------------------------------------------------------------
    let pr = &mut sc.protocol;
    let days: Vec<f64> = match (&pr.session_days, pr.sessions, pr.interval_d) {
        (Some(days), None, None) => days.clone(),
        (None, Some(n), Some(iv)) => {
            let n = ctx.count("protocol.sessions", n, 1, 20)?;
            let iv = ctx.range("protocol.interval_d", iv, 1.0, 365.0, "days")?;
            (0..n).map(|k| k as f64 * iv).collect()
        }
        (None, Some(_), None) => {
            return Err(ctx.invalid("protocol.interval_d", "(missing)", "required with protocol.sessions"));
        }
        (None, None, Some(_)) => {
            return Err(ctx.invalid("protocol.sessions", "(missing)", "required with protocol.interval_d"));
        }
        (None, None, None) => {
            return Err(ctx.invalid(
                "protocol.session_days",
                "(missing)",
                "give session_days, or sessions and interval_d",
            ));
        }
        (Some(_), _, _) => {
            return Err(ctx.invalid(
                "protocol.session_days",
                "(set)",
                "give either session_days, or sessions and interval_d, not both",
            ));
        }
    };
    if days.is_empty() || days.len() > 20 {
        return Err(ctx.invalid("protocol.session_days", compact_list(&days), "must list 1 to 20 sessions"));
    }
    let mut last = -1.0;
    for &dd in &days {
        if !(dd.is_finite() && (0.0..=3650.0).contains(&dd)) || dd <= last {
            return Err(ctx.invalid(
                "protocol.session_days",
                compact_list(&days),
                "must be finite days in [0, 3650], strictly increasing",
            ));
        }
        last = dd;
    }
    pr.session_days = Some(days.clone());
    pr.sessions = None;
    pr.interval_d = None;
    if pr.directions_deg.is_empty() || pr.directions_deg.len() > 16 {
        return Err(ctx.invalid(
            "protocol.directions_deg",
            compact_list(&pr.directions_deg),
            "must list 1 to 16 directions",
        ));
    }
    for &a in &pr.directions_deg {
        ctx.range("protocol.directions_deg", a, -360.0, 360.0, "degrees")?;
    }
    ctx.count("protocol.passes_per_direction", pr.passes_per_direction, 1, 16)?;
    if pr.directions_deg.len() as u32 * pr.passes_per_direction > 64 {
        return Err(ctx.invalid(
            "protocol.passes_per_direction",
            pr.passes_per_direction,
            "directions × passes_per_direction must be at most 64 passes per session",
        ));
    }
    let hand = HandMotion {
        position_jitter_um: ctx.range("protocol.position_jitter_um", pr.position_jitter_um, 0.0, 5000.0, "µm")?,
        direction_jitter_deg: ctx.range(
            "protocol.direction_jitter_deg",
            pr.direction_jitter_deg,
            0.0,
            45.0,
            "degrees",
        )?,
        pause_between_passes_s: ctx.range(
            "protocol.pause_between_passes_s",
            pr.pause_between_passes_s,
            0.0,
            3600.0,
            "s",
        )?,
    };
    let protocol = Protocol {
        sessions: days
            .iter()
            .map(|&dd| Session {
                start_s: dd * S_PER_DAY,
                directions_deg: pr.directions_deg.clone(),
                passes_per_direction: pr.passes_per_direction,
            })
            .collect(),
        hand,
    };

    // --- topical and transport ---------------------------------------------------------------
    if let Some(t) = &sc.topical {
        check_topical(ctx, t)?;
    }
    if let Some(h) = &sc.home_care {
        check_home_care(ctx, h)?;
    }
    sc.transport.validate().map_err(|e| transport_err(ctx, "transport", e))?;

    // --- simulation ---------------------------------------------------------------------------
    let s = &sc.simulation;
    let w = ctx.range("simulation.patch_width_mm", s.patch_width_mm, 0.2, 20.0, "mm")?;
    let h = ctx.range("simulation.patch_height_mm", s.patch_height_mm, 0.2, 20.0, "mm")?;
    ctx.range("simulation.follow_up_d", s.follow_up_d, 0.0, 730.0, "days")?;
    ctx.positive("simulation.reach_radius_um", s.reach_radius_um, 5000.0, "µm")?;
    ctx.count("simulation.ensemble_members", s.ensemble_members, 1, 200)?;
    ctx.range("simulation.parameter_cv", s.parameter_cv, 0.0, 1.0, "")?;
    let patch = Patch { width_um: w * UM_PER_MM, height_um: h * UM_PER_MM };

    sc.penetration.validate().map_err(|e| core_err(ctx, "penetration", e))?;
    // one follow-up for the whole run: simulation.follow_up_d
    let default_follow_up = mnsim_healing::HealingSettings::default().follow_up_d;
    if sc.healing.follow_up_d != default_follow_up && sc.healing.follow_up_d != sc.simulation.follow_up_d {
        return Err(ctx.invalid(
            "healing.follow_up_d",
            sc.healing.follow_up_d,
            "set simulation.follow_up_d instead (the run has one follow-up)",
        ));
    }
    sc.healing.follow_up_d = sc.simulation.follow_up_d;
    sc.healing.validate().map_err(|e| match e {
        mnsim_healing::HealingError::OutOfRange { field, value, lo, hi } => ctx.invalid(
            &format!("healing.{field}"),
            value,
            format!("must be a finite number in [{}, {}]", compact(lo), compact(hi)),
        ),
        other => ctx.invalid("healing", "(table)", other.to_string()),
    })?;
    let prestrain =
        ctx.range("protocol.skin_prestrain_pct", sc.protocol.skin_prestrain_pct, 0.0, MAX_PRESTRAIN_PCT, "%")?;
    let skin = skin.with_prestrain_pct(prestrain).map_err(|e| core_err(ctx, "protocol", e))?;
    Ok(ResolvedScenario { scenario: sc, skin, device, protocol, patch })
}
