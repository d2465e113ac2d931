//! Validation against measured data: intact-skin kp for every compound of the dataset, and
//! needled-skin cases. Run with `-- --nocapture` to see the tables.
mod common;
use mnsim_transport::membrane::{EPIDERMAL_MEMBRANE_VE_UM, steady_kp_cm_per_h};
use mnsim_transport::physchem::{Physchem, SC_REFERENCE_THICKNESS_UM, TransportParams, potts_guy_log_kp_cm_per_h};

const DATASET: &str = include_str!("../data/permeability-dataset.csv");

/// Minimal quote-aware CSV split.
fn split(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut q = false;
    for ch in line.chars() {
        match ch {
            '"' => q = !q,
            ',' if !q => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out
}

#[test]
fn intact_kp_for_every_compound_of_the_dataset() {
    let mut rows = 0;
    let (mut se_model, mut se_pg) = (0.0, 0.0);
    println!("{:<34} {:>8} {:>6} {:>9} {:>9} {:>9}", "compound", "MW", "logP", "measured", "model", "PottsGuy");
    for line in DATASET.lines().skip(1) {
        let f = split(line);
        let (name, mw, lp, meas): (&str, f64, f64, f64) =
            (&f[0], f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap());
        let p = TransportParams::from_physchem(
            &Physchem {
                molecular_weight_da: mw,
                log_p: lp,
                hydrodynamic_radius_nm: None,
                unbound_fraction: 1.0,
                unionised_fraction: 1.0,
            },
            None,
        );
        let kp = steady_kp_cm_per_h(&p, &[(SC_REFERENCE_THICKNESS_UM, 0), (EPIDERMAL_MEMBRANE_VE_UM, 1)], 40);
        // the FV steady state equals the series-resistance formula
        let exact = p.laminate_kp_cm_per_h(&[(SC_REFERENCE_THICKNESS_UM, 0), (EPIDERMAL_MEMBRANE_VE_UM, 1)]);
        assert!((kp / exact - 1.0).abs() < 1e-6, "{name}: {kp} vs {exact}");
        let lm = kp.log10();
        let lpg = potts_guy_log_kp_cm_per_h(mw, lp);
        println!("{name:<34} {mw:>8.2} {lp:>6.2} {meas:>9.3} {lm:>9.3} {lpg:>9.3}");
        se_model += (lm - meas).powi(2);
        se_pg += (lpg - meas).powi(2);
        rows += 1;
    }
    let rms_model = (se_model / rows as f64).sqrt();
    let rms_pg = (se_pg / rows as f64).sqrt();
    println!("n = {rows}: RMS error in log10 kp: model {rms_model:.3}, Potts–Guy {rms_pg:.3}");
    assert_eq!(rows, 23);
    // The model is Potts–Guy in the SC plus the viable-epidermis resistance: it can only lower
    // kp, and must stay as good as the QSPR it is built on (within 0.05 log units).
    assert!(rms_model < rms_pg + 0.05, "{rms_model} vs {rms_pg}");
    assert!(rms_model < 1.1);
}
