"""The one shape every data problem takes: file, line, column, value, rule and a sentence."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in one cell (or line, or file) of a curated CSV.

    row is the line number an editor sees in a text editor (the header is line 1; 0 means
    the whole file). column is None when the problem is not in one column.
    """

    file: str
    row: int
    column: str | None
    value: str | None
    rule: str
    message: str

    def as_text(self) -> str:
        """file:row:column: rule (value) message, the form editors and CI logs read."""
        value = "" if self.value is None else _shorten(self.value)
        return f"{self.file}:{self.row}:{self.column or ''}: {self.rule} ({value}) {self.message}"

    def as_dict(self) -> dict:
        """The JSON form: {file, row, column, value, rule, message}."""
        return asdict(self)


def _shorten(value: str, limit: int = 80) -> str:
    flat = value.replace("\r", "\\r").replace("\n", "\\n")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
