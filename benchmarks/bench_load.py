"""Load+validate time and peak memory for synthetic events files, against a bare pyarrow read.

    python benchmarks/bench_load.py [--sizes 10000 100000 1000000] [--repeat 3]

Each measurement runs in a fresh process (so peak memory is its own) and the two are
alternated in one run, so the ratio is fair on a shared, noisy machine. The target is a
ratio of at most 3 at 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.schemas import CONFIDENCE_CAP_BY_ACCESS, CONFIDENCE_CAP_BY_KIND, EVENT_STATUSES, EVENT_TYPES, TABLES  # noqa: E402

CONFIDENCE = np.array(["low", "medium", "high"])  # in rank order


def confidence_caps(source_ids: list[str], sources_csv: Path = ROOT / "data" / "sources.csv") -> np.ndarray:
    """The highest confidence rank (0 low .. 2 high) each source allows under the validator's rules."""
    rank = {name: position for position, name in enumerate(CONFIDENCE)}
    sources = pacsv.read_csv(sources_csv, convert_options=pacsv.ConvertOptions(column_types={"access": pa.string(), "kind": pa.string()})).to_pylist()
    allowed = {}
    for source in sources:
        caps = [CONFIDENCE_CAP_BY_ACCESS.get(source["access"], "high"), CONFIDENCE_CAP_BY_KIND.get(source["kind"], "high")]
        allowed[source["source_id"]] = min(rank[cap] for cap in caps)
    return np.array([allowed.get(source_id, 2) for source_id in source_ids])

BARE = r"""
import re, sys, time
import pyarrow.csv as pacsv
start = time.perf_counter()
table = pacsv.read_csv(sys.argv[1] + "/events.csv")
elapsed = time.perf_counter() - start
peak_kib = re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)
print(elapsed, peak_kib, table.num_rows)
"""

LOAD = r"""
import re, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from components.validation import load_package
start = time.perf_counter()
package = load_package(Path(sys.argv[1]))
elapsed = time.perf_counter() - start
assert package.valid, [e.as_text() for e in package.errors[:5]]
peak_kib = re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)
print(elapsed, peak_kib, len(package.tables["events"]))
"""


def synthetic_events(rows: int, source_ids: list[str], seed: int = 7) -> pa.Table:
    """Events with every column filled the way editors fill them (coordinates given).

    Confidence is random but never above what the cited source allows (a copy at most medium).
    """
    rng = np.random.default_rng(seed)
    cited = rng.integers(0, len(source_ids), rows)
    ids = np.char.add("ev-", np.arange(rows).astype(str))
    days = rng.integers(0, 365 * 6, rows)
    dates = (np.datetime64("2020-01-01") + days).astype(str)
    countries = np.array(["VEN", "COL", "PER", "CHL", "USA", "ESP", "ARG", "ECU", "BRA", "SLV"])
    words = np.array(["Arrest", "Raid", "Kidnapping", "Extortion", "Removal", "Charge"])
    text = lambda prefix: np.char.add(prefix, rng.integers(0, 10**6, rows).astype(str))  # noqa: E731
    columns = {
        "event_id": ids,
        "date": dates,
        "title": np.char.add(words[rng.integers(0, len(words), rows)], text(" of alleged members, case ")),
        "summary": text("Synthetic summary sentence for load testing, number "),
        "event_type": np.array(EVENT_TYPES)[rng.integers(0, len(EVENT_TYPES), rows)],
        "status": np.array(EVENT_STATUSES)[rng.integers(0, len(EVENT_STATUSES), rows)],
        "place": text("Town "),
        "admin1": np.array([""] * rows),
        "country": countries[rng.integers(0, len(countries), rows)],
        "location_note": np.array([""] * rows),
        "lat": np.round(rng.uniform(-55, 60, rows), 5),
        "lon": np.round(rng.uniform(-120, 30, rows), 5),
        "geocode": np.array(["manual"] * rows),
        "people_count": rng.integers(0, 50, rows),
        "people_count_kind": np.array(["arrested_or_charged"] * rows),
        "people_count_label": np.array(["people"] * rows),
        "source_id": np.array(source_ids)[cited],
        "quote": text("Synthetic quote that supports the row, with a number "),
        "confidence": CONFIDENCE[np.minimum(rng.integers(0, 3, rows), confidence_caps(source_ids)[cited])],
        "notes": np.array([""] * rows),
        "editor_notes": np.array([""] * rows),
    }
    assert list(columns) == TABLES["events"].columns
    return pa.table(columns)


def make_package(rows: int, directory: Path) -> Path:
    """Copy data/ and replace its events with `rows` synthetic ones, which the rulings (and any other linking table) then cite."""
    shutil.copytree(ROOT / "data", directory, dirs_exist_ok=True)
    sources = pacsv.read_csv(directory / "sources.csv").column("source_id").to_pylist()
    pacsv.write_csv(synthetic_events(rows, sources), directory / "events.csv")
    # Every row that links events (rulings, and any other table with a key into events) cites two
    # synthetic events, so the reference check runs against all of them.
    for table in TABLES.values():
        for key in table.foreign_keys:
            if key.table != "events" or not (directory / table.filename).exists():
                continue
            linking = pacsv.read_csv(directory / table.filename, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
            links = [f"ev-{i};ev-{rows - 1 - i}" if key.many else f"ev-{i}" for i in range(linking.num_rows)]
            linking = linking.set_column(linking.schema.get_field_index(key.column), key.column, pa.array(links))
            pacsv.write_csv(linking, directory / table.filename)
    # The shipped events' translations point at events that are no longer there: drop them.
    import pyarrow.compute as pc

    translations = pacsv.read_csv(directory / "translations.csv", convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in TABLES["translations"].columns}))
    translations = translations.filter(pc.not_equal(translations.column("table"), "events"))
    pacsv.write_csv(translations, directory / "translations.csv")
    return directory


def measure(script: str, directory: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MiB, the process's own VmHWM) of one fresh process."""
    output = subprocess.run([sys.executable, "-c", script, str(directory), str(ROOT)], capture_output=True, text=True, check=True).stdout.split()
    return float(output[0]), float(output[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object per size")
    args = parser.parse_args()
    print(f"{'rows':>10} {'file MB':>8} {'bare s':>8} {'load+validate s':>16} {'ratio':>6} {'bare MiB':>9} {'load MiB':>9}")
    for rows in args.sizes:
        with tempfile.TemporaryDirectory() as scratch:
            directory = make_package(rows, Path(scratch) / "data")
            size = (directory / "events.csv").stat().st_size / 1e6
            bare, load = [], []
            for _ in range(args.repeat):  # alternate, so both see the same machine load
                bare.append(measure(BARE, directory))
                load.append(measure(LOAD, directory))
            bare_s = statistics.median(t for t, _ in bare)
            load_s = statistics.median(t for t, _ in load)
            result = {
                "rows": rows,
                "file_mb": round(size, 1),
                "bare_s": round(bare_s, 3),
                "load_validate_s": round(load_s, 3),
                "ratio": round(load_s / bare_s, 2),
                "bare_peak_mib": round(max(m for _, m in bare)),
                "load_peak_mib": round(max(m for _, m in load)),
            }
            if args.json:
                print(json.dumps(result))
            else:
                print(f"{rows:>10} {size:>8.1f} {bare_s:>8.3f} {load_s:>16.3f} {result['ratio']:>6.2f} {result['bare_peak_mib']:>9} {result['load_peak_mib']:>9}")


if __name__ == "__main__":
    main()
