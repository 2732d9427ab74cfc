"""The loader caches per file state, shows edits on the next call, and keeps serving the last good data."""

import os

import pytest
import streamlit as st

from components import datasets, validation
from tests.helpers import set_cell


@pytest.fixture
def live_copy(data_copy, monkeypatch):
    """Point the app at a private copy of data/."""
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    return data_copy


def touch_later(path):
    """Make sure the modification time moves even on coarse file-system clocks."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_loads_the_shipped_data_once_per_file_state(live_copy, monkeypatch):
    calls = []
    real = validation.load_package
    monkeypatch.setattr(datasets, "load_package", lambda directory: calls.append(directory) or real(directory))
    first = datasets.load_events()
    second = datasets.load_events()
    assert len(calls) == 1
    assert first.equals(second) and len(first) > 0


def test_an_edit_shows_on_the_next_call_without_restart(live_copy):
    before = datasets.load_events()
    set_cell(live_copy / "events.csv", 0, "title", "Corrected title")
    touch_later(live_copy / "events.csv")
    after = datasets.load_events()
    assert after.loc[0, "title"] == "Corrected title" != before.loc[0, "title"]


def test_invalid_edit_keeps_serving_the_last_good_data(live_copy):
    good = datasets.load_events()
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    touch_later(live_copy / "events.csv")
    state = datasets.load_state()
    assert state.stale and state.has_data
    assert [(e.file, e.row, e.column, e.rule) for e in state.errors] == [("events.csv", 2, "lat", "range")]
    assert datasets.load_events().equals(good)


def test_last_good_data_survives_a_restart(live_copy):
    good = datasets.load_events()
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    touch_later(live_copy / "events.csv")
    datasets._last_good.clear()  # a new process: nothing in memory
    st.cache_data.clear()
    state = datasets.load_state()
    assert state.stale and state.package.tables["events"].equals(good)


def test_fixing_the_file_clears_the_notice(live_copy):
    original = (live_copy / "events.csv").read_bytes()
    datasets.load_state()
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    touch_later(live_copy / "events.csv")
    assert datasets.load_state().stale
    (live_copy / "events.csv").write_bytes(original)
    touch_later(live_copy / "events.csv")
    assert not datasets.load_state().stale


def test_invalid_data_with_no_earlier_good_data_serves_empty_tables(live_copy):
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    state = datasets.load_state()
    assert state.stale and not state.has_data
    assert list(state.package.tables["events"].columns) == list(validation.empty_tables()["events"].columns)


def test_data_dir_follows_the_environment(live_copy):
    assert datasets.data_dir() == live_copy.resolve()
