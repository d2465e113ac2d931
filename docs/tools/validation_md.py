#!/usr/bin/env python3
"""Rewrite the "Current table" and "Misses" tables of docs/VALIDATION.md from a
`mnsim validate` run folder (validation.csv) and data/validation_status.toml.

    python3 docs/tools/validation_md.py runs/validate-<time>/validation.csv

Only the two tables are replaced; the text around them is kept.
"""
import csv
import math
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def num(x: str) -> str:
    if x == "":
        return "—"
    v = float(x)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e5 or a < 1e-3:
        return f"{v:.2g}"
    if a >= 100:
        return f"{v:.1f}"
    return f"{v:.3g}"


def band(lo: str, hi: str) -> str:
    return f"{num(lo) if lo else '−∞'} – {num(hi) if hi else '∞'}"


def main(csv_path: str) -> None:
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
    status = tomllib.loads((ROOT / "data/validation_status.toml").read_text())["cases"]
    table = [
        f"`cargo run --release --bin mnsim -- validate` ({len(rows)} cases):",
        "",
        "| case | area | evidence | model | published (as published) | band | unit | verdict | null model |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(rows, key=lambda r: r["id"]):
        verdict = "pass" if r["pass"] == "true" else "**miss**"
        null = "—" if r["null_value"] == "" else f"{num(r['null_value'])} ({'passes' if r['null_pass'] == 'true' else 'fails'})"
        table.append(
            f"| {r['id']} | {r['area']} | {r['evidence']} | {num(r['model'])} | {r['published_statement']} | "
            f"{band(r['band_low'], r['band_high'])} | {r['unit']} | {verdict} | {null} |"
        )
    order = {"independent": 0, "weak": 1, "by_construction": 2}
    misses = [
        "| case | evidence | model vs band | what the model lacks |",
        "|---|---|---|---|",
    ]
    for r in sorted((r for r in rows if r["pass"] != "true"), key=lambda r: (order.get(r["evidence"], 3), r["id"])):
        why = status.get(r["id"], "")
        why = why.split(":", 1)[1].strip() if why.startswith("known_miss") else "(not listed as a known miss)"
        misses.append(
            f"| {r['id']} | {r['evidence']} | {num(r['model'])} vs {band(r['band_low'], r['band_high'])} "
            f"{r['unit']} | {why} |"
        )
    doc_path = ROOT / "docs/VALIDATION.md"
    doc = doc_path.read_text()
    doc = re.sub(
        r"(## Current table\n\n).*?(\n\n## Misses)", lambda m: m.group(1) + "\n".join(table) + m.group(2), doc, flags=re.S
    )
    doc = re.sub(
        r"(guard then fails until it is marked `pass`\)\.\n\n)\| case \| evidence \| model vs band.*?(\n\n### )",
        lambda m: m.group(1) + "\n".join(misses) + m.group(2),
        doc,
        flags=re.S,
    )
    doc_path.write_text(doc)
    counts = {}
    for r in rows:
        c = counts.setdefault(r["evidence"], [0, 0])
        c[1] += 1
        c[0] += r["pass"] == "true"
    print({k: f"{p}/{n}" for k, (p, n) in counts.items()})


if __name__ == "__main__":
    main(sys.argv[1])
