"""The last-good snapshot is data only: a crafted, damaged or foreign snapshot is ignored, never run, never an exception."""

import hashlib
import json
import os
import pickle

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
import streamlit as st

from components import datasets
from tests.helpers import set_cell


class Payload:
    """A pickle that creates a file when it is loaded: what an attacker would leave in the cache folder."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture
def live_copy(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    return data_copy


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "pwned"
    # The payload is live: loading it with pickle does create a file (here a different one).
    pickle.loads(pickle.dumps(Payload(tmp_path / "control")))
    assert (tmp_path / "control").exists()
    return path


def restart():
    """A new process: nothing in memory, only what is on disk."""
    datasets._last_good.clear()
    st.cache_data.clear()


def break_the_files(directory):
    set_cell(directory / "events.csv", 0, "lat", "123.5")


def good_snapshot(directory):
    """Load valid data (which writes the snapshot); return the manifest path and the good events.

    The events as validated (the package's table, what the snapshot holds), not load_events()'s
    view for readers, which adds quote_translation and quote_language.
    """
    datasets.load_events()
    manifest = datasets._manifest_path(directory)
    assert manifest.exists()
    return manifest, datasets.load_state().package.tables["events"]


def manifest_of(directory) -> dict:
    return json.loads(datasets._manifest_path(directory).read_text())


def table_path(directory, name="events"):
    return datasets._store_path(directory) / manifest_of(directory)["folder"] / f"{name}.arrow"


def replace_table_file(directory, data: bytes, name="events", columns=None, rows=None):
    """Put other bytes in a table file and make the manifest agree (hash, size, and columns/rows when given)."""
    table_path(directory, name).write_bytes(data)
    manifest = manifest_of(directory)
    entry = manifest["tables"][name]
    entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    if columns is not None:
        entry["columns"] = columns
    if rows is not None:
        entry["rows"] = rows
    datasets._manifest_path(directory).write_text(json.dumps(manifest))


def arrow_bytes(frame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def column_entries(frame):
    return [{"name": column, "dtype": datasets._dtype_label(dtype)} for column, dtype in frame.dtypes.items()]


def ignored(directory) -> datasets.DataState:
    """After a restart on invalid files, the crafted snapshot must give no data, no exception and a reason."""
    restart()
    break_the_files(directory)
    state = datasets.load_state()
    assert state.stale and not state.has_data
    assert state.snapshot_problem
    assert state.version == ""
    return state


def test_a_good_snapshot_survives_a_restart_exactly(live_copy):
    _, good = good_snapshot(live_copy)
    version = datasets.data_version()
    restart()
    break_the_files(live_copy)
    state = datasets.load_state()
    assert state.stale and state.snapshot_problem == ""
    assert state.version == version != state.files_version
    assert state.package.tables["events"].equals(good)
    assert all(not frame.empty for frame in state.package.tables.values())
    assert list(state.package.tables["events"].dtypes) == list(good.dtypes)


def test_the_snapshot_is_arrow_tables_and_a_json_manifest(live_copy):
    good_snapshot(live_copy)
    manifest = manifest_of(live_copy)
    assert manifest["format"] == "tda-last-good"
    assert manifest["data_version"] == datasets.data_version()
    assert manifest["created"] and manifest["schema"]
    assert sorted(manifest["tables"]) == sorted(datasets.TABLES)
    events = manifest["tables"]["events"]
    assert {"name": "date_precision", "dtype": "category"} in events["columns"]
    assert {"name": "geonameid", "dtype": "Int64"} in events["columns"]
    assert ipc.open_file(str(table_path(live_copy))).read_all().num_rows == events["rows"]
    assert not list(datasets._snapshot_dir().glob("*.pickle"))
    assert not list(datasets._snapshot_dir().rglob("*.tmp*"))


def test_a_pickle_at_the_old_path_is_never_loaded(live_copy, marker):
    legacy = datasets._legacy_path(live_copy)
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(pickle.dumps(Payload(marker)))
    state = ignored(live_copy)
    assert not marker.exists()
    assert "pickle" in state.snapshot_problem


def test_writing_a_snapshot_removes_an_old_pickle_without_loading_it(live_copy, marker):
    legacy = datasets._legacy_path(live_copy)
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(pickle.dumps(Payload(marker)))
    good_snapshot(live_copy)
    assert not legacy.exists() and not marker.exists()


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_pickle_as_the_manifest_is_never_loaded(live_copy, marker, protocol):
    manifest, _ = good_snapshot(live_copy)
    manifest.write_bytes(pickle.dumps(Payload(marker), protocol=protocol))
    ignored(live_copy)
    assert not marker.exists()


def test_a_pickle_as_a_table_file_is_never_loaded(live_copy, marker):
    good_snapshot(live_copy)
    replace_table_file(live_copy, pickle.dumps(Payload(marker)))  # even with a manifest that vouches for it
    state = ignored(live_copy)
    assert not marker.exists()
    assert "Arrow" in state.snapshot_problem


def test_no_pickle_anywhere_in_the_cache_folder_is_loaded(live_copy, marker):
    good_snapshot(live_copy)
    for path in [*datasets._snapshot_dir().rglob("*")]:
        if path.is_file():
            path.write_bytes(pickle.dumps(Payload(marker)))
    ignored(live_copy)
    assert not marker.exists()


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x00" * 100, os.urandom(4096), b"{", b"[1, 2, 3]", b'{"format": "tda-last-good"', "\u00e9t\u00e9".encode("latin-1")],
    ids=["empty", "zeros", "random", "open-brace", "a-list", "truncated-json", "latin-1"],
)
def test_a_garbage_manifest_is_ignored(live_copy, garbage):
    manifest, _ = good_snapshot(live_copy)
    manifest.write_bytes(garbage)
    ignored(live_copy)


@pytest.mark.parametrize("keep", [0, 10, 200, -1])
def test_a_truncated_table_file_is_ignored(live_copy, keep):
    good_snapshot(live_copy)
    path = table_path(live_copy)
    data = path.read_bytes()
    path.write_bytes(data[:keep] if keep >= 0 else data[:-1])
    state = ignored(live_copy)
    assert "truncated" in state.snapshot_problem


def test_a_truncated_table_file_with_a_matching_manifest_is_ignored(live_copy):
    good_snapshot(live_copy)
    data = table_path(live_copy).read_bytes()
    replace_table_file(live_copy, data[: len(data) // 2])
    ignored(live_copy)


def test_a_changed_byte_is_ignored(live_copy):
    good_snapshot(live_copy)
    path = table_path(live_copy)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert "hash" in ignored(live_copy).snapshot_problem


def test_a_missing_table_file_is_ignored(live_copy):
    good_snapshot(live_copy)
    table_path(live_copy, "rulings").unlink()
    assert "missing" in ignored(live_copy).snapshot_problem


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(format="something-else"),
        lambda m: m.update(format_version=0),
        lambda m: m.update(schema="0123456789abcdef"),  # written for an older schema
        lambda m: m.update(folder="../../etc"),
        lambda m: m.update(data_version="not-hex!!!!!"),
        lambda m: m["tables"].pop("events"),
        lambda m: m["tables"].update(extra=m["tables"]["events"]),
        lambda m: m["tables"]["events"].update(rows=-1),
        lambda m: m["tables"]["events"].update(rows="18"),
        lambda m: m["tables"]["events"]["columns"].pop(),
        lambda m: m["tables"]["events"]["columns"][0].update(dtype="object"),
        lambda m: m["tables"]["events"]["columns"][1].update(dtype="str"),  # date as text
        lambda m: m["tables"]["events"].update(columns="all"),
    ],
    ids=["other-type", "other-format-version", "older-schema", "path-traversal", "bad-version", "missing-table", "extra-table", "negative-rows", "rows-as-text", "missing-column", "object-dtype", "wrong-dtype", "columns-not-a-list"],
)
def test_a_manifest_of_another_type_or_schema_is_ignored(live_copy, change):
    manifest, _ = good_snapshot(live_copy)
    content = json.loads(manifest.read_text())
    change(content)
    manifest.write_text(json.dumps(content))
    ignored(live_copy)


def test_a_table_missing_a_column_is_ignored(live_copy):
    _, good = good_snapshot(live_copy)
    frame = good.drop(columns=["quote"])
    replace_table_file(live_copy, arrow_bytes(frame), columns=column_entries(frame))
    assert "quote" in ignored(live_copy).snapshot_problem


def test_a_table_of_the_old_shape_is_ignored(live_copy):
    _, good = good_snapshot(live_copy)
    frame = good.drop(columns=["date_precision", "geonameid"])  # the CSV's columns, not the prepared table's
    replace_table_file(live_copy, arrow_bytes(frame), columns=column_entries(frame))
    ignored(live_copy)


def test_a_column_stored_as_another_type_is_ignored(live_copy):
    _, good = good_snapshot(live_copy)
    frame = good.assign(lat=good["lat"].astype("str"))
    replace_table_file(live_copy, arrow_bytes(frame))  # the manifest still says float64
    ignored(live_copy)


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.assign(lat=123.5),  # out of range
        lambda f: f.assign(event_id="Not A Slug"),
        lambda f: f.assign(event_id=f["event_id"].iloc[0]),  # duplicates
        lambda f: f.assign(title=f["title"].where(f.index > 0)),  # required
        lambda f: f.assign(status=f["status"].cat.add_categories(["rumoured"]).where(f.index > 0, "rumoured")),
    ],
    ids=["range", "pattern", "unique", "required", "allowed-values"],
)
def test_a_table_that_fails_the_schema_is_ignored(live_copy, change):
    _, good = good_snapshot(live_copy)
    frame = change(good.copy())
    replace_table_file(live_copy, arrow_bytes(frame), columns=column_entries(frame))
    assert "schema" in ignored(live_copy).snapshot_problem


def test_a_symlinked_table_file_is_ignored(live_copy, tmp_path):
    good_snapshot(live_copy)
    path = table_path(live_copy)
    elsewhere = tmp_path / "elsewhere.arrow"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    ignored(live_copy)


def test_a_read_only_cache_folder_still_serves_and_says_so(live_copy, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(datasets, "_write_snapshot", refuse)
    state = datasets.load_state()
    assert not state.stale and state.has_data
    assert "could not be saved" in state.snapshot_problem


def test_a_link_planted_as_the_snapshot_folder_is_not_followed(live_copy, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    store = datasets._store_path(live_copy)
    store.parent.mkdir(parents=True, exist_ok=True)
    store.symlink_to(precious, target_is_directory=True)
    good_snapshot(live_copy)
    assert (precious / "keep.txt").read_text() == "keep"
    assert store.is_dir() and not store.is_symlink()


def test_an_ignored_snapshot_is_not_read_again_on_every_rerun(live_copy, monkeypatch):
    manifest, _ = good_snapshot(live_copy)
    manifest.write_bytes(b"garbage")
    ignored(live_copy)
    reads = []
    real = datasets._read_snapshot
    monkeypatch.setattr(datasets, "_read_snapshot", lambda directory: reads.append(directory) or real(directory))
    for _ in range(3):
        datasets.load_events()
        assert datasets.load_state().snapshot_problem
    assert reads == []
    manifest.write_bytes(b"other garbage")  # a new file is looked at again
    datasets.load_state()
    assert len(reads) == 1


def snapshot_table(directory, name):
    """A table of the snapshot on disk as it was written (the package's prepared table)."""
    return datasets._read_table(table_path(directory, name), name, manifest_of(directory)["tables"][name])


def with_ruling_citing_a_missing_event(frame):
    frame = frame.copy()
    position = frame.index[frame["related_event_ids"].notna()][0]
    frame.loc[position, "related_event_ids"] = "no-such-event-2099"
    return frame


@pytest.mark.parametrize(
    ("name", "change", "rule"),
    [
        ("events", lambda f: f.assign(source_id=f["source_id"].where(f.index > 0, "no-such-source-2099")), "reference in source_id"),
        ("rulings", with_ruling_citing_a_missing_event, "reference in related_event_ids"),
        ("assessments", lambda f: f.assign(claim_id=f["claim_id"].where(f.index > 0, "no-such-claim-2099")), "reference in claim_id"),
        ("translations", lambda f: f.assign(row_id=f["row_id"].where(f.index > 0, "no-such-row-2099")), "reference in row_id"),
        ("sources", lambda f: f.iloc[1:].reset_index(drop=True), "reference in source_id"),  # rows elsewhere cite the first source
        ("events", lambda f: f.iloc[1:].reset_index(drop=True), "reference in"),  # its translations (and maybe a ruling) name the first event
    ],
    ids=["source-id", "related-event", "claim-id", "translation-row", "source-removed", "event-removed"],
)
def test_a_snapshot_with_a_dangling_reference_is_ignored_with_a_reason(live_copy, name, change, rule):
    good_snapshot(live_copy)
    before = snapshot_table(live_copy, name)
    frame = change(before)
    replace_table_file(live_copy, arrow_bytes(frame), name=name, columns=column_entries(frame), rows=len(frame))
    problem = ignored(live_copy).snapshot_problem
    assert "across tables" not in problem and rule in problem, problem
    assert "2099" not in problem  # no value from the snapshot in the reason
    assert datasets.editor_warnings(live_copy) == [f"last good data: {problem}"]


def test_a_snapshot_whose_row_claims_more_confidence_than_its_source_allows_is_ignored(live_copy):
    good_snapshot(live_copy)
    sources = snapshot_table(live_copy, "sources")
    copies = set(sources.loc[sources["access"].astype(str) == "copy", "source_id"])
    events = snapshot_table(live_copy, "events")
    position = events.index[events["source_id"].isin(copies)][0]
    events["confidence"] = events["confidence"].astype(str)
    events.loc[position, "confidence"] = "high"
    events["confidence"] = events["confidence"].astype(pd.CategoricalDtype(snapshot_table(live_copy, "events")["confidence"].cat.categories))
    replace_table_file(live_copy, arrow_bytes(events), columns=column_entries(events))
    assert "confidence_rule" in ignored(live_copy).snapshot_problem


def test_a_good_snapshot_passes_the_rules_across_tables(live_copy):
    good_snapshot(live_copy)
    restart()
    assert datasets._snapshot_verdict(live_copy) == ""
    break_the_files(live_copy)
    state = datasets.load_state()
    assert state.stale and state.has_data and state.snapshot_problem == ""
