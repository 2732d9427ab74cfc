"""Page weight of a first visit on a phone: bytes each page transfers and the time to its first drawn chart, map or table.

    .venv/bin/python benchmarks/bench_pages.py [--runs 5] [--width 375 --height 812]

Starts the dashboard and `streamlit hello` on loopback ports in the same run, opens every page of
both in a fresh Chromium context per load (an empty cache: a first visit), and reports the median
over the runs. Bytes are what crossed the wire: every HTTP response's encoded length (CDP
Network.loadingFinished, so gzip counts as gzip) plus every websocket frame the server sent (the
script's output, charts' JSON included, arrives that way). Time to first draw runs from navigation
start until a chart, map, table or image is on the page (or, for a page with none, until the script
has finished and nothing is loading). Requests that leave the machine are blocked, as in the tests.
Target: no page of ours heavier than 1.2x hello's median page.
"""

from __future__ import annotations

import argparse
import base64
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

from tools.loopback import free_port, stop, wait_healthy  # noqa: E402
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
OURS = {"overview": "/", "map": "/map", "figures": "/figures", "rulings": "/rulings", "claims": "/claims", "sources": "/sources"}
HELLO = {"hello": "/", "dataframe_demo": "/dataframe_demo", "plotting_demo": "/plotting_demo", "mapping_demo": "/mapping_demo", "animation_demo": "/animation_demo"}
TARGET_RATIO = 1.2
# Recorded in the page itself: when the first chart, map, table or image appears, and when the script has finished.
PROBE = """
(() => {
  const drawn = '[data-testid="stDeckGlJsonChart"] canvas#deckgl-overlay, [data-testid="stPlotlyChart"] .main-svg,'
    + ' [data-testid="stDataFrame"] canvas, [data-testid="stTable"] table, [data-testid="stMarkdownContainer"] table,'
    + ' [data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg, [data-testid="stImage"] img';
  const check = () => {
    const now = performance.now();
    if (window.__firstDraw === undefined && document.querySelector(drawn)) window.__firstDraw = now;
    const app = document.querySelector('[data-testid="stApp"]');
    const busy = document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]');
    if (app && app.getAttribute("data-test-script-state") === "notRunning" && !busy && document.querySelector('[data-testid="stMain"] [data-testid="stMarkdownContainer"], [data-testid="stMain"] h1')) {
      if (window.__ready === undefined) window.__ready = now;
    } else {
      window.__ready = undefined;  // a later run started: not finished yet
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""
SETTLE_MS = 1500  # after the page looks finished, wait this long for late frames (deck.gl, lazy chunks)


@contextmanager
def server(arguments: list[str], log_dir: Path, name: str):
    """A streamlit server on a free loopback port; yields its base URL and stops it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    flags = [
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = (log_dir / f"{name}.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", *arguments, *flags], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**os.environ})
    try:
        if not wait_healthy(url, process, 60):
            raise RuntimeError(f"{name} did not start: see {log.name}")
        yield url
    finally:
        stop(process)
        log.close()


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in {"data", "blob", "about"} or parsed.hostname in {"127.0.0.1", "localhost"}


def measure(browser, url: str, size: tuple[int, int], timeout_s: float = 90.0) -> dict:
    """One first visit: bytes in (HTTP encoded + websocket frames from the server), time to first draw and to ready."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True, is_mobile=True)
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
    while time.monotonic() < deadline:
        if page.evaluate("() => window.__ready") is not None:
            page.wait_for_timeout(SETTLE_MS)
            if page.evaluate("() => window.__ready") is not None:
                break
        page.wait_for_timeout(100)
    timings = page.evaluate("() => [window.__firstDraw ?? null, window.__ready ?? null]")
    context.close()
    first, ready = timings
    return {"bytes": totals["http"] + totals["ws"], "ws": totals["ws"], "requests": totals["requests"], "first_draw_ms": first, "ready_ms": ready, "drew": first is not None}


def median(values: list) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh contexts per page (median reported)")
    parser.add_argument("--width", type=int, default=375)
    parser.add_argument("--height", type=int, default=812)
    args = parser.parse_args()
    size = (args.width, args.height)
    rows: dict[tuple[str, str], dict] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as logs:
        ours = stack.enter_context(server(["run", "dashboard.py", "--server.enableStaticServing", "true"], Path(logs), "dashboard"))
        hello = stack.enter_context(server(["hello"], Path(logs), "hello"))
        driver = stack.enter_context(sync_playwright())
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for (app, base, pages) in (("ours", ours, OURS), ("hello", hello, HELLO)):
            measure(browser, base + "/", size)  # warm the server (imports, caches): readers after the first
        samples: dict[tuple[str, str], list[dict]] = {}
        for _ in range(args.runs):  # interleaved, so both apps see the same machine load
            for (app, base, pages) in (("ours", ours, OURS), ("hello", hello, HELLO)):
                for name, path in pages.items():
                    samples.setdefault((app, name), []).append(measure(browser, base + path, size))
        browser.close()
    for key, runs in samples.items():
        rows[key] = {
            "bytes": median([run["bytes"] for run in runs]),
            "ws": median([run["ws"] for run in runs]),
            "requests": median([run["requests"] for run in runs]),
            "first_draw_ms": median([run["first_draw_ms"] for run in runs]),
            "ready_ms": median([run["ready_ms"] for run in runs]),
            "drew": any(run["drew"] for run in runs),
        }
    hello_median = statistics.median(row["bytes"] for (app, _), row in rows.items() if app == "hello")
    hello_draw = median([row["first_draw_ms"] if row["drew"] else row["ready_ms"] for (app, _), row in rows.items() if app == "hello"])
    print(f"First visit at {size[0]}x{size[1]} (touch), median of {args.runs} fresh contexts; hello's median page: {hello_median / 1024:,.0f} KiB, first draw {hello_draw / 1000:.2f} s")
    print(f"{'app':6} {'page':16} {'KiB':>8} {'of which ws':>11} {'reqs':>5} {'first draw s':>13} {'ready s':>8} {'x hello KiB':>11}")
    worst = 0.0
    for (app, name), row in rows.items():
        ratio = row["bytes"] / hello_median
        if app == "ours":
            worst = max(worst, ratio)
        draw = f"{row['first_draw_ms'] / 1000:.2f}" if row["drew"] else "(none)"
        ready = f"{row['ready_ms'] / 1000:.2f}" if row["ready_ms"] is not None else "-"
        print(f"{app:6} {name:16} {row['bytes'] / 1024:8,.0f} {row['ws'] / 1024:11,.0f} {row['requests']:5.0f} {draw:>13} {ready:>8} {ratio:11.2f}")
    verdict = "meets" if worst <= TARGET_RATIO else "misses"
    print(f"Heaviest page of ours: {worst:.2f}x hello's median page ({verdict} the {TARGET_RATIO}x target).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
