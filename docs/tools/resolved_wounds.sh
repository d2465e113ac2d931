#!/usr/bin/env bash
# Sub-cell wound verification (docs/model/healing.md § Convergence, "A grid that resolves the
# wounds"): each case on a 0.5 mm patch, one nominal member, 400 µm dermis slabs, run with the
# default 500 µm columns and with 12.5 µm columns (a 1.5 mm pen's damage discs are ≈ 72 µm in
# radius, so 12.5 µm cells are wholly inside or outside them), for both wound models. The
# reference is the sub-cell model on the 12.5 µm grid: there W is 0 or 1 in nearly every cell,
# so its sub-cell terms are idle and it is the grid's own resolved answer.
# Usage: bash docs/tools/resolved_wounds.sh [path/to/mnsim]   (≈ 6 min on 2 cores)
set -euo pipefail
MNSIM=${1:-target/debug/mnsim}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$MNSIM" scenario --print-default > "$DIR/base.toml"
common=(-e 's/^patch_width_mm = .*/patch_width_mm = 0.5/' -e 's/^patch_height_mm = .*/patch_height_mm = 0.5/'
  -e 's/^ensemble_members = .*/ensemble_members = 1/')
declare -A CASE=(
  [A_pen1500_1x_30d]="-e s/^session_days.=.*/session_days=[0]/ -e s/^follow_up_d.=.*/follow_up_d=30/"
  [B_pen1500_3x_60d]="-e s/^follow_up_d.=.*/follow_up_d=60/"
  [C_pen500_1x_30d]="-e s/^session_days.=.*/session_days=[0]/ -e s/^follow_up_d.=.*/follow_up_d=30/ -e s/^needle_length_um.=.*/needle_length_um=500/"
)
printf '%-18s %-9s %6s %10s %10s %10s %10s\n' case model cell_um collagen thickness papillary new_col_um
for c in A_pen1500_1x_30d B_pen1500_3x_60d C_pen500_1x_30d; do
  # shellcheck disable=SC2086
  sed "${common[@]}" ${CASE[$c]} "$DIR/base.toml" > "$DIR/$c.toml"
  for model in cell_mean sub_cell; do
    for cell in 500 12.5; do
      f="$DIR/$c-$model-$cell"
      { cat "$DIR/$c.toml"; printf '[healing]\ntissue_cell_um = %s\ndermis_slab_um = 400\nwound_model = "%s"\n' "$cell" "$model"; } > "$f.toml"
      "$MNSIM" run "$f.toml" --quiet --json --out "$f" --force > /dev/null
      python3 - "$f/results.json" "$c" "$model" "$cell" <<'PY'
import json, sys
fig = json.load(open(sys.argv[1]))["figures"]
v = [fig[k]["value"] for k in ("collagen_change_pct", "dermal_thickness_change_pct", "papillary_collagen_change_pct", "new_collagen_um")]
print(f"{sys.argv[2]:<18} {sys.argv[3]:<9} {sys.argv[4]:>6} " + " ".join(f"{x:10.3f}" for x in v))
PY
    done
  done
done
