"""Page weight of a first visit and the time until its charts or map are drawn, ours against `streamlit hello`.

    .venv/bin/python benchmarks/bench_pages.py [--runs 5] [--width 375 --height 812 | --desktop] [--events 100000] [--json PATH]

Starts the dashboard and `streamlit hello` on loopback ports in the same run, opens every page of
both in a fresh Chromium context per load (an empty cache: a first visit), and reports the median
over the runs. Bytes are what crossed the wire: every HTTP response's encoded length (CDP
Network.loadingFinished, so gzip counts as gzip) plus every websocket frame the server sent (the
script's output, charts' JSON included, arrives that way). Three times, from navigation start:
first draw (a chart, map, table or image is on the page), drawn (the script has finished, nothing
is loading and every visible chart, map, table and image on the page has drawn its content; for
a page with none, when the script has finished) and ready (the script has finished and nothing is loading).
Requests that leave the machine are blocked, as in the tests (so hello's DataFrame and Mapping demos,
which download their data, show their "requires internet access" message instead of a table or map).

--events N serves a temporary copy of data/ with N synthetic events appended after the shipped
ones (benchmarks/synthetic.py: valid under the schemas, so every page reads them). --desktop
loads the pages at 1280x900 without touch instead of a 375 px phone.

Targets: no page of ours heavier than 1.2x hello's median page; every page of ours drawn in at
most 1.0x hello's median page's drawn time (in the same run; the machine's load cancels out).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import append_events  # noqa: E402
from tools import chromium  # noqa: E402
from tools.loopback import free_port, stop, wait_healthy  # noqa: E402

CHROMIUM, CHROMIUM_ARGS = chromium.PATH, chromium.ARGS
OURS = {"overview": "/", "map": "/map", "figures": "/figures", "rulings": "/rulings", "claims": "/claims", "sources": "/sources"}
HELLO = {"hello": "/", "dataframe_demo": "/dataframe_demo", "plotting_demo": "/plotting_demo", "mapping_demo": "/mapping_demo", "animation_demo": "/animation_demo"}
TARGET_RATIO = 1.2  # bytes of our heaviest page against hello's median page
TARGET_DRAWN_RATIO = 1.0  # drawn time of our slowest page against hello's median page
DESKTOP = (1280, 900)
# Recorded in the page itself: when the first chart, map, table or image appears, and when the script has finished.
PROBE = """
(() => {
  const drawn = '[data-testid="stDeckGlJsonChart"] canvas#deckgl-overlay, [data-testid="stPlotlyChart"] .main-svg,'
    + ' [data-testid="stDataFrame"] canvas, [data-testid="stTable"] table, [data-testid="stMarkdownContainer"] table,'
    + ' [data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg, [data-testid="stImage"] img';
  // Drawn: every visible chart, map, table and image has its content (one in a closed expander or another tab draws when opened).
  const drawnAll = () => {
    const main = document.querySelector('[data-testid="stMain"]') || document;
    const pending = [
      ['[data-testid="stPlotlyChart"]', '.main-svg'], ['[data-testid="stDeckGlJsonChart"]', 'canvas#deckgl-overlay'],
      ['[data-testid="stVegaLiteChart"]', 'canvas, svg'], ['[data-testid="stDataFrame"]', 'canvas'],
      ['[data-testid="stImage"]', 'img'],
    ].some(([chart, content]) => [...main.querySelectorAll(chart)].some((element) => element.checkVisibility() && !element.querySelector(content)));
    const images = [...main.querySelectorAll('[data-testid="stImage"] img')].every((image) => image.complete);
    return !pending && images;
  };
  const check = () => {
    const now = performance.now();
    if (window.__firstDraw === undefined && document.querySelector(drawn)) window.__firstDraw = now;
    const app = document.querySelector('[data-testid="stApp"]');
    const busy = document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]');
    if (app && app.getAttribute("data-test-script-state") === "notRunning" && !busy && document.querySelector('[data-testid="stMain"] [data-testid="stMarkdownContainer"], [data-testid="stMain"] h1')) {
      if (window.__ready === undefined) window.__ready = now;
      if (window.__drawn === undefined && drawnAll()) window.__drawn = now;
    } else {
      window.__ready = undefined;  // a later run started: not finished yet
      window.__drawn = undefined;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""
SETTLE_MS = 1500  # after the page looks finished, wait this long for late frames (deck.gl, lazy chunks)
DRAW_GRACE_S = 15.0  # after that, how long a visible chart or map may still take to draw its content


@contextmanager
def server(arguments: list[str], log_dir: Path, name: str, env: dict[str, str] | None = None):
    """A streamlit server on a free loopback port; yields its base URL and stops it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    flags = [
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = (log_dir / f"{name}.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", *arguments, *flags], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    try:
        if not wait_healthy(url, process, 90):
            raise RuntimeError(f"{name} did not start: see {log.name}")
        yield url
    finally:
        stop(process)
        log.close()


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in {"data", "blob", "about"} or parsed.hostname in {"127.0.0.1", "localhost"}


def measure(browser, url: str, size: tuple[int, int], timeout_s: float = 90.0, mobile: bool = True) -> dict:
    """One first visit: bytes in (HTTP encoded + websocket frames from the server), time to first draw, to drawn and to ready."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=mobile, is_mobile=mobile)
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort())
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    totals = {"http": 0, "ws": 0, "requests": 0}

    def finished(event: dict) -> None:
        totals["http"] += int(event.get("encodedDataLength", 0))
        totals["requests"] += 1

    def frame(event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        totals["ws"] += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.add_init_script(PROBE)
    page.goto(url)
    deadline = time.monotonic() + timeout_s
    settled_at = None
    while time.monotonic() < deadline:
        if page.evaluate("() => window.__ready") is not None:
            page.wait_for_timeout(SETTLE_MS)
            if page.evaluate("() => window.__ready") is not None:
                settled_at = settled_at or time.monotonic()
                # Finished; a chart or map still drawing its content gets up to DRAW_GRACE_S more.
                if page.evaluate("() => window.__drawn") is not None or time.monotonic() - settled_at > DRAW_GRACE_S:
                    break
                continue
            settled_at = None
        page.wait_for_timeout(100)
    timings = page.evaluate("() => [window.__firstDraw ?? null, window.__ready ?? null, window.__drawn ?? null]")
    exceptions = page.locator('[data-testid="stException"]').count()  # a Python error shown on the page
    context.close()
    first, ready, drawn = timings
    return {
        "bytes": totals["http"] + totals["ws"], "ws": totals["ws"], "requests": totals["requests"],
        "first_draw_ms": first, "ready_ms": ready, "drawn_ms": drawn, "drew": first is not None, "exceptions": exceptions,
    }  # fmt: skip


def median(values: list) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh contexts per page (median reported)")
    parser.add_argument("--width", type=int, default=375)
    parser.add_argument("--height", type=int, default=812)
    parser.add_argument("--desktop", action="store_true", help=f"load the pages at {DESKTOP[0]}x{DESKTOP[1]} without touch (instead of --width/--height)")
    parser.add_argument("--events", type=int, default=0, help="serve a copy of data/ with this many synthetic events appended (default 0: the shipped data)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    size = DESKTOP if args.desktop else (args.width, args.height)
    mobile = not args.desktop
    rows: dict[tuple[str, str], dict] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as logs:
        env = None
        if args.events > 0:
            started = time.perf_counter()
            data = append_events(args.events, Path(logs) / "data")
            env = {"TDA_DATA_DIR": str(data), "TDA_CACHE_DIR": str(Path(logs) / "cache")}
            print(f"data: the shipped data plus {args.events:,} synthetic events ({(data / 'events.csv').stat().st_size / 1e6:.0f} MB events.csv, written in {time.perf_counter() - started:.1f} s)")
        ours = stack.enter_context(server(["run", "dashboard.py", "--server.enableStaticServing", "true"], Path(logs), "dashboard", env))
        hello = stack.enter_context(server(["hello"], Path(logs), "hello"))
        driver = stack.enter_context(sync_playwright())
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        timeout = 90.0 + args.events / 1000  # a first run on a large table reads and validates it
        for (app, base, pages) in (("ours", ours, OURS), ("hello", hello, HELLO)):
            for path in pages.values():  # warm the server (imports, caches): readers after the first
                measure(browser, base + path, size, timeout, mobile)
        samples: dict[tuple[str, str], list[dict]] = {}
        for _ in range(args.runs):  # interleaved, so both apps see the same machine load
            for (app, base, pages) in (("ours", ours, OURS), ("hello", hello, HELLO)):
                for name, path in pages.items():
                    samples.setdefault((app, name), []).append(measure(browser, base + path, size, timeout, mobile))
        browser.close()
    for key, runs in samples.items():
        rows[key] = {
            "bytes": median([run["bytes"] for run in runs]),
            "ws": median([run["ws"] for run in runs]),
            "requests": median([run["requests"] for run in runs]),
            "first_draw_ms": median([run["first_draw_ms"] for run in runs]),
            "drawn_ms": median([run["drawn_ms"] if run["drawn_ms"] is not None else None for run in runs]),
            "ready_ms": median([run["ready_ms"] for run in runs]),
            "drew": any(run["drew"] for run in runs),
            "finished": sum(1 for run in runs if run["ready_ms"] is not None),
            "exceptions": max(run["exceptions"] for run in runs),
        }
    hello_median = statistics.median(row["bytes"] for (app, _), row in rows.items() if app == "hello")
    hello_draw = median([row["first_draw_ms"] if row["drew"] else row["ready_ms"] for (app, _), row in rows.items() if app == "hello"])
    hello_drawn = median([row["drawn_ms"] for (app, _), row in rows.items() if app == "hello"])
    device = f"{size[0]}x{size[1]}" + (" (touch)" if mobile else " (desktop)")
    data_label = f"shipped data + {args.events:,} synthetic events" if args.events else "shipped data"
    print(f"First visit at {device}, {data_label}, median of {args.runs} fresh contexts; hello's median page: {hello_median / 1024:,.0f} KiB, first draw {hello_draw / 1000:.2f} s, drawn {_s(hello_drawn)} s")
    print(f"{'app':6} {'page':16} {'KiB':>8} {'of which ws':>11} {'reqs':>5} {'first draw s':>13} {'drawn s':>8} {'ready s':>8} {'x hello KiB':>11} {'x hello drawn':>13} {'errors':>6}")
    worst = worst_drawn = 0.0
    missing = []
    for (app, name), row in rows.items():
        ratio = row["bytes"] / hello_median
        row["bytes_ratio"] = round(ratio, 2)
        row["drawn_ratio"] = round(row["drawn_ms"] / hello_drawn, 2) if row["drawn_ms"] is not None and hello_drawn else None
        if app == "ours":
            worst = max(worst, ratio)
            if row["drawn_ratio"] is None:
                missing.append(name)
            else:
                worst_drawn = max(worst_drawn, row["drawn_ratio"])
        draw = f"{row['first_draw_ms'] / 1000:.2f}" if row["drew"] else "(none)"
        ready = f"{row['ready_ms'] / 1000:.2f}" if row["ready_ms"] is not None else "-"
        drawn_ratio = f"{row['drawn_ratio']:.2f}" if row["drawn_ratio"] is not None else "-"
        print(f"{app:6} {name:16} {row['bytes'] / 1024:8,.0f} {row['ws'] / 1024:11,.0f} {row['requests']:5.0f} {draw:>13} {_s(row['drawn_ms']):>8} {ready:>8} {ratio:11.2f} {drawn_ratio:>13} {row['exceptions']:>6}")
    verdict = "meets" if worst <= TARGET_RATIO else "misses"
    print(f"Heaviest page of ours: {worst:.2f}x hello's median page ({verdict} the {TARGET_RATIO}x target).")
    drawn_verdict = "meets" if worst_drawn <= TARGET_DRAWN_RATIO and not missing else "misses"
    never = f"; never drawn within the timeout: {', '.join(missing)}" if missing else ""
    broken = [name for (app, name), row in rows.items() if app == "ours" and row["exceptions"]]
    if broken:
        drawn_verdict = "misses"
        never += f"; a Python error on: {', '.join(broken)}"
    print(f"Slowest page of ours to draw: {worst_drawn:.2f}x hello's median page ({drawn_verdict} the {TARGET_DRAWN_RATIO}x target{never}).")
    if args.json:
        figures = {
            "runs": args.runs, "size": list(size), "mobile": mobile, "events": args.events,
            "hello_median_bytes": hello_median, "hello_median_first_draw_ms": hello_draw, "hello_median_drawn_ms": hello_drawn,
            "pages": [{"app": app, "page": name, **row} for (app, name), row in rows.items()],
            "heaviest_bytes_ratio": round(worst, 2), "bytes_target": TARGET_RATIO, "bytes_met": worst <= TARGET_RATIO,
            "slowest_drawn_ratio": round(worst_drawn, 2), "drawn_target": TARGET_DRAWN_RATIO, "drawn_met": drawn_verdict == "meets",
            "never_drawn": missing, "pages_with_errors": broken,
        }  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def _s(milliseconds: float | None) -> str:
    return "-" if milliseconds is None else f"{milliseconds / 1000:.2f}"


if __name__ == "__main__":
    sys.exit(main())
