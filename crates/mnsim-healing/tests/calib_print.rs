//! Prints a standard course for calibration (run with --ignored --nocapture).
use mnsim_core::{Patch, Sex, Skin};
use mnsim_healing::{HealingSettings, Var, protocol, simulate};

#[test]
#[ignore]
fn print_standard_course() {
    let skin = Skin::at_site("cheek", 40.0, Sex::Female).unwrap();
    let n: u32 = std::env::var("SESS").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let depth: f64 = std::env::var("DEPTH").ok().and_then(|s| s.parse().ok()).unwrap_or(1000.0);
    let per: usize = std::env::var("PER").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let interval: f64 = std::env::var("INTERVAL").ok().and_then(|s| s.parse().ok()).unwrap_or(28.0);
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = protocol::uniform_course(n, per, depth, 100.0, 3000.0, 3000.0, interval * 86400.0);
    let fu: f64 = std::env::var("FU").ok().and_then(|s| s.parse().ok()).unwrap_or(180.0);
    let s = HealingSettings { follow_up_d: fu, ..Default::default() };
    let t0 = std::time::Instant::now();
    let r = simulate(&skin, &ch, patch, &protocol::session_times_s(n, interval), &s).unwrap();
    eprintln!("wall {:.2}s stats {:?} grid {:?}", t0.elapsed().as_secs_f64(), r.stats, r.grid_shape);
    let tc = &r.time_courses;
    let vars = [
        Var::Neutrophils,
        Var::MacrophagesM1,
        Var::MacrophagesM2,
        Var::Pdgf,
        Var::Tgfb,
        Var::Vegf,
        Var::Mmp,
        Var::Fibroblasts,
        Var::Myofibroblasts,
        Var::Capillaries,
        Var::CollagenIII,
        Var::CollagenI,
        Var::Elastin,
        Var::Epidermis,
        Var::Barrier,
        Var::KeratinocyteTurnover,
        Var::Melanin,
        Var::WoundFraction,
    ];
    eprint!("{:>7}", "t_d");
    for v in vars {
        eprint!(" {:>8.8}", v.name());
    }
    eprintln!(" {:>8} {:>8} {:>8}", "ctot", "ery", "tewl");
    let mut last_print = -1.0;
    for (i, &t) in tc.t_d.iter().enumerate() {
        if std::env::var("QUIET").is_ok() {
            break;
        }
        if t - last_print < 0.99 && !(t < 3.0 && t - last_print > 0.2) {
            continue;
        }
        last_print = t;
        eprint!("{:7.2}", t);
        for v in vars {
            eprint!(" {:8.4}", tc.get(v.name(), "patch").unwrap()[i]);
        }
        eprintln!(
            " {:8.4} {:8.4} {:8.3}",
            tc.get("collagen_total", "patch").unwrap()[i],
            tc.get("erythema_index", "patch").unwrap()[i],
            tc.get("tewl", "patch").unwrap()[i]
        );
    }
    eprintln!("{:#?}", r.peaks);
    for s in &r.sessions {
        eprintln!("{:?}", s);
    }
    for (n, v, u) in r.summary().iter().take(40) {
        eprintln!("{n} = {v:.3} {u}");
    }
}
