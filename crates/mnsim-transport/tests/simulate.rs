mod common;
use mnsim_core::Patch;
use mnsim_transport::{TopicalSpec, TransportSettings, simulate};

#[test]
fn explore_default() {
    let skin = common::cheek();
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = common::lattice(patch, 250.0, 600.0);
    let mut set = TransportSettings::default();
    set.domain_width_um = 500.0;
    set.lateral_resolution_um = 10.0;
    let top = TopicalSpec::named("niacinamide");
    let t0 = std::time::Instant::now();
    let r = simulate(&skin, &ch, patch, &top, &set, 0).unwrap();
    println!("wall {:?}", t0.elapsed());
    println!("{:?} steps {:?}", r.grid, r.steps);
    for (n, v, u) in r.summary() {
        println!("{n} = {v:.4e} {u}");
    }
    println!("ER {:?}", r.enhancement_ratio);
    println!("needled delivered {:?}", r.needled.delivered_ug_per_cm2);
    println!("intact delivered {:?}", r.intact.delivered_ug_per_cm2);
    println!("vehicle {:?}", r.needled.vehicle_ug_per_cm2);
    println!("window {:?}", r.window);
    println!("open frac {}", r.open_area_fraction);
}

/// Read-out times (issue 12, item 5): each adds the figures at that time, taken from the
/// solver's own output there; cumulative amounts do not fall with time; the last read-out at
/// the duration equals the end-of-run figure; a read-out outside (0, duration] is refused.
#[test]
fn read_out_times_add_the_figures_at_those_times() {
    let skin = common::cheek();
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = common::lattice(patch, 500.0, 600.0);
    let set = TransportSettings {
        domain_width_um: 500.0,
        lateral_resolution_um: 20.0,
        duration_h: 6.0,
        output_times_h: vec![1.0, 6.0],
        read_out_times_h: vec![0.5, 3.0, 6.0],
        profile_times_h: vec![1.0],
        slice_time_h: 1.0,
        compute_window: false,
        ..Default::default()
    };
    let r = simulate(&skin, &ch, patch, &TopicalSpec::named("niacinamide"), &set, 0).unwrap();
    assert_eq!(r.times_h, vec![0.5, 1.0, 3.0, 6.0], "read-out times join the output times");
    let fig = |name: &str| r.summary().into_iter().find(|(n, _, _)| n == name).map(|x| x.1);
    let d = |t: &str| fig(&format!("transport_delivered_needled_at_{t}_ug_per_cm2")).unwrap();
    assert!(d("0p5h") > 0.0 && d("0p5h") <= d("3h") && d("3h") <= d("6h"));
    assert_eq!(d("0p5h"), r.needled.delivered_ug_per_cm2[0]);
    assert_eq!(d("6h"), fig("transport_delivered_needled_ug_per_cm2").unwrap());
    assert_eq!(
        fig("transport_skin_content_needled_at_6h_ug_per_cm2"),
        fig("transport_skin_content_needled_ug_per_cm2")
    );
    assert_eq!(fig("transport_enhancement_ratio_at_3h"), Some(r.enhancement_ratio[2]));
    assert!(fig("transport_flux_needled_at_3h_ug_per_cm2_per_h").unwrap() > 0.0);
    assert!(fig("transport_receptor_intact_at_0p5h_ug_per_cm2").is_some());
    assert!(fig("transport_delivered_needled_at_1h_ug_per_cm2").is_none(), "an output time is not a read-out");
    for bad in [vec![0.0], vec![7.0], vec![3.0, 2.0]] {
        let s = TransportSettings { read_out_times_h: bad.clone(), ..set.clone() };
        let e = simulate(&skin, &ch, patch, &TopicalSpec::named("niacinamide"), &s, 0).unwrap_err().to_string();
        assert!(e.contains("read_out_times_h"), "{bad:?}: {e}");
    }
}
