//! `mnsim actives`: the catalogue of topical actives a scenario can name (`topical.name`), with
//! the physico-chemistry the model uses for each and its source.

use crate::exit::OrRunFailure;
use anyhow::Result;
use mnsim_healing::actives::find_healing_pd;
use mnsim_transport::catalogue::CATALOGUE;
use mnsim_transport::physchem::IonisationKind;

fn kind(k: IonisationKind) -> &'static str {
    match k {
        IonisationKind::Neutral => "neutral",
        IonisationKind::Acid => "acid",
        IonisationKind::Base => "base",
    }
}

/// What the model lets the active do besides being delivered: inhibit melanogenesis
/// (outcomes) and act on the healing cascade (collagen synthesis, keratinocytes).
fn acts_on(name: &str) -> String {
    let mut on = Vec::new();
    if mnsim_sim::depigmenting_pd(name).is_some() {
        on.push("melanogenesis");
    }
    if let Some(pd) = find_healing_pd(name) {
        on.push(pd.acts_on);
    }
    if on.is_empty() { "delivery only".into() } else { on.join(", ") }
}

pub fn actives(json: bool) -> Result<()> {
    if json {
        let rows: Vec<_> = CATALOGUE
            .iter()
            .map(|a| {
                serde_json::json!({
                    "name": a.name,
                    "aliases": a.aliases,
                    "molecular_weight_da": a.molecular_weight_da,
                    "log_p": a.log_p,
                    "hydrodynamic_radius_nm": a.hydrodynamic_radius_nm,
                    "ionisation": kind(a.ionisation),
                    "pka": a.pka,
                    "source": a.source,
                    "pka_source": a.pka_source,
                    "acts_on": acts_on(a.name),
                    "healing": find_healing_pd(a.name),
                })
            })
            .collect();
        return outln!("{}", serde_json::to_string_pretty(&rows).or_run_failure()?);
    }
    outln!(
        "{:<26} {:>10} {:>7} {:>9} {:>8} {:>6}  {:<44} aliases",
        "name",
        "MW (Da)",
        "log P",
        "R_h (nm)",
        "kind",
        "pKa",
        "acts on"
    )?;
    for a in CATALOGUE {
        let rh = a.hydrodynamic_radius_nm.map_or("—".to_string(), |r| format!("{r:.2}"));
        let pka = a.pka.map_or("—".to_string(), |p| format!("{p:.2}"));
        outln!(
            "{:<26} {:>10.1} {:>7.2} {:>9} {:>8} {:>6}  {:<44} {}",
            a.name,
            a.molecular_weight_da,
            a.log_p,
            rh,
            kind(a.ionisation),
            pka,
            acts_on(a.name),
            a.aliases.join(", ")
        )?;
    }
    outln!(
        "\n{} actives. A name not listed needs topical.molecular_weight_da and topical.log_p \
         (and pka with ionisation for an acid or base). \"acts on\": what the model lets it do besides \
         being delivered (docs/model/outcomes.md § 7.1, docs/model/healing.md § 10). Sources: mnsim actives --json.",
        CATALOGUE.len()
    )
}
