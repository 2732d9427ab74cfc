"""The Editor page in Chromium: anonymous visitors get the sign-in form and no data; an editor signs in, edits a cell by
clicking it, saves with a reason and a correction note, and the overview shows the new figure."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from components.desk import auth
from tests.browser.conftest import HEALTH_DEADLINE_SECONDS
from tests.browser.helpers import Visit
from tests.browser.test_browser import axe_blocking
from tests.conftest import ROOT
from tests.helpers import read_rows
from tools.loopback import free_port, stop, wait_healthy

DESKTOP, PHONE = (1280, 900), (375, 812)
NAME, PASSWORD = "browser-editor", "a long test password for the browser"
NEW_VALUE = "4321"


@pytest.fixture(scope="module")
def desk_data(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("desk-browser") / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(scope="module")
def desk_url(desk_data, tmp_path_factory) -> Iterator[str]:
    """`streamlit run dashboard.py` on its own data copy and state folder, with one test editor in its own secrets file."""
    folder = tmp_path_factory.mktemp("desk-server")
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[editors]\n"{NAME}" = "{auth.hash_password(PASSWORD)}"\n', encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "streamlit.log"
    env = {**os.environ, "TDA_DATA_DIR": str(desk_data), "TDA_CACHE_DIR": str(folder / "cache"), "TDA_STATE_DIR": str(folder / "state")}
    env.pop("TDA_DATABASE_URL", None)
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true", "--secrets.files", str(secrets),
        "--server.fileWatcherType", "none",  # code edited during the run must not put a "rerun" prompt over the page
    ]  # fmt: skip
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        if not wait_healthy(url, server, HEALTH_DEADLINE_SECONDS):
            pytest.fail(f"streamlit did not answer {url}/_stcore/health (exit code {server.poll()}):\n{log_path.read_text(errors='replace')[-3000:]}")
        yield url
    finally:
        stop(server)
        assert PASSWORD not in log_path.read_text(errors="replace"), "the password reached the server log"


@pytest.fixture
def open_desk(browser, desk_url) -> Iterator:
    contexts = []

    def open_page(path: str, size: tuple[int, int]) -> Visit:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        contexts.append(context)
        return Visit.start(context, desk_url, path)

    yield open_page
    for context in contexts:
        context.close()


def assert_no_data(opened: Visit, data: Path) -> None:
    page = opened.page
    for test_id in ("stDataFrame", "stDataFrameResizable", "stFileUploader", "stPlotlyChart", "stDeckGlJsonChart", "stTable", "stTabs"):
        assert page.locator(f'[data-testid="{test_id}"]').count() == 0, f"an anonymous visitor sees {test_id}"
    text = page.locator('[data-testid="stMain"]').inner_text()
    for row in read_rows(data / "events.csv")[1][:10]:
        assert row["title"] not in text
    assert "events.csv" not in text


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_anonymous_editor_url_shows_the_form_and_no_data(open_desk, desk_data, size):
    opened = open_desk("/editor", size)
    page = opened.page
    assert page.get_by_label("Editor name").is_visible()
    assert page.get_by_label("Password", exact=True).get_attribute("type") == "password"
    assert_no_data(opened, desk_data)
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert "Editor" not in (nav.inner_text() if nav.count() else "")
    opened.screenshot(f"editor-anonymous-{'desktop' if size == DESKTOP else 'phone'}")
    opened.assert_safe()
    assert axe_blocking(opened, f"editor-anonymous-{'desktop' if size == DESKTOP else 'phone'}") == []


def sign_in(opened: Visit, password: str = PASSWORD, *, expect: str = f"Signed in as {NAME}") -> None:
    """Fill the form and press Sign in, then wait for `expect` (the desk's line, or a refusal's words).

    A right password reruns the page once more (into the desk), and an earlier refusal stays on the page until
    then, so the wait is for the words expected; a refusal shown instead is the test's failure message."""
    page = opened.page
    page.get_by_label("Editor name").fill(NAME)
    page.get_by_label("Password", exact=True).fill(password)
    opened.rerun_after(lambda: page.get_by_role("button", name="Sign in").click())
    try:
        page.get_by_text(expect).first.wait_for(timeout=30_000)
    except PlaywrightTimeoutError:
        refusals = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
        pytest.fail(f"waited for {expect!r} after signing in; the page says {refusals}", pytrace=False)
    opened.wait_until_ready()


def choose_table(opened: Visit, filename: str) -> None:
    page = opened.page
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Table").first
    box.click()
    opened.rerun_after(lambda: page.get_by_role("option", name=re.compile("^" + re.escape(filename))).click())


def edit_cell(opened: Visit, row: int, column: int, value: str) -> None:
    """Click the grid's first cell, move to (row, column) with the arrow keys, open the cell with Enter, type, Enter (as an editor does)."""
    page = opened.page
    grid = page.locator('[data-testid="stDataFrameResizable"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)  # under the 35 px header, in the first row's first cell
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    for _ in range(40):  # to the first column, wherever the click landed
        page.keyboard.press("ArrowLeft")
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # opens the cell's editor with its value selected: typing replaces it
    page.wait_for_timeout(500)
    page.keyboard.type(value, delay=50)
    page.wait_for_timeout(300)
    opened.rerun_after(lambda: page.keyboard.press("Enter"))


def test_an_editor_signs_in_edits_a_cell_saves_and_readers_see_it(open_desk, desk_data):
    header, figures = read_rows(desk_data / "figures.csv")
    position = next(index for index, row in enumerate(figures) if row["metric"] == "aea_removals")
    opened = open_desk("/editor", DESKTOP)
    page = opened.page
    sign_in(opened, "not the password", expect="Wrong name or password")
    page.wait_for_timeout(1200)  # the first failure's delay is a second
    sign_in(opened)
    assert page.get_by_text(f"Signed in as {NAME}").is_visible()
    assert "Editor" in page.locator('[data-testid="stSidebarNav"]').inner_text()
    choose_table(opened, "figures.csv")
    opened.screenshot("editor-signed-in-desktop")
    assert axe_blocking(opened, "editor-signed-in-desktop") == []

    edit_cell(opened, position, header.index("value"), NEW_VALUE)
    page.get_by_text("The edited data is valid").wait_for()
    assert page.get_by_text(re.compile(r"Overview card .*→ 4,321")).first.is_visible()
    opened.screenshot("editor-preview-desktop")

    page.get_by_label("Why this change? (for the change log)").fill("Count checked against the court filing")
    page.get_by_label("Public correction note").fill("The number of men removed was corrected.")
    opened.rerun_after(lambda: page.get_by_role("button", name="Save", exact=True).click())
    page.get_by_text(re.compile(r"Saved figures\.csv as version")).wait_for()
    opened.screenshot("editor-saved-desktop")
    opened.assert_safe()
    assert read_rows(desk_data / "figures.csv")[1][position]["value"] == NEW_VALUE

    reader = open_desk("/", DESKTOP)
    assert reader.page.get_by_text("4,321").first.is_visible()
    reader.screenshot("editor-change-on-overview-desktop")


def test_the_desk_on_a_phone(open_desk):
    opened = open_desk("/editor", PHONE)
    sign_in(opened)
    assert opened.page.get_by_text(f"Signed in as {NAME}").is_visible()
    opened.screenshot("editor-signed-in-phone")
    opened.assert_safe()
