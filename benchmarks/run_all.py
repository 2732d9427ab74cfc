"""Every benchmark in one run, and benchmarks/RESULTS.md with the machine, the figures, the targets and whether they are met.

    .venv/bin/python benchmarks/run_all.py [--quick] [--only NAME …] [--skip NAME …] [--output benchmarks/RESULTS.md]
    make bench   (the same, every benchmark)

Each benchmark runs as a subprocess of its own (one that fails or times out does not stop the
rest) with --json, and its printed output is shown as it runs and kept in .cache/bench/NAME.log.
The machine's 1-minute load average is recorded before each one. --quick runs each with fewer
repetitions (a smoke run, minutes rather than an hour); --only and --skip choose benchmarks by name
(see --list). A benchmark left out of this run keeps its section from the last run that measured
it (.cache/bench/NAME.json, with that run's date), or says "not run".

The machine is shared and noisy (two cores, other work running): absolute seconds move from run
to run; the ratios, measured within one benchmark's run with both sides interleaved, are what
count.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
RESULTS_DIR = ROOT / ".cache" / "bench"  # git-ignored: each benchmark's JSON and log
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
sys.path.insert(0, str(ROOT))


@dataclass
class Benchmark:
    name: str
    title: str
    script: str
    measures: str
    target: str
    args: list[str] = field(default_factory=list)
    quick_args: list[str] = field(default_factory=list)
    timeout_s: int = 1800
    render: Callable[[dict], tuple[list[str], list[tuple[str, bool | None]]]] | None = None


# -- rendering each benchmark's JSON ---------------------------------------------------------------------------
def _f(value, digits: int = 2, scale: float = 1.0) -> str:
    return "—" if value is None else f"{value / scale:.{digits}f}"


def _met(flag: bool | None) -> str:
    return {True: "**met**", False: "**missed**", None: "no target"}[flag]


def render_load(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    lines = [
        f"Median of {figures['repeat']} alternated fresh processes per size.",
        "",
        "| events | file MB | bare `pyarrow.csv.read_csv` s | load + validate s | ratio | bare peak MiB | load peak MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in figures["sizes"]:
        lines.append(f"| {row['rows']:,} | {row['file_mb']} | {row['bare_s']:.3f} | {row['load_validate_s']:.3f} | {row['ratio']:.2f}x | {row['bare_peak_mib']} | {row['load_peak_mib']} |")
    largest = max(figures["sizes"], key=lambda row: row["rows"])
    target = figures.get("target_ratio", 3.0)
    met = largest["ratio"] <= target if largest["rows"] >= 1_000_000 else None
    return lines, [(f"load + validate at {largest['rows']:,} events: {largest['ratio']:.2f}x a bare read (target at most {target:.0f}x at 1,000,000)", met)]


def render_pages(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    device = f"{figures['size'][0]}x{figures['size'][1]}" + (", phone with touch" if figures["mobile"] else ", desktop")
    data = f"shipped data + {figures['events']:,} synthetic events" if figures["events"] else "shipped data"
    lines = [
        f"{device}; {data}; median of {figures['runs']} fresh Chromium contexts per page. Hello's median page: "
        f"{figures['hello_median_bytes'] / 1024:,.0f} KiB, first draw {_f(figures['hello_median_first_draw_ms'], scale=1000)} s, "
        f"drawn {_f(figures['hello_median_drawn_ms'], scale=1000)} s.",
        "",
        "| app | page | KiB | of which websocket | requests | first draw s | drawn s | ready s | × hello KiB | × hello drawn | Python errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in figures["pages"]:
        first = _f(row["first_draw_ms"], scale=1000) if row["drew"] else "(none)"
        lines.append(
            f"| {row['app']} | {row['page']} | {row['bytes'] / 1024:,.0f} | {row['ws'] / 1024:,.0f} | {row['requests']:.0f} | {first} | "
            f"{_f(row['drawn_ms'], scale=1000)} | {_f(row['ready_ms'], scale=1000)} | {row['bytes_ratio']:.2f} | {_f(row['drawn_ratio'])} | {row.get('exceptions', '—')} |"
        )
    drawing = [row for row in figures["pages"] if row["app"] == "hello" and row["drew"] and row["drawn_ms"] is not None]
    ours = [row["drawn_ms"] for row in figures["pages"] if row["app"] == "ours" and row["drawn_ms"] is not None]
    if drawing and ours:
        middle = statistics.median(row["drawn_ms"] for row in drawing)
        lines += ["", f"For comparison only (not the target): hello's pages that draw a chart offline ({', '.join(row['page'] for row in drawing)}) have a median drawn time "
                  f"of {middle / 1000:.2f} s; against that, our slowest page is {max(ours) / middle:.2f}x and our median page {statistics.median(ours) / middle:.2f}x."]  # fmt: skip
    never = f" (never drawn: {', '.join(figures['never_drawn'])})" if figures["never_drawn"] else ""
    if figures.get("pages_with_errors"):
        never += f" (a Python error on: {', '.join(figures['pages_with_errors'])})"
    return lines, [
        (f"slowest page of ours drawn in {figures['slowest_drawn_ratio']:.2f}x hello's median page (target at most {figures['drawn_target']:.1f}x){never}", figures["drawn_met"]),
        (f"heaviest page of ours {figures['heaviest_bytes_ratio']:.2f}x hello's median page in bytes (target at most {figures['bytes_target']:.1f}x)", figures["bytes_met"]),
    ]


def render_readers(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    from benchmarks.bench_readers import SESSION_BUDGET_MB, table

    settings = figures.get("settings", {})
    lines = [f"Settings: {', '.join(f'{k} {v}' for k, v in settings.items())}. Steps are request to script finished, per protocol-level reader.", "", table(figures)]
    verdicts: list[tuple[str, bool | None]] = []
    for name, result in figures["targets"].items():
        run = result["load"]
        verdicts.append((f"{name}: {run['errors']} errors in {run['steps']} of {run['expected_steps']} steps, {run['browser_errors']} in {run['browser_pages']} Chromium pages (target 0)", run["errors"] == 0 and run["browser_errors"] == 0))
    if memory := figures.get("memory"):
        verdicts.append((f"{memory['mb_per_extra_session']} MB of server memory per extra session, 1 → {memory['sessions']} sessions (target under {SESSION_BUDGET_MB:.0f} MB)", memory["mb_per_extra_session"] < SESSION_BUDGET_MB))
    return lines, verdicts


def render_save(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    lines = [f"events.csv of {figures['events_bytes']:,} bytes, {figures['runs']} runs each.", "", "| backend | what | median ms | min ms | max ms |", "|---|---|---:|---:|---:|"]
    for backend, measured in figures["backends"].items():
        if "skipped" in measured:
            lines.append(f"| {backend} | skipped: {measured['skipped']} | | | |")
            continue
        for label, row in measured.items():
            lines.append(f"| {backend} | {label} | {row['median_ms']:.0f} | {row['min_ms']:.0f} | {row['max_ms']:.0f} |")
    return lines, [("the save's time is recorded (no budget in the issue)", None)]


def render_heavy(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    phases = list(figures["phases"])
    lines = [
        f"A {figures['mb']} MB events.csv, every row invalid ({figures['kind']}), at {figures['size'][0]}x{figures['size'][1]}; median of {figures['runs']} fresh visits per page and phase.",
        f"First visit after the change (reads and validates the invalid file): {_f(figures['first_visits'].get('after_change_ready_s'))} s; after the fix: {_f(figures['first_visits'].get('after_fix_ready_s'))} s.",
        "",
        "| page | " + " | ".join(f"{phase}: ready s (first chart s)" for phase in phases) + " |",
        "|---|" + "---:|" * len(phases),
    ]
    for page in figures["phases"][phases[0]]:
        cells = [f"{_f(figures['phases'][phase][page]['ready'])} ({_f(figures['phases'][phase][page]['draw'])})" for phase in phases]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines += ["", "| server memory after | VmRSS MiB | VmHWM MiB (peak so far) |", "|---|---:|---:|"]
    for phase, values in figures["memory_mib"].items():
        lines.append(f"| {phase} | {values['VmRSS']} | {values['VmHWM']} |")
    return lines, [(f"after the fix the server holds {figures['after_fix_minus_good_mib']:+d} MiB against the good data (recorded; no numeric budget)", None)]


def render_lighthouse(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    lines = [
        f"Lighthouse {figures['lighthouse']}, Chromium `{figures['chromium']}`, simulated throttling, median of {figures['runs']} runs per page and preset; blocked: {', '.join(figures['blocked'])}.",
        "",
        "| preset | median page | performance | accessibility | FCP s | LCP s | TBT ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for label, row in figures["median_page"].items():
        preset, app = label.split(" ", 1)
        lines.append(f"| {preset} | {app} | {_f(row['performance'], 0)} | {_f(row['accessibility'], 0)} | {_f(row['fcp_ms'], 1, 1000)} | {_f(row['lcp_ms'], 1, 1000)} | {_f(row['tbt_ms'], 0)} |")
    lines += ["", "| preset | app | page | performance (range) | accessibility | FCP s | LCP s | TBT ms | runs |", "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in figures["pages"]:
        low, high = row["performance_range"]
        lines.append(
            f"| {row['preset']} | {row['app']} | {row['page']} | {_f(row['performance'], 0)} ({_f(low, 0)}–{_f(high, 0)}) | {_f(row['accessibility'], 0)} | "
            f"{_f(row['fcp_ms'], 1, 1000)} | {_f(row['lcp_ms'], 1, 1000)} | {_f(row['tbt_ms'], 0)} | {row['runs']} |"
        )
    for error in figures.get("errors", [])[:5]:
        lines.append(f"\nError: {error}")
    verdicts = []
    for preset in figures["presets"]:
        ours, hello = figures["median_page"].get(f"{preset} ours"), figures["median_page"].get(f"{preset} hello")
        if ours and hello:
            verdicts.append((f"{preset}: our median page scores {_f(ours['performance'], 0)} performance / {_f(ours['accessibility'], 0)} accessibility, hello's {_f(hello['performance'], 0)} / {_f(hello['accessibility'], 0)} (recorded side by side; no target)", None))
    return lines, verdicts


def render_scale(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    """bench_scale.py's {"rows": [one per N], "budgets": {...}}: the known columns that are there, and each N's budget."""
    rows = figures["rows"]
    known = ("extra", "events", "file_mb", "first_open_s", "filter_change_s", "filter_change_ratio", "filter_change_seen_s", "filter_change_seen_ratio",
             "same_state_s", "same_state_ratio", "rulings_change_s", "rulings_change_ratio", "figures_rerun_s", "figures_rerun_ratio", "deck_mb", "drawn",
             "load_events_hit_ms", "budget", "within_budget")  # fmt: skip
    columns = [column for column in known if any(column in row for row in rows)] or list(dict.fromkeys(c for row in rows for c in row))

    def cell(value) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.3g}"
        if isinstance(value, int):
            return f"{value:,}"
        return json.dumps(value) if isinstance(value, (dict, list)) else str(value)

    lines = [f"Median of {figures.get('changes', '?')} changes per size; ratios against N = 0 in the same run.", "",
             "| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns)]  # fmt: skip
    lines += ["| " + " | ".join(cell(row.get(column)) for column in columns) + " |" for row in rows]
    verdicts: list[tuple[str, bool | None]] = []
    for row in rows:
        if row.get("budget") is not None:
            worst = max((row.get(key) or 0) for key in ("filter_change_ratio", "rulings_change_ratio", "figures_rerun_ratio"))
            verdicts.append((f"{row.get('extra', 0):,} events: worst of the map filter change, rulings change and figures rerun {worst:.2f}x the shipped data (budget at most {row['budget']:.0f}x)", row.get("within_budget")))
    return lines, verdicts or [("figures recorded", None)]


def render_generic(figures: dict) -> tuple[list[str], list[tuple[str, bool | None]]]:
    """A benchmark whose JSON this file does not know in detail: its lists of rows as tables, the rest as figures."""
    lines: list[str] = []
    verdicts: list[tuple[str, bool | None]] = []

    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return str(value).replace("|", "\\|") if not isinstance(value, (dict, list)) else json.dumps(value)

    for key, value in figures.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            columns = list(dict.fromkeys(column for item in value for column in item))
            lines += ["", f"{key}:", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            lines += ["| " + " | ".join(cell(item.get(column, "")) for column in columns) + " |" for item in value]
        elif isinstance(value, bool) and (key == "met" or key.endswith("_met")):
            verdicts.append((key.removesuffix("_met").replace("_", " ") or "target", value))
        else:
            lines.append(f"- {key}: {cell(value)}")
    return lines, verdicts or [("figures recorded", None)]


def benchmarks(quick: bool) -> list[Benchmark]:
    pages = ("Page weight (HTTP + websocket bytes) of a first visit and the time until each page's charts or map are drawn (first draw: the first chart, map, table or image; "
             "drawn: the script has finished and every visible chart, map, table and image has its content), in headless Chromium with a fresh context per load, ours against "
             "`streamlit hello` started in the same run, interleaved. Requests leaving the machine are blocked, so hello's DataFrame and Mapping demos, which download their data, "
             "show their \"requires internet access\" message instead of a table or map.")
    page_target = "every page of ours drawn in at most 1.0x the time of hello's median page (ratio in the same run); bytes at most 1.2x"
    page_runs = ["--runs", "2" if quick else "3"]
    return [
        Benchmark(
            "load", "Load and validate against a bare pyarrow read", "bench_load.py",
            "Reading and validating a package whose events.csv has 10k, 100k and 1M synthetic events (`components.validation.load_package`), against a bare `pyarrow.csv.read_csv` of the same file, each in a fresh process, alternated.",
            "load + validate of 1,000,000 events within 3x the bare read",
            ["--repeat", "3"], ["--repeat", "1"], 1800, render_load,
        ),
        Benchmark("pages", "Page speed against hello: phone, shipped data", "bench_pages.py", pages + " Here: a 375x812 phone with touch, the shipped data.", page_target, page_runs, page_runs, 1800, render_pages),
        Benchmark("pages-100k", "Page speed against hello: phone, 100,000 events", "bench_pages.py", pages + " Here: a 375x812 phone with touch; the dashboard serves a copy of data/ with 100,000 synthetic events appended (benchmarks/synthetic.py).", page_target, [*page_runs, "--events", "100000"], [*page_runs, "--events", "100000"], 2400, render_pages),
        Benchmark(
            "scale", "Map filter cost at scale", "bench_scale.py",
            "The cost of a map filter change (and of the figures and rulings pages where they read events) with 0, 100,000 and 1,000,000 synthetic events, in one run.",
            "100,000 events at most 2x the shipped data's cost; 1,000,000 at most 4x",
            ["--changes", "5"], ["--changes", "2"], 2400, render_scale,
        ),
        Benchmark(
            "readers", "Many readers: protocol-level sessions, one process and replicas", "bench_readers.py",
            "30 concurrent readers speaking Streamlit's websocket protocol (open the map from a permalink, change a filter, switch page, for a fixed number of rounds) plus a few real Chromium readers, against one app process and against replicas behind nginx; server RSS with 1 and 20 open sessions.",
            "0 errors; under 20 MB of server memory per extra session",
            ["--sessions", "30", "--rounds", "3", "--browsers", "2"], ["--sessions", "30", "--rounds", "1", "--browsers", "1"], 1500, render_readers,
        ),
        Benchmark(
            "save", "The editor's desk: save time", "bench_save.py",
            "One save through the desk store on the shipped data (lock, digest check, full validation, atomic write, versions and change log), with SQLite and PostgreSQL.",
            "none in the issue (recorded)", ["--runs", "5"], ["--runs", "3"], 600, render_save,
        ),
        Benchmark("pages-desktop", "Page speed against hello: desktop, shipped data", "bench_pages.py", pages + " Here: 1280x900 without touch, the shipped data.", page_target, [*page_runs, "--desktop"], [*page_runs, "--desktop"], 1800, render_pages),
        Benchmark("pages-desktop-100k", "Page speed against hello: desktop, 100,000 events", "bench_pages.py", pages + " Here: 1280x900 without touch; 100,000 synthetic events appended to a copy of data/.", page_target, [*page_runs, "--desktop", "--events", "100000"], [*page_runs, "--desktop", "--events", "100000"], 2400, render_pages),
        Benchmark(
            "heavy", "A 200 MB invalid events.csv in the running app", "bench_heavy.py",
            "Every page's time and the server's memory with the shipped data, with a 200 MB events.csv in which every row is invalid, and after the good file is put back.",
            "none numeric: pages about as fast once the file is validated; memory back near the baseline after the fix",
            ["--runs", "1"], ["--runs", "1", "--pages", "overview", "map"], 1200, render_heavy,
        ),
        Benchmark(
            "lighthouse", "Lighthouse: ours and hello side by side", "bench_lighthouse.py",
            "Lighthouse 13.5.0 (npm, Debian's Chromium) on every page of the dashboard (shipped data) and of `streamlit hello`, mobile and desktop presets, interleaved; performance and accessibility scores, FCP, LCP, TBT.",
            "none (recorded side by side with hello)",
            ["--runs", "3"], ["--runs", "1"], 3000, render_lighthouse,
        ),
    ]  # fmt: skip


# -- the machine ----------------------------------------------------------------------------------------------
def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return lines[0].strip() if lines else "not found"


def _uncommitted() -> str:
    """The tracked files changed in the working tree (what was measured is the tree, not only the commit)."""
    try:
        changed = [line for line in subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=30).stdout.splitlines() if line.strip()]
    except (OSError, subprocess.TimeoutExpired):
        return ""
    changed = [line for line in changed if not line.endswith("benchmarks/RESULTS.md")]  # the run's own output
    return f", plus uncommitted changes in {len(changed)} tracked files: {', '.join(line[3:] for line in changed[:8])}" if changed else ""


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")), 0)
    os_name = next((line.split("=", 1)[1].strip().strip('"') for line in Path("/etc/os-release").read_text().splitlines() if line.startswith("PRETTY_NAME=")), platform.system())

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    lighthouse = ROOT / ".cache" / "node" / "node_modules" / "lighthouse" / "package.json"
    try:
        lighthouse_version = json.loads(lighthouse.read_text())["version"]
    except (OSError, ValueError, KeyError):
        lighthouse_version = "not installed yet"
    return {
        "cores": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "OS": f"{os_name}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "Streamlit": version("streamlit"),
        "pandas / pyarrow": f"{version('pandas')} / {version('pyarrow')}",
        "Chromium": _first_line([CHROMIUM, "--version"]),
        "Node / Lighthouse": f"{_first_line(['node', '--version'])} / {lighthouse_version}",
        "commit": _first_line(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cd", "--date=format:%Y-%m-%d %H:%M"]) + _uncommitted(),
    }


# -- running ----------------------------------------------------------------------------------------------------
def run_one(bench: Benchmark, quick: bool, python: str) -> dict:
    """Run one benchmark as a subprocess with --json; its output streamed to the console and its log."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS_DIR / f"{bench.name}.figures.json"
    log_path = RESULTS_DIR / f"{bench.name}.log"
    json_path.unlink(missing_ok=True)
    record = {"name": bench.name, "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_before": [round(x, 2) for x in os.getloadavg()], "quick": quick}
    script = BENCH / bench.script
    if not script.exists():
        record.update(status="not run", reason=f"benchmarks/{bench.script} is not in the tree")
        print(f"\n=== {bench.name}: not run ({record['reason']})", flush=True)
        return record
    command = [python, str(script), *(bench.quick_args if quick else bench.args), "--json", str(json_path)]
    record["command"] = " ".join(["python", f"benchmarks/{bench.script}", *(bench.quick_args if quick else bench.args)])
    print(f"\n=== {bench.name}: {record['command']} (load average {record['load_before'][0]})", flush=True)
    started = time.monotonic()
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, start_new_session=True)
        timed_out = threading.Event()

        def stop_it() -> None:  # the benchmark's own process group: its servers and browsers too
            timed_out.set()
            for signal_number, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 0)):
                try:
                    os.killpg(process.pid, signal_number)
                except ProcessLookupError:
                    return
                try:
                    process.wait(timeout=grace or None)
                    return
                except subprocess.TimeoutExpired:
                    continue

        watchdog = threading.Timer(bench.timeout_s, stop_it)
        watchdog.daemon = True
        watchdog.start()
        try:
            for line in process.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                log.write(line)
            process.wait()
        except KeyboardInterrupt:
            os.killpg(process.pid, signal.SIGTERM)
            raise
        finally:
            watchdog.cancel()
        timed_out = timed_out.is_set()
    record["seconds"] = round(time.monotonic() - started)
    record["rc"] = process.returncode
    record["load_after"] = [round(x, 2) for x in os.getloadavg()]
    tail = log_path.read_text(errors="replace").splitlines()[-15:]
    if json_path.exists():
        record["figures"] = json.loads(json_path.read_text())
        record["status"] = "ran" if not timed_out else "timed out"
        if process.returncode not in (0, None):
            record["note"] = f"exit status {process.returncode}"
    else:
        record["status"] = "failed" if not timed_out else "timed out"
        record["reason"] = (f"timed out after {bench.timeout_s} s" if timed_out else f"exit status {process.returncode}") + ", no figures written"
        record["tail"] = tail
    (RESULTS_DIR / f"{bench.name}.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"=== {bench.name}: {record['status']} in {record['seconds']} s (rc {record['rc']})", flush=True)
    return record


def section(bench: Benchmark, record: dict | None, this_run: bool) -> list[str]:
    lines = [f"## {bench.title} (`{bench.name}`)", "", f"**Measures.** {bench.measures}", "", f"**Target.** {bench.target}", ""]
    if record is None:
        return lines + ["**Not run** (left out of this run, and no earlier run recorded it).", ""]
    when = f"{record['started']}, load average before {record['load_before'][0]} (1 min) / {record['load_before'][1]} (5 min)"
    if "seconds" in record:
        when += f", took {record['seconds']} s"
    if record.get("quick"):
        when += ", quick settings"
    if not this_run:
        when = "from an earlier run: " + when
    lines.append(f"Run: {when}." + (f" Command: `{record['command']}`." if record.get("command") else ""))
    lines.append("")
    if "figures" not in record:
        lines.append(f"**Not run**: {record.get('reason', record['status'])}.")
        if record.get("tail"):
            lines += ["", "Last lines of its output:", "", "```", *record["tail"], "```"]
        return lines + [""]
    try:
        table, verdicts = (bench.render or render_generic)(record["figures"])
    except Exception as error:  # noqa: BLE001 - a JSON this file cannot read is shown as it is
        table, verdicts = [f"(figures in an unexpected shape: {type(error).__name__}: {error})", "", "```json", json.dumps(record["figures"], indent=2)[:6000], "```"], []
    if record.get("note"):
        lines += [f"Note: {record['note']}.", ""]
    lines += table + ["", "**Result.**", ""]
    lines += [f"- {_met(flag)}: {text}" for text, flag in verdicts] or ["- no verdict"]
    return lines + [""]


def write_results(output: Path, chosen: list[Benchmark], all_benchmarks: list[Benchmark], records: dict[str, dict], info: dict[str, str], started: str, command: str) -> None:
    earlier = [bench.name for bench in all_benchmarks if bench not in chosen and bench.name in records]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` (what `make bench` runs) on {started}. Each section below comes from",
        "its own subprocess; figures are medians as each section says."
        + (f" Kept from an earlier run (with its date): {', '.join(earlier)}." if earlier else ""),
        "",
        "**Read the ratios, not the seconds.** The machine is shared and noisy (2 cores, other work running at the same time:",
        "see the load average recorded before each benchmark). Absolute times move from run to run; each ratio compares two",
        "things measured in the same run, interleaved, so the machine's load falls on both sides.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in info.items()),
        "",
        "## Summary",
        "",
        "| benchmark | run | target | result |",
        "|---|---|---|---|",
    ]
    for bench in all_benchmarks:
        record = records.get(bench.name)
        if record is None or "figures" not in record:
            status = "not run" if record is None else f"{record['started']}: {record.get('status', 'not run')}"
            lines.append(f"| {bench.name} | {status} | {bench.target} | — |")
            continue
        try:
            verdicts = (bench.render or render_generic)(record["figures"])[1]
        except Exception:  # noqa: BLE001
            verdicts = []
        flags = [flag for _, flag in verdicts if flag is not None]
        result = "no target" if not flags else ("met" if all(flags) else "**missed**" if not any(flags) else "partly met")
        lines.append(f"| {bench.name} | {record['started']}{' (earlier run)' if bench not in chosen else ''} | {bench.target} | {result} |")
    lines.append("")
    for bench in all_benchmarks:
        lines += section(bench, records.get(bench.name), bench in chosen)
    output.write_text("\n".join(lines).rstrip() + "\n")


def render_only(output: Path, chosen: list[Benchmark], every: list[Benchmark]) -> int:
    """Write the results again from .cache/bench/ (after a change to how they are shown): the same run, machine and figures."""
    records = {bench.name: json.loads((RESULTS_DIR / f"{bench.name}.json").read_text()) for bench in every if (RESULTS_DIR / f"{bench.name}.json").exists()}
    run_file = RESULTS_DIR / "run.json"
    if run_file.exists():
        run = json.loads(run_file.read_text())
        chosen = [bench for bench in every if bench.name in run["chosen"]]
    else:  # a run before run.json existed: its machine table is still in the results it wrote
        table = output.read_text().split("## Machine", 1)[1].split("## Summary", 1)[0] if output.exists() and "## Machine" in output.read_text() else ""
        rows = [line.strip("|").split("|", 1) for line in table.splitlines() if line.startswith("| ") and not line.startswith("| |")]
        dates = sorted(records[bench.name]["started"] for bench in chosen if bench.name in records)
        skipped = [bench.name for bench in every if bench not in chosen]
        run = {"command": "python benchmarks/run_all.py" + (f" --skip {' '.join(skipped)}" if skipped else ""), "started": dates[0] if dates else "?",
               "machine": {key.strip(): value.strip() for key, value in rows} or machine()}  # fmt: skip
    write_results(output, chosen, every, records, run["machine"], run["started"], run["command"])
    print(f"Wrote {output} again from the figures recorded in {RESULTS_DIR.relative_to(ROOT)}/ (nothing was run)")
    return 0


def main(argv: list[str] | None = None) -> int:
    every = benchmarks(quick=False)
    names = [bench.name for bench in every]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog="benchmarks: " + ", ".join(names))
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--skip", nargs="+", choices=names, metavar="NAME", default=[], help="leave these out")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions everywhere (a smoke run)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md", help="where to write the results (default benchmarks/RESULTS.md)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and their commands, and exit")
    parser.add_argument("--render-only", action="store_true", help="run nothing: write the results again from the recorded figures of the last run (.cache/bench/)")
    args = parser.parse_args(argv)
    every = benchmarks(args.quick)
    if args.list:
        for bench in every:
            print(f"{bench.name:20} benchmarks/{bench.script} {' '.join(bench.quick_args if args.quick else bench.args)}")
        return 0
    chosen = [bench for bench in every if (not args.only or bench.name in args.only) and bench.name not in args.skip]
    if args.render_only:
        return render_only(args.output, chosen, every)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = " ".join(["python benchmarks/run_all.py", *(argv if argv is not None else sys.argv[1:])])
    info = machine()
    print("Machine: " + "; ".join(f"{key} {value}" for key, value in info.items()), flush=True)
    records: dict[str, dict] = {}
    for bench in every:  # earlier results for the ones left out of this run
        previous = RESULTS_DIR / f"{bench.name}.json"
        if bench not in chosen and previous.exists():
            records[bench.name] = json.loads(previous.read_text())
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    for bench in chosen:
        records[bench.name] = run_one(bench, args.quick, sys.executable)
        write_results(args.output, chosen, every, records, info, started, command)  # after each one: a stop keeps what ran
    after = machine()  # Lighthouse may have been installed during the run; others may have committed meanwhile
    info["Node / Lighthouse"] = after["Node / Lighthouse"]
    if after["commit"] != info["commit"]:
        info["commit"] = f"{info['commit']} at the start of the run; {after['commit']} at its end"
    write_results(args.output, chosen, every, records, info, started, command)
    run = {"command": command, "started": started, "chosen": [bench.name for bench in chosen], "machine": info}
    (RESULTS_DIR / "run.json").write_text(json.dumps(run, indent=2) + "\n")
    print(f"\nWrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    failed = [bench.name for bench in chosen if records[bench.name].get("status") not in ("ran", "not run")]
    if failed:
        print("Failed or timed out: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
