#!/usr/bin/env bash
# Sub-cell wound verification (docs/model/healing.md § Convergence, "A grid that resolves the
# wounds"). Each pen case runs on a 0.5 mm patch with one nominal member: both wound models on
# the default grid (500 µm columns, 400 µm dermis slabs), and the reference, the sub-cell model on
# a grid that resolves the wounds in three dimensions (12.5 µm columns, 50 µm slabs: a 1.5 mm
# pen's damage discs are ≈ 65-72 µm in radius and taper with depth, so on this grid every cell is
# wholly inside or outside them, W is 0 or 1, and the sub-cell terms are idle).
# Case D, the sparse 1.5 mm roller, needs a 2 mm patch to hold a few punctures; its reference
# has 25 µm columns (cost), so it resolves the roller's wounds less finely.
# Usage: bash docs/tools/resolved_wounds.sh [path/to/mnsim]   (≈ 22 min on 2 cores, most of it
# the references of cases B and D)
set -euo pipefail
MNSIM=${1:-target/debug/mnsim}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$MNSIM" scenario --print-default > "$DIR/base.toml"
common=(-e 's/^ensemble_members = .*/ensemble_members = 1/'
  -e 's/^patch_width_mm = .*/patch_width_mm = 0.5/' -e 's/^patch_height_mm = .*/patch_height_mm = 0.5/')
one=(-e 's/^session_days = .*/session_days = [0]/' -e 's/^follow_up_d = .*/follow_up_d = 30/')
roller=(-e 's/^kind = "pen".*/kind = "roller"/' -e '/^needle_count/d' -e '/^arrangement/d' -e '/^needle_pitch_um/d'
  -e '/^frequency_hz/d' -e '/^glide_speed/d' -e '/^needle_tip_diameter_um/d')
make_case() {
  case $1 in
    A_pen1500_1x_30d) sed "${common[@]}" "${one[@]}" ;;
    B_pen1500_3x_60d) sed "${common[@]}" -e 's/^follow_up_d = .*/follow_up_d = 60/' ;;
    C_pen500_1x_30d) sed "${common[@]}" "${one[@]}" -e 's/^needle_length_um = .*/needle_length_um = 500/' ;;
    D_roller1500_1x_30d) sed "${common[@]}" "${one[@]}" "${roller[@]}" \
      -e 's/^patch_width_mm = .*/patch_width_mm = 2/' -e 's/^patch_height_mm = .*/patch_height_mm = 2/' ;;
  esac < "$DIR/base.toml"
}
printf '%-18s %-9s %-10s %10s %10s %10s %10s\n' case model grid_um collagen thickness papillary new_col_um
for c in A_pen1500_1x_30d B_pen1500_3x_60d C_pen500_1x_30d D_roller1500_1x_30d; do
  make_case "$c" > "$DIR/$c.toml"
  fine=12.5
  [[ $c == D_* ]] && fine=25
  for run in "cell_mean 500 400" "sub_cell 500 400" "sub_cell $fine 50"; do
    read -r model cell slab <<< "$run"
    f="$DIR/$c-$model-$cell"
    { cat "$DIR/$c.toml"; printf '[healing]\ntissue_cell_um = %s\ndermis_slab_um = %s\nwound_model = "%s"\n' "$cell" "$slab" "$model"; } > "$f.toml"
    "$MNSIM" run "$f.toml" --quiet --json --out "$f" --force > /dev/null
    python3 - "$f/results.json" "$c" "$model" "$cell/$slab" <<'PY'
import json, sys
fig = json.load(open(sys.argv[1]))["figures"]
v = [fig[k]["value"] for k in ("collagen_change_pct", "dermal_thickness_change_pct", "papillary_collagen_change_pct", "new_collagen_um")]
print(f"{sys.argv[2]:<18} {sys.argv[3]:<9} {sys.argv[4]:<10} " + " ".join(f"{x:10.3f}" for x in v))
PY
  done
done
