//! Crate-level checks of the healing cascade on a synthetic session: 45 channels on 9 mm²
//! (≈ 500 holes/cm²) 1.0 mm deep. The device stage never produces this input (the model's own
//! 1.5 mm roller makes ≈ 215–233 holes/cm² reaching ≈ 470 µm), so nothing here is end-to-end
//! validation (issue 10, item 4). Each test names its source (case id in
//! `shared/reference/cases-*.csv`) and says what it is:
//!
//! - **calibration** (the number set a parameter; agreement is by construction), asserted with
//!   the published range;
//! - **timing** unit checks of one wound's cascade (cell peaks), asserted with the published
//!   range as published — never a band widened around the model;
//! - **unit check** (direction only) where the published number is a clinical magnitude: the
//!   comparison with the number is the end-to-end case in `data/validation/` (named), run by
//!   `mnsim validate` and guarded in `cargo test -p mnsim-study`.
//!
//! A published range the model misses is an `#[ignore]`d test named `known_miss_…` that asserts
//! the published range (`cargo test -p mnsim-healing --test calibration -- --ignored
//! known_miss_` shows it failing), listed with its explanation in `docs/VALIDATION.md` ("Known
//! misses outside the case table"): these cell timelines are not figures of a run, so they
//! cannot be end-to-end cases yet.
mod common;
use common::*;
use mnsim_healing::HealingResult;
use std::sync::OnceLock;

/// One synthetic session (≈ 500 holes/cm², 1.0 mm deep; not a device-stage output) followed for
/// 60 days.
fn one_session() -> &'static HealingResult {
    static R: OnceLock<HealingResult> = OnceLock::new();
    R.get_or_init(|| course(1, STD_PER, STD_DEPTH, 28.0, 60.0))
}

fn within(name: &str, v: f64, lo: f64, hi: f64) {
    eprintln!("{name}: model {v:.3}, band [{lo}, {hi}]");
    assert!(v >= lo && v <= hi, "{name}: model {v} outside [{lo}, {hi}]");
}

/// Unit check (U): HK-RE-02 (a rat suction blister, spreading before 12 h and confluent by
/// 36 h; retrieved) and HK-RE-01 (migration starts by 48 h): the synthetic session's 100 µm
/// wounds close within 36 h. Since 2026-12-01 `keratinocyte_front_um_per_h` is fitted end to
/// end on case HK-RE-02 (the default pen, whose gaping entries are ≈ 300 µm wide: 24 h, in
/// `mnsim validate` with the band 12–36 h), so here only the upper bound of the blister applies:
/// a wound a third as wide closes sooner (10.8 h), and 12 h, the blister's onset of spreading,
/// is no lower bound for it.
#[test]
fn reepithelialisation_of_needle_wounds_within_about_a_day() {
    within("reepithelialisation_h", one_session().headline.reepithelialisation_h, 1.0, 36.0);
}

/// Unit check (U): on the synthetic session (≈ 500 holes/cm², 1.0 mm, 100 µm wide — denser and
/// deeper than the rollers of RS03) the barrier recovers within hours, not days: band 2–12 h
/// (assumed: "hours"). The published RS03 range (Kalluri 2011, rat, TEWL back in 4–5 h) is the
/// calibration of `barrier_recovery_per_h`, reproduced end to end through the puncture pipeline
/// in `mnsim validate` (RS03-370, RS03-770), not here. RS01 (human, within 2 h) is shorter: an
/// end-to-end known miss.
#[test]
fn barrier_recovers_in_hours() {
    within("barrier_recovery_h (synthetic session, unit check)", one_session().headline.barrier_recovery_h, 2.0, 12.0);
}

/// HK-TL-01 neutrophil peak day 1 (band 0.5–2; Kim 2008 via SkiBiDy, secondary) — validation;
/// HK-TL-02 macrophage peak day 3 (band 3–5; Lucas 2010 via SkiBiDy) — validation.
#[test]
fn neutrophils_then_macrophages_peak_at_published_days() {
    let p = &one_session().peaks;
    within("neutrophil peak d", p.neutrophils_d, 0.5, 2.0);
    within("macrophage peak d", p.macrophages_d, 3.0, 5.0);
    assert!(p.neutrophils_d < p.macrophages_d);
}

/// HK-GF-02 PDGF maximal on post-operative day 1 (read as 0–2 d). Timing.
#[test]
fn pdgf_peaks_on_the_first_day() {
    within("PDGF peak d (HK-GF-02: POD 1)", one_session().peaks.pdgf_d, 0.0, 2.0);
}

/// HK-TL-07 VEGF peak day 3–5 (secondary). Timing, the published range as published. KNOWN
/// MISS at the read-out's resolution: the peak is read on the output grid, at 5.05 d after the
/// session, 0.05 d past the range (the ±30 % band 2.1–6.5 d used to admit it). The grid's spacing
/// is about a day, so this miss is within the read-out's resolution; a finer output grid (healing
/// crate) would decide it.
#[test]
#[ignore = "known miss (at the read-out resolution): VEGF peak read at 5.05 d against a published 3-5 d"]
fn known_miss_vegf_peaks_on_days_three_to_five() {
    within("VEGF peak d (published 3-5)", one_session().peaks.vegf_d, 3.0, 5.0);
}

/// HK-TL-06 TGF-β cell-derived peak day 5 (5–7; secondary). KNOWN MISS: the model's TGF-β peaks
/// at day 4 with the M2 macrophages, a day early (a ±30 % band, 3.5–9.1 d, used to admit it).
#[test]
#[ignore = "known miss: TGF-beta peaks at day 4 against a published 5-7 d (docs/VALIDATION.md)"]
fn known_miss_tgf_beta_peaks_on_days_five_to_seven() {
    within("TGF-beta peak d (published 5-7)", one_session().peaks.tgf_beta_d, 5.0, 7.0);
}

/// HK-TL-05 myofibroblasts down to ≈ 10 % by day 28 (25–30). Timing; the apoptosis rate was
/// set on it (docs/VALIDATION.md, calibrated parameters), so by construction.
#[test]
fn myofibroblasts_clear_by_four_weeks() {
    within("myofibroblasts at 10 % of peak d", one_session().peaks.myofibroblasts_10pct_d, 25.0, 30.0);
}

/// HK-TL-04 myofibroblast peak day 12 (10–15; Desmoulière 1995 via SkiBiDy, secondary). KNOWN
/// MISS: the model peaks at day 9 (TGF-β falls too early). The band 8.4–15.6 d that admitted it
/// was built around the model; the published 10–15 d is asserted here.
#[test]
#[ignore = "known miss: myofibroblasts peak at day 9 against a published 10-15 d (docs/VALIDATION.md)"]
fn known_miss_myofibroblasts_peak_on_days_ten_to_fifteen() {
    within("myofibroblast peak d (published 10-15)", one_session().peaks.myofibroblasts_d, 10.0, 15.0);
}

/// HK-AN-03 angiogenesis peak day 7–14 (Burns 2009, retrieved). Timing. Unit check beside it:
/// a denser session gives a higher local capillary peak.
#[test]
fn capillaries_peak_in_the_second_week() {
    let r = one_session();
    within("capillary peak d", r.peaks.capillaries_d, 7.0, 14.0);
    let dense = course(1, 300, STD_DEPTH, 28.0, 40.0);
    assert!(dense.peaks.capillaries_peak_local_rel > r.peaks.capillaries_peak_local_rel);
}

/// HK-AN-02 (capillary density back to baseline by day 12, mouse ear). KNOWN MISS: the model
/// needs ≈ 4 weeks for the excess to fall to 10 % (the band 20–40 d that admitted it was built
/// around the model). Asserted: the published ≤ 12 d.
#[test]
#[ignore = "known miss: the capillary excess falls to 10 % after about 4 weeks against a published 12 d"]
fn known_miss_capillaries_regress_by_day_twelve() {
    within("capillary excess to 10 % d (published <= 12)", one_session().peaks.capillaries_10pct_d, 0.0, 12.0);
}

/// HE-TL-05 (secondary): type III up to ≈ 30 % of wound collagen early, type I principal again
/// by week 2; collagen III peaks before collagen I. Calibrated (col3_share_new,
/// col3_to_col1_per_d). Bands: III share in the most injured cell 15–35 %; I-dominant day 7–21;
/// patch III gain peaks before I gain.
#[test]
fn collagen_iii_is_laid_down_first_and_replaced_by_collagen_i() {
    let r = one_session();
    assert!(r.peaks.collagen_iii_gain_d < r.peaks.collagen_i_gain_d, "{:?}", r.peaks);
    within("local collagen III share max %", r.peaks.collagen_iii_share_local_max_pct, 15.0, 35.0);
    within("type I dominant again d", r.peaks.collagen_i_dominant_local_d, 7.0, 21.0);
    let dense = course(1, 300, STD_DEPTH, 28.0, 40.0);
    within("local collagen III share max % (dense)", dense.peaks.collagen_iii_share_local_max_pct, 20.0, 35.0);
}

/// HK-MMP-02 (Nwomeh 1998 via SkiBiDy): aggregate MMP activity near baseline by day 14–21.
/// Validation: the excess at day 21 is < 25 % of its peak.
#[test]
fn mmp_activity_returns_towards_baseline_by_three_weeks() {
    let r = one_session();
    let t = &r.time_courses.t_d;
    let m = r.time_courses.get("mmp_activity", "patch").unwrap();
    let peak = m.iter().cloned().fold(0.0, f64::max) - 1.0;
    let i21 = t.iter().position(|&x| x >= 21.0).unwrap();
    within("MMP excess at d21 / peak", (m[i21] - 1.0) / peak, 0.0, 0.25);
}

/// Unit check on the synthetic session (not calibration: since the wound erythema index, the
/// visible-erythema threshold is set end to end on case RS13, a 1.5 mm roller session, 2.5 d;
/// `mnsim calibrate` (data/calibration.toml)). RS14
/// (systematic review: transient effects last up to 7 days; one-sided): the synthetic session
/// and a dense 300-channel session give days of downtime (≥ 1 d, assumed lower bound: visible
/// erythema after a dermal session is reported in days, RS13/RS15), the dense one at least as
/// long and both ≤ 7 d.
#[test]
fn downtime_is_days_and_grows_with_injury() {
    let standard = one_session().headline.downtime_d;
    within("downtime_d standard", standard, 1.0, 7.0);
    let dense = course(1, 300, STD_DEPTH, 28.0, 20.0);
    within("downtime_d dense", dense.headline.downtime_d, standard, 7.0);
}

/// Unit check (synthetic input, not validation): after 4 monthly synthetic sessions, dermal
/// collagen, elastin and thickness are up at 6 months. The published comparison (Aust 2008,
/// "considerable increase", read as > +10 % collagen) is end to end through the puncture
/// pipeline: cases HI-AUST-COL (a known miss, +3.6 % with the model's own roller) and
/// HI-AUST-ELA.
#[test]
fn unit_check_collagen_and_elastin_rise_after_four_synthetic_sessions() {
    let r = course(4, STD_PER, STD_DEPTH, 28.0, 180.0 - 84.0);
    eprintln!("{:?}", r.headline);
    assert!(r.headline.collagen_change_pct > 0.0, "{:?}", r.headline);
    assert!(r.headline.elastin_change_pct > 0.0, "{:?}", r.headline);
    assert!(r.headline.dermal_thickness_change_pct > 0.0);
}

/// Unit check (synthetic input, not validation): the acne-scar protocols raise papillary
/// collagen and collagen I and III.
/// - Lotfi, Moneib & Yehia 2013 (J Egypt Women's Dermatol Soc 10:152, abstract; +53.2 %
///   papillary collagen after 5 monthly 1.5 mm roller sessions) is a **calibration** case (the
///   magnitude of col_synth_per_d and col_synth_myo was set below it), end to end as case
///   LOTFI (not reproduced: +13 %). Here only the direction on the synthetic course.
/// - El-Domyati et al. (6 sessions 2 weeks apart, biopsies at 3 months): collagen I and III up
///   (end to end: ELDOMYATI-COL1), total elastin down (ELDOMYATI-ELA, a known miss).
#[test]
fn unit_check_acne_scar_protocols_raise_papillary_collagen() {
    let r = course(5, STD_PER, STD_DEPTH, 28.0, 56.0);
    eprintln!("papillary collagen change % (synthetic course): {:.2}", r.headline.papillary_collagen_change_pct);
    assert!(r.headline.papillary_collagen_change_pct > 0.0, "{:?}", r.headline);
    let e = course(6, STD_PER, STD_DEPTH, 14.0, 90.0 - 70.0);
    assert!(e.headline.collagen_i_change_pct > 0.0 && e.headline.collagen_iii_change_pct > 0.0, "{:?}", e.headline);
    eprintln!("El-Domyati protocol elastin change (published: decrease): {:.2} %", e.headline.elastin_change_pct);
}
