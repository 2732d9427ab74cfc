"""Issue 12: editors see the row-loss warnings and snapshot problems the app keeps, from make validate (text and
JSON, naming the last good data compared with, exit status unchanged) and from datasets.editor_warnings."""

import json
import os
import subprocess
import sys

import pytest
import streamlit as st

from components import datasets
from tests.conftest import ROOT
from tests.test_datasets import keep_rows
from tests.helpers import set_cell


@pytest.fixture
def live_copy(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    return data_copy


def restart():
    """A new process: nothing in memory, only what is on disk."""
    datasets._last_good.clear()
    datasets._verdicts.clear()
    st.cache_data.clear()


def run_cli(directory, *extra) -> subprocess.CompletedProcess:
    """The validator in its own process, with the cache folder the app of this test uses."""
    env = {**os.environ, "TDA_CACHE_DIR": os.environ["TDA_CACHE_DIR"]}
    env.pop("TDA_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "components.validate", str(directory), *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_a_table_that_lost_rows_is_a_warning_of_the_validator_naming_the_snapshot(live_copy):
    datasets.load_state()  # the app has served the data: its last good snapshot is on disk
    manifest = datasets._manifest_path(live_copy.resolve())
    version = datasets.data_version()
    keep_rows(live_copy / "series.csv", 100)
    result = run_cli(live_copy)
    assert result.returncode == 0, result.stderr  # a warning is not an error
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "series.csv has 100 rows, 74 fewer (43%) than the last good data (174)" in warnings[0]
    assert str(manifest) in warnings[0] and version in warnings[0]
    assert f"row counts compared with the last good data saved in {manifest} (data version {version}" in result.stderr
    assert "Traceback" not in result.stderr and "No runtime found" not in result.stderr

    report = json.loads(run_cli(live_copy, "--format", "json").stdout)
    assert report["valid"] is True and len(report["warnings"]) == 1 and report["warnings"][0] == warnings[0].removeprefix("warning: ")
    assert report["last_good"]["kept"] == "snapshot" and report["last_good"]["manifest"] == str(manifest)
    assert report["last_good"]["data_version"] == version


def test_tables_reduced_to_their_header_warn_once_each(live_copy):
    rows = {name: len(frame) for name, frame in datasets.load_state().package.tables.items()}
    emptied = [name for name in datasets.TABLES if name != "sources"]
    for name in emptied:
        keep_rows(live_copy / datasets.TABLES[name].filename, 0)
    result = run_cli(live_copy, "--format", "json")
    assert result.returncode == 0, result.stderr
    warned = sorted(warning.split(" ", 1)[0] for warning in json.loads(result.stdout)["warnings"])
    assert warned == sorted(datasets.TABLES[name].filename for name in emptied if rows[name] > datasets.ROW_LOSS_MIN_ROWS)


def test_no_snapshot_yet_means_nothing_compared_and_no_warning(live_copy):
    result = run_cli(live_copy)
    assert result.returncode == 0
    assert "no last good data kept for this folder yet" in result.stderr and "warning:" not in result.stderr
    report = json.loads(run_cli(live_copy, "--format", "json").stdout)
    assert report["warnings"] == [] and report["last_good"] is None


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda manifest: manifest.write_bytes(b"\x80garbage"), "not JSON"),
        (lambda manifest: manifest.write_text(json.dumps({"format": "something-else"})), "another type"),
    ],
    ids=["garbage", "foreign"],
)
def test_a_snapshot_that_would_be_ignored_is_a_warning_and_keeps_the_exit_status(live_copy, damage, reason):
    datasets.load_state()
    damage(datasets._manifest_path(live_copy.resolve()))
    result = run_cli(live_copy)
    assert result.returncode == 0
    assert any(line.startswith("warning: last good data: ") and reason in line for line in result.stderr.splitlines()), result.stderr
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    result = run_cli(live_copy, "--format", "json")
    assert result.returncode == 1  # invalid files: still 1
    assert any(reason in warning for warning in json.loads(result.stdout)["warnings"])


def test_a_snapshot_with_a_dangling_reference_is_a_warning_of_the_validator(live_copy):
    datasets.load_state()
    from tests.test_snapshot import arrow_bytes, column_entries, replace_table_file, snapshot_table

    events = snapshot_table(live_copy, "events")
    events = events.assign(source_id=events["source_id"].where(events.index > 0, "no-such-source-2099"))
    replace_table_file(live_copy, arrow_bytes(events), columns=column_entries(events))
    result = run_cli(live_copy, "--format", "json")
    assert result.returncode == 0
    [warning] = json.loads(result.stdout)["warnings"]
    assert "events table refers to a row the snapshot does not hold (reference in source_id" in warning and "2099" not in warning


def test_editor_warnings_is_what_the_app_knows(live_copy):
    assert datasets.editor_warnings() == []
    datasets.load_state()
    keep_rows(live_copy / "series.csv", 100)
    state = datasets.load_state()
    warnings = datasets.editor_warnings()
    assert len(warnings) == 1 and warnings[0].startswith(state.row_loss_warnings[0])
    assert "compared with the last good data in memory (data version" in warnings[0]
    restart()  # after a restart the comparison is with the snapshot on disk
    assert "compared with the last good data saved in" in datasets.editor_warnings(live_copy)[0]
    assert datasets.confirm_current_data()
    assert datasets.editor_warnings() == []


def test_editor_warnings_say_when_the_last_good_data_cannot_be_saved(live_copy, monkeypatch):
    monkeypatch.setattr(datasets, "_write_snapshot", lambda *args: (_ for _ in ()).throw(PermissionError("read-only")))
    datasets.load_state()
    [warning] = datasets.editor_warnings()
    assert warning.startswith("last good data: the last good data could not be saved to disk (PermissionError)")


def test_the_snapshot_is_judged_once_per_manifest(live_copy, monkeypatch):
    datasets.load_state()
    reads = []
    real = datasets._read_snapshot
    monkeypatch.setattr(datasets, "_read_snapshot", lambda directory: reads.append(directory) or real(directory))
    restart()
    for _ in range(3):
        datasets.editor_warnings(live_copy)
    assert len(reads) == 1
