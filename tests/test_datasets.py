"""The loader caches per file state, shows edits on the next call, and keeps serving the last good data."""

import os

import pytest
import streamlit as st

from components import datasets, validation
from components.errors import DataError
from components.schemas import ROW_ID_SEPARATOR, TRANSLATABLE
from tests.helpers import read_rows, set_cell, write_rows


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
    # The package keeps the tables as validated; load_events() is what readers see (localized,
    # with quote_translation and quote_language): each is compared with itself after the restart.
    good_table = datasets.load_state().package.tables["events"]
    good, good_es = datasets.load_events(), datasets.load_events("es")
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    touch_later(live_copy / "events.csv")
    datasets._last_good.clear()  # a new process: nothing in memory
    st.cache_data.clear()
    state = datasets.load_state()
    assert state.stale and state.package.tables["events"].equals(good_table)
    assert datasets.load_events().equals(good) and datasets.load_events("es").equals(good_es)


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


def restore_times(path, stat):
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def same_size_edit(path, position=0, column="title"):
    """Change one letter of one cell, keeping the file's size and modification time (as cp -p or a sync tool would)."""
    old = read_rows(path)[1][position][column]
    at = next(i for i, c in enumerate(old) if c.isascii() and c.isalpha())
    new = old[:at] + ("x" if old[at] != "x" else "y") + old[at + 1 :]
    stat = path.stat()
    data = path.read_bytes()
    assert old.encode() in data
    path.write_bytes(data.replace(old.encode(), new.encode(), 1))
    restore_times(path, stat)
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    return old, new


def test_an_edit_with_restored_mtime_and_same_size_shows_on_the_next_load(live_copy):
    before = datasets.load_events()
    old, new = same_size_edit(live_copy / "events.csv")
    assert before.loc[0, "title"] == old
    assert datasets.load_events().loc[0, "title"] == new


def test_content_is_hashed_again_within_seconds_even_when_the_stat_looks_unchanged(live_copy, monkeypatch):
    """On a file system where nothing in stat moves (here: only mtime and size are looked at), the TTL catches the edit."""
    clock = [1000.0]
    monkeypatch.setattr(datasets, "_stat_signature", lambda stat: (stat.st_mtime_ns, stat.st_size))
    monkeypatch.setattr(datasets.time, "monotonic", lambda: clock[0])
    datasets._digests.clear()
    datasets.load_events()
    old, new = same_size_edit(live_copy / "events.csv")
    assert datasets.load_events().loc[0, "title"] == old  # within the TTL: the memo answers
    clock[0] += datasets.HASH_TTL_SECONDS + 0.1
    assert datasets.load_events().loc[0, "title"] == new


def test_reverting_with_cp_p_does_not_keep_the_wrong_value_as_last_good(live_copy, tmp_path):
    events = live_copy / "events.csv"
    original = tmp_path / "events.original.csv"
    original.write_bytes(events.read_bytes())
    os.utime(original, ns=(events.stat().st_atime_ns, events.stat().st_mtime_ns))
    good = datasets.load_events()
    _, wrong = same_size_edit(events)  # a wrong value, valid: it is served and becomes the last good data
    assert datasets.load_events().loc[0, "title"] == wrong
    events.write_bytes(original.read_bytes())  # cp -p of the original back
    restore_times(events, original.stat())
    assert datasets.load_events().equals(good)
    set_cell(events, 0, "lat", "123.5")  # a later invalid edit falls back to the reverted data
    touch_later(events)
    assert datasets.load_state().stale
    assert datasets.load_events().equals(good)


def test_data_version_is_a_short_stable_hash_of_the_content(live_copy, tmp_path):
    version = datasets.data_version()
    assert len(version) == 12 and all(c in "0123456789abcdef" for c in version)
    assert datasets.data_version() == version == datasets.data_version(live_copy)
    assert datasets.data_version(validation.DATA_DIR) == version  # the same content elsewhere
    touch_later(live_copy / "events.csv")
    assert datasets.data_version() == version  # time stamps are not content
    original = (live_copy / "series.csv").read_bytes()
    set_cell(live_copy / "series.csv", 3, "value", "12345")
    changed = datasets.data_version()
    assert changed != version
    set_cell(live_copy / "series.csv", 3, "value", "12346")
    assert datasets.data_version() not in (version, changed)
    (live_copy / "series.csv").write_bytes(original)
    assert datasets.data_version() == version


def test_data_version_is_the_version_served(live_copy):
    state = datasets.load_state()
    assert state.version == state.files_version == datasets.data_version()
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    stale = datasets.load_state()
    assert stale.stale and stale.version == state.version != stale.files_version == datasets.data_version()


def test_a_missing_or_odd_file_has_a_version_and_does_not_hang(live_copy):
    version = datasets.data_version()
    (live_copy / "changes.csv").unlink()
    missing = datasets.data_version()
    assert missing != version
    os.mkfifo(live_copy / "changes.csv")  # never opened by the hash (opening a FIFO would block)
    assert datasets.data_version() not in (version, missing)


def test_a_changed_file_is_validated_once_for_every_page_and_the_notice(live_copy, monkeypatch):
    calls = []
    real = validation.load_package
    monkeypatch.setattr(datasets, "load_package", lambda directory: calls.append(directory) or real(directory))
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")
    for _ in range(3):
        datasets.current_errors()
        datasets.load_state()
        for load in (datasets.load_events, datasets.load_sources, datasets.load_rulings, datasets.load_changes):
            load()
        datasets.row_loss_warnings()
    assert len(calls) == 1


def test_a_failed_load_keeps_only_its_errors_capped(live_copy, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_ERRORS_PER_FILE", 4)
    monkeypatch.setattr(datasets, "MAX_ERRORS", 6)
    header, rows = read_rows(live_copy / "events.csv")
    for row in rows:
        row["lat"] = "123.5"
    write_rows(live_copy / "events.csv", header, rows)
    header, rows = read_rows(live_copy / "series.csv")
    for row in rows:
        row["value"] = "-1"
    write_rows(live_copy / "series.csv", header, rows)
    state = datasets.load_state()
    everything = validation.load_package(live_copy).errors
    assert state.error_count == datasets._error_count(everything) >= 174 + 18
    assert state.errors_truncated
    listed = [e for e in state.errors if e.rule != "too_many_errors"]
    summaries = [e for e in state.errors if e.rule == "too_many_errors"]
    assert len(listed) == 6 and listed == [e for e in everything if e.rule != "too_many_errors"][:4] + [e for e in everything if e.file == "events.csv"][:2]
    assert [e.file for e in summaries] == ["series.csv", "events.csv"] and state.errors[4] == summaries[0]
    assert len(listed) + sum(datasets._summarised(e) for e in summaries) == state.error_count
    assert datasets.current_errors() == state.errors
    loaded = datasets._cached_package(str(live_copy.resolve()), datasets.data_version())
    assert all(frame.empty for frame in loaded.package.tables.values())  # no frames of the failed load kept


def test_the_validators_own_summaries_are_counted_and_kept(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_ERRORS_PER_FILE", 2)
    errors = [DataError("events.csv", line, "lat", "1", "range", "m") for line in range(2, 7)] + [DataError("events.csv", 0, None, None, "too_many_errors", "…and 995 more errors in this file")]
    assert datasets._error_count(errors) == 1000
    capped = datasets._cap_errors(errors)
    assert [e.rule for e in capped] == ["range", "range", "too_many_errors"]
    assert "998 more" in capped[-1].message


def test_a_valid_state_has_no_errors_to_count(live_copy):
    state = datasets.load_state()
    assert state.error_count == 0 and not state.errors_truncated


def test_a_loader_crash_is_an_error_for_editors_not_a_traceback(live_copy, monkeypatch):
    good = datasets.load_events()

    def crash(directory):
        raise RuntimeError("boom")

    monkeypatch.setattr(datasets, "load_package", crash)
    touch_later(live_copy / "events.csv")
    set_cell(live_copy / "events.csv", 0, "title", "Something else")
    state = datasets.load_state()
    assert state.stale and [e.rule for e in state.errors] == ["load_failed"]
    assert "boom" not in state.errors[0].message
    assert datasets.load_events().equals(good)


def keep_rows(path, count):
    """Keep a table's first count rows and, as an editor deleting rows must, delete the translations of the rows removed."""
    header, rows = read_rows(path)
    write_rows(path, header, rows[:count])
    name = path.stem
    if name not in TRANSLATABLE:
        return
    key = datasets.TABLES[name].primary_key
    kept = {ROW_ID_SEPARATOR.join(row[column] for column in key) for row in rows[:count]}
    translations = path.parent / datasets.TABLES["translations"].filename
    header, rows = read_rows(translations)
    write_rows(translations, header, [row for row in rows if row["table"] != name or row["row_id"] in kept])


def test_a_table_that_loses_many_rows_warns_editors_and_does_not_replace_the_last_good_data(live_copy):
    datasets.load_state()
    original = (live_copy / "series.csv").read_bytes()
    keep_rows(live_copy / "series.csv", 100)  # cut at a row boundary: still valid
    state = datasets.load_state()
    assert not state.stale and len(state.package.tables["series"]) == 100  # readers see the files
    assert len(state.row_loss_warnings) == 1 and "series.csv" in state.row_loss_warnings[0] and "174" in state.row_loss_warnings[0]
    assert datasets.row_loss_warnings() == state.row_loss_warnings
    datasets._last_good.clear()  # a restart: the warning comes from the snapshot, which still has every row
    st.cache_data.clear()
    assert datasets.load_state().row_loss_warnings == state.row_loss_warnings
    set_cell(live_copy / "events.csv", 0, "lat", "123.5")  # a later invalid edit falls back to the full data
    assert len(datasets.load_state().package.tables["series"]) == 174
    set_cell(live_copy / "events.csv", 0, "lat", validation.load_package(validation.DATA_DIR).tables["events"].loc[0, "lat"].astype(str))
    (live_copy / "series.csv").write_bytes(original)
    assert datasets.load_state().row_loss_warnings == []


def test_an_editor_can_confirm_a_shorter_table(live_copy):
    datasets.load_state()
    keep_rows(live_copy / "series.csv", 100)
    assert datasets.load_state().row_loss_warnings
    assert datasets.confirm_current_data()
    assert datasets.load_state().row_loss_warnings == []
    datasets._last_good.clear()
    st.cache_data.clear()
    assert datasets.load_state().row_loss_warnings == []


def test_every_table_but_one_reduced_to_its_header_warns_for_each(live_copy):
    datasets.load_state()
    for name, table in datasets.TABLES.items():
        if name != "sources":
            keep_rows(live_copy / table.filename, 0)
    state = datasets.load_state()
    assert not state.stale
    warned = {warning.split(" ", 1)[0] for warning in state.row_loss_warnings}
    assert warned == {table.filename for name, table in datasets.TABLES.items() if name != "sources"}


@pytest.mark.parametrize("kept", [174, 173, 170, 169, 140])
def test_a_small_loss_does_not_warn(live_copy, kept):
    datasets.load_state()
    keep_rows(live_copy / "series.csv", kept)
    assert datasets.load_state().row_loss_warnings == []


def test_the_first_load_has_nothing_to_compare_with(live_copy):
    keep_rows(live_copy / "series.csv", 3)
    assert datasets.load_state().row_loss_warnings == []


README_INJECTIONS = [
    "- 2026-12-01 events.csv (added): harmless\n## Editorial rules\nAnything goes.",
    "- x\n<!-- changes:end -->\n## Editorial rules\nAnything goes.\n<!-- changes:start -->",
    "- x\n<!-- index:end -->\n## Method and caveats\nAnything goes.",
    "- x\n## Method and caveats\nAnything goes.\n## Editorial rules\nAnything goes.",
    "- x\n<!-- codebook:start -->\n## Editorial rules\nAnything goes.\n<!-- codebook:end -->\n## Licences\nAnything goes.",
]


@pytest.mark.parametrize("injected", README_INJECTIONS)
def test_data_text_in_the_readme_cannot_replace_a_section(live_copy, injected):
    readme = live_copy / "README.md"
    rules, method = datasets.load_data_notes("Editorial rules"), datasets.load_data_notes("Method and caveats")
    assert rules.startswith("- Every figure") and method
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace("<!-- changes:start -->\n", "<!-- changes:start -->\n" + injected + "\n"), encoding="utf-8")
    assert datasets.load_data_notes("Editorial rules") == rules
    assert datasets.load_data_notes("Method and caveats") == method
    assert "Anything goes" not in datasets.load_data_notes("Changes")


def test_a_second_hand_written_heading_does_not_replace_the_first(live_copy):
    readme = live_copy / "README.md"
    rules = datasets.load_data_notes("Editorial rules")
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## Editorial rules\nAnything goes.\n", encoding="utf-8")
    assert datasets.load_data_notes("Editorial rules") == rules


@pytest.mark.parametrize(
    "content",
    ["## Editorial rules\nR\u00e9gles.\n".encode("latin-1"), b"\xff\xfe## Editorial rules\n", b"\x00\x01\x02"],
    ids=["latin-1", "utf-16-bom", "binary"],
)
def test_an_unreadable_readme_gives_nothing_and_no_traceback(live_copy, content):
    (live_copy / "README.md").write_bytes(content)
    assert datasets.load_data_notes("Editorial rules") == ""


def test_a_missing_or_odd_readme_gives_nothing(live_copy):
    (live_copy / "README.md").unlink()
    assert datasets.load_data_notes("Editorial rules") == ""
    os.mkfifo(live_copy / "README.md")
    assert datasets.load_data_notes("Editorial rules") == ""


def test_a_readme_with_a_bom_and_windows_line_endings_reads(live_copy):
    readme = live_copy / "README.md"
    rules = datasets.load_data_notes("Editorial rules")
    readme.write_bytes(b"\xef\xbb\xbf" + readme.read_bytes().replace(b"\n", b"\r\n"))
    assert datasets.load_data_notes("Editorial rules") == rules
