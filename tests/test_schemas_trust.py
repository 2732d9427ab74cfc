"""Issue 6: the confidence rules, presence statuses, sources' links, labels and editors' tools are
checked by the validator, each with a bad input on a copy of the shipped data."""

import csv
import io
import os
import subprocess
import sys

import pytest

from components.errors import DataError
from components.validation import load_package
from tests.conftest import ROOT
from tests.helpers import append_line, line_of, read_rows, set_cell, write_rows


def errors_of(directory) -> list[DataError]:
    return load_package(directory).errors


def find(errors, file, line, column, rule) -> DataError | None:
    return next((e for e in errors if (e.file, e.row, e.column, e.rule) == (file, line, column, rule)), None)


def set_source(directory, source_id: str, **values: str) -> None:
    header, rows = read_rows(directory / "sources.csv")
    for row in rows:
        if row["source_id"] == source_id:
            row.update(values)
    write_rows(directory / "sources.csv", header, rows)


def cited_source(directory, file: str, position: int = 0) -> str:
    return read_rows(directory / file)[1][position]["source_id"]


# (how the source was read, its kind, the confidence given, the most the row may have)
CAPS = [
    ("copy", "news", "high", "medium"),
    ("unverified_copy", "news", "medium", "low"),
    ("unverified_copy", "news", "high", "low"),
    ("original", "encyclopedia", "high", "medium"),
]
CONFIDENCE_FILES = ["figures.csv", "events.csv", "rulings.csv", "presence.csv", "milestones.csv"]


@pytest.mark.parametrize("file", CONFIDENCE_FILES)
@pytest.mark.parametrize("access, kind, confidence, cap", CAPS)
def test_confidence_is_capped_by_how_the_source_was_read(data_copy, file, access, kind, confidence, cap):
    source_id = cited_source(data_copy, file)
    via = "" if access == "original" else "A repost on some-forum.example"
    set_source(data_copy, source_id, access=access, kind=kind, via=via, url="https://example.org/original")
    line = set_cell(data_copy / file, 0, "confidence", confidence)
    error = find(errors_of(data_copy), file, line, "confidence", "confidence_rule")
    assert error is not None, [e.as_text() for e in errors_of(data_copy)]
    assert error.value == confidence and source_id in error.message and f"at most {cap}" in error.message


@pytest.mark.parametrize("access, kind, confidence", [("copy", "news", "medium"), ("unverified_copy", "news", "low"), ("original", "encyclopedia", "medium"), ("original", "news", "high")])
def test_confidence_within_the_cap_is_accepted(data_copy, access, kind, confidence):
    source_id = cited_source(data_copy, "events.csv")
    set_source(data_copy, source_id, access=access, kind=kind, via="" if access == "original" else "A mirror", url="https://example.org/original")
    line = set_cell(data_copy / "events.csv", 0, "confidence", confidence)
    assert not any(e.row == line and e.file == "events.csv" for e in errors_of(data_copy))


def test_presence_confirmed_by_news_is_an_error_and_by_a_government_is_not(data_copy):
    source_id = cited_source(data_copy, "presence.csv")
    set_source(data_copy, source_id, kind="news")
    line = set_cell(data_copy / "presence.csv", 0, "status", "confirmed")
    error = find(errors_of(data_copy), "presence.csv", line, "status", "confirmed_needs_authority")
    assert error is not None and source_id in error.message and "news" in error.message
    set_source(data_copy, source_id, kind="government")
    assert find(errors_of(data_copy), "presence.csv", line, "status", "confirmed_needs_authority") is None


@pytest.mark.parametrize("values, column, rule", [
    ({"access": "copy", "via": ""}, "via", "copy_needs_via"),
    ({"access": "unverified_copy", "via": ""}, "via", "copy_needs_via"),
    ({"access": "original", "url": ""}, "url", "original_needs_url"),
    ({"via": "", "via_url": "https://mirror.example/a", "access": "original", "url": "https://example.org/a"}, "via_url", "via_url_needs_via"),
])
def test_sources_say_what_was_read(data_copy, values, column, rule):
    header, rows = read_rows(data_copy / "sources.csv")
    rows[0].update(values)
    write_rows(data_copy / "sources.csv", header, rows)
    assert find(errors_of(data_copy), "sources.csv", 2, column, rule) is not None


@pytest.mark.parametrize("label, expected", [
    ("Membership, more than 2,700", "the label says 2,700 but value is 2800"),
    ("Membership, more than 2700 (2024)", "the label says 2700 but value is 2800"),
    ("Membership (about 10.5 thousand)", "the label says 10.5"),
    ("Membership, 3 million", "the label says 3 million"),
])
def test_a_label_that_contradicts_its_value_is_an_error(data_copy, label, expected):
    header, rows = read_rows(data_copy / "figures.csv")
    rows[0].update(label=label, value="2800", low="", high="")
    write_rows(data_copy / "figures.csv", header, rows)
    error = find(errors_of(data_copy), "figures.csv", 2, "label", "label_number")
    assert error is not None and error.value == label and expected in error.message, [e.as_text() for e in errors_of(data_copy)]


@pytest.mark.parametrize("label, value, low, high", [
    ("Membership, more than 2,800 (FY2024, September 2023)", "2800", "", ""),
    ("Immigrants in 2024 (about 1 million)", "1000000", "", ""),
    ("Reward (up to $5m)", "5000000", "", "5000000"),
    ("Profits, 10 to 15 million a year", "", "10000000", "15000000"),
])
def test_labels_that_agree_with_their_values_pass(data_copy, label, value, low, high):
    header, rows = read_rows(data_copy / "figures.csv")
    rows[0].update(label=label, value=value, low=low, high=high)
    write_rows(data_copy / "figures.csv", header, rows)
    assert find(errors_of(data_copy), "figures.csv", 2, "label", "label_number") is None


def test_an_oral_argument_decides_nothing(data_copy):
    header, rows = read_rows(data_copy / "rulings.csv")
    rows[0].update(proceeding="oral_argument", outcome="for_government")
    write_rows(data_copy / "rulings.csv", header, rows)
    assert find(errors_of(data_copy), "rulings.csv", 2, "outcome", "oral_argument_pending") is not None


@pytest.mark.parametrize("count, kind", [("12", ""), ("", "arrested_or_charged")])
def test_people_count_and_its_kind_go_together(data_copy, count, kind):
    header, rows = read_rows(data_copy / "events.csv")
    rows[0].update(people_count=count, people_count_kind=kind)
    write_rows(data_copy / "events.csv", header, rows)
    assert find(errors_of(data_copy), "events.csv", 2, "people_count_kind", "people_count_kind_pair") is not None


@pytest.mark.parametrize("place, admin1", [("Springfield", ""), ("Aurora", "")])
def test_an_ambiguous_place_lists_its_candidates(data_copy, place, admin1):
    header, rows = read_rows(data_copy / "events.csv")
    rows[0].update(place=place, admin1=admin1, country="USA", lat="", lon="", geocode="")
    write_rows(data_copy / "events.csv", header, rows)
    error = find(errors_of(data_copy), "events.csv", 2, "place", "ambiguous_place")
    assert error is not None
    assert f"{place}, IL (population" in error.message and "admin1" in error.message


def test_an_ambiguous_place_resolves_with_its_state(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    rows[0].update(place="Springfield", admin1="MA", country="USA", lat="", lon="", geocode="")
    write_rows(data_copy / "events.csv", header, rows)
    package = load_package(data_copy)
    assert package.errors == []
    event = package.tables["events"].set_index("event_id").loc[rows[0]["event_id"]]
    assert 42.0 < event["lat"] < 42.2 and -72.7 < event["lon"] < -72.4  # Springfield, Massachusetts


def _unquoted(row: dict, header: list[str]) -> str:
    return ",".join(str(row[column]).replace(",", ";").replace('"', "").replace("\n", " ") for column in header)


@pytest.mark.parametrize("file, column", [("events.csv", "title"), ("events.csv", "summary"), ("milestones.csv", "actor"), ("rulings.csv", "judge")])
def test_an_unquoted_comma_gives_one_error_naming_the_field_counts_and_the_column(data_copy, file, column):
    header, rows = read_rows(data_copy / file)
    row = dict(rows[0])
    row[header[0]] = "comma-row"
    row[column] = "Before the comma, after it"
    line = append_line(data_copy / file, _unquoted(row, header).replace("Before the comma; after it", "Before the comma, after it"))
    errors = errors_of(data_copy)
    assert len(errors) == 1, [e.as_text() for e in errors]
    (error,) = errors
    assert (error.file, error.row, error.rule) == (file, line, "extra_field")
    assert f"this row has {len(header) + 1} fields where the header has {len(header)}" in error.message
    assert f"the shift probably starts at column {column}" in error.message


def test_a_duplicated_change_row_is_an_error_naming_the_first(data_copy):
    path = data_copy / "changes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = len(lines)  # the last line, numbered from 1 with the header
    line = append_line(path, lines[-1])
    errors = errors_of(data_copy)
    duplicate = [e for e in errors if e.rule == "duplicate_row"]
    assert len(duplicate) == 1 and (duplicate[0].file, duplicate[0].row) == ("changes.csv", line)
    assert f"line {first}" in duplicate[0].message


def _make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})})


def test_make_validate_checks_the_data_dir_it_is_given_and_names_it(data_copy):
    result = _make("validate", f"DATA_DIR={data_copy}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(data_copy) in result.stdout + result.stderr
    set_cell(data_copy / "events.csv", 0, "lat", "123.5")
    result = _make("validate", env={"TDA_DATA_DIR": str(data_copy)})
    assert result.returncode != 0
    assert "events.csv:2:lat: range (123.5)" in result.stdout
    assert f"checked {data_copy}" in result.stderr


def test_datadocs_takes_the_folder_from_tda_data_dir(data_copy):
    result = subprocess.run([sys.executable, "-m", "components.datadocs", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "TDA_DATA_DIR": str(data_copy)})
    assert f"data folder: {data_copy}" in result.stderr
    assert "Traceback" not in result.stderr
