"""Issue 12: values the schemas once accepted (or crashed on) are rejected with file, line, column
and the value as typed, and the validator's command line never prints a traceback for them.

One test per class, several inputs each, all on one copy of the data (each input in its own row)."""

import csv
import os
import subprocess
import sys
import time

import pytest

from components import validate
from components.errors import MAX_ERRORS_PER_FILE, MAX_VALUE_CHARS
from components.validation import load_package
from tests.conftest import ROOT
from tests.helpers import append_line, read_rows, set_cell, write_rows


csv.field_size_limit(2**31 - 1)  # the tests' own reader meets the 1 MB title too


def run_cli(directory) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "components.validate", str(directory)], cwd=ROOT, capture_output=True, text=True, timeout=120)


def assert_reported(directory, expected: list[tuple]) -> list:
    """Each (file, line, column, rule, value) is among the errors, and the CLI shows no traceback."""
    errors = load_package(directory).errors
    found = {(e.file, e.row, e.column, e.rule, e.value) for e in errors}
    missing = [item for item in expected if item not in found]
    assert not missing, (missing, [e.as_text() for e in errors])
    result = run_cli(directory)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return errors


def edit(directory, file: str, cells: list[tuple[int, str, str]]) -> list[tuple]:
    """Set (position, column, value) cells of file; return the (file, line, column, value) they are on."""
    return [(file, set_cell(directory / file, position, column, value), column, value) for position, column, value in cells]


def test_numbers_must_be_finite(data_copy):
    cells = edit(data_copy, "events.csv", [(0, "lat", "NaN"), (1, "lon", "inf"), (2, "lat", "-Infinity"), (3, "people_count", "1e309"), (4, "lat", "nan")])
    cells += edit(data_copy, "figures.csv", [(0, "value", "1e309"), (1, "value", "inf")])
    cells += edit(data_copy, "series.csv", [(0, "value", "NaN"), (1, "value", "99999999999999999999")])
    errors = assert_reported(data_copy, [(file, line, column, "type", value) for file, line, column, value in cells])
    # a literal NaN in coordinates is an error, never taken as empty and geocoded
    assert not any(e.rule in ("unknown_place", "ambiguous_place") for e in errors)


def test_values_a_chart_divides_by_or_takes_the_log_of_must_be_positive(data_copy):
    header, rows = read_rows(data_copy / "figures.csv")
    positions = {metric: next(i for i, row in enumerate(rows) if row["metric"] == metric) for metric in ("venezuelan_population_us", "us_migrants_possible_ties", "us_confirmed_members")}
    for metric, position in positions.items():
        rows[position].update(value="0", low="", high="", label=f"{metric} (0)")
    write_rows(data_copy / "figures.csv", header, rows)
    errors = assert_reported(data_copy, [("figures.csv", position + 2, "value", "positive_metric", "0") for position in positions.values()])
    message = next(e.message for e in errors if e.rule == "positive_metric")
    assert "venezuelan_population_us" in message


def test_implausible_dates_and_periods_are_rejected(data_copy):
    cells = edit(data_copy, "events.csv", [(0, "date", "0000"), (1, "date", "0001-01-01"), (2, "date", "1024"), (3, "date", "1989-12-31"), (4, "date", "9999-12")])
    rulings = edit(data_copy, "rulings.csv", [(0, "date", "1024-05")])
    figures = edit(data_copy, "figures.csv", [(0, "as_of", "1899")])
    header, rows = read_rows(data_copy / "series.csv")
    fiscal = [i for i, row in enumerate(rows) if row["period_kind"] == "fiscal_year"][:3]
    months = [i for i, row in enumerate(rows) if row["period_kind"] == "month"][:3]
    series = edit(data_copy, "series.csv", list(zip(fiscal, ["period"] * 3, ["FY0000", "FY2205", "FY1990"])) + list(zip(months, ["period"] * 3, ["0000-01", "2099-01", "1990-01"])))
    expected = [(f, line, c, "future_date" if v.startswith("9999") else "date_range", v) for f, line, c, v in cells + rulings + figures]
    expected += [(f, line, c, "period_format" if v in ("FY0000", "0000-01") else "period_range", v) for f, line, c, v in series]
    errors = assert_reported(data_copy, expected)
    assert any("from 1990 to today" in e.message for e in errors if e.rule == "date_range")


def test_lengths_are_capped_per_column(data_copy):
    cells = edit(data_copy, "events.csv", [(0, "title", "x" * 1_000_000), (1, "event_id", "a" * 101), (2, "quote", "q" * 3001), (3, "notes", "n" * 2001)])
    cells += edit(data_copy, "sources.csv", [(0, "url", "https://example.org/" + "p" * 2000)])
    errors = load_package(data_copy).errors
    for file, line, column, value in cells:
        error = next((e for e in errors if (e.file, e.row, e.column, e.rule) == (file, line, column, "too_long")), None)
        assert error is not None, (column, [e.as_text() for e in errors])
        assert error.value.startswith(value[:50]) and len(error.value) <= MAX_VALUE_CHARS
    assert_reported(data_copy, [])


def test_text_must_be_visible_and_keep_its_direction(data_copy):
    blank = edit(data_copy, "events.csv", [(0, "title", "\u200b\u200b\u200b"), (1, "summary", "\u2060\ufeff \u200d"), (2, "place", "\u00a0\u200b")])
    bidi = edit(data_copy, "events.csv", [(3, "title", "Raid \u202eniamod"), (4, "summary", "An \u2066isolate\u2069")])
    bidi += edit(data_copy, "sources.csv", [(0, "publisher", "\u202aEmbedded")])
    expected = [(f, line, c, "required", v) for f, line, c, v in blank] + [(f, line, c, "bidi_control", v) for f, line, c, v in bidi]
    assert_reported(data_copy, expected)


def test_ids_codes_and_urls_must_match_as_a_whole(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    rows[1]["event_id"] = rows[0]["event_id"] + "\n"  # a duplicate that differs only by a line break
    write_rows(data_copy / "events.csv", header, rows)
    cells = [("events.csv", 3, "event_id", rows[1]["event_id"])]
    cells += edit(data_copy, "sources.csv", [(0, "url", "https://example.org/a\n"), (1, "language", "en\n"), (2, "via_url", "https://example.org/b\n"), (3, "source_id", "bbc\n")])
    cells += edit(data_copy, "rulings.csv", [(0, "related_event_ids", "tocoron-raid-2023\n")])
    assert_reported(data_copy, [(f, line, c, "pattern", v) for f, line, c, v in cells])


def test_line_endings_and_stray_quotes_are_clear_errors(data_copy):
    # CR-only line endings (old Mac): one error, never a traceback
    text = (data_copy / "presence.csv").read_text(encoding="utf-8")
    (data_copy / "presence.csv").write_bytes(text.replace("\n", "\r").encode("utf-8"))
    # a lone CR in the middle of a file with LF endings
    text = (data_copy / "milestones.csv").read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[2] = lines[2].replace(",", ",\r", 1)
    (data_copy / "milestones.csv").write_text("\n".join(lines), encoding="utf-8")
    # a stray quote that closes mid-field and silently merged two fields in pyarrow
    header, rows = read_rows(data_copy / "changes.csv")
    row = rows[0]
    stray = append_line(data_copy / "changes.csv", f'{row["date"]},{row["file"]},"{row["record_id"]},{row["change"]}"x,description')
    errors = assert_reported(data_copy, [("presence.csv", 1, None, "cr_line_endings", None), ("changes.csv", stray, None, "malformed_csv", None)])
    assert any(e.file == "milestones.csv" for e in errors)


def test_a_readme_that_is_not_utf8_gives_a_clear_error(data_copy):
    readme = data_copy / "README.md"
    readme.write_bytes(readme.read_text(encoding="utf-8").replace("Editing", "Edición").encode("latin-1", errors="replace"))
    result = subprocess.run([sys.executable, "-m", "components.datadocs", "--data-dir", str(data_copy)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "not UTF-8" in result.stderr and "Traceback" not in result.stderr


SECRET = "TOP-SECRET-FIRST-LINE,not,for,readers"


def test_symlinks_out_of_the_folder_fifos_and_devices_are_refused_unread(data_copy, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(SECRET + "\n", encoding="utf-8")
    (data_copy / "events.csv").unlink()
    (data_copy / "events.csv").symlink_to(outside)
    (data_copy / "presence.csv").unlink()
    os.mkfifo(data_copy / "presence.csv")  # reading it would hang
    (data_copy / "milestones.csv").unlink()
    (data_copy / "milestones.csv").symlink_to("/dev/zero")
    inside = data_copy / "changes-real.csv"
    (data_copy / "changes.csv").rename(inside)
    (data_copy / "changes.csv").symlink_to(inside.name)  # a link inside the folder is fine
    started = time.monotonic()
    errors = load_package(data_copy).errors
    assert time.monotonic() - started < 60
    refused = {e.file for e in errors if e.rule == "not_a_regular_file"}
    assert refused == {"events.csv", "presence.csv", "milestones.csv"}
    assert not any(e.file == "changes.csv" for e in errors)
    result = run_cli(data_copy)
    report = result.stdout + result.stderr
    assert "TOP-SECRET" not in report and "Traceback" not in report
    assert not any("TOP-SECRET" in (e.value or "") + e.message for e in errors)


def test_errors_are_capped_per_file_and_values_kept_short(data_copy):
    header, rows = read_rows(data_copy / "events.csv")
    bad = dict(rows[0], lat="north", title="t" * 5000)
    write_rows(data_copy / "events.csv", header, rows + [dict(bad, event_id=f"bad-{i}") for i in range(5000)])
    started = time.monotonic()
    errors = load_package(data_copy).errors
    assert time.monotonic() - started < 60
    in_events = [e for e in errors if e.file == "events.csv"]
    assert len(in_events) == MAX_ERRORS_PER_FILE + 1
    summary = in_events[-1]
    assert summary.rule == "too_many_errors" and "more errors in this file" in summary.message
    assert all(len(e.value or "") <= MAX_VALUE_CHARS for e in errors)
    assert_reported(data_copy, [])


def test_the_cli_exits_2_for_a_folder_it_cannot_read(data_copy, monkeypatch, capsys):
    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(validate.os, "listdir", refuse)
    assert validate.main([str(data_copy)]) == 2
    assert "Permission denied" in capsys.readouterr().err
    (data_copy / "file").write_text("x", encoding="utf-8")
    monkeypatch.undo()
    assert validate.main([str(data_copy / "file")]) == 2
