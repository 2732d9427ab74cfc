"""Lighthouse on every page of the dashboard and of `streamlit hello`: performance and accessibility side by side.

    .venv/bin/python benchmarks/bench_lighthouse.py [--runs 3] [--presets mobile desktop] [--json PATH]
    make bench-lighthouse

Installs Lighthouse (npm, pinned below) into .cache/node/ when it is missing, starts the dashboard
(shipped data) and `streamlit hello` on loopback ports in the same run, and runs Lighthouse with
Debian's Chromium (CHROME_PATH) on every page of both, with the mobile preset (Lighthouse's
default: a mid-range phone, 4x CPU slowdown, slow 4G, simulated) and the desktop preset. Each
page and preset is run --runs times, interleaved between the two apps so that both see the same
machine load, and the median of each figure is reported: performance and accessibility scores,
First Contentful Paint, Largest Contentful Paint and Total Blocking Time.

Offline: requests to fonts.gstatic.com are blocked (`streamlit hello` asks for a Material Symbols
favicon there); nothing else leaves 127.0.0.1. Performance swings by about 20 points between
runs on a shared 2-core machine (TBT), hence the median. One run takes about 20 s.
Prints figures; there is no target (the scores are recorded beside hello's).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_pages import HELLO, OURS, server  # noqa: E402

LIGHTHOUSE_VERSION = "13.5.0"
NODE_DIR = ROOT / ".cache" / "node"  # git-ignored
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
BLOCKED = ["*fonts.gstatic.com*"]
RUN_TIMEOUT_S = 240
FIGURES = ("performance", "accessibility", "fcp_ms", "lcp_ms", "tbt_ms")


def installed_version() -> str | None:
    package = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
    try:
        return json.loads(package.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_lighthouse() -> Path:
    """Lighthouse LIGHTHOUSE_VERSION under .cache/node/, installed with npm when missing or another version."""
    if LIGHTHOUSE.exists() and installed_version() == LIGHTHOUSE_VERSION:
        return LIGHTHOUSE
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to install Lighthouse: apt-get install -y npm (Debian), then run this again")
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {NODE_DIR.relative_to(ROOT)}/ …", flush=True)
    # npm warns (EBADENGINE) on node 20 although Lighthouse 13 asks for 22.19: it runs.
    subprocess.run(["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"npm finished but {LIGHTHOUSE} is not there")
    return LIGHTHOUSE


def lighthouse(binary: Path, url: str, preset: str, out: Path) -> dict:
    """One Lighthouse run; the figures, or {'error': …}."""
    command = [
        str(binary), url, "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}",
        "--output=json", f"--output-path={out}", "--quiet", "--max-wait-for-load=60000",
        *(f"--blocked-url-patterns={pattern}" for pattern in BLOCKED),
    ]  # fmt: skip
    if preset == "desktop":
        command.append("--preset=desktop")
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {RUN_TIMEOUT_S} s"}
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not out.exists():
        return {"error": f"rc={done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"}
    report = json.loads(out.read_text())
    out.unlink()
    if report.get("runtimeError"):
        return {"error": f"{report['runtimeError'].get('code')}: {report['runtimeError'].get('message', '')[:200]}"}
    categories, audits = report["categories"], report["audits"]

    def score(name: str) -> float | None:
        value = categories.get(name, {}).get("score")
        return None if value is None else round(value * 100)

    def metric(name: str) -> float | None:
        return audits.get(name, {}).get("numericValue")

    return {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "fcp_ms": metric("first-contentful-paint"),
        "lcp_ms": metric("largest-contentful-paint"),
        "tbt_ms": metric("total-blocking-time"),
        "seconds": round(seconds, 1),
        "warnings": report.get("runWarnings", [])[:2],
    }


def median(values: list) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value / 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and preset (median reported; default 3)")
    parser.add_argument("--presets", nargs="+", choices=["mobile", "desktop"], default=["mobile", "desktop"])
    parser.add_argument("--pages", nargs="+", choices=list(OURS), default=list(OURS), help="our pages to run (default: all); hello's are always all")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    binary = ensure_lighthouse()
    ours_pages = {name: OURS[name] for name in args.pages}
    samples: dict[tuple[str, str, str], list[dict]] = {}
    errors: list[str] = []
    started = time.perf_counter()
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as scratch:
        scratch = Path(scratch)
        ours = stack.enter_context(server(["run", "dashboard.py", "--server.enableStaticServing", "true"], scratch, "dashboard", {"TDA_CACHE_DIR": str(scratch / "cache")}))
        hello = stack.enter_context(server(["hello"], scratch, "hello"))
        apps = (("ours", ours, ours_pages), ("hello", hello, HELLO))
        # Warm both servers (imports, caches) with one unmeasured run on each app's first page.
        for _, base, pages in apps:
            lighthouse(binary, base + next(iter(pages.values())), "desktop", scratch / "warm.json")
        for run in range(args.runs):
            for preset in args.presets:
                for app, base, pages in apps:
                    for name, path in pages.items():
                        result = lighthouse(binary, base + path, preset, scratch / "report.json")
                        samples.setdefault((preset, app, name), []).append(result)
                        if "error" in result:
                            errors.append(f"{preset} {app} {name} run {run + 1}: {result['error']}")
                print(f"run {run + 1}/{args.runs}, {preset}: done ({time.perf_counter() - started:.0f} s)", flush=True)
    rows = []
    for (preset, app, name), results in samples.items():
        good = [result for result in results if "error" not in result]
        row = {"preset": preset, "app": app, "page": name, "runs": len(good), "errors": len(results) - len(good)}
        row.update({figure: median([result[figure] for result in good]) for figure in FIGURES})
        row["performance_range"] = [min((r["performance"] for r in good if r["performance"] is not None), default=None), max((r["performance"] for r in good if r["performance"] is not None), default=None)]
        rows.append(row)
    summary = {}
    for preset in args.presets:
        for app in ("ours", "hello"):
            mine = [row for row in rows if row["preset"] == preset and row["app"] == app]
            summary[f"{preset} {app}"] = {figure: median([row[figure] for row in mine]) for figure in FIGURES}
    print(f"Lighthouse {installed_version()} with {CHROMIUM}, median of {args.runs} runs per page (simulated throttling; fonts.gstatic.com blocked)")
    print(f"{'preset':8} {'app':6} {'page':16} {'perf':>5} {'(range)':>9} {'a11y':>5} {'FCP s':>6} {'LCP s':>6} {'TBT ms':>7} {'runs':>5}")
    for row in rows:
        span = row["performance_range"]
        span_text = f"{_score(span[0])}-{_score(span[1])}"
        tbt = "-" if row["tbt_ms"] is None else f"{row['tbt_ms']:.0f}"
        print(f"{row['preset']:8} {row['app']:6} {row['page']:16} {_score(row['performance']):>5} {span_text:>9} {_score(row['accessibility']):>5} {_secs(row['fcp_ms']):>6} {_secs(row['lcp_ms']):>6} {tbt:>7} {row['runs']:>5}")
    print("\nmedian page        perf  a11y  FCP s  LCP s  TBT ms")
    for label, figures in summary.items():
        tbt = "-" if figures["tbt_ms"] is None else f"{figures['tbt_ms']:.0f}"
        print(f"{label:18} {_score(figures['performance']):>4} {_score(figures['accessibility']):>5} {_secs(figures['fcp_ms']):>6} {_secs(figures['lcp_ms']):>6} {tbt:>7}")
    for error in errors:
        print(f"error: {error}")
    if args.json:
        figures = {"lighthouse": installed_version(), "chromium": CHROMIUM, "runs": args.runs, "presets": args.presets, "blocked": BLOCKED,
                   "pages": rows, "median_page": summary, "errors": errors, "seconds": round(time.perf_counter() - started)}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if errors and not any(row["runs"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
