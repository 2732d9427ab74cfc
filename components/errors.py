"""The one shape every data problem takes: file, line, column, value, rule and a sentence."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# At most this many errors are collected per file; the rest are counted in one summary error,
# so a huge file of invalid rows costs seconds and megabytes, not minutes and gigabytes.
MAX_ERRORS_PER_FILE = 1000
# The value as typed is kept, cut to this many characters (a 1 MB title stays out of the report).
MAX_VALUE_CHARS = 200


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

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > MAX_VALUE_CHARS:
            object.__setattr__(self, "value", self.value[: MAX_VALUE_CHARS - 1] + "…")

    def as_text(self) -> str:
        """file:row:column: rule (value) message, the form editors and CI logs read."""
        value = "" if self.value is None else _shorten(self.value)
        return f"{self.file}:{self.row}:{self.column or ''}: {self.rule} ({value}) {self.message}"

    def as_dict(self) -> dict:
        """The JSON form: {file, row, column, value, rule, message}."""
        return asdict(self)


def too_many(file: str, more: int) -> DataError:
    """The summary that stands for the errors of a file beyond MAX_ERRORS_PER_FILE."""
    return DataError(file, 0, None, None, "too_many_errors", f"…and {more} more errors in this file (only the first {MAX_ERRORS_PER_FILE} are listed: fix these and validate again)")


def _shorten(value: str, limit: int = 80) -> str:
    flat = value.replace("\r", "\\r").replace("\n", "\\n")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
