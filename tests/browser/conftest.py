"""The dashboard served by a real Streamlit server on a data copy holding a hostile event, and Debian's Chromium to read it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from components import charts, timeline
from components.validation import load_package
from tests.browser.helpers import MARKDOWN_CASE, XSS_EVENT, XSS_TITLE, Visit
from tests.conftest import ROOT
from tests.helpers import read_rows, write_rows
from tools import chromium
from tools.loopback import free_port, stop, wait_healthy

CHROMIUM = Path(chromium.PATH)
CHROMIUM_ARGS = chromium.ARGS
INSTALL_HINT = (
    "Debian's Chromium is needed for the browser tests and was not found at /usr/bin/chromium. Install it with:\n"
    "  sudo apt-get update && sudo apt-get install -y chromium fonts-noto-color-emoji fonts-noto-cjk\n"
    "or skip the browser tests on purpose with: make test BROWSER_TESTS=0"
)
HEALTH_DEADLINE_SECONDS = 60
PORT_ATTEMPTS = 3


@pytest.fixture(scope="session")
def hostile_data_dir(tmp_path_factory) -> Path:
    """A valid copy of data/ where an XSS payload reaches every page (event title, a ruling's case name, a milestone title)."""
    # The event is new (its summary a spreadsheet formula); the ruling is the one the rulings page opens on, and now
    # names that event; the milestone is one the encounters chart marks.
    target = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(ROOT / "data", target)
    shipped = load_package(ROOT / "data").tables

    header, events = read_rows(target / "events.csv")
    assert XSS_EVENT["event_id"] not in {row["event_id"] for row in events}
    blank = dict.fromkeys(("admin1", "location_note", "notes", "people_count", "people_count_kind", "people_count_label"), "")
    events.append({**{column: events[0][column] for column in header}, **blank, **XSS_EVENT})
    write_rows(target / "events.csv", header, events)

    opened_ruling, markdown_ruling = list(timeline.ruling_choices(shipped["rulings"]))[:2]
    header, rulings = read_rows(target / "rulings.csv")
    for row in rulings:
        if row["ruling_id"] in (opened_ruling, markdown_ruling):
            row["case_name"] = XSS_TITLE if row["ruling_id"] == opened_ruling else MARKDOWN_CASE
            row["related_event_ids"] = ";".join(filter(None, [row["related_event_ids"], XSS_EVENT["event_id"]]))
    write_rows(target / "rulings.csv", header, rulings)

    marked = charts.marked_dates(shipped["series"], shipped["milestones"], shipped["rulings"], next(iter(charts.PERIODS)))
    marked_milestone = next(record for record in marked["record_id"] if record in set(shipped["milestones"]["milestone_id"]))
    header, milestones = read_rows(target / "milestones.csv")
    for row in milestones:
        if row["milestone_id"] == marked_milestone:
            row["title"] = XSS_TITLE
    write_rows(target / "milestones.csv", header, milestones)

    package = load_package(target)
    assert package.valid, f"the hostile copy must still be valid data: {package.errors[:5]}"
    return target


@pytest.fixture(scope="session")
def hostile_tables(hostile_data_dir) -> dict:
    """The tables the test server reads, to compute what the pages should show."""
    return load_package(hostile_data_dir).tables


def start_dashboard(env: dict[str, str], log_path: Path, extra_args: tuple[str, ...] = ()) -> tuple[str, subprocess.Popen]:
    """`streamlit run dashboard.py` on a free loopback port, answering its health check: (base URL, process).

    A port is free when chosen and taken when the server binds it; another worker's server can take it in between,
    so a server that exits saying its port is not available is started again on another one.
    """
    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable, "-m", "streamlit", "run", "dashboard.py",
            "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true", *extra_args,
        ]  # fmt: skip
        with log_path.open("wb") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if wait_healthy(url, server, HEALTH_DEADLINE_SECONDS):
            return url, server
        stop(server)
        output = log_path.read_text(errors="replace")
        if f"Port {port} is not available" not in output:
            break
    pytest.fail(f"streamlit did not answer {url}/_stcore/health (exit code {server.poll()}):\n{output[-3000:]}")


@pytest.fixture(scope="session")
def app_url(hostile_data_dir, tmp_path_factory) -> Iterator[str]:
    """Base URL of `streamlit run dashboard.py` on the hostile data copy; the server is stopped at the end, whatever happens."""
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    env = {**os.environ, "TDA_DATA_DIR": str(hostile_data_dir), "TDA_CACHE_DIR": str(log_path.parent / "cache"), "TDA_STATE_DIR": str(log_path.parent / "state")}
    url, server = start_dashboard(env, log_path)
    try:
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[Browser]:
    """Debian's Chromium: Playwright never downloads a browser here, so a missing one fails the run with how to install it."""
    if not CHROMIUM.exists():
        pytest.fail(INSTALL_HINT, pytrace=False)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def visit(browser, app_url) -> Iterator:
    """Open a page of the dashboard at a window size, recording dialogs, requests and script errors."""
    contexts = []

    def open_page(path: str, size: tuple[int, int], touch: bool = False) -> Visit:
        """touch=True: a phone's browser (touch events, mobile viewport), as Chromium's device emulation does it."""
        options = {"has_touch": True, "is_mobile": True} if touch else {}
        context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **options)
        contexts.append(context)
        opened = Visit.start(context, app_url, path)
        return opened

    yield open_page
    for context in contexts:
        context.close()
