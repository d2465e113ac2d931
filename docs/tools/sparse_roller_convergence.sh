#!/bin/bash
# Transport convergence of the sparse roller (docs/model/transport.md § 6.2): the default
# scenario, transport only, as a 1.5 mm roller; one family of [transport] keys varied at a time.
# Usage: bash docs/tools/sparse_roller_convergence.sh [MNSIM] [WORKDIR]  (≈ 7 min on 2 cores)
# Prints a TSV: family, level, wall s, dermis at 24 h, delivered at 24 h, delivered at 2 h
# (µg/cm²), window (min).
set -euo pipefail
B=${1:-target/debug/mnsim}
W=${2:-$(mktemp -d)}
"$B" scenario --print-default > "$W/default.toml"
python3 - "$W" <<'PY'
import sys
w = sys.argv[1]
s = open(f"{w}/default.toml").read()
s = s.replace("[simulation]", "[simulation]\nrun_healing = false", 1).replace("ensemble_members = 5", "ensemble_members = 1")
a = s.index("[device]"); b = s.index("\n[", a + 1)
dev = '[device]\nkind = "roller"\nneedle_length_um = 1500\nneedle_base_diameter_um = 250\nneedle_tip_diameter_um = 8\n'
open(f"{w}/roller.toml", "w").write(s[:a] + dev + s[b:])
PY
echo -e "family\tlevel\twall_s\tdermis_24h\tdelivered_24h\tdelivered_2h\twindow_min"
run() {
  fam=$1; lvl=$2; shift 2
  f="$W/$fam-$lvl.toml"
  { cat "$W/roller.toml"; printf "\n[transport]\n"; printf "%s\n" "$@"; } > "$f"
  t0=$(date +%s.%N)
  "$B" run "$f" --out "$W/o-$fam-$lvl" --force --quiet --json > /dev/null
  t1=$(date +%s.%N)
  python3 - "$fam" "$lvl" "$t0" "$t1" "$W/o-$fam-$lvl" <<'PY'
import csv, json, sys
fam, lvl, t0, t1, d = sys.argv[1:6]
r = json.load(open(f"{d}/results.json"))["figures"]
g = lambda k: r[k]["value"]
d2 = next(row["value"] for row in csv.DictReader(open(f"{d}/delivery.csv"))
          if float(row["time_h"]) == 2.0 and row["skin"] == "needled" and row["quantity"] == "delivered_past_sc")
print("\t".join(map(str, [fam, lvl, "%.1f" % (float(t1) - float(t0)), g("transport_dermis_needled_ug_per_cm2"),
                          g("transport_delivered_needled_ug_per_cm2"), d2, g("transport_window_min")])))
PY
}
run lateral 20 "lateral_resolution_um = 20.0"
run lateral 10 "lateral_resolution_um = 10.0"
run lateral 5 "lateral_resolution_um = 5.0"
run time 0 "tolerance = 0.004" "dt_max_s = 1200.0"
run time 2 "tolerance = 0.00025" "dt_max_s = 300.0"
run time 3 "tolerance = 0.0000625" "dt_max_s = 150.0"
run depth 0 "sc_cells = 3" "epidermis_dz_um = 10.0" "max_dz_um = 80.0" "dz_growth = 1.44"
run depth 2 "sc_cells = 12" "epidermis_dz_um = 2.5" "max_dz_um = 20.0" "dz_growth = 1.095"
run depth 3 "sc_cells = 24" "epidermis_dz_um = 1.25" "max_dz_um = 10.0" "dz_growth = 1.047"
