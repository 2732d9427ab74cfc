"""Every test starts with empty caches and its own snapshot folder, and may use a private copy of data/."""

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from components import datasets
from components.validation import load_package

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_caches(tmp_path, monkeypatch):
    """No test sees another's cached data or last-good snapshot."""
    monkeypatch.setenv("TDA_CACHE_DIR", str(tmp_path / "cache"))
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
