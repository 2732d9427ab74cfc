"""Every test starts with empty caches and its own snapshot folder, and may use a private copy of data/."""

import shutil
from pathlib import Path

import pytest
import streamlit as st

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
