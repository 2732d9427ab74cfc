"""Every test starts with empty caches and its own snapshot and state folders, and may use a private copy of data/.

The suite runs in parallel (pytest-xdist, `make test`): each worker is its own process with its own temporary
folders, and nothing a test writes lands in the repository. A module that sets up something costly once for all
its tests (a module-scoped fixture: a built site, a server) runs on one worker, so that set-up happens once.
"""

import logging
import os
import shutil
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

# Outside a running app st.cache_data logs "No runtime found" for every cached function it sees: expected in
# tests, and only noise (under pytest-xdist it reaches the terminal, after the summary).
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)

from components import datasets  # noqa: E402  (after the line above: its decorators log at import)
from components.validation import load_package  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The settings the app reads from the environment: none may leak in from the shell running the tests.
APP_ENVIRONMENT = ("TDA_DATA_DIR", "TDA_CACHE_DIR", "TDA_STATE_DIR", "TDA_DATABASE_URL", "TDA_SITE_URL", "TDA_APP_URL")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, ... under pytest-xdist
_AXE_FROM_WORKERS: list[str] = []


def pytest_collection_modifyitems(items):
    """Keep each module with a module- or class-scoped fixture on one worker (`--dist loadgroup`), so it is set up once."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        scoped = any(
            definition.scope in ("module", "class", "package")
            for definitions in info.name2fixturedefs.values()
            for definition in definitions
        )
        if scoped:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


@pytest.fixture(scope="session", autouse=True)
def worker_environment(tmp_path_factory):
    """Per worker: its own cache and state folders, and no TDA_* setting from the shell.

    Module- and session-scoped fixtures run before a test's own isolated_caches, so they see these (never the
    repository's .cache/). tmp_path_factory's folder is already one per worker under pytest-xdist.
    """
    patch = pytest.MonkeyPatch()
    for name in APP_ENVIRONMENT:
        patch.delenv(name, raising=False)
    folder = tmp_path_factory.mktemp(f"worker-{WORKER}")
    patch.setenv("TDA_CACHE_DIR", str(folder / "cache"))
    patch.setenv("TDA_STATE_DIR", str(folder / "state"))
    yield folder
    patch.undo()


@pytest.fixture(autouse=True)
def isolated_caches(tmp_path, monkeypatch):
    """No test sees another's cached data, last-good snapshot or editor state."""
    monkeypatch.setenv("TDA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TDA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("TDA_DATA_DIR", raising=False)
    st.cache_data.clear()
    datasets._last_good.clear()
    yield
    st.cache_data.clear()
    datasets._last_good.clear()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the shipped data directory."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(scope="session")
def tables() -> dict:
    """The shipped tables as the pages get them."""
    return load_package(ROOT / "data").tables


@pytest.fixture
def offered(monkeypatch) -> dict[str, object]:
    """What each download button of the last runs was given as its data, by widget key: bytes, or the function a
    deferred download calls on the click (AppTest has no media manager to register that function with)."""
    import streamlit

    given: dict[str, object] = {}
    real = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        given[kwargs.get("key") or label] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return given


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """The bytes of every file a download button offers, by media file id."""
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = self._files_by_id[file_id].content
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return stored


# axe-core findings (tests/browser) are gathered in each worker and printed once, by the process that reports.


def _local_axe_report() -> list[str]:
    helpers = sys.modules.get("tests.browser.helpers")  # only loaded when browser tests ran here
    return list(getattr(helpers, "AXE_REPORT", []))


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: hand the findings to the controller
        workeroutput["axe_report"] = _local_axe_report()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _AXE_FROM_WORKERS.extend(getattr(node, "workeroutput", {}).get("axe_report", []))


def pytest_terminal_summary(terminalreporter, config):
    """Every axe-core finding, also when the accessibility tests pass (they only fail on serious or critical ones)."""
    if getattr(config, "workeroutput", None) is not None:
        return
    lines = sorted(_AXE_FROM_WORKERS) + _local_axe_report()
    if lines:
        terminalreporter.section("axe-core findings (full results in artifacts/axe/)")
        for line in lines:
            terminalreporter.write_line(line)
