//! Prints the penetration calibration and validation figures quoted in docs/MODEL.md § Penetration.
//! Run: `cargo run --release -p mnsim-core --example penetration_table`
use mnsim_core::{device::*, penetration::*, skin::*};
fn main() {
    let p = PenetrationParams::default();
    let refskin = Skin::from_layers(
        "ref".into(),
        LayerStack {
            stratum_corneum_um: 15.0,
            viable_epidermis_um: 60.0,
            papillary_dermis_um: 185.0,
            reticular_dermis_um: 740.0,
            subcutis_um: 3000.0,
        },
        40.0,
        Sex::Female,
    );
    let roller = |l: f64, speed: f64, tilt: f64, base: f64| Device {
        needle: Needle { length_um: l, base_diameter_um: base, tip_diameter_um: 8.0, taper_length_um: 3.0 * base },
        geometry: DeviceGeometry::Roller {
            drum_diameter_um: 20000.0,
            drum_width_um: 20000.0,
            needle_rings: 8,
            needles_per_ring: 24,
            needle_tilt_deg: tilt,
            rolling_speed_um_per_s: speed,
        },
    };
    let pen = |l: f64| Device {
        needle: Needle { length_um: l, base_diameter_um: 250.0, tip_diameter_um: 8.0, taper_length_um: 750.0 },
        geometry: DeviceGeometry::Pen {
            needles: 12,
            layout: CartridgeLayout::Grid,
            pitch_um: 600.0,
            frequency_hz: 90.0,
            glide_speed_um_per_s: 20000.0,
            stroke_um: l + 1000.0,
        },
    };
    let m = mean_depth(&roller(770.0, 20000.0, 0.0, 140.0), &refskin, &p);
    println!(
        "Kalluri roller 770: {:.1} um frac {:.3} v {:.4} g {:.3} defl {:.1} alpha {:.3}",
        m.depth_um, m.depth_fraction, m.insertion_speed_m_per_s, m.rate_factor, m.deflection_um, m.drag_loss
    );
    for l in [300.0, 500.0, 750.0, 950.0] {
        let m = mean_depth(&roller(l, 2000.0, 0.0, 140.0), &refskin, &p);
        println!("Lam slow L={l}: frac {:.3}", m.depth_fraction);
    }
    for l in [500.0, 1500.0] {
        let m = mean_depth(&pen(l), &refskin, &p);
        println!(
            "Sasaki pen L={l}: frac {:.3} depth {:.0} v {:.3}",
            m.depth_fraction, m.depth_um, m.insertion_speed_m_per_s
        );
    }
    let cheek = Skin::at_site("cheek", 35.0, Sex::Female).unwrap();
    for l in [500.0, 1000.0, 1500.0, 2000.0] {
        let r = mean_depth(&roller(l, 20000.0, 15.0, 140.0), &cheek, &p);
        let q = mean_depth(&pen(l), &cheek, &p);
        println!(
            "cheek L={l}: roller {:.0} um ({:.2}) {:?} | pen {:.0} um ({:.2}) {:?}",
            r.depth_um,
            r.depth_fraction,
            cheek.layers.layer_at(r.depth_um),
            q.depth_um,
            q.depth_fraction,
            cheek.layers.layer_at(q.depth_um)
        );
    }
    println!("cheek layers {:?} plexus {:.0}", cheek.layers, cheek.superficial_plexus_depth_um);
}
