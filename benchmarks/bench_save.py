"""How long an editor's save takes on the shipped data: validate the whole package + write atomically + log.

    python benchmarks/bench_save.py [--runs 7] [--backend sqlite] [--backend postgresql]

Each run edits one cell of events.csv in a private copy of data/ and saves it through components.desk.store
(lock, digest check, full validation with cross-table references, temp file + fsync + rename + fsync of the
folder, versions and change log), and a second kind of run also writes a public correction note to changes.csv.
Prints the median and range per backend, and the validation alone for comparison. PostgreSQL is Debian's,
started for the run in a temp folder on a Unix socket (as the tests do).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.desk.store import Store, dispose_engines  # noqa: E402
from tests.desk_db import PostgresServer, _owner, postgres_bin  # noqa: E402


def _runs(store: Store, runs: int, correction: bool) -> list[float]:
    seconds = []
    for turn in range(runs):
        opened = store.open_table("events")
        frame = opened.frame.copy()
        if correction:
            frame.loc[0, "title"] = frame.loc[0, "title"].split(" ·")[0] + f" · {turn}"
        else:
            frame.loc[1, "editor_notes"] = f"benchmark note {turn}"
        started = time.perf_counter()
        result = store.save("events", frame, base_digest=opened.digest, editor="bench", reason="benchmark", correction=f"Benchmark correction {turn}." if correction else None)
        seconds.append(time.perf_counter() - started)
        assert result.ok, result
    return seconds


def _validate_only(store: Store, runs: int) -> list[float]:
    opened = store.open_table("events")
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        assert store.check("events", opened.frame) == []
        seconds.append(time.perf_counter() - started)
    return seconds


def _figures(seconds: list[float]) -> dict:
    return {"median_ms": round(statistics.median(seconds) * 1000, 1), "min_ms": round(min(seconds) * 1000, 1), "max_ms": round(max(seconds) * 1000, 1), "runs": len(seconds)}


def _line(label: str, seconds: list[float]) -> str:
    return f"  {label:<34} median {statistics.median(seconds) * 1000:7.0f} ms   (min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}, {len(seconds)} runs)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON to this file")
    args = parser.parse_args()
    figures: dict = {"runs": args.runs, "events_bytes": (ROOT / "data" / "events.csv").stat().st_size, "backends": {}}
    backends = args.backend or ["sqlite", "postgresql"]
    work = Path(tempfile.mkdtemp(prefix="tda-bench-save-"))
    os.environ["TDA_STATE_DIR"] = str(work / "state")
    server = None
    try:
        print(f"Saving events.csv ({(ROOT / 'data' / 'events.csv').stat().st_size:,} bytes) in a copy of the shipped data, {args.runs} runs each")
        for backend in backends:
            data = work / f"data-{backend}"
            shutil.copytree(ROOT / "data", data)
            if backend == "sqlite":
                url = f"sqlite:///{work / 'desk.sqlite3'}"
            else:
                bin_dir = postgres_bin()
                if bin_dir is None:
                    print("  postgresql: not installed (apt-get install postgresql), skipped")
                    figures["backends"][backend] = {"skipped": "not installed"}
                    continue
                owner = _owner()
                folder = Path(tempfile.mkdtemp(prefix="tda-pg-"))
                if owner:
                    shutil.chown(folder, user=owner)
                server = PostgresServer(folder, owner, bin_dir)
                server.start()
                url = server.create_database()
            store = Store(url, data_dir=data)
            store.versions("events"), store.versions("changes")  # the first sight of the files is not timed
            print(f"{backend}:")
            measured = {
                "validate only (store.check)": _validate_only(store, args.runs),
                "save (validate + write + log)": _runs(store, args.runs, correction=False),
                "save with a correction note": _runs(store, args.runs, correction=True),
            }
            for label, seconds in measured.items():
                print(_line(label, seconds))
            figures["backends"][backend] = {label: _figures(seconds) for label, seconds in measured.items()}
            dispose_engines()
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(server.folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
