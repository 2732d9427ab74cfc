"""The curated CSVs as text tables, and back to bytes in the project's CSV style.

The style of data/*.csv: UTF-8 without a byte-order mark, a header line, fields quoted only when they
must be (a comma, a quote, a line break), quotes doubled, "\\n" after every line, the last included.
A file read here and written back unedited gives its exact bytes, also where a line departs from that
style (a field quoted without need, a blank line, a CRLF line end): such lines are remembered by their
values and written as they were while their values stay the same, so a save changes only the lines
whose cells changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

BOM = "\ufeff"
# The frame's attrs key for the lines written in another style than the project's (see ParsedCsv.irregular).
ATTRS_KEY = "tda_csv_style"

csv.field_size_limit(2**31 - 1)


class UnreadableTable(ValueError):
    """A CSV that cannot be opened as a table: names the file and line, and why."""

    def __init__(self, file: str, line: int, problem: str):
        self.file, self.line, self.problem = file, line, problem
        super().__init__(f"{file}:{line}: {problem}")


@dataclass
class ParsedCsv:
    header: list[str]
    rows: list[list[str]]
    # values of a line (header or row) -> its exact text, for the lines not in the project's style
    irregular: dict[tuple[str, ...], str] = field(default_factory=dict)
    terminator: str = "\n"
    bom: bool = False


def digest(data: bytes) -> str:
    """sha256 hex of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def _canonical_line(values: list[str] | tuple[str, ...], terminator: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerow(values)
    return out.getvalue()


def parse(data: bytes, file: str) -> ParsedCsv:
    """A CSV's header, rows (every cell as text) and the lines written in another style; UnreadableTable when it is not a table."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableTable(file, line, "is not UTF-8 text (save it as UTF-8)") from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    first_end = text.find("\n")
    terminator = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    raws: list[str] = []
    try:
        for record in reader:
            raw = "".join(consumed)
            consumed.clear()
            if not record:  # a blank line: kept with the line before it
                if raws:
                    raws[-1] += raw
                    continue
                raise UnreadableTable(file, reader.line_num, "starts with a blank line: the first line must be the header")
            if header is None:
                header = record
                raws.append(raw)
                continue
            if len(record) != len(header):
                raise UnreadableTable(file, reader.line_num, f"has {len(record)} fields on this line, the header has {len(header)}")
            rows.append(record)
            raws.append(raw)
    except csv.Error as error:
        raise UnreadableTable(file, reader.line_num, f"is not valid CSV here ({error})") from None
    if header is None:
        raise UnreadableTable(file, 1, "is empty: it needs at least its header line")
    irregular: dict[tuple[str, ...], str] = {}
    for values, raw in zip([header, *rows], raws):
        if raw != _canonical_line(values, terminator):
            irregular.setdefault(tuple(values), raw)
    return ParsedCsv(header, rows, irregular, terminator, bom)


def to_frame(parsed: ParsedCsv) -> pd.DataFrame:
    """The rows as a table of text: every cell exactly as in the file, "" for an empty one, the file's column order."""
    if parsed.rows:
        columns = list(zip(*parsed.rows))
        frame = pd.DataFrame({position: pd.Series(values, dtype="str") for position, values in enumerate(columns)})
        frame.columns = parsed.header
    else:
        frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in parsed.header})
        frame.columns = parsed.header
    frame.attrs[ATTRS_KEY] = {"irregular": dict(parsed.irregular), "terminator": parsed.terminator, "bom": parsed.bom}
    return frame


def cell_text(value: object) -> str:
    """A cell as text: "" for an empty one (None, NaN, NA)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """frame with every cell as text ("" for empty), same columns and order, a fresh 0..n-1 index."""
    columns = {}
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if str(values.dtype) == "str" and not values.isna().any():
            columns[position] = values.reset_index(drop=True)
            continue
        as_objects = values.astype(object)
        empty = as_objects.isna().to_numpy()
        text = pd.Series([cell_text(value) for value in as_objects.tolist()] if str(values.dtype) == "object" else as_objects.astype(str).tolist(), dtype="str")
        text[empty] = ""
        columns[position] = text
    out = pd.DataFrame(columns, index=range(len(frame)))
    out.columns = [str(column) for column in frame.columns]
    return out


def style_of(data: bytes | None, file: str = "") -> dict:
    """The style hints (irregular lines, line end, byte-order mark) of a file's bytes."""
    if data is None:
        return {"irregular": {}, "terminator": "\n", "bom": False}
    parsed = parse(data, file)
    return {"irregular": parsed.irregular, "terminator": parsed.terminator, "bom": parsed.bom}


def write(frame: pd.DataFrame, style: dict | None = None) -> bytes:
    """frame (any cell types; empty cells as "") as CSV bytes in the project's style, lines in style["irregular"] as they were."""
    style = style or {}
    irregular: dict = style.get("irregular") or {}
    terminator: str = style.get("terminator") or "\n"
    header = [str(column) for column in frame.columns]
    rows = text_frame(frame).itertuples(index=False, name=None)
    out = io.StringIO()
    if style.get("bom"):
        out.write(BOM)
    if not irregular:
        writer = csv.writer(out, lineterminator=terminator)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")
    writer = csv.writer(out, lineterminator=terminator)
    for values in [tuple(header), *rows]:
        raw = irregular.get(values)
        if raw is None:
            writer.writerow(values)
        else:
            out.write(raw if raw.endswith(("\n", "\r")) else raw + terminator)
    return out.getvalue().encode("utf-8")


def append_rows(data: bytes, rows: list[list[str]]) -> bytes:
    """data with rows added at its end, every line before them left exactly as it was."""
    if not rows:
        return data
    terminator = "\r\n" if b"\r\n" in data[: data.find(b"\n") + 1] else "\n"
    text = data.decode("utf-8")
    if text and not text.endswith(("\n", "\r")):
        text += terminator
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows(rows)
    return (text + out.getvalue()).encode("utf-8")
