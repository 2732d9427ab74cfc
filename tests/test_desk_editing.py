"""The editor's table, pure: column editors from the schema, edit state applied as text, problems on cells, reapplying, the preview."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from components.desk import editing
from components.schemas import TABLES
from components.validation import load_package
from tests.conftest import ROOT

DATA = ROOT / "data"


def text_frame(path: Path) -> pd.DataFrame:
    """A CSV as the desk opens it: every cell as text, '' for empty."""
    return pd.read_csv(path, dtype=str, keep_default_na=False).astype("str")


def csv_text(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return text_frame(DATA / "events.csv")


@pytest.fixture(scope="module")
def event_specs(events) -> list[editing.ColumnSpec]:
    choices = editing.reference_choices({"sources": text_frame(DATA / "sources.csv")}, "events")
    return editing.column_specs("events", "en", events, choices)


def by_name(specs) -> dict[str, editing.ColumnSpec]:
    return {spec.name: spec for spec in specs}


def test_column_editors_follow_the_schema(event_specs):
    specs = by_name(event_specs)
    assert [spec.name for spec in event_specs] == TABLES["events"].columns  # the file's order
    assert specs["event_type"].kind == editing.CHOICE and "arrest" in specs["event_type"].options
    assert specs["country"].kind == editing.CHOICE and {"VEN", "USA", "CHL"} <= set(specs["country"].options)
    assert specs["source_id"].kind == editing.CHOICE and "efe-argentina-tda-arrest" in specs["source_id"].options
    assert specs["date"].kind == editing.DATE and "YYYY-MM-DD" in specs["date"].help
    assert (specs["lat"].kind, specs["lat"].low, specs["lat"].high) == (editing.NUMBER, -90, 90)
    assert (specs["people_count"].kind, specs["people_count"].low) == (editing.INTEGER, 0)
    assert specs["event_id"].required and specs["event_id"].unique and specs["event_id"].label == "event_id *"
    assert not specs["notes"].required and specs["notes"].label == "notes"
    assert "required" in specs["title"].help


def test_column_help_is_in_the_editors_language(events):
    spanish = by_name(editing.column_specs("events", "es", events))
    assert "obligatorio" in spanish["event_id"].help
    assert "AAAA-MM-DD" in spanish["date"].help


def test_column_config_gives_select_boxes_numbers_and_checkboxes(event_specs):
    config = editing.column_config(event_specs)
    assert config["status"]["type_config"]["type"] == "selectbox"
    assert config["status"]["type_config"]["options"] == ["alleged", "charged", "convicted", "confirmed", "reported"]
    assert config["lat"]["type_config"]["type"] == "number" and config["lat"]["type_config"]["min_value"] == -90
    assert config["people_count"]["type_config"]["step"] == 1
    assert config["title"]["type_config"]["type"] == "text" and config["title"]["label"] == "title *"
    figures = editing.column_specs("figures", "en", text_frame(DATA / "figures.csv"))
    assert editing.column_config(figures)["computed"]["type_config"]["type"] == "checkbox"


def test_editor_frame_uses_text_not_categories(events, event_specs):
    shown = editing.editor_frame(events, event_specs)
    assert str(shown["status"].dtype) == "str" and str(shown["country"].dtype) == "str"  # categories drop edits (tech notes)
    assert str(shown["lat"].dtype) == "Float64" and str(shown["people_count"].dtype) == "Int64"
    assert shown["admin1"].isna().sum() == (events["admin1"] == "").sum()  # empty is missing, not ''


def test_a_number_column_with_text_in_it_is_edited_as_text(events):
    broken = events.copy()
    broken.loc[0, "lat"] = "north"
    specs = by_name(editing.column_specs("events", "en", broken))
    assert specs["lat"].kind == editing.TEXT
    assert editing.editor_frame(broken, list(specs.values()))["lat"].iloc[0] == "north"


def test_cell_text_writes_values_as_the_csv_does():
    integer = editing.ColumnSpec("people_count", editing.INTEGER)
    assert editing.cell_text(None) == "" and editing.cell_text(float("nan")) == "" and editing.cell_text(pd.NA) == ""
    assert editing.cell_text(True) == "true" and editing.cell_text(False) == "false"
    assert editing.cell_text(137.0) == "137" and editing.cell_text(7, integer) == "7"
    assert editing.cell_text(-27.58504) == "-27.58504" and editing.cell_text(1234567.0) == "1234567"
    assert editing.cell_text("2024-10") == "2024-10"


def test_edit_state_changes_cells_deletes_and_adds_rows(events, event_specs):
    state = {
        "edited_rows": {0: {"title": "New title", "people_count": 3}, "2": {"lat": 10.5}},
        "added_rows": [{}, {"event_id": "new-event", "title": "Added", "status": "reported"}, {"title": None, "lat": None}],
        "deleted_rows": [1],
    }
    out = editing.apply_edit_state(events, state, event_specs)
    assert len(out) == len(events) - 1 + 1  # one deleted, one real row added, two empty ones dropped
    assert out.loc[0, "title"] == "New title" and out.loc[0, "people_count"] == "3"
    assert events.loc[1, "event_id"] not in set(out["event_id"])
    assert out.loc[1, "lat"] == "10.5"  # old row 2 is now row 1
    added = out.iloc[-1]
    assert (added["event_id"], added["status"], added["summary"]) == ("new-event", "reported", "")
    assert list(out.columns) == list(events.columns) and list(out.index) == list(range(len(out)))


def test_untouched_cells_keep_their_exact_text(event_specs):
    frame = pd.DataFrame({spec.name: [""] for spec in event_specs}, dtype="str")
    frame.loc[0, ["event_id", "lat", "people_count"]] = ["x", "39.72943", "016"]
    out = editing.apply_edit_state(frame, {"edited_rows": {0: {"title": "T"}}}, event_specs)
    assert out.loc[0, "lat"] == "39.72943" and out.loc[0, "people_count"] == "016"  # never re-written from numbers
    assert editing.same_text(editing.apply_edit_state(frame, {}, event_specs), frame)


def test_record_lines_count_line_breaks_inside_cells():
    frame = pd.DataFrame({"a": ["one", "two\nlines", "three"], "b": ["", "x\ny\nz", ""]}, dtype="str")
    assert editing.record_lines(frame) == [2, 3, 7]
    rows = list(csv.reader(io.StringIO(csv_text(frame).decode())))
    assert len(rows) == 4


def test_record_ids_are_the_change_logs(events):
    assert editing.record_ids(events, "events")[0] == events.loc[0, "event_id"]
    series = text_frame(DATA / "series.csv")
    assert editing.record_ids(series, "series")[0] == f"{series.loc[0, 'series_id']}/{series.loc[0, 'period']}"
    changes = text_frame(DATA / "changes.csv")
    assert editing.record_ids(changes, "changes")[:2] == ["line 2", "line 3"]


def _package_errors(tmp_path: Path, table: str, frame: pd.DataFrame):
    return editing.package_with(DATA, table, csv_text(frame)).errors


def test_validator_errors_land_on_the_row_and_column_edited(tmp_path, events, event_specs):
    position = 3
    edited = editing.apply_edit_state(events, {"edited_rows": {position: {"date": "2023-13-45", "status": "rumoured"}}}, event_specs)
    errors = _package_errors(tmp_path, "events", edited)
    found = editing.problems(errors, "events", {"events": edited})
    here = [problem for problem in found if problem.in_table]
    assert {(problem.position, problem.column) for problem in here} == {(position, "date"), (position, "status")}
    assert {problem.record_id for problem in here} == {events.loc[position, "event_id"]}
    assert {problem.line for problem in here} == {editing.record_lines(edited)[position]}
    assert editing.problem_cells(found) == {position: {"date", "status"}}
    styled = editing.highlighted(edited, found, "events")
    shown = styled.data
    assert list(shown.columns[:2]) == ["line", "record"] and shown.iloc[0]["record"] == events.loc[position, "event_id"]
    assert shown.iloc[0]["date"].startswith(editing.MARK) and not shown.iloc[0]["title"].startswith(editing.MARK)
    style = styled.to_html().split("</style>")[0]
    painted = {column for index, column in enumerate(shown.columns) if f"_row0_col{index}," in style or f"_row0_col{index} " in style}
    assert painted == {"date", "status"}


def test_an_error_in_another_table_names_its_file_and_record(tmp_path, events, event_specs):
    rulings = text_frame(DATA / "rulings.csv")
    linked = rulings.loc[rulings["related_event_ids"] != ""].iloc[0]
    event_id = linked["related_event_ids"].split(";")[0]
    position = int(events.index[events["event_id"] == event_id][0])
    edited = editing.apply_edit_state(events, {"deleted_rows": [position]}, event_specs)
    found = editing.problems(_package_errors(tmp_path, "events", edited), "events", {"events": edited, "rulings": rulings})
    elsewhere = [problem for problem in found if problem.file == "rulings.csv"]
    assert elsewhere and elsewhere[0].record_id == linked["ruling_id"] and elsewhere[0].column == "related_event_ids"
    assert not elsewhere[0].in_table


def test_rule_words_are_translated_and_messages_marked_english():
    assert editing.rule_words("date", "es") != editing.rule_words("date", "en")
    assert editing.rule_words("some_new_rule", "es") == "some_new_rule"
    assert editing.message_text("must not be blank", "en") == "must not be blank"
    assert editing.message_text("must not be blank", "es") != "must not be blank"


def test_reapply_keeps_both_editors_changes(events):
    opened = events.copy()
    mine = opened.copy()
    mine.loc[0, "title"] = "Mine"
    mine = pd.concat([mine, mine.iloc[[0]].assign(event_id="my-new-event")], ignore_index=True)
    theirs = opened.copy()
    theirs.loc[1, "summary"] = "Theirs"
    theirs = theirs.drop(index=5).reset_index(drop=True)
    merged, overlaps = editing.reapply(opened, mine, theirs, "events")
    merged = merged.set_index("event_id")
    assert merged.loc[events.loc[0, "event_id"], "title"] == "Mine"
    assert merged.loc[events.loc[1, "event_id"], "summary"] == "Theirs"
    assert "my-new-event" in merged.index and events.loc[5, "event_id"] not in merged.index
    assert overlaps == []


def test_reapply_lists_the_cells_both_changed(events):
    opened = events.copy()
    mine, theirs = opened.copy(), opened.copy()
    mine.loc[0, "title"], theirs.loc[0, "title"] = "Mine", "Theirs"
    mine.loc[2, "notes"] = "note on a row they removed"
    theirs = theirs.drop(index=2).reset_index(drop=True)
    merged, overlaps = editing.reapply(opened, mine, theirs, "events")
    record = events.loc[0, "event_id"]
    assert merged.set_index("event_id").loc[record, "title"] == "Mine"
    assert editing.Overlap(record, "title", events.loc[0, "title"], "Theirs", "Mine") in overlaps
    assert any(overlap.record_id == events.loc[2, "event_id"] and overlap.column is None for overlap in overlaps)
    assert events.loc[2, "event_id"] not in set(merged["event_id"])  # not brought back, but listed


def test_reapply_without_ids_adds_and_removes_whole_rows():
    changes = text_frame(DATA / "changes.csv")
    mine = pd.concat([changes.iloc[1:], changes.iloc[[0]].assign(description="Mine")], ignore_index=True)
    theirs = pd.concat([changes, changes.iloc[[0]].assign(description="Theirs")], ignore_index=True)
    merged, overlaps = editing.reapply(changes, mine, theirs, "changes")
    assert list(merged["description"])[-2:] == ["Theirs", "Mine"]
    assert len(merged) == len(changes) + 1 and overlaps == []


@pytest.fixture(scope="module")
def shipped():
    return load_package(DATA).tables


def test_preview_shows_the_chart_and_card_a_figure_changes(shipped):
    figures = text_frame(DATA / "figures.csv")
    position = int(figures.index[figures["metric"] == "aea_removals"][0])
    figures.loc[position, "value"] = "4321"
    after = editing.package_with(DATA, "figures", csv_text(figures))
    assert after.valid, after.errors[:3]
    preview = editing.preview("figures", shipped, after.tables, "en")
    changed = [card for card in preview.cards if card.after is not None and "4,321" in card.after.value]
    assert changed and changed[0].before is not None and "4,321" not in changed[0].before.value
    assert all(chart.chart_id in editing.CHARTS_BY_TABLE["figures"] for chart in preview.charts)


def test_preview_of_a_moved_event_shows_the_map_and_the_row_as_pages_get_it(shipped):
    events = text_frame(DATA / "events.csv")
    record = events.loc[0, "event_id"]
    events.loc[0, ["lat", "lon", "geocode"]] = ["10.5", "-66.9", "manual"]
    after = editing.package_with(DATA, "events", csv_text(events))
    preview = editing.preview("events", shipped, after.tables, "en", [record])
    assert [chart.chart_id for chart in preview.charts] == ["map"]
    assert preview.cards == []
    assert list(preview.rows["event_id"]) == [record] and preview.rows.loc[0, "lat"] == 10.5
    assert "editor_notes" not in preview.rows.columns


def test_preview_rows_are_in_the_editors_language(shipped):
    events = text_frame(DATA / "events.csv")
    record = events.loc[0, "event_id"]
    events.loc[0, "title"] = "A retitled event"
    after = editing.package_with(DATA, "events", csv_text(events))
    preview = editing.preview("events", shipped, after.tables, "es", [record])
    assert preview.charts == []  # the map's picture has no titles
    assert preview.rows.loc[0, "title"].startswith("A retitled event") and preview.rows.loc[0, "title"] != "A retitled event"  # marked (en inglés)


def test_preview_without_a_visible_change_is_empty(shipped):
    events = text_frame(DATA / "events.csv")
    events.loc[0, "editor_notes"] = "editors only"
    after = editing.package_with(DATA, "events", csv_text(events))
    preview = editing.preview("events", shipped, after.tables, "es")
    assert preview.charts == [] and preview.cards == []


def test_changes_frame_lists_before_and_after():
    class Change:
        def __init__(self, record_id, column, before, after, kind):
            self.record_id, self.column, self.before, self.after, self.kind = record_id, column, before, after, kind

    frame = editing.changes_frame([Change("e1", "title", "Old", "New", "changed"), Change("e2", "title", None, "Added", "added")], "es")
    assert list(frame.columns) == ["record", "column", "change", "before", "after"]
    assert frame.loc[0, "before"] == "Old" and frame.loc[1, "before"] == "" and frame.loc[1, "change"] != "added"
