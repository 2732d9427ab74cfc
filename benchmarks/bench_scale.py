"""What a reader's rerun costs as the events grow: the map, figures and rulings pages at N = 0, 100k and 1M extra events.

    python benchmarks/bench_scale.py [--sizes 0 100000 1000000] [--changes 5] [--json PATH]

For each N, a copy of data/ gets the shipped events plus N synthetic ones (valid per the schema,
clustered around ten countries) and, in a fresh process pointed at it with TDA_DATA_DIR, AppTest
opens the map page (the first run loads and validates the data: not counted), then measures:

- a map filter change to a filter combination not seen before (median of several), and the same
  change seen again (its layers cached);
- a same-state rerun of the map page;
- the deck JSON the page sends (MB) and what it draws (points or squares);
- a filter change on the rulings page and a rerun of the figures page.

Ratios are against N = 0 in the same run. The budgets (issue 11): 100k at most 2x, 1M at most 4x.
`--json PATH` writes {"rows": [one dict per N], "budgets": {...}} for `make bench`'s report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGETS = {100_000: 2.0, 1_000_000: 4.0}

# Where synthetic events cluster (lat, lon, spread in degrees): the countries bench_load's events use.
CENTRES = {
    "VEN": (8.0, -66.0, 2.0), "COL": (4.6, -74.1, 2.0), "PER": (-10.0, -76.0, 2.5), "CHL": (-33.4, -70.6, 1.5),
    "USA": (37.0, -95.0, 6.0), "ESP": (40.4, -3.7, 1.5), "ARG": (-34.6, -60.0, 2.5), "ECU": (-1.5, -78.5, 1.0),
    "BRA": (-15.0, -48.0, 4.0), "SLV": (13.7, -89.2, 0.4),
}


def synthetic_events(rows: int, source_ids: list[str], seed: int = 11) -> pa.Table:
    """bench_load's valid synthetic events (ids syn-…), placed around the country each names."""
    from benchmarks.bench_load import synthetic_events as base_events

    table = base_events(rows, source_ids, seed=seed)
    rng = np.random.default_rng(seed + 1)
    countries = np.asarray(table.column("country").to_numpy(zero_copy_only=False)).astype(str)
    lat = np.empty(rows)
    lon = np.empty(rows)
    for code, (middle_lat, middle_lon, spread) in CENTRES.items():
        where = countries == code
        lat[where] = rng.normal(middle_lat, spread, int(where.sum()))
        lon[where] = rng.normal(middle_lon, spread, int(where.sum()))
    table = table.set_column(table.schema.get_field_index("event_id"), "event_id", pa.array(np.char.add("syn-", np.arange(rows).astype(str))))
    table = table.set_column(table.schema.get_field_index("lat"), "lat", pa.array(np.round(np.clip(lat, -80, 80), 5)))
    table = table.set_column(table.schema.get_field_index("lon"), "lon", pa.array(np.round(np.clip(lon, -179, 179), 5)))
    return table


def make_data(extra: int, directory: Path) -> Path:
    """A copy of data/ with the shipped events plus `extra` synthetic ones appended to events.csv."""
    import shutil

    shutil.copytree(ROOT / "data", directory, dirs_exist_ok=True)
    if extra:
        sources = pacsv.read_csv(directory / "sources.csv").column("source_id").to_pylist()
        path = directory / "events.csv"
        text = path.read_bytes()
        with path.open("ab") as handle:
            if not text.endswith(b"\n"):
                handle.write(b"\n")
            pacsv.write_csv(synthetic_events(extra, sources), handle, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return directory


# One process per N: AppTest with the data folder and a cache folder of its own.
MEASURE = r"""
import json, os, statistics, sys, time
sys.path.insert(0, sys.argv[1])
changes = int(sys.argv[2])
from streamlit.testing.v1 import AppTest
from components import datasets

def timed(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start

def opened(page):
    at = AppTest.from_file(os.path.join(sys.argv[1], "dashboard.py"), default_timeout=900)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at

result = {}
start = time.perf_counter()
at = opened("app_pages/map.py")
result["first_open_s"] = time.perf_counter() - start
result["events"] = len(datasets.load_events())
at.run()  # warm: every cache of the unfiltered page filled
types = at.multiselect(key="map_type").options
countries = at.multiselect(key="map_country").options
fresh = []
combos = [([t], []) for t in types[:changes]]
combos += [([], [c]) for c in countries[: max(0, changes - len(combos))]]

def change(chosen_types, chosen_countries):
    at.multiselect(key="map_type").set_value(chosen_types)
    at.multiselect(key="map_country").set_value(chosen_countries)
    at.run()

statuses = at.multiselect(key="map_status").options
at.multiselect(key="map_status").set_value(list(statuses[:1]))
at.run()  # one change not counted, at every N: the first rerun after a change warms code paths that later ones reuse
at.multiselect(key="map_status").set_value([])
at.run()
for chosen_types, chosen_countries in combos[:changes]:
    fresh.append(timed(lambda: change(chosen_types, chosen_countries)))
    assert not at.exception, [e.value for e in at.exception]
seen = []
for chosen_types, chosen_countries in combos[:changes]:
    seen.append(timed(lambda: change(chosen_types, chosen_countries)))
change([], [])
same = [timed(lambda: at.run()) for _ in range(changes)]
deck = at.get("deck_gl_json_chart")[0].proto.json
spec = json.loads(deck)
drawn = {layer["id"].split("-")[0]: len(layer["data"]) for layer in spec["layers"] if isinstance(layer.get("data"), list) and layer["id"] not in ("presence",)}
result.update(
    filter_change_s=statistics.median(fresh), filter_change_seen_s=statistics.median(seen), same_state_s=statistics.median(same),
    deck_mb=len(deck.encode()) / 1e6, drawn=drawn,
)

rulings = opened("app_pages/rulings.py")
rulings.run()
cases = rulings.multiselect(key="rulings_case").options if rulings.get("multiselect") else []
ruling_times = []
for code in list(cases)[:changes] or [None] * changes:
    if code is None:
        ruling_times.append(timed(lambda: rulings.run()))
    else:
        rulings.multiselect(key="rulings_case").set_value([code])
        ruling_times.append(timed(lambda: rulings.run()))
    assert not rulings.exception, [e.value for e in rulings.exception]
result["rulings_change_s"] = statistics.median(ruling_times)

figures = opened("app_pages/figures.py")
result["figures_rerun_s"] = statistics.median([timed(lambda: figures.run()) for _ in range(changes)])
assert not figures.exception

# What one call of the shared events table costs on a warm cache (a copy per call with st.cache_data).
calls = [timed(datasets.load_events) for _ in range(5)]
result["load_events_hit_ms"] = statistics.median(calls) * 1000
print("RESULT " + json.dumps(result))
"""


def measure(extra: int, changes: int) -> dict:
    """The figures for one N, from a fresh process on its own copy of the data."""
    with tempfile.TemporaryDirectory(prefix="tda-scale-") as scratch:
        directory = make_data(extra, Path(scratch) / "data")
        env = dict(os.environ, TDA_DATA_DIR=str(directory), TDA_CACHE_DIR=str(Path(scratch) / "cache"), TDA_STATE_DIR=str(Path(scratch) / "state"))
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", MEASURE, str(ROOT), str(changes)], capture_output=True, text=True, env=env, cwd=str(ROOT))
        if done.returncode != 0:
            raise RuntimeError(f"N={extra}: the measuring process failed:\n{done.stderr[-4000:]}")
        line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        result = json.loads(line.removeprefix("RESULT "))
        result["extra"] = extra
        result["wall_s"] = time.perf_counter() - started
        result["file_mb"] = (directory / "events.csv").stat().st_size / 1e6
        return result


RATIO_KEYS = ("filter_change_s", "filter_change_seen_s", "same_state_s", "rulings_change_s", "figures_rerun_s")


def with_ratios(rows: list[dict]) -> list[dict]:
    base = next((row for row in rows if row["extra"] == 0), None)
    for row in rows:
        for key in RATIO_KEYS:
            row[key.removesuffix("_s") + "_ratio"] = (row[key] / base[key]) if base and base[key] else None
        budget = BUDGETS.get(row["extra"])
        row["budget"] = budget
        row["within_budget"] = None if budget is None or row["filter_change_ratio"] is None else bool(
            max(row["filter_change_ratio"], row["rulings_change_ratio"] or 0, row["figures_rerun_ratio"] or 0) <= budget
        )
    return rows


def table(rows: list[dict]) -> str:
    def ratio(value):
        return "" if value is None else f"{value:.2f}x"

    header = (
        f"{'extra events':>12} {'events':>9} {'CSV MB':>7} | {'filter change s':>15} {'ratio':>6} | {'seen again s':>12} {'ratio':>6} | "
        f"{'same state s':>12} {'ratio':>6} | {'deck MB':>7} {'drawn':>16} | {'rulings s':>9} {'ratio':>6} | {'figures s':>9} {'ratio':>6} | "
        f"{'load_events ms':>14} | budget"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        drawn = ", ".join(f"{count:,} {name}" for name, count in row["drawn"].items())
        verdict = "" if row["budget"] is None else f"<= {row['budget']:.0f}x: {'met' if row['within_budget'] else 'MISSED'}"
        lines.append(
            f"{row['extra']:>12,} {row['events']:>9,} {row['file_mb']:>7.1f} | {row['filter_change_s']:>15.3f} {ratio(row['filter_change_ratio']):>6} | "
            f"{row['filter_change_seen_s']:>12.3f} {ratio(row['filter_change_seen_ratio']):>6} | {row['same_state_s']:>12.3f} {ratio(row['same_state_ratio']):>6} | "
            f"{row['deck_mb']:>7.2f} {drawn:>16} | {row['rulings_change_s']:>9.3f} {ratio(row['rulings_change_ratio']):>6} | "
            f"{row['figures_rerun_s']:>9.3f} {ratio(row['figures_rerun_ratio']):>6} | {row['load_events_hit_ms']:>14.1f} | {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 100_000, 1_000_000], help="extra synthetic events beside the shipped ones")
    parser.add_argument("--changes", type=int, default=5, help="filter changes (and reruns) measured at each size; the median is shown")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes) | {0})  # the ratios need the shipped data
    rows = []
    for extra in sizes:
        print(f"measuring {extra:,} extra events…", file=sys.stderr, flush=True)
        try:
            rows.append(measure(extra, args.changes))
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 1
    rows = with_ratios(rows)
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "budgets": {str(n): b for n, b in BUDGETS.items()}, "changes": args.changes}, indent=2) + "\n", encoding="utf-8")
    return 0  # a missed budget shows in the table (and the JSON), not as a failed run


if __name__ == "__main__":
    sys.exit(main())
