"""The validator accepts the shipped data and names file, line, column and rule for every bad input."""

import json
import re
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from benchmarks.bench_load import synthetic_events
from components.errors import DataError
from components.schemas import TABLES
from components.validation import load_package
from tests.conftest import ROOT
from tests.helpers import append_line, line_of, read_rows, set_cell, write_rows


def errors_of(directory) -> list[DataError]:
    return load_package(directory).errors


def has_error(errors, file, line, column, rule) -> bool:
    return any((e.file, e.row, e.column, e.rule) == (file, line, column, rule) for e in errors)


def test_shipped_data_is_valid():
    package = load_package(ROOT / "data")
    assert package.errors == []
    assert all(len(package.tables[name]) > 0 for name in package.tables)


# One bad cell per rule: (file, column, bad value, the rule the editor is told about).
BAD_CELLS = [
    ("events.csv", "lat", "123.5", "range"),
    ("events.csv", "lon", "-200", "range"),
    ("events.csv", "lat", "north", "type"),
    ("events.csv", "country", "XYZ", "iso_country"),
    ("events.csv", "event_type", "riot", "allowed_values"),
    ("events.csv", "status", "guilty", "allowed_values"),
    ("events.csv", "geocode", "guessed", "allowed_values"),
    ("events.csv", "date", "2024-02-30", "date"),
    ("events.csv", "date", "March 2024", "date"),
    ("events.csv", "date", "2099-01-01", "future_date"),
    ("events.csv", "date", "", "required"),
    ("events.csv", "quote", "   ", "required"),
    ("events.csv", "event_id", "Not A Slug", "pattern"),
    ("events.csv", "source_id", "no-such-source", "reference"),
    ("events.csv", "people_count", "-4", "range"),
    ("events.csv", "people_count", "2.5", "type"),
    ("figures.csv", "value", "-1", "range"),
    ("figures.csv", "metric", "vibes", "allowed_values"),
    ("figures.csv", "computed", "maybe", "type"),
    ("figures.csv", "as_of", "2024-13", "date"),
    ("figures.csv", "confidence", "certain", "allowed_values"),
    ("sources.csv", "url", "www.example.com/no-scheme", "pattern"),
    ("sources.csv", "url", "javascript:alert(1)", "pattern"),
    ("sources.csv", "language", "english", "pattern"),
    ("sources.csv", "kind", "tweet", "allowed_values"),
    ("sources.csv", "published", "2031", "future_date"),
    ("series.csv", "value", "-5", "range"),
    ("series.csv", "period", "2023-13", "period_format"),
    ("series.csv", "series_id", "made_up", "allowed_values"),
    ("rulings.csv", "court_level", "circuit", "allowed_values"),
    ("rulings.csv", "outcome", "win", "allowed_values"),
    ("rulings.csv", "related_event_ids", "no-such-event", "reference"),
    ("rulings.csv", "related_event_ids", "a;;b", "pattern"),
    ("rulings.csv", "aea_case", "yes", "type"),
    ("presence.csv", "country", "Venezuela", "iso_country"),
    ("presence.csv", "status", "rumoured", "allowed_values"),
    ("milestones.csv", "kind", "tweet", "allowed_values"),
    ("changes.csv", "file", "elsewhere.csv", "allowed_values"),
]


@pytest.mark.parametrize("file, column, value, rule", BAD_CELLS, ids=lambda v: str(v)[:24])
def test_bad_cell_is_reported_with_its_line_column_and_rule(data_copy, file, column, value, rule):
    line = set_cell(data_copy / file, 0, column, value)
    errors = errors_of(data_copy)
    assert has_error(errors, file, line, column, rule), [e.as_text() for e in errors]


def test_duplicate_id_is_reported_on_both_lines(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    rows[1]["event_id"] = rows[0]["event_id"]
    write_rows(data_copy / "events.csv", header, rows)
    errors = errors_of(data_copy)
    assert has_error(errors, "events.csv", 2, "event_id", "unique")
    assert has_error(errors, "events.csv", 3, "event_id", "unique")


def test_duplicate_series_period_is_reported(data_copy):
    header, rows = read_rows(data_copy / "series.csv")
    write_rows(data_copy / "series.csv", header, rows + [rows[0]])
    errors = errors_of(data_copy)
    assert has_error(errors, "series.csv", len(rows) + 2, "series_id", "unique")


def test_low_above_value_breaks_the_range_order(data_copy):
    header, rows = read_rows(data_copy / "figures.csv")
    position = next(i for i, row in enumerate(rows) if row["value"])
    rows[position]["low"] = str(float(rows[position]["value"]) + 1)
    write_rows(data_copy / "figures.csv", header, rows)
    assert has_error(errors_of(data_copy), "figures.csv", line_of(data_copy / "figures.csv", position), "value", "value_order")


def test_figure_needs_a_value_or_a_range(data_copy):
    header, rows = read_rows(data_copy / "figures.csv")
    rows[0].update(value="", low="", high="")
    write_rows(data_copy / "figures.csv", header, rows)
    assert has_error(errors_of(data_copy), "figures.csv", 2, "value", "value_or_range")


def test_latitude_without_longitude_is_reported(data_copy):
    line = set_cell(data_copy / "events.csv", 0, "lon", "")
    assert has_error(errors_of(data_copy), "events.csv", line, "lat", "coordinates_pair")


def test_manual_geocode_needs_coordinates(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    rows[0].update(lat="", lon="", geocode="manual")
    write_rows(data_copy / "events.csv", header, rows)
    assert has_error(errors_of(data_copy), "events.csv", 2, "geocode", "manual_needs_coordinates")


def test_unknown_place_without_coordinates_is_reported(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    rows[0].update(place="Qwertyville Springs", admin1="", lat="", lon="", geocode="")
    write_rows(data_copy / "events.csv", header, rows)
    errors = errors_of(data_copy)
    assert has_error(errors, "events.csv", 2, "place", "unknown_place")


def test_place_without_coordinates_is_geocoded_from_the_gazetteer(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    rows[0].update(place="Aurora", admin1="CO", country="USA", lat="", lon="", geocode="")
    write_rows(data_copy / "events.csv", header, rows)
    package = load_package(data_copy)
    assert package.errors == []
    event = package.tables["events"].set_index("event_id").loc[rows[0]["event_id"]]
    assert (round(event["lat"], 3), round(event["lon"], 3)) == (39.729, -104.832)
    assert event["geocode"] == "gazetteer" and event["geonameid"] == 5412347


def test_every_error_is_reported_at_once(data_copy):
    set_cell(data_copy / "events.csv", 0, "lat", "999")
    set_cell(data_copy / "rulings.csv", 1, "outcome", "win")
    set_cell(data_copy / "sources.csv", 2, "kind", "tweet")
    assert {e.file for e in errors_of(data_copy)} == {"events.csv", "rulings.csv", "sources.csv"}


def test_not_utf8_names_the_line(data_copy):
    path = data_copy / "rulings.csv"
    line = append_line(path, "placeholder")
    path.write_bytes(path.read_bytes().replace(b"placeholder", "Bogotá".encode("latin-1")))
    errors = errors_of(data_copy)
    assert has_error(errors, "rulings.csv", line, None, "not_utf8")


def test_empty_file_is_reported(data_copy):
    (data_copy / "presence.csv").write_bytes(b"")
    assert has_error(errors_of(data_copy), "presence.csv", 1, None, "empty_file")


def test_missing_file_is_reported(data_copy):
    (data_copy / "milestones.csv").unlink()
    assert has_error(errors_of(data_copy), "milestones.csv", 0, None, "missing_file")


def test_missing_and_unknown_columns_are_reported(data_copy):
    header, rows = read_rows(data_copy / "presence.csv")
    renamed = ["countree" if column == "country" else column for column in header]
    for row in rows:
        row["countree"] = row.pop("country")
    write_rows(data_copy / "presence.csv", renamed, rows)
    errors = errors_of(data_copy)
    assert has_error(errors, "presence.csv", 1, "country", "missing_column")
    assert has_error(errors, "presence.csv", 1, "countree", "unknown_column")


def test_extra_field_in_a_row_names_the_line(data_copy):
    path = data_copy / "milestones.csv"
    first = path.read_text(encoding="utf-8").splitlines()[1]
    line = append_line(path, first.replace(",", ",extra,", 1).replace(first.split(",")[0], "extra-row", 1))
    assert has_error(errors_of(data_copy), "milestones.csv", line, None, "extra_field")


def test_missing_field_in_a_row_names_the_line(data_copy):
    line = append_line(data_copy / "presence.csv", "VEN,origin")
    assert has_error(errors_of(data_copy), "presence.csv", line, None, "missing_field")


def test_unterminated_quote_names_the_line_it_starts_on(data_copy):
    line = append_line(data_copy / "changes.csv", '2026-11-21,events.csv,,added,"never closed')
    append_line(data_copy / "changes.csv", "2026-11-21,events.csv,,added,after")
    assert has_error(errors_of(data_copy), "changes.csv", line, None, "unterminated_quote")


def test_bom_and_crlf_line_endings_are_accepted(data_copy):
    for path in data_copy.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    package = load_package(data_copy)
    assert package.errors == []
    assert package.tables["events"].equals(load_package(ROOT / "data").tables["events"])


def test_line_numbers_count_line_breaks_inside_quoted_values(data_copy):
    path = data_copy / "events.csv"
    header, rows = read_rows(path)
    rows[0]["summary"] = rows[0]["summary"] + "\nSecond line.\nThird line."
    rows[2]["lat"] = "95"
    write_rows(path, header, rows)
    assert has_error(errors_of(data_copy), "events.csv", line_of(path, 2), "lat", "range")
    assert line_of(path, 2) == 6


def test_line_numbers_count_blank_lines(data_copy):
    path = data_copy / "events.csv"
    set_cell(path, 1, "lat", "95")
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:2] + ["", ""] + lines[2:]), encoding="utf-8")  # blank lines 3 and 4
    assert has_error(errors_of(data_copy), "events.csv", 5, "lat", "range")


def test_markup_and_formulas_are_valid_text(data_copy):
    title = "<img src=x onerror=alert(1)>"
    header, rows = read_rows(data_copy / "events.csv")
    rows[0]["title"] = title
    rows[0]["summary"] = '=HYPERLINK("http://example.com","click")'
    write_rows(data_copy / "events.csv", header, rows)
    package = load_package(data_copy)
    assert package.errors == []
    assert title in set(package.tables["events"]["title"])


def test_loaded_dates_keep_their_precision(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    rows[0]["date"], rows[1]["date"], rows[2]["date"] = "2023", "2023-10", "2023-10-05"
    write_rows(data_copy / "events.csv", header, rows)
    events = load_package(data_copy).tables["events"].head(3)
    assert list(events["date"]) == [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-10-01"), pd.Timestamp("2023-10-05")]
    assert list(events["date_precision"]) == ["year", "month", "day"]


def test_fiscal_years_run_from_october_to_september():
    series = load_package(ROOT / "data").tables["series"]
    fy2024 = series[series["period"] == "FY2024"].iloc[0]
    assert (fy2024["period_start"], fy2024["period_end"]) == (pd.Timestamp("2023-10-01"), pd.Timestamp("2024-09-30"))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "components.validate", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_exits_0_on_valid_data():
    result = run_cli("data")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_cli_prints_one_line_per_error_and_exits_1(data_copy):
    set_cell(data_copy / "events.csv", 0, "lat", "123.5")
    set_cell(data_copy / "figures.csv", 0, "metric", "vibes")
    result = run_cli(str(data_copy))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(re.match(r"^[a-z_]+\.csv:\d+:[a-z_0-9]*: [a-z_]+ \(.*\)", line) for line in lines)
    assert lines[1].startswith("events.csv:2:lat: range (123.5)")


def test_cli_json_output(data_copy):
    set_cell(data_copy / "events.csv", 0, "lat", "123.5")
    result = run_cli(str(data_copy), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["errors"] == [{"file": "events.csv", "row": 2, "column": "lat", "value": "123.5", "rule": "range", "message": "must be between -90 and 90"}]


def test_cli_exits_2_for_a_missing_directory_or_bad_usage(tmp_path):
    assert run_cli(str(tmp_path / "nowhere")).returncode == 2
    assert run_cli("--format", "yaml").returncode == 2


def test_line_breaks_inside_values_survive_the_fast_read_of_a_large_file(data_copy):
    """Large files are read in blocks split at line breaks; quoted line breaks must not split rows."""
    sources = list(load_package(ROOT / "data").tables["sources"]["source_id"])
    events = synthetic_events(30_000, sources)
    summaries = events.column("summary").to_pylist()
    summaries = [text + "\nSecond line, with, commas" if i % 3 == 0 else text for i, text in enumerate(summaries)]
    events = events.set_column(events.schema.get_field_index("summary"), "summary", pa.array(summaries))
    pacsv.write_csv(events, data_copy / "events.csv")
    for table in TABLES.values():  # rulings, and any other table linking events, now cite none
        for key in table.foreign_keys:
            if key.table == "events" and key.many:
                header, rows = read_rows(data_copy / table.filename)
                for row in rows:
                    row[key.column] = ""
                write_rows(data_copy / table.filename, header, rows)
    header, rows = read_rows(data_copy / "translations.csv")  # the shipped events' translations: their rows are gone
    write_rows(data_copy / "translations.csv", header, [row for row in rows if row["table"] != "events"])
    package = load_package(data_copy)
    assert package.errors == []
    assert list(package.tables["events"]["summary"]) == summaries
