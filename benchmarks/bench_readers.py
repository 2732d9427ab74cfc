"""Many readers at once: a bounded load test of the dashboard's server, alone and behind nginx replicas.

    .venv/bin/python benchmarks/bench_readers.py [--sessions 30] [--rounds 3] [--browsers 2] [--targets single,replicas]

Most readers are simulated at the protocol level: a small client that speaks Streamlit's websocket
protocol (`streamlit.proto` BackMsg and ForwardMsg, as the browser does) and measures the server,
not a browser's rendering. Each session opens the map page from a permalink (an HTTP GET of the page,
then the websocket and a rerun_script with the link's query string), changes a filter (the event type
multiselect: a widget state change), waits for the script to finish, switches to another page, and
does that for a fixed number of rounds. Later rounds open the map again from another permalink
within the same connection. A few real Chromium sessions run beside them and prove the pages still
draw (the map's canvas, every plotly chart).

Recorded per target: errors (a Python exception element on a page, a compile error, a page not
found, a dropped connection, a step that timed out; target 0), p50/p95 from sending the request to
the script's finish, each server process's peak RSS and CPU (from /proc), and, on a fresh single
server, RSS with 1 and with 20 open sessions, giving MB per extra session (budget under 20 MB).

Targets: `single` is one `streamlit run`; `replicas` is tools/replicas.py (N app processes behind
Debian's nginx with sticky sessions). Everything stops by itself: bounded rounds, a per-step
timeout and a global timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from tools import replicas  # noqa: E402
from tools import chromium  # noqa: E402
from tools.loopback import free_port, stop, wait_healthy  # noqa: E402

CHROMIUM, CHROMIUM_ARGS = chromium.PATH, chromium.ARGS
# Permalinks a story might carry; the sessions take them in turn.
MAP_LINKS = ("map_country=USA", "map_type=arrest", "lang=es&map_status=charged", "map_country=ESP&map_country=COL", "")
OTHER_PAGES = ("figures", "rulings", "claims", "")  # "" is the overview
FILTER_KEY = "map_type"  # the event type multiselect on the map page
STEP_TIMEOUT_S = 180.0
SESSION_BUDGET_MB = 20.0
# The page is finished: the script ran and stopped, nothing is still loading, every chart and map is drawn.
READY = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (!plots.every((chart) => chart.querySelector(".js-plotly-plot .main-svg"))) return false;
  const maps = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
  return maps.every((chart) => chart.querySelector("canvas#deckgl-overlay"));
}
"""


class ProtocolError(Exception):
    """What a reader would see as a broken page: an exception element, a missing page, a lost connection."""


@dataclass
class Step:
    kind: str  # open, filter, switch
    seconds: float
    error: str | None = None


@dataclass
class ReaderSession:
    """One reader's browser tab, reduced to the websocket protocol: what it sends and what it waits for.

    Keeps what the frontend keeps: the route and XSRF cookies, the app's pages (from the navigation
    message), the current page and query string (updated by page_info_changed), the widgets by key,
    and the cached message hashes it reports back so that the server sends references for them.
    """

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    session_id: str = ""  # the server's id for this session (uploads name it)
    pages: dict[str, str] = field(default_factory=dict, repr=False)  # url path ("" for the overview) -> page_script_hash
    page_hash: str = ""
    query_string: str = ""
    widgets: dict[str, object] = field(default_factory=dict, repr=False)  # user key -> the element's proto (id, options…)
    widget_states: dict[str, WidgetState] = field(default_factory=dict, repr=False)
    exceptions: list[str] = field(default_factory=list)
    handshake_cookies: dict[str, str] = field(default_factory=dict)  # Set-Cookie on the websocket's 101
    _cache: dict[str, ForwardMsg] = field(default_factory=dict, repr=False)
    _ws: object = field(default=None, repr=False)

    # -- connection ----------------------------------------------------------------------------------------
    def _fetch(self, path: str) -> int:
        """A plain HTTP GET as the browser's first request, keeping the cookies it sets (nginx's route cookie)."""
        request = urllib.request.Request(self.base_url + path, headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.status

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def open(self, path: str, query_string: str = "") -> float:
        """Load a page as a first visit: GET it over HTTP, open the websocket, ask for the first run."""
        await asyncio.to_thread(self._fetch, path + (f"?{query_string}" if query_string else ""))
        # The frontend's own requests before it connects: the health check (which sets the XSRF cookie) and the
        # host's settings; then the websocket, with the XSRF token as its second subprotocol entry.
        for endpoint in ("/_stcore/health", "/_stcore/host-config"):
            await asyncio.to_thread(self._fetch, endpoint)
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        xsrf = self.cookies.get("_streamlit_xsrf")
        self._ws = await connect(
            f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream",
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            origin=f"{parts.scheme}://{parts.netloc}",
            additional_headers=self._cookie_header(),
            max_size=None,
            compression=None,
            open_timeout=60,
            ping_interval=None,
        )
        for header in self._ws.response.headers.get_all("Set-Cookie"):
            name, _, value = header.split(";", 1)[0].partition("=")
            self.handshake_cookies[name.strip()] = value.strip()
        self.query_string = query_string
        return await self.rerun(page_name=path.strip("/"))

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    # -- reruns --------------------------------------------------------------------------------------------
    async def rerun(self, page_name: str | None = None, page_hash: str | None = None, timeout: float = STEP_TIMEOUT_S) -> float:
        """Send rerun_script as the frontend does and wait for the script to finish; returns the seconds it took."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        if page_name is not None:
            state.page_name = page_name
        for widget in self.widget_states.values():
            state.widget_states.widgets.append(widget)
        state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        path = page_name if page_name is not None else next((p for p, h in self.pages.items() if h == state.page_script_hash), "")
        info.url = f"{self.base_url}/{path}"
        started = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        await asyncio.wait_for(self._until_finished(), timeout)
        return time.perf_counter() - started

    async def _until_finished(self) -> None:
        while True:
            raw = await self._ws.recv()
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(message.ref_hash)
                if cached is None:
                    raise ProtocolError(f"the server referred to a message this client never had ({message.ref_hash})")
                message, kind = cached, cached.WhichOneof("type")
            elif message.metadata.cacheable and message.hash:
                self._cache[message.hash] = message
            if kind == "navigation":
                self.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
                self.page_hash = message.navigation.page_script_hash or self.page_hash
            elif kind == "new_session":
                self.page_hash = message.new_session.page_script_hash or self.page_hash
                self.session_id = message.new_session.initialize.session_id or self.session_id
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "page_not_found":
                raise ProtocolError(f"page not found: {message.page_not_found.page_name!r}")
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._element(message.delta.new_element)
            elif kind == "script_finished":
                status = message.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise ProtocolError("the script did not compile")
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    if self.exceptions:
                        raise ProtocolError("exception on the page: " + self.exceptions.pop(0))
                    return
                # FINISHED_EARLY_FOR_RERUN (st.rerun) or a fragment's run: the page's own run is still to come.

    def _element(self, element) -> None:
        element_type = element.WhichOneof("type")
        if element_type == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
            return
        widget = getattr(element, element_type, None) if element_type else None
        widget_id = getattr(widget, "id", "") if widget is not None else ""
        if widget_id.startswith("$$ID-"):
            self.widgets[widget_id.rsplit("-", 1)[-1]] = widget

    # -- what a reader does --------------------------------------------------------------------------------
    async def choose(self, key: str, pick: int) -> float:
        """Choose one option of a multiselect (by the formatted label the frontend sends) and wait for the rerun."""
        widget = self.widgets.get(key)
        if widget is None or not len(widget.options):
            raise ProtocolError(f"no widget with key {key!r} on this page")
        state = WidgetState(id=widget.id)
        state.string_array_value.data.append(widget.options[pick % len(widget.options)])
        self.widget_states[key] = state
        return await self.rerun()

    async def switch(self, url_path: str) -> float:
        """Go to another page of the navigation, as a click in the sidebar does."""
        if url_path not in self.pages:
            raise ProtocolError(f"no page {url_path!r} in the navigation ({sorted(self.pages)})")
        self.query_string = ""
        self.widgets.clear()
        return await self.rerun(page_hash=self.pages[url_path])

    async def open_map(self, query_string: str) -> float:
        """Open the map from a permalink inside the open connection (the filters start from the link)."""
        self.query_string = query_string
        self.widget_states.clear()
        self.widgets.clear()
        return await self.rerun(page_hash=self.pages["map"])


async def reader(index: int, base_url: str, rounds: int, steps: list[Step], hold: asyncio.Event | None = None) -> None:
    """One simulated reader: per round, open the map from a link, change the type filter, switch page."""
    session = ReaderSession(base_url)
    try:
        for number in range(rounds):
            link = MAP_LINKS[(index + number) % len(MAP_LINKS)]
            for kind, action in (
                ("open", lambda: session.open("/map", link) if number == 0 else session.open_map(link)),
                ("filter", lambda: session.choose(FILTER_KEY, index + number)),
                ("switch", lambda: session.switch(OTHER_PAGES[(index + number) % len(OTHER_PAGES)])),
            ):
                started = time.perf_counter()
                try:
                    steps.append(Step(kind, await action()))
                except Exception as error:  # noqa: BLE001 - every failure counts, whatever its kind
                    steps.append(Step(kind, time.perf_counter() - started, f"{type(error).__name__}: {error}"[:300]))
                    return
        if hold is not None:
            await hold.wait()
    finally:
        await session.close()


# -- real browsers ---------------------------------------------------------------------------------------------
async def browser_readers(base_url: str, count: int, rounds: int, results: list[dict], deadline: float) -> None:
    """A few real Chromium tabs doing what the protocol sessions do, to prove every page still draws."""
    if count <= 0:
        return
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        try:
            browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as failure:  # noqa: BLE001 - reported as the browsers' error, the protocol readers go on
            results.append({"path": "(launch)", "seconds": 0.0, "error": f"Chromium did not start: {str(failure).splitlines()[0][:200]}"})
            return
        try:
            await asyncio.gather(*(_browser_reader(browser, base_url, index, rounds, results, deadline) for index in range(count)))
        finally:
            await browser.close()


async def _browser_reader(browser, base_url: str, index: int, rounds: int, results: list[dict], deadline: float) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)[:200]))
    await context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost") else route.abort())
    try:
        for number in range(rounds):
            for path in (f"/map?{MAP_LINKS[(index + number) % len(MAP_LINKS)]}", "/" + OTHER_PAGES[(index + number) % len(OTHER_PAGES)]):
                started = time.perf_counter()
                left_ms = max(1_000, (deadline - time.monotonic()) * 1000)
                try:
                    await page.goto(base_url + path, timeout=left_ms)
                    await page.wait_for_function(READY, timeout=min(left_ms, STEP_TIMEOUT_S * 1000), polling=250)
                    exceptions = await page.locator('[data-testid="stException"]').all_inner_texts()
                    error = f"exception on {path}: {exceptions[0][:200]}" if exceptions else (errors.pop(0) if errors else None)
                except Exception as failure:  # noqa: BLE001 - a page that does not draw is the finding
                    error = f"{type(failure).__name__}: {str(failure).splitlines()[0][:200]}"
                results.append({"path": path, "seconds": time.perf_counter() - started, "error": error})
                if error:
                    return
    finally:
        await context.close()


# -- the server's processes ------------------------------------------------------------------------------------
def _clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def proc_sample(pid: int) -> tuple[float, float] | None:
    """(RSS in MB, CPU seconds used so far) of a process, from /proc; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    return rss_kb / 1024, (int(fields[11]) + int(fields[12])) / _clock_ticks()


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Sampler:
    """Samples RSS and CPU of named processes twice a second while a phase runs."""

    def __init__(self, processes: dict[str, int]):
        self.processes = processes
        self.peak: dict[str, float] = dict.fromkeys(processes, 0.0)
        self.cpu_start: dict[str, float] = {}
        self.cpu_end: dict[str, float] = {}
        self._task: asyncio.Task | None = None

    def _sample(self) -> dict[str, tuple[float, float]]:
        return {name: sample for name, pid in self.processes.items() if (sample := proc_sample(pid))}

    async def _loop(self) -> None:
        while True:
            for name, (rss, cpu) in self._sample().items():
                self.peak[name] = max(self.peak[name], rss)
                self.cpu_end[name] = cpu
            await asyncio.sleep(0.5)

    def __enter__(self) -> Sampler:
        self.started = time.monotonic()
        self.cpu_start = {name: cpu for name, (_, cpu) in self._sample().items()}
        self._task = asyncio.get_running_loop().create_task(self._loop())
        return self

    def __exit__(self, *_) -> None:
        self._task.cancel()
        for name, (rss, cpu) in self._sample().items():
            self.peak[name] = max(self.peak[name], rss)
            self.cpu_end[name] = cpu
        self.wall = time.monotonic() - self.started

    def rows(self) -> list[dict]:
        return [
            {
                "process": name,
                "peak_rss_mb": round(self.peak[name], 1),
                "cpu_s": round(self.cpu_end.get(name, 0) - self.cpu_start.get(name, 0), 1),
                "cpu_percent": round(100 * (self.cpu_end.get(name, 0) - self.cpu_start.get(name, 0)) / max(self.wall, 1e-9)),
            }
            for name in self.processes
        ]


def rss(pid: int) -> float:
    sample = proc_sample(pid)
    return sample[0] if sample else float("nan")


@contextmanager
def single_server(log_dir: Path, cookie_secret: str) -> Iterator[tuple[str, dict[str, int], list[str]]]:
    """One `streamlit run dashboard.py` on a free loopback port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}
    log = (log_dir / "single.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", *replicas.streamlit_flags(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        if not wait_healthy(url, process, 90):
            raise RuntimeError(f"streamlit did not start; see {log.name}")
        yield url, {"app": process.pid}, [url]
    finally:
        stop(process)
        log.close()


@contextmanager
def replica_servers(log_dir: Path, count: int, cookie_secret: str) -> Iterator[tuple[str, dict[str, int], list[str]]]:
    """tools/replicas.py: count app processes behind nginx."""
    with replicas.Replicas(count=count, port=free_port(), prefix=log_dir / "nginx", cookie_secret=cookie_secret) as running:
        processes = {f"app {backend.port}": backend.process.pid for backend in running.backends}
        processes["nginx master"] = running.nginx.pid
        for number, worker in enumerate(children(running.nginx.pid), 1):
            processes[f"nginx worker {number}"] = worker
        yield running.url, processes, [backend.url for backend in running.backends]


# -- phases ----------------------------------------------------------------------------------------------------
async def warm_up(app_urls: list[str]) -> None:
    """Before anything is measured, every page in both languages once in each app process (straight to it, not
    through nginx), so that its caches and the Spanish catalogue are built."""

    async def every_page(url: str, query_string: str) -> None:
        session = ReaderSession(url)
        try:
            await session.open("/map", query_string)
            await session.choose(FILTER_KEY, 0)
            for page in OTHER_PAGES + ("sources",):
                await session.switch(page)
        except Exception as error:  # noqa: BLE001 - the run cannot be measured: say why
            raise RuntimeError(f"warm-up on {url} failed: {type(error).__name__}: {error}") from error
        finally:
            await session.close()

    await asyncio.gather(*(every_page(url, link) for url in app_urls for link in ("", "lang=es")))


async def memory_per_session(url: str, pid: int, many: int) -> dict:
    """RSS of the app process with 1 open session, then with `many` open sessions (each opened the map and filtered)."""
    hold = asyncio.Event()
    steps: list[Step] = []
    first = asyncio.create_task(reader(0, url, 1, steps, hold))
    while len(steps) < 3 and not first.done():
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)
    one = rss(pid)
    rest = [asyncio.create_task(reader(index, url, 1, steps, hold)) for index in range(1, many)]
    while len(steps) < 3 * many and not all(task.done() for task in rest):
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)
    all_open = rss(pid)
    hold.set()
    await asyncio.gather(first, *rest)
    errors = [step.error for step in steps if step.error]
    return {
        "sessions": many,
        "rss_1_mb": round(one, 1),
        f"rss_{many}_mb": round(all_open, 1),
        "mb_per_extra_session": round((all_open - one) / (many - 1), 2),
        "errors": len(errors),
    }


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


async def load(url: str, processes: dict[str, int], sessions: int, rounds: int, browsers: int, deadline: float) -> dict:
    """sessions protocol readers and a few Chromium readers at once; returns latencies, errors and process figures."""
    steps: list[Step] = []
    pages: list[dict] = []
    started = time.monotonic()
    load_before = os.getloadavg()[0]

    async def staggered(index: int) -> None:
        await asyncio.sleep(index * 0.1 + random.random() * 0.1)  # readers arrive over about 3 s, not in one instant
        await reader(index, url, rounds, steps)

    with Sampler(processes) as sampler:
        work = asyncio.gather(
            *(staggered(index) for index in range(sessions)), browser_readers(url, browsers, max(1, rounds - 1), pages, deadline)
        )
        try:
            await asyncio.wait_for(work, max(1.0, deadline - time.monotonic()))
            timed_out = False
        except asyncio.TimeoutError:
            timed_out = True
    wall = time.monotonic() - started
    ok = [step.seconds for step in steps if not step.error]
    by_kind = {kind: [step.seconds for step in steps if step.kind == kind and not step.error] for kind in ("open", "filter", "switch")}
    expected = sessions * rounds * 3
    errors = [step.error for step in steps if step.error] + ([f"global timeout: {len(steps)} of {expected} steps done"] if timed_out else [])
    return {
        "sessions": sessions,
        "rounds": rounds,
        "steps": len(steps),
        "expected_steps": expected,
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:5],
        "p50_s": percentile(ok, 0.5),
        "p95_s": percentile(ok, 0.95),
        "max_s": max(ok, default=None),
        "by_step": {kind: {"p50_s": percentile(v, 0.5), "p95_s": percentile(v, 0.95)} for kind, v in by_kind.items()},
        "wall_s": round(wall, 1),
        "machine_load": [round(load_before, 1), round(os.getloadavg()[0], 1)],  # 1-minute load average before and after
        "browser_pages": len(pages),
        "browser_errors": sum(1 for page in pages if page["error"]),
        "browser_error_examples": [page["error"] for page in pages if page["error"]][:3],
        "browser_median_s": statistics.median([page["seconds"] for page in pages if not page["error"]]) if any(not p["error"] for p in pages) else None,
        "processes": sampler.rows(),
    }


# -- report ----------------------------------------------------------------------------------------------------
def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def table(results: dict) -> str:
    lines = [
        "| target | sessions × rounds | steps | errors | p50 s | p95 s | max s | open p50/p95 | filter p50/p95 | switch p50/p95 | wall s"
        " | Chromium pages (errors), median s | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, result in results["targets"].items():
        run = result["load"]
        by = run["by_step"]
        lines.append(
            f"| {name} | {run['sessions']} × {run['rounds']} | {run['steps']}/{run['expected_steps']} | {run['errors']} | {_s(run['p50_s'])} | "
            f"{_s(run['p95_s'])} | {_s(run['max_s'])} | "
            + " | ".join(f"{_s(by[k]['p50_s'])} / {_s(by[k]['p95_s'])}" for k in ("open", "filter", "switch"))
            + f" | {run['wall_s']} | {run['browser_pages']} ({run['browser_errors']}), {_s(run['browser_median_s'])} |"
            + f" {run['machine_load'][0]} → {run['machine_load'][1]} |"
        )
    lines += ["", "| target | process | peak RSS MB | CPU s | CPU % of one core |", "|---|---|---|---|---|"]
    for name, result in results["targets"].items():
        for row in result["load"]["processes"]:
            lines.append(f"| {name} | {row['process']} | {row['peak_rss_mb']} | {row['cpu_s']} | {row['cpu_percent']} |")
    if memory := results.get("memory"):
        many = memory["sessions"]
        verdict = "within" if memory["mb_per_extra_session"] < SESSION_BUDGET_MB else "OVER"
        lines += [
            "",
            f"| memory (one app process) | RSS, 1 session | RSS, {many} sessions | MB per extra session | budget |",
            "|---|---|---|---|---|",
            f"| single | {memory['rss_1_mb']} MB | {memory[f'rss_{many}_mb']} MB | {memory['mb_per_extra_session']} | < {SESSION_BUDGET_MB:.0f} MB ({verdict}) |",
        ]
    for name, result in results["targets"].items():
        for example in result["load"]["error_examples"] + result["load"]["browser_error_examples"]:
            lines.append(f"\n{name} error: {example}")
    return "\n".join(lines)


async def run(arguments: argparse.Namespace) -> dict:
    deadline = time.monotonic() + arguments.timeout
    cookie_secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or replicas.new_cookie_secret()
    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cores": os.cpu_count(),
        "settings": {k: getattr(arguments, k) for k in ("sessions", "rounds", "browsers", "idle_sessions", "replicas")},
        "targets": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-readers-") as folder:
        log_dir = arguments.log_dir or Path(folder)
        log_dir.mkdir(parents=True, exist_ok=True)
        for target in arguments.targets:
            if time.monotonic() > deadline:
                break
            starter = single_server(log_dir, cookie_secret) if target == "single" else replica_servers(log_dir, arguments.replicas, cookie_secret)
            with starter as (url, processes, app_urls):
                await warm_up(app_urls)
                if target == "single" and arguments.idle_sessions > 1:
                    results["memory"] = await memory_per_session(url, processes["app"], arguments.idle_sessions)
                    await asyncio.sleep(2)
                label = target if target == "single" else f"{arguments.replicas} replicas + nginx"
                results["targets"][label] = {"load": await load(url, processes, arguments.sessions, arguments.rounds, arguments.browsers, deadline)}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30, help="concurrent protocol-level readers (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of open map, filter, switch page per reader (default 3)")
    parser.add_argument("--browsers", type=int, default=2, help="real Chromium readers beside them (default 2)")
    parser.add_argument("--idle-sessions", type=int, default=20, help="open sessions for the memory figure (default 20; 0 skips it)")
    parser.add_argument("--replicas", type=int, default=2, help="app processes behind nginx for the replicas target (default 2)")
    parser.add_argument("--targets", default="single,replicas", type=lambda text: [t for t in text.split(",") if t], help="single, replicas or both")
    parser.add_argument("--timeout", type=float, default=1200, help="global timeout in seconds (default 1200)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--log-dir", type=Path, help="keep the servers' logs (and nginx's) in this folder; default a temporary one")
    arguments = parser.parse_args()
    if unknown := set(arguments.targets) - {"single", "replicas"}:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    results = asyncio.run(run(arguments))
    print(f"Many readers on {results['cores']} cores, {results['date']}: protocol-level sessions plus Chromium sessions on loopback\n")
    print(table(results))
    if failed := any(result["load"]["errors"] or result["load"]["browser_errors"] for result in results["targets"].values()):
        print("\nThe servers' logs: " + (str(arguments.log_dir) if arguments.log_dir else "run again with --log-dir DIR to keep them"))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if failed or not results["targets"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
