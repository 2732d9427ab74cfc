"""Load+validate time and peak memory for synthetic events files, against a bare pyarrow read.

    python benchmarks/bench_load.py [--sizes 10000 100000 1000000] [--repeat 3]

Each measurement runs in a fresh process (so peak memory is its own) and the two are
alternated in one run, so the ratio is fair on a shared, noisy machine. The target is a
ratio of at most 3 at 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import CONFIDENCE, confidence_caps, make_package, synthetic_events  # noqa: E402,F401 (shared with the other benchmarks and tests)

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


def measure(script: str, directory: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MiB, the process's own VmHWM) of one fresh process."""
    output = subprocess.run([sys.executable, "-c", script, str(directory), str(ROOT)], capture_output=True, text=True, check=True).stdout.split()
    return float(output[0]), float(output[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH", help="print one JSON object per size instead of the table; with PATH, print the table and also write the figures there")
    args = parser.parse_args()
    figures = []
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
            figures.append(result)
            if args.json == "-":
                print(json.dumps(result))
            else:
                print(f"{rows:>10} {size:>8.1f} {bare_s:>8.3f} {load_s:>16.3f} {result['ratio']:>6.2f} {result['bare_peak_mib']:>9} {result['load_peak_mib']:>9}")
    if args.json and args.json != "-":
        Path(args.json).write_text(json.dumps({"repeat": args.repeat, "target_ratio": 3.0, "sizes": figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
