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
