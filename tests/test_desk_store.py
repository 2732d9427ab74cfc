"""The desk's store: tables as text, exact bytes, diffs, validation, saves, corrections, versions, history, restore.

Every test that touches the database runs against SQLite and a real PostgreSQL (tests/desk_db.py).
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from components.desk import csvfile
from components.desk import store as desk_store
from components.desk.store import CellChange, Store, csv_bytes
from components.schemas import DATA_FILES, TABLES
from tests.desk_db import desk_url, postgres_server  # noqa: F401
from tests.helpers import line_of

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sqlite_store(data_copy, tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'desk.sqlite3'}", data_dir=data_copy)


@pytest.fixture
def store(desk_url, data_copy) -> Store:
    return Store(desk_url, data_dir=data_copy)


def _edited(opened, position: int, column: str, value: str) -> pd.DataFrame:
    frame = opened.frame.copy()
    frame.iloc[position, frame.columns.get_loc(column)] = value
    return frame


# ------------------------------------------------------------------ text tables and bytes


@pytest.mark.parametrize("table", DATA_FILES)
def test_open_then_csv_bytes_gives_the_files_exact_bytes(sqlite_store, table):
    opened = sqlite_store.open_table(table)
    shipped = (ROOT / "data" / TABLES[table].filename).read_bytes()
    assert opened.digest == csvfile.digest(shipped)
    assert csv_bytes(table, opened.frame) == shipped
    assert csv_bytes(table, opened.frame.copy(), like=shipped) == shipped  # a copy that lost its attrs, with the file given


def test_a_table_opens_as_text_in_the_files_column_order(sqlite_store):
    opened = sqlite_store.open_table("events")
    header = (ROOT / "data" / "events.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert list(opened.frame.columns) == header
    assert all(str(dtype) in ("str", "object") for dtype in opened.frame.dtypes)
    assert not opened.frame.isna().any().any()  # empty cells are ""
    assert (opened.frame["people_count"] == "").any()
    assert opened.frame["lat"].str.contains(r"\.").all()  # as typed, never parsed to numbers


def test_a_line_written_in_another_style_stays_as_it_was_while_its_values_stay():
    data = b'a,b\n1,"x"\n2,y\n\n3,"has, comma"\r\n'
    parsed = csvfile.parse(data, "t.csv")
    frame = csvfile.to_frame(parsed)
    assert frame.values.tolist() == [["1", "x"], ["2", "y"], ["3", "has, comma"]]
    assert csvfile.write(frame, frame.attrs[csvfile.ATTRS_KEY]) == data
    frame.iloc[1, 1] = "z"
    assert csvfile.write(frame, csvfile.style_hint(data)) == b'a,b\n1,"x"\n2,z\n3,"has, comma"\r\n'


def test_the_fast_writer_and_reader_agree_with_pythons_csv_module():
    import csv
    import io
    import random

    chance = random.Random(7)
    alphabet = ['a', 'b', ',', '"', '\n', ' ', 'é', ';', "'"]
    rows = [["".join(chance.choice(alphabet) for _ in range(chance.randint(0, 5))) for _ in range(4)] for _ in range(500)]
    header = ["id", "one", "two", "three"]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows([header, *rows])
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    written = csvfile.write(frame, {})
    assert written == expected.getvalue().encode("utf-8")
    read = csvfile.read_frame(written, "t.csv")
    assert read.values.tolist() == rows
    assert read.attrs[csvfile.ATTRS_KEY]["irregular"] == {}  # read by pyarrow, proved exact
    with_return = pd.DataFrame([["a\rb", "c"]], columns=["one", "two"], dtype="str")  # a lone carriage return is quoted too
    assert csvfile.write(with_return, {}) == b'one,two\n"a\rb",c\n'
    assert csvfile.read_frame(b'one,two\n"a\rb",c\n', "t.csv").values.tolist() == [["a\rb", "c"]]
    single = pd.DataFrame({"only": ["", "x"]}, dtype="str")
    assert csvfile.write(single, {}) == b'only\n""\nx\n' and csvfile.read_frame(b'only\n""\nx\n', "t.csv").values.tolist() == [[""], ["x"]]


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [(b"a,b\n1,2,3\n", 2, "3 fields"), (b"a,b\n1,\xff\n", 2, "UTF-8"), (b"", 1, "empty"), (b'a,b\n1,"open\n', 2, "CSV")],
)
def test_a_file_that_is_not_a_table_is_refused_with_file_and_line(data, line, words):
    with pytest.raises(csvfile.UnreadableTable) as refused:
        csvfile.parse(data, "events.csv")
    assert refused.value.file == "events.csv" and refused.value.line == line and words in str(refused.value)


# ------------------------------------------------------------------ diffs


def test_diff_by_record_id(sqlite_store):
    opened = sqlite_store.open_table("events")
    after = opened.frame.copy()
    first, second = after["event_id"].iloc[0], after["event_id"].iloc[1]
    after.loc[0, "title"] = "New title"
    added = after.iloc[[2]].copy()
    added["event_id"] = "a-new-event"
    after = pd.concat([after.drop(index=1), added], ignore_index=True).iloc[::-1].reset_index(drop=True)  # order does not matter
    changes = sqlite_store.diff("events", opened.frame, after)
    assert CellChange(first, "title", opened.frame.loc[0, "title"], "New title", "changed") in changes
    assert {c.kind for c in changes if c.record_id == "a-new-event"} == {"added"}
    assert any(c.column == "event_id" and c.after == "a-new-event" for c in changes)
    removed = [c for c in changes if c.record_id == second]
    assert removed and {c.kind for c in removed} == {"removed"} and all(c.after is None for c in removed)
    assert len([c for c in changes if c.kind == "changed"]) == 1


def test_diff_of_a_series_row_is_keyed_by_series_and_period(sqlite_store):
    opened = sqlite_store.open_table("series")
    after = _edited(opened, 3, "notes", "checked")
    (change,) = sqlite_store.diff("series", opened.frame, after)
    assert change.record_id == f"{opened.frame.loc[3, 'series_id']}/{opened.frame.loc[3, 'period']}"


def test_diff_of_the_change_log_follows_rows_not_positions(sqlite_store):
    opened = sqlite_store.open_table("changes")
    after = opened.frame.drop(index=2).reset_index(drop=True)
    after.loc[10, "description"] = "Edited."
    changes = sqlite_store.diff("changes", opened.frame, after)
    assert {c.kind for c in changes} == {"removed", "changed"}
    assert all(c.record_id.startswith("line ") for c in changes)
    assert [c.record_id for c in changes if c.kind == "removed"][0] == "line 4"
    assert [c.column for c in changes if c.kind == "changed"] == ["description"]


# ------------------------------------------------------------------ check


def test_check_finds_a_bad_cell_with_its_line_and_column_and_writes_nothing(sqlite_store, data_copy):
    before = {name: (data_copy / TABLES[name].filename).read_bytes() for name in DATA_FILES}
    opened = sqlite_store.open_table("events")
    errors = sqlite_store.check("events", _edited(opened, 4, "event_type", "picnic"))
    assert [(e.file, e.row, e.column, e.rule) for e in errors] == [("events.csv", line_of(data_copy / "events.csv", 4), "event_type", "allowed_values")]
    assert sqlite_store.check("events", opened.frame) == []
    assert {name: (data_copy / TABLES[name].filename).read_bytes() for name in DATA_FILES} == before
    assert not [p for p in data_copy.iterdir() if p.name.startswith(".")]  # no temp file


def test_check_includes_references_to_other_tables(sqlite_store):
    opened = sqlite_store.open_table("figures")
    errors = sqlite_store.check("figures", _edited(opened, 0, "source_id", "no-such-source"))
    assert any(e.file == "figures.csv" and e.column == "source_id" and e.rule == "reference" for e in errors)
    sources = sqlite_store.open_table("sources")
    used = opened.frame.loc[0, "source_id"]
    errors = sqlite_store.check("sources", sources.frame[sources.frame["source_id"] != used])
    assert any(e.file != "sources.csv" and e.rule == "reference" for e in errors)  # the rows that cite it, in their files


# ------------------------------------------------------------------ needs_correction


def test_needs_correction_for_published_rows_only(sqlite_store):
    opened = sqlite_store.open_table("figures")
    changed = sqlite_store.diff("figures", opened.frame, _edited(opened, 0, "label", "Another label"))
    assert sqlite_store.needs_correction("figures", changed)
    notes_only = sqlite_store.diff("figures", opened.frame, _edited(opened, 0, "editor_notes", "ask the desk"))
    assert not sqlite_store.needs_correction("figures", notes_only)
    added = opened.frame.iloc[[0]].copy()
    added["figure_id"] = "a-new-figure"
    new_row = sqlite_store.diff("figures", opened.frame, pd.concat([opened.frame, added], ignore_index=True))
    assert not sqlite_store.needs_correction("figures", new_row)
    removed = sqlite_store.diff("figures", opened.frame, opened.frame.iloc[1:])
    assert sqlite_store.needs_correction("figures", removed)
    log = sqlite_store.open_table("changes")
    assert not sqlite_store.needs_correction("changes", sqlite_store.diff("changes", log.frame, _edited(log, 0, "description", "x")))
    translations = sqlite_store.open_table("translations")
    assert not sqlite_store.needs_correction("translations", sqlite_store.diff("translations", translations.frame, _edited(translations, 0, "text", "x")))


# ------------------------------------------------------------------ save


def test_a_good_edit_changes_exactly_that_cell_and_is_logged(store, data_copy):
    path = data_copy / "events.csv"
    old_lines = path.read_text(encoding="utf-8").split("\n")
    opened = store.open_table("events")
    record = opened.frame.loc[5, "event_id"]
    result = store.save("events", _edited(opened, 5, "editor_notes", "Called the prosecutor's office."), base_digest=opened.digest, editor="ana", reason="Note from a call")
    assert result.ok and result.errors == [] and result.conflict is None and result.version_id
    old_note = opened.frame.loc[5, "editor_notes"]
    assert result.changes == [CellChange(record, "editor_notes", old_note, "Called the prosecutor's office.", "changed")]
    new_lines = path.read_text(encoding="utf-8").split("\n")
    differing = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert len(old_lines) == len(new_lines) and differing == [line_of(path, 5) - 1]
    log = store.history()
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["editor"], row["table"], row["record_id"], row["column"], row["before"], row["after"], row["kind"], row["reason"], row["version_id"]) == (
        "ana", "events", record, "editor_notes", old_note, "Called the prosecutor's office.", "changed", "Note from a call", result.version_id,
    )
    assert store.open_table("events").digest == csvfile.digest(path.read_bytes()) != opened.digest
    assert not [p for p in data_copy.iterdir() if p.name.startswith(".")]  # no temp file left


def test_a_correction_note_lands_in_changes_csv_in_the_same_save(store, data_copy):
    opened = store.open_table("events")
    record = opened.frame.loc[0, "event_id"]
    changes_before = (data_copy / "changes.csv").read_bytes()
    frame = _edited(opened, 0, "title", opened.frame.loc[0, "title"] + " (corrected)")
    refused = store.save("events", frame, base_digest=opened.digest, editor="ana", reason="Title")
    assert not refused.ok and refused.message == desk_store.NO_CORRECTION and (data_copy / "changes.csv").read_bytes() == changes_before
    result = store.save("events", frame, base_digest=opened.digest, editor="ana", reason="Title", correction="The title said the wrong city.")
    assert result.ok
    changes_after = (data_copy / "changes.csv").read_bytes()
    assert changes_after.startswith(changes_before)
    assert changes_after[len(changes_before):] == f"{date.today().isoformat()},events.csv,{record},corrected,The title said the wrong city.\n".encode()
    log = store.history(table="changes")
    assert set(log["column"]) == {"date", "file", "record_id", "change", "description"} and set(log["kind"]) == {"added"}
    assert store.versions("changes")[0].kind == "save"


def test_a_removed_published_row_is_logged_as_removed(store, data_copy):
    opened = store.open_table("milestones")
    added = opened.frame.iloc[[0]].copy()
    added["milestone_id"] = "a-milestone-listed-twice"
    assert store.save("milestones", pd.concat([opened.frame, added], ignore_index=True), base_digest=opened.digest, editor="ana", reason="New").ok
    published = store.open_table("milestones")  # readers have seen it now
    result = store.save("milestones", published.frame.iloc[:-1], base_digest=published.digest, editor="ana", reason="Duplicate", correction="This milestone was listed twice.")
    assert result.ok and {c.kind for c in result.changes} == {"removed"}
    assert (data_copy / "milestones.csv").read_bytes() == (ROOT / "data" / "milestones.csv").read_bytes()
    assert (data_copy / "changes.csv").read_text(encoding="utf-8").endswith(",milestones.csv,a-milestone-listed-twice,removed,This milestone was listed twice.\n")


def test_a_bad_edit_is_refused_with_its_line_and_column_and_changes_no_file(store, data_copy):
    before = {name: (data_copy / TABLES[name].filename).read_bytes() for name in DATA_FILES}
    opened = store.open_table("rulings")
    result = store.save("rulings", _edited(opened, 2, "date", "2025-02-30"), base_digest=opened.digest, editor="ana", reason="Date", correction="Date fixed.")
    assert not result.ok and result.version_id is None
    assert [(e.file, e.row, e.column) for e in result.errors] == [("rulings.csv", line_of(data_copy / "rulings.csv", 2), "date")]
    assert {name: (data_copy / TABLES[name].filename).read_bytes() for name in DATA_FILES} == before
    assert store.history().empty


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_save_without_a_reason_is_refused(store, data_copy, reason):
    opened = store.open_table("events")
    result = store.save("events", _edited(opened, 0, "editor_notes", "x"), base_digest=opened.digest, editor="ana", reason=reason)
    assert not result.ok and result.message == desk_store.NO_REASON
    assert (data_copy / "events.csv").read_bytes() == (ROOT / "data" / "events.csv").read_bytes()


def test_a_save_with_no_change_is_refused(store):
    opened = store.open_table("events")
    result = store.save("events", opened.frame, base_digest=opened.digest, editor="ana", reason="nothing")
    assert not result.ok and result.message == desk_store.NO_CHANGES and result.version_id is None


def test_the_second_save_from_the_same_base_gets_a_conflict_with_the_other_sides_changes(store, data_copy, desk_url):
    other = Store(desk_url, data_dir=data_copy)  # another editor, another store
    mine, theirs = store.open_table("events"), other.open_table("events")
    record = theirs.frame.loc[1, "event_id"]
    first = other.save("events", _edited(theirs, 1, "editor_notes", "theirs"), base_digest=theirs.digest, editor="bob", reason="r")
    assert first.ok
    on_disk = (data_copy / "events.csv").read_bytes()
    second = store.save("events", _edited(mine, 3, "editor_notes", "mine"), base_digest=mine.digest, editor="ana", reason="r")
    assert not second.ok and second.conflict is not None and second.version_id is None
    assert second.conflict.current_digest == csvfile.digest(on_disk)
    assert second.conflict.theirs == [CellChange(record, "editor_notes", theirs.frame.loc[1, "editor_notes"], "theirs", "changed")]
    assert (data_copy / "events.csv").read_bytes() == on_disk
    assert list(store.history()["editor"]) == ["bob"]


# ------------------------------------------------------------------ versions, history, restore


def test_versions_keep_the_shipped_file_and_every_save_compressed_once_per_content(store, data_copy):
    shipped = (data_copy / "figures.csv").read_bytes()
    (first,) = store.versions("figures")
    assert first.kind == "first_seen" and first.digest == csvfile.digest(shipped) and first.size == len(shipped)
    assert store.version_bytes(first.id) == shipped
    opened = store.open_table("figures")
    saved = store.save("figures", _edited(opened, 0, "editor_notes", "x"), base_digest=opened.digest, editor="ana", reason="r")
    restored = store.restore("figures", first.id, editor="ana", reason="back")
    assert saved.ok and restored.ok
    versions = store.versions("figures")
    assert [v.kind for v in versions] == ["restore", "save", "first_seen"]
    assert versions[0].digest == versions[2].digest
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(desk_store.blobs).where(desk_store.blobs.c.digest == first.digest)).all()
    assert len(rows) == 1 and zlib.decompress(rows[0].data) == shipped and len(rows[0].data) < len(shipped) / 2


def test_a_file_changed_outside_the_desk_is_kept_as_a_version_before_a_save(store, data_copy):
    store.versions("presence")
    path = data_copy / "presence.csv"
    path.write_bytes(path.read_bytes())  # the same bytes again: nothing new
    assert len(store.versions("presence")) == 1
    opened = store.open_table("presence")
    path.write_bytes(csv_bytes("presence", _edited(opened, 0, "editor_notes", "edited by hand")))
    by_hand = path.read_bytes()
    reopened = store.open_table("presence")
    assert store.save("presence", _edited(reopened, 1, "editor_notes", "desk"), base_digest=reopened.digest, editor="ana", reason="r").ok
    kinds = [(v.kind, v.digest) for v in store.versions("presence")]
    assert [k for k, _ in kinds] == ["save", "found_on_disk", "first_seen"] and kinds[1][1] == csvfile.digest(by_hand)


def test_restore_brings_back_the_exact_earlier_bytes_and_is_logged(store, data_copy):
    path = data_copy / "sources.csv"
    shipped = path.read_bytes()
    opened = store.open_table("sources")
    first = store.save("sources", _edited(opened, 0, "editor_notes", "one"), base_digest=opened.digest, editor="ana", reason="one")
    opened = store.open_table("sources")
    second = store.save("sources", _edited(opened, 1, "editor_notes", "two"), base_digest=opened.digest, editor="bob", reason="two")
    assert first.ok and second.ok
    oldest = store.versions("sources")[-1]
    result = store.restore("sources", oldest.id, editor="cy", reason="Back to the shipped file")
    assert result.ok and path.read_bytes() == shipped
    shipped_frame = csvfile.read_frame(shipped, "sources.csv")
    assert {(c.record_id, c.column, c.after) for c in result.changes} == {(shipped_frame.loc[i, "source_id"], "editor_notes", shipped_frame.loc[i, "editor_notes"]) for i in (0, 1)}
    log = store.history(editor="cy")
    assert len(log) == 2 and set(log["reason"]) == {"Back to the shipped file"} and set(log["version_id"]) == {result.version_id}
    assert store.version_bytes(result.version_id) == shipped
    again = store.restore("sources", oldest.id, editor="cy", reason="again")
    assert not again.ok and again.message == desk_store.SAME_VERSION
    assert not store.restore("sources", store.versions("events")[0].id, editor="cy", reason="wrong table").ok
    assert store.restore("sources", store.versions("sources")[1].id, editor="cy", reason="forward").ok
    assert store.open_table("sources").frame.loc[1, "editor_notes"] == "two"


def test_restore_of_a_version_that_no_longer_validates_is_refused(store, data_copy):
    opened = store.open_table("events")
    store.save("events", _edited(opened, 0, "editor_notes", "x"), base_digest=opened.digest, editor="ana", reason="r")
    first_events = store.versions("events")[-1]
    events = store.open_table("events")
    added = events.frame.iloc[[0]].copy()
    added["event_id"], added["editor_notes"] = "brand-new-event", ""
    assert store.save("events", pd.concat([events.frame, added], ignore_index=True), base_digest=events.digest, editor="ana", reason="new").ok
    rulings = store.open_table("rulings")
    linked = _edited(rulings, 0, "related_event_ids", "brand-new-event")
    assert store.save("rulings", linked, base_digest=rulings.digest, editor="ana", reason="link", correction="Linked the event.").ok
    on_disk = (data_copy / "events.csv").read_bytes()
    result = store.restore("events", first_events.id, editor="ana", reason="back")
    assert not result.ok and any(e.file == "rulings.csv" and e.rule == "reference" for e in result.errors)
    assert (data_copy / "events.csv").read_bytes() == on_disk


def test_history_filters(store):
    for editor, table, position in (("ana", "events", 0), ("bob", "figures", 1), ("ana", "figures", 2)):
        opened = store.open_table(table)
        assert store.save(table, _edited(opened, position, "editor_notes", editor), base_digest=opened.digest, editor=editor, reason=f"{editor} {table}").ok
    figures = store.open_table("figures").frame
    assert len(store.history()) == 3 and list(store.history()["editor"]) == ["ana", "bob", "ana"]  # newest first
    assert list(store.history(editor="ana")["table"]) == ["figures", "events"]
    assert list(store.history(table="figures")["editor"]) == ["ana", "bob"]
    assert list(store.history(record_id=figures.loc[1, "figure_id"])["editor"]) == ["bob"]
    today = date.today()
    assert len(store.history(since=today, until=today)) == 3
    assert store.history(until=today - timedelta(days=1)).empty and store.history(since=today + timedelta(days=1)).empty
    assert len(store.history(limit=2)) == 2
    log = store.history()
    assert list(log.columns) == ["change_id", "at", "editor", "table", "record_id", "column", "before", "after", "kind", "reason", "version_id"]
    assert str(log["at"].dt.tz) == "UTC"


def test_the_reader_pages_show_a_saved_correction_on_the_next_rerun(sqlite_store, data_copy, monkeypatch):
    from tests.helpers import open_page

    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    page = open_page("app_pages/sources.py")
    note = "The event's title named the wrong city (desk test)."
    assert not any(note in element.value for element in page.markdown)
    opened = sqlite_store.open_table("events")
    result = sqlite_store.save("events", _edited(opened, 0, "title", opened.frame.loc[0, "title"] + " today"), base_digest=opened.digest, editor="ana", reason="r", correction=note)
    assert result.ok
    page.run()
    cells = {str(cell) for element in page.dataframe for cell in element.value.to_numpy().ravel()}
    assert note in cells or any(note in element.value for element in page.markdown)
