//! Conservation: dose = vehicle + skin + cleared (+ receptor) at every output time, to 1e-9
//! relative, in the default scenario and with thousands of channels.
mod common;
use mnsim_core::Patch;
use mnsim_transport::solver::{BottomBoundary, LateralBoundary};
use mnsim_transport::{TopicalSpec, TransportSettings, simulate};

#[test]
fn default_scenario_conserves_mass_at_every_output_time() {
    let skin = common::cheek();
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = common::lattice(patch, 250.0, 600.0);
    let set = TransportSettings { domain_width_um: 500.0, compute_window: false, ..Default::default() };
    let r = simulate(&skin, &ch, patch, &TopicalSpec::default(), &set, 0).unwrap();
    for (s, name) in [(&r.needled, "needled"), (&r.intact, "intact")] {
        for (t, e) in r.times_h.iter().zip(&s.conservation_rel_error) {
            assert!(*e < 1e-9, "{name} t = {t} h: {e}");
        }
    }
    println!("default: max conservation error {:.2e}", r.max_conservation_rel_error);
    // dose bookkeeping closes with the reported amounts too
    let n = &r.needled;
    let last = n.times_len() - 1;
    let sum = n.vehicle_ug_per_cm2[last] + n.stratum_corneum_ug_per_cm2[last] + n.delivered_ug_per_cm2[last];
    assert!((sum / r.dose_ug_per_cm2 - 1.0).abs() < 1e-9);
}

trait Len {
    fn times_len(&self) -> usize;
}
impl Len for mnsim_transport::simulate::Series {
    fn times_len(&self) -> usize {
        self.vehicle_ug_per_cm2.len()
    }
}

#[test]
fn thousands_of_channels_conserve_mass_periodic_and_sink() {
    let skin = common::cheek();
    let patch = Patch { width_um: 2400.0, height_um: 2400.0 };
    let ch = common::lattice(patch, 50.0, 500.0); // 48 × 48 = 2304 channels
    assert!(ch.len() > 2000);
    let set = TransportSettings {
        domain_width_um: 2400.0,
        lateral_resolution_um: 20.0,
        duration_h: 4.0,
        output_times_h: vec![0.1, 0.5, 1.0, 2.0, 4.0],
        profile_times_h: vec![1.0],
        slice_time_h: 1.0,
        compute_window: false,
        lateral_boundary: LateralBoundary::Periodic,
        bottom_boundary: Some(BottomBoundary::Sink),
        ..Default::default()
    };
    let top = TopicalSpec { name: "tranexamic_acid".into(), occluded: true, ..Default::default() };
    let r = simulate(&skin, &ch, patch, &top, &set, 0).unwrap();
    assert!(r.channels_in_window > 2000, "{}", r.channels_in_window);
    for (t, e) in r.times_h.iter().zip(&r.needled.conservation_rel_error) {
        println!("2304 channels, t = {t} h: conservation rel error {e:.2e}");
        assert!(*e < 1e-9, "t = {t} h: {e}");
    }
    assert!(r.needled.receptor_ug_per_cm2.last().unwrap() > &0.0);
}
