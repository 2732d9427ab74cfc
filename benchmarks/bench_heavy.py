"""A 200 MB events.csv with every row invalid, in the running app: page times and server memory before, during and after.

    .venv/bin/python benchmarks/bench_heavy.py [--mb 200] [--runs 2] [--kind mixed|values|types|structure] [--pages overview map …]
    make bench-heavy

Copies data/ to a scratch folder, starts a real ``streamlit run dashboard.py`` on a loopback port
with TDA_DATA_DIR (and TDA_CACHE_DIR) pointing at the copy, and loads every page in headless
Chromium (a fresh context per load, as benchmarks/bench_pages.py does; median of --runs) in three
phases:

1. good: the shipped data (the baseline);
2. invalid: events.csv replaced by a ~--mb MB file in which every row breaks a rule (--kind: mixed
   cycles an impossible date, an unknown event type, a count that is not a number and a confidence
   that is not allowed; values, types and structure use one kind of fault each). The first visit
   after the change reads and validates it (timed on its own), then every page is loaded again;
3. fixed: the good events.csv put back; every page loaded again.

It prints each page's time to ready (script finished, nothing loading) and to first chart, and the
server's resident memory (VmRSS of /proc/<pid>/status; VmHWM is the peak) after each phase. What
good looks like: once the invalid file has been validated, pages take about as long as on the good
data, and after the fix the server's memory comes back near the baseline. Takes 3 to 6 minutes.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_load import synthetic_events  # noqa: E402
from benchmarks.bench_pages import CHROMIUM, CHROMIUM_ARGS, OURS, measure  # noqa: E402
from tools.loopback import free_port, stop, wait_healthy  # noqa: E402

BYTES_PER_ROW = 342  # of bench_load's synthetic events, as written by pyarrow
PAGE_TIMEOUT_S = 300.0


def invalid_events(directory: Path, megabytes: float, kind: str) -> Path:
    """Write events.csv of about `megabytes` MB in which every row is invalid (see the module's help)."""
    sources = pacsv.read_csv(directory / "sources.csv").column("source_id").to_pylist()
    rows = max(1, int(megabytes * 1e6 / BYTES_PER_ROW))
    events = synthetic_events(rows, sources)
    position = np.arange(rows)
    fault = {
        "mixed": position % 4,  # 0 date, 1 event type, 2 count, 3 confidence
        "values": np.where(position % 2 == 0, 1, 3),  # schema rules only: every cell still reads
        "types": np.full(rows, 2),  # a count that is not a number in every row
        "structure": np.full(rows, -1),  # values are fine; the extra field is added below
    }[kind]
    date = np.where(fault == 0, "2024-13-45", np.asarray(events.column("date")))
    event_type = np.where(fault == 1, "teleportation", np.asarray(events.column("event_type")))
    people = np.where(fault == 2, "many", np.asarray(events.column("people_count")).astype(str))
    confidence = np.where(fault == 3, "certain", np.asarray(events.column("confidence")))
    for column, values in (("date", date), ("event_type", event_type), ("people_count", people), ("confidence", confidence)):
        events = events.set_column(events.schema.get_field_index(column), column, pa.array(values))
    path = directory / "events.csv"
    pacsv.write_csv(events, path)
    if kind == "structure":  # an unquoted comma in every row's summary: one field too many
        staged = path.with_suffix(".tmp")
        with path.open("rb") as source, staged.open("wb") as target:
            target.write(source.readline())
            for line in source:
                target.write(line.replace(b'"Synthetic summary', b'"Synthetic",summary', 1))
        os.replace(staged, path)
    return path


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024 for key in ("VmRSS", "VmHWM")}


def load_pages(browser, base: str, runs: int, size: tuple[int, int], pages: list[str]) -> dict[str, dict]:
    """Median ready and first-draw times (s) of each page over `runs` fresh visits."""
    results = {}
    for name in pages:
        path = OURS[name]
        visits = [measure(browser, base + path, size, timeout_s=PAGE_TIMEOUT_S) for _ in range(runs)]
        ready = [visit["ready_ms"] / 1000 for visit in visits if visit["ready_ms"] is not None]
        drawn = [visit["first_draw_ms"] / 1000 for visit in visits if visit["first_draw_ms"] is not None]
        results[name] = {
            "ready": statistics.median(ready) if ready else None,
            "draw": statistics.median(drawn) if drawn else None,
            "finished": len(ready),
        }
    return results


def seconds(value: float | None) -> str:
    return "timeout" if value is None else f"{value:.2f}"


def ready_s(visit: dict) -> str:
    return seconds(None if visit["ready_ms"] is None else visit["ready_ms"] / 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the invalid events.csv (default 200)")
    parser.add_argument("--runs", type=int, default=2, help="fresh visits per page and phase (median reported)")
    parser.add_argument("--kind", choices=["mixed", "values", "types", "structure"], default="mixed")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--pages", nargs="+", choices=list(OURS), default=list(OURS), help="the pages to load (default: all)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON to this file")
    args = parser.parse_args()
    firsts: dict[str, float | None] = {}
    size = (args.width, args.height)
    with tempfile.TemporaryDirectory(prefix="bench-heavy-") as scratch:
        scratch = Path(scratch)
        data, cache = scratch / "data", scratch / "cache"
        shutil.copytree(ROOT / "data", data)
        good = scratch / "events-good.csv"
        shutil.copy2(data / "events.csv", good)
        staging = scratch / "staging"
        staging.mkdir()
        shutil.copy2(data / "sources.csv", staging / "sources.csv")
        started = time.perf_counter()
        bad = invalid_events(staging, args.mb, args.kind)
        invalid_mb = bad.stat().st_size / 1e6
        print(f"invalid events.csv ({args.kind}): {bad.stat().st_size / 1e6:.0f} MB, written in {time.perf_counter() - started:.1f} s")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "TDA_DATA_DIR": str(data), "TDA_CACHE_DIR": str(cache)}
        command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true", "--server.address", "127.0.0.1",
                   "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true"]  # fmt: skip
        log = (scratch / "server.log").open("wb")
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        phases: dict[str, dict[str, dict]] = {}
        rss: dict[str, dict[str, float]] = {}
        try:
            if not wait_healthy(base, server, 60):
                print("the server did not start:\n" + (scratch / "server.log").read_text(errors="replace"), file=sys.stderr)
                return 1
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                measure(browser, base + "/", size, timeout_s=PAGE_TIMEOUT_S)  # imports and the first load of the good data
                rss["started"] = memory(server.pid)
                phases["good"] = load_pages(browser, base, args.runs, size, args.pages)
                rss["good"] = memory(server.pid)

                def after(phase: str, first_key: str, what: str) -> None:
                    """The first visit once events.csv has changed (timed on its own), then every page, then memory."""
                    first = measure(browser, base + "/", size, timeout_s=PAGE_TIMEOUT_S)
                    print(f"first visit after the {what}: ready {ready_s(first)} s")
                    firsts[first_key] = None if first["ready_ms"] is None else first["ready_ms"] / 1000
                    phases[phase] = load_pages(browser, base, args.runs, size, args.pages)
                    time.sleep(3)
                    rss[phase] = memory(server.pid)

                os.replace(bad, data / "events.csv")
                after("invalid", "after_change_ready_s", "change (reads and validates the invalid file)")
                shutil.copy2(good, data / "events.tmp")
                os.replace(data / "events.tmp", data / "events.csv")
                after("fixed", "after_fix_ready_s", "fix")
                browser.close()
        finally:
            stop(server)
            log.close()

    print(f"\nready s (first chart s), median of {args.runs} fresh visits at {size[0]}x{size[1]}")
    print(f"{'page':10}" + "".join(f"{phase:>22}" for phase in phases))
    for page in args.pages:
        cells = [f"{seconds(phases[phase][page]['ready'])} ({seconds(phases[phase][page]['draw'])})" for phase in phases]
        print(f"{page:10}" + "".join(f"{cell:>22}" for cell in cells))
    print("\nserver memory MiB   VmRSS   VmHWM (peak so far)")
    for phase, figures in rss.items():
        print(f"{phase:18} {figures['VmRSS']:7.0f} {figures['VmHWM']:7.0f}")
    baseline = rss["good"]["VmRSS"]
    print(f"after the fix the server holds {rss['fixed']['VmRSS'] - baseline:+.0f} MiB against the good data's baseline ({baseline:.0f} MiB)")
    if args.json:
        figures = {
            "mb": round(invalid_mb), "kind": args.kind, "runs": args.runs, "size": list(size), "first_visits": firsts,
            "phases": phases, "memory_mib": {phase: {k: round(v) for k, v in values.items()} for phase, values in rss.items()},
            "after_fix_minus_good_mib": round(rss["fixed"]["VmRSS"] - baseline),
        }  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
