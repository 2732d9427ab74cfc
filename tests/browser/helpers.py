"""One page of the dashboard open in Chromium: waiting for it to finish, and what it asked the network and the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import BrowserContext, Page

from tests.conftest import ROOT

XSS_TITLE = '<img src=x onerror="window.__xss=1;alert(1)">'
# Markdown in a label from the data (a case name shown as a page link): must stay text and fetch nothing.
MARKDOWN_CASE = "**b** ![x](http://example.invalid/x.png) [link](http://example.invalid/)"
FORMULA_SUMMARY = '=HYPERLINK("http://example.com","x")'
# Merged over a copy of the first event: its date, source_id, quote and status stay real; the point sits
# alone in Montevideo (no shipped event is in Uruguay) so that a map filtered to its country centres it.
XSS_EVENT = {
    "event_id": "browser-test-hostile-title",
    "title": XSS_TITLE,
    "summary": FORMULA_SUMMARY,
    "place": "Montevideo",
    "country": "URY",
    "lat": "-34.90328",
    "lon": "-56.18816",
    "geocode": "manual",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_REPORT: list[str] = []  # every axe finding of the run, printed in the terminal summary
READY_TIMEOUT_MS = 60_000
# Counts the script runs the page has finished, so a test can wait for the rerun its click caused.
RUN_COUNTER = """
window.__runsFinished = 0;
new MutationObserver((records) => {
  for (const record of records) {
    if (record.target.getAttribute("data-test-script-state") === "notRunning" && record.oldValue !== "notRunning") {
      window.__runsFinished += 1;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ["data-test-script-state"]});
"""
# The page is finished: the script ran and stopped, nothing is still loading, every chart is drawn.
READY = """
(minimumRuns) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if ((window.__runsFinished || 0) < minimumRuns) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) return false;
  const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (!plots.every((chart) => chart.querySelector(".js-plotly-plot .main-svg"))) return false;
  const maps = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
  return maps.every((chart) => chart.querySelector("canvas#deckgl-overlay"));
}
"""
CONTENT_HEIGHT = """
() => Math.max(
  document.documentElement.scrollHeight,
  ...["stMain", "stAppViewContainer", "stSidebarContent"].map((id) => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0),
)
"""


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (the test server, or data held in the page)."""
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in LOCAL_HOSTS


@dataclass
class Visit:
    """A page and everything it did that a reader would not want: dialogs, outside requests, script errors."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, context: BrowserContext, base_url: str, path: str) -> Visit:
        """Open base_url + path and wait until it has finished running and drawing."""
        page = context.new_page()
        visit = cls(page)
        context.on("request", lambda request: visit.requests.append(request.url))
        page.on("websocket", lambda socket: visit.requests.append(socket.url))
        page.on("dialog", visit._dismiss)
        page.on("pageerror", lambda error: visit.script_errors.append(str(error)))
        page.add_init_script(RUN_COUNTER)
        page.goto(base_url + path)
        visit.wait_until_ready()
        return visit

    def _dismiss(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def runs_finished(self) -> int:
        return self.page.evaluate("() => window.__runsFinished || 0")

    def wait_until_ready(self, after_runs: int = 0) -> None:
        """Wait for the script to have finished more than after_runs runs, and for every chart and map to be drawn."""
        self.page.wait_for_function(READY, arg=after_runs + 1, timeout=READY_TIMEOUT_MS)
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def rerun_after(self, action) -> None:
        """Do action (a click, a choice) and wait for the rerun it causes to finish."""
        before = self.runs_finished()
        action()
        self.wait_until_ready(after_runs=before)

    @property
    def outside_requests(self) -> list[str]:
        return sorted({url for url in self.requests if not is_local(url)})

    @property
    def xss_flag(self) -> object:
        return self.page.evaluate("() => window.__xss")

    @property
    def exceptions(self) -> list[str]:
        return self.page.locator('[data-testid="stException"]').all_inner_texts()

    def assert_safe(self) -> None:
        """No exception box, no script from the data ran, nothing left the machine, no uncaught script error."""
        assert self.exceptions == [], f"Streamlit exception shown on {self.page.url}: {self.exceptions}"
        assert self.dialogs == [], f"a dialog opened on {self.page.url} (the XSS title ran as HTML): {self.dialogs}"
        assert self.xss_flag is None, f"window.__xss was set on {self.page.url}: the XSS title ran as HTML"
        assert self.outside_requests == [], f"requests left the machine from {self.page.url}: {self.outside_requests}"
        assert self.script_errors == [], f"uncaught script errors on {self.page.url}: {self.script_errors}"

    def screenshot(self, name: str) -> Path:
        """A full-page PNG under artifacts/screenshots/ (Streamlit scrolls inside stMain, so the window is grown to fit first)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        viewport = self.page.viewport_size
        height = min(self.page.evaluate(CONTENT_HEIGHT), 16_000)
        if height > viewport["height"]:
            self.page.set_viewport_size({"width": viewport["width"], "height": height})
            self.wait_until_ready()
            self.page.wait_for_timeout(500)  # plotly and deck.gl redraw on resize, after the frame that reports it
        self.page.screenshot(path=path, full_page=True)
        self.page.set_viewport_size(viewport)
        return path


# How far the page has scrolled: Streamlit scrolls inside stMain, a plain page scrolls the window; either counts.
PAGE_SCROLL = """
() => window.scrollY + (document.querySelector('[data-testid="stMain"]')?.scrollTop || 0)
  + (document.querySelector('[data-testid="stAppViewContainer"]')?.scrollTop || 0)
"""


def swipe_up(page: Page, x: float, y: float, distance: float, steps: int = 12) -> None:
    """One finger on the touch screen at (x, y), dragged up by distance px and lifted (real touch events, through CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - distance * step / steps}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(600)  # the browser's scroll settles after the finger lifts
    cdp.detach()
