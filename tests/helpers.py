"""Edit copies of the curated CSVs the way an editor would, and find the line a row is on."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    """Header and rows of a CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    """Write rows back with the project's CSV conventions."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(path: Path, position: int, column: str, value: str) -> int:
    """Set one cell of data row `position` (0 = first row under the header); return its line number."""
    header, rows = read_rows(path)
    rows[position][column] = value
    write_rows(path, header, rows)
    return line_of(path, position)


def line_of(path: Path, position: int) -> int:
    """The line (header = 1) on which data row `position` starts."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        for index, _ in enumerate(reader):
            if index == position + 1:
                return start
            start = reader.line_num + 1
    raise IndexError(position)


def append_line(path: Path, line: str) -> int:
    """Append a raw line of text; return its line number."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def open_page(page: str | None = None, query: dict | None = None) -> AppTest:
    """The dashboard as a reader opening a link to page (e.g. 'app_pages/map.py') with these query parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run() if page else at
