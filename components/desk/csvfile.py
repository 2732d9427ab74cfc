"""The curated CSVs as text tables, and back to bytes in the project's CSV style.

The style of data/*.csv: UTF-8 without a byte-order mark, a header line, fields quoted only when they
must be (a comma, a quote, a line break or carriage return), quotes doubled, "\\n" after every line, the
last included (what Python's csv writer writes).
A file read here and written back unedited gives its exact bytes, also where a line departs from that
style (a field quoted without need, a blank line, a CRLF line end): such lines are remembered by their
values and written as they were while their values stay the same, so a save changes only the lines
whose cells changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

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


_QUOTE_WHEN = re.compile(r'[,"\r\n]')


def _field(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if _QUOTE_WHEN.search(value) else value


def _canonical_line(values: list[str] | tuple[str, ...], terminator: str = "\n") -> str:
    """One line in the project's style: Python's csv writer (QUOTE_MINIMAL), but a lone carriage return is quoted too
    (as Python 3.12+ does), so a cell never breaks its line."""
    if len(values) == 1 and values[0] == "":
        return '""' + terminator
    return ",".join(_field(value) for value in values) + terminator


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


_LARGE = pa.large_string()
_NEEDS_QUOTES = r'[,"\r\n]'  # what makes Python's csv writer (QUOTE_MINIMAL) quote a field


def _render_column(values: pa.Array) -> pa.Array:
    """Each cell as the project's CSV writes it: quoted (quotes doubled) only when it must be."""
    values = pc.cast(values, _LARGE)
    quote, empty = pa.scalar('"', _LARGE), pa.scalar("", _LARGE)
    quoted = pc.binary_join_element_wise(quote, pc.replace_substring(values, '"', '""'), quote, empty)
    return pc.if_else(pc.match_substring_regex(values, _NEEDS_QUOTES), quoted, values)


def _render_rows(columns: list[pa.Array], terminator: str = "\n") -> bytes:
    """The CSV lines of these text columns (no header), each ended by terminator, in one pass of Arrow kernels."""
    if not columns or len(columns[0]) == 0:
        return b""
    rendered = [_render_column(column) for column in columns]
    rendered[-1] = pc.binary_join_element_wise(rendered[-1], pa.scalar(terminator, _LARGE), pa.scalar("", _LARGE))
    rows = pc.binary_join_element_wise(*rendered, pa.scalar(",", _LARGE)) if len(rendered) > 1 else rendered[0]
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset : rows.offset + len(rows) + 1]
    data = rows.buffers()[2]
    return data.to_pybytes()[int(offsets[0]) : int(offsets[-1])] if data is not None else b""


def arrow_text(values: pd.Series) -> pa.Array:
    """A text column (no missing cells) as an Arrow large_string array, without a copy when it is Arrow already."""
    array = values.array
    if isinstance(getattr(array, "_pa_array", None), (pa.Array, pa.ChunkedArray)):
        arrow = pa.array(array)
        arrow = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
        return pc.cast(arrow, _LARGE)
    return pa.array(values.to_numpy(dtype=object), type=_LARGE)


def _fast_frame(data: bytes, file: str) -> pd.DataFrame | None:
    """The table read by pyarrow, when the file is exactly in the project's style (proved by writing it back); else None."""
    if data.startswith(BOM.encode()) or b"\r" in data or not data.endswith(b"\n"):
        return None
    first = data[: data.find(b"\n") + 1]
    try:
        header = next(csv.reader([first.decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if len(header) < 2 or first != _canonical_line(header).encode("utf-8") or len(set(header)) != len(header):
        return None
    names = [f"c{position}" for position in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 26),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={name: _LARGE for name in names}, strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    columns = [table.column(name).combine_chunks() for name in names]
    if first + _render_rows(columns) != data:
        return None
    frame = pd.DataFrame({position: pd.Series(pd.array(column, dtype="str")) for position, column in enumerate(columns)})
    frame.columns = header
    return frame


def read_frame(data: bytes, file: str) -> pd.DataFrame:
    """A CSV's bytes as a table of text (see to_frame), with its style in attrs; UnreadableTable when it is not a table."""
    frame = _fast_frame(data, file)
    if frame is not None:
        frame.attrs[ATTRS_KEY] = {"irregular": {}, "terminator": "\n", "bom": False}
        return frame
    return to_frame(parse(data, file))


def style_hint(data: bytes | None, file: str = "") -> dict:
    """The style hints of a file's bytes, cheaply when the file is in the project's style."""
    if data is None:
        return {"irregular": {}, "terminator": "\n", "bom": False}
    return read_frame(data, file).attrs[ATTRS_KEY]


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


def write(frame: pd.DataFrame, style: dict | None = None) -> bytes:
    """frame (any cell types; empty cells as "") as CSV bytes in the project's style, lines in style["irregular"] as they were."""
    style = style or {}
    irregular: dict = style.get("irregular") or {}
    terminator: str = style.get("terminator") or "\n"
    header = [str(column) for column in frame.columns]
    out = io.StringIO()
    if style.get("bom"):
        out.write(BOM)
    if not irregular and len(header) > 1:  # (a one-column row of "" is written as "" by csv: not this path)
        text = text_frame(frame)
        columns = [arrow_text(text.iloc[:, position]) for position in range(text.shape[1])]
        return (out.getvalue() + _canonical_line(header, terminator)).encode("utf-8") + _render_rows(columns, terminator)
    rows = text_frame(frame).itertuples(index=False, name=None)
    for values in [tuple(header), *rows]:
        raw = irregular.get(values)
        if raw is None:
            out.write(_canonical_line(values, terminator))
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
    return (text + "".join(_canonical_line(row, terminator) for row in rows)).encode("utf-8")
