"""Issue 12, the reader: a file is read once whatever its errors, a stray quote is found at any size, and the
line numbers of a file read with its scan in the background are those of a file scanned first."""

import csv
import io
import random

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pytest

from components import readers, validation
from components.schemas import TABLES
from components.validation import load_package
from tests.helpers import read_rows, set_cell, write_rows

CHANGES = TABLES["changes"]


@pytest.fixture
def background(monkeypatch):
    """Every file is treated as large: scanned in the background while pyarrow reads it and the validator checks it."""
    monkeypatch.setattr(readers, "BACKGROUND_SCAN_BYTES", 0)
    readers._MULTILINE.clear()
    yield
    readers._MULTILINE.clear()


@pytest.fixture
def reads(monkeypatch):
    """How many times each file is opened by pyarrow, by the scan and by the strict csv reader."""
    counts: dict[str, list[str]] = {}
    real_read, real_scan, real_strict = readers.pacsv.read_csv, readers._scan, readers._strict_pass

    def read_csv(source, *args, **kwargs):
        counts.setdefault(getattr(source, "name", "buffer"), []).append("pyarrow")
        return real_read(source, *args, **kwargs)

    def scan(path, table):
        counts.setdefault(path.name, []).append("scan")
        return real_scan(path, table)

    def strict(table, path, header):
        counts.setdefault(path.name, []).append("strict")
        return real_strict(table, path, header)

    monkeypatch.setattr(readers.pacsv, "read_csv", read_csv)
    monkeypatch.setattr(readers, "_scan", scan)
    monkeypatch.setattr(readers, "_strict_pass", strict)
    return counts


def every_row(directory, file, column, value):
    header, rows = read_rows(directory / file)
    for row in rows:
        row[column] = value
    write_rows(directory / file, header, rows)


INVALID = {
    "schema": ("events.csv", "event_type", "teleportation"),
    "type": ("events.csv", "people_count", "many"),
    "not-finite": ("events.csv", "lat", "inf"),
    "date": ("events.csv", "date", "2024-13-45"),
    "reference": ("events.csv", "source_id", "no-such-source"),
    "bool": ("figures.csv", "computed", "yes"),
}


@pytest.mark.parametrize("mode", ["scanned-first", "background"])
@pytest.mark.parametrize("fault", list(INVALID))
def test_a_failed_load_reads_each_file_once(data_copy, reads, monkeypatch, mode, fault):
    if mode == "background":
        monkeypatch.setattr(readers, "BACKGROUND_SCAN_BYTES", 0)
    file, column, value = INVALID[fault]
    every_row(data_copy, file, column, value)
    package = load_package(data_copy)
    assert not package.valid and any(error.file == file for error in package.errors)
    for name in (table.filename for table in TABLES.values()):
        assert sorted(reads.get(name, [])) == ["pyarrow", "scan"], (name, reads.get(name))


def test_a_valid_load_reads_each_file_once(data_copy, reads, background):
    assert load_package(data_copy).valid
    assert all(sorted(done) == ["pyarrow", "scan"] for done in reads.values()), reads


def test_the_validator_no_longer_reads_a_file_again_before_reporting(data_copy, monkeypatch):
    calls = []
    real = validation.read_table
    monkeypatch.setattr(validation, "read_table", lambda path, table, **kwargs: calls.append(path.name) or real(path, table, **kwargs))
    every_row(data_copy, "events.csv", "confidence", "certain")
    assert not load_package(data_copy).valid
    assert sorted(calls) == sorted(table.filename for table in TABLES.values())


def random_csv(rng: random.Random, rows: int, faults: bool) -> bytes:
    columns = CHANGES.columns
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=rng.choice(["\n", "\r\n"]))
    writer.writerow(columns)
    cells = ["2024-01-02", "events.csv", "x", 'said "no"', "two\nlines", "", "a, b", "para\n\ngraph", "ñandú"]
    for _ in range(rows):
        if rng.random() < 0.05:
            text.write("\n")
        writer.writerow([rng.choice(cells) for _ in columns])
    data = text.getvalue().encode()
    if faults and rng.random() < 0.4:
        data = data.replace(b',"', b',""', 1) if rng.random() < 0.5 else data.replace(b",x,", b',"x,', 1)
    if faults and rng.random() < 0.1:
        data = data.replace("ñ".encode(), b"\xf1", 1)
    return data


def truth_lines(data: bytes) -> np.ndarray:
    """The line each data record starts on, by Python's csv module."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    starts, start = [], 1
    for row in reader:
        if row:
            starts.append(start)
        start = reader.line_num + 1
    return np.asarray(starts[1:])


def test_the_scan_gives_the_line_of_every_row(tmp_path, monkeypatch):
    rng = random.Random(12)
    path = tmp_path / "changes.csv"
    for _ in range(150):
        data = random_csv(rng, rng.randint(0, 40), faults=False)
        monkeypatch.setattr(readers, "SCAN_CHUNK_BYTES", rng.choice([1, 2, 3, 7, 64, 1 << 20]))
        path.write_bytes(data)
        scan = readers._scan(path, CHANGES)
        truth = truth_lines(data)
        assert not scan.irregular and not scan.open_at_end and not scan.not_utf8
        assert (scan.line_of()(np.arange(len(truth))) == truth).all(), data
        assert pacsv.read_csv(path).num_rows == len(truth) if len(truth) else True


def test_a_file_read_with_its_scan_in_the_background_reads_as_one_scanned_first(tmp_path, monkeypatch):
    """Same frame, same errors, same lines, whatever the size of pyarrow's blocks (a line break in a value may fall on their edge)."""
    rng = random.Random(7)
    path = tmp_path / "changes.csv"
    for _ in range(120):
        path.write_bytes(random_csv(rng, rng.randint(1, 60), faults=True))
        monkeypatch.setattr(readers, "BACKGROUND_SCAN_BYTES", 1 << 40)
        first = readers.read_table(path, CHANGES)
        monkeypatch.setattr(readers, "BACKGROUND_SCAN_BYTES", 0)
        monkeypatch.setattr(readers, "READ_BLOCK_BYTES", rng.choice([200, 333, 1000]))
        readers._MULTILINE.clear()
        second = readers.settle(readers.read_table(path, CHANGES, settled=False))
        monkeypatch.setattr(readers, "READ_BLOCK_BYTES", 1 << 20)
        assert first.errors == second.errors
        assert (first.frame is None) == (second.frame is None)
        if first.frame is not None:
            pd.testing.assert_frame_equal(first.frame, second.frame)
            positions = np.arange(len(first.frame))
            assert (first.line_of(positions) == second.line_of(positions)).all()


STRAY_QUOTES = {
    # a quote opens a field and closes in a later row: pyarrow silently reads the rows between as one value
    "opens-and-merges": (['{d},events.csv,ev-a,"added,a stray quote', "{d},events.csv,ev-b,x,y", '{d},events.csv,ev-c,"fixed",z'], "malformed_csv"),
    "text-after-closing-quote": (['{d},events.csv,ev-a,"added"late,z'], "malformed_csv"),
    "never-closes": (['{d},events.csv,ev-a,"added,z'], "unterminated_quote"),
}


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("case", list(STRAY_QUOTES))
def test_a_stray_quote_is_found_in_a_file_of_any_size(data_copy, monkeypatch, size, case):
    """The quote scan once stopped at 16 MB; now every size is scanned (large: a file above the background size)."""
    if size == "large":
        monkeypatch.setattr(readers, "BACKGROUND_SCAN_BYTES", 0)
    path = data_copy / "changes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    added, rule = STRAY_QUOTES[case]
    at = len(lines) if case == "never-closes" else len(lines) // 2
    lines[at:at] = [line.format(d="2024-01-02") for line in added]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = [error for error in load_package(data_copy).errors if error.file == "changes.csv"]
    assert [(error.row, error.rule) for error in errors] == [(at + 1, rule)], [e.as_text() for e in errors]


@pytest.mark.parametrize("size", ["small", "large"])
def test_a_quote_inside_an_unquoted_value_is_read_as_typed(data_copy, monkeypatch, size):
    """Not well-formed CSV, but read alike by pyarrow and Python's csv: kept as typed, with the right lines after it."""
    if size == "large":
        monkeypatch.setattr(readers, "BACKGROUND_SCAN_BYTES", 0)
    path = data_copy / "changes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = len(lines) // 2
    lines[at:at] = ['2024-01-02,events.csv,ev-a,a 5\'10" man,z', "2024-01-02,events.csv,ev-b,x,z"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = readers.read_table(path, CHANGES)
    assert raw.errors == [] and raw.frame.loc[at - 1, "change"] == "a 5'10\" man"
    assert list(raw.line_of(np.asarray([at - 1, at]))) == [at + 1, at + 2]


def test_a_big_file_with_a_stray_quote_is_refused_with_its_line(tmp_path):
    """A real 20 MB file (above the old 16 MB limit and the background size): a quote that opens a field in row 90,000 and closes in a later row."""
    header = ",".join(CHANGES.columns)
    rows = [f"2024-01-{1 + i % 28:02d},events.csv,ev-{i},added,Row {i} of the log" for i in range(300_000)]
    rows[90_000] = '2024-01-02,events.csv,ev-x,"added,stray'
    rows[90_005] = '2024-01-03,events.csv,ev-y,"added",more'
    path = tmp_path / "changes.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > readers.BACKGROUND_SCAN_BYTES
    raw = readers.read_table(path, CHANGES)
    assert raw.frame is None
    assert [(error.row, error.rule) for error in raw.errors][:1] == [(90_002, "malformed_csv")]


def test_a_header_without_a_line_break_is_an_empty_table(tmp_path):
    path = tmp_path / "changes.csv"
    for data in (",".join(CHANGES.columns), "\ufeff" + ",".join(CHANGES.columns), ",".join(CHANGES.columns) + "\r\n"):
        path.write_text(data, encoding="utf-8")
        raw = readers.read_table(path, CHANGES)
        assert raw.errors == [] and raw.frame is not None and raw.frame.empty


@pytest.mark.parametrize("mode", ["scanned-first", "background"])
def test_utf8_errors_name_their_lines_in_any_mode(data_copy, monkeypatch, mode):
    if mode == "background":
        monkeypatch.setattr(readers, "BACKGROUND_SCAN_BYTES", 0)
    path = data_copy / "changes.csv"
    line = set_cell(path, 3, "description", "Caf\u00e9 latin-1")
    path.write_bytes(path.read_bytes().replace("Caf\u00e9".encode(), b"Caf\xe9"))
    errors = load_package(data_copy).errors
    assert [(error.file, error.row, error.rule) for error in errors if error.file == "changes.csv"] == [("changes.csv", line, "not_utf8")]
