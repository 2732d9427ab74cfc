"""Dates as precise as their sources: YYYY, YYYY-MM or YYYY-MM-DD, parsed fast for a million rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PRECISIONS = ["day", "month", "year"]
_PATTERN = r"^\d{4}(-\d{2}){0,2}$"
_TIMESTAMP = pa.timestamp("s")

@dataclass(frozen=True)
class ParsedDates:
    """The first day each value covers (NaT when invalid or empty) and its precision."""

    start: pd.Series
    precision: pd.Series


def _as_arrow(values: pd.Series) -> pa.Array:
    return pa.array(values, type=pa.string(), from_pandas=True)


def _complete(text: pa.Array, length: pa.Array, length_np: np.ndarray) -> pa.Array:
    """2024 -> 2024-01-01 and 2024-10 -> 2024-10-01; full dates and anything else unchanged."""
    if (length_np == 10).all():
        return text
    return pc.case_when(
        pc.make_struct(pc.equal(length, 4), pc.equal(length, 7)),
        pc.binary_join_element_wise(text, "-01-01", ""),
        pc.binary_join_element_wise(text, "-01", ""),
        text,
    )


def _strict_cast(completed: pa.Array, length_np: np.ndarray) -> pa.Array | None:
    """Days for every value when all are well-formed real dates (the usual case), else None.

    Arrow's string-to-date cast is strict (2024-02-30 and 2024-1-05 fail) and fast, but it
    fails for the whole column: then _lenient_parse finds the bad rows.
    """
    if not np.isin(length_np, (0, 4, 7, 10)).all():
        return None
    try:
        return pc.cast(pc.cast(completed, pa.date32()), _TIMESTAMP)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _lenient_parse(text: pa.Array, completed: pa.Array) -> pa.Array:
    """Row by row: a date for each well-formed real date, null for the rest."""
    well_formed = pc.fill_null(pc.match_substring_regex(text, _PATTERN), False)
    parsed = pc.strptime(completed, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2024-02-30 over to 1 March: the day written must be the day parsed.
    digits = pc.if_else(well_formed, pc.utf8_slice_codeunits(completed, 8, 10), "0")
    real = pc.fill_null(pc.and_(well_formed, pc.equal(pc.day(parsed), pc.cast(digits, pa.int64()))), False)
    return pc.if_else(real, parsed, pa.scalar(None, _TIMESTAMP))


def parse(values: pd.Series) -> ParsedDates:
    """Parse partial ISO dates; anything else (2024-02-30, 24-1-5, 'spring') gives NaT."""
    text = _as_arrow(values)
    length = pc.utf8_length(text)
    length_np = pc.fill_null(length, 0).to_numpy()
    completed = _complete(text, length, length_np)
    start = _strict_cast(completed, length_np)
    if start is None:
        start = _lenient_parse(text, completed)
    real = pc.is_valid(start).to_numpy(zero_copy_only=False)
    # Precision as category codes (day=0, month=1, year=2, invalid=-1): cheap at a million rows.
    codes = np.where(real, np.select([length_np == 10, length_np == 7], [0, 1], 2), -1)
    return ParsedDates(
        start=pd.Series(start.to_numpy(zero_copy_only=False), index=values.index, name=values.name),
        precision=pd.Series(pd.Categorical.from_codes(codes, categories=PRECISIONS), index=values.index),
    )


def period_bounds(period: pd.Series, kind: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each period: YYYY-MM (month), FY2024 (Oct 2023 to Sep 2024), YYYY (year)."""
    start = pd.Series(pd.NaT, index=period.index, dtype="datetime64[s]")
    end = start.copy()
    # Years 1000 to 9999 only: year 0 (FY0000, 0000-01) is no real period and overflows date arithmetic.
    month = (kind == "month") & period.str.fullmatch(r"[1-9]\d{3}-\d{2}").fillna(False)
    year = (kind == "year") & period.str.fullmatch(r"[1-9]\d{3}").fillna(False)
    fiscal = (kind == "fiscal_year") & period.str.fullmatch(r"FY[1-9]\d{3}").fillna(False)
    if month.any():
        start[month] = parse(period[month]).start
        end[month] = start[month] + pd.offsets.MonthEnd(0)
    if year.any():
        start[year] = parse(period[year]).start
        end[year] = start[year] + pd.offsets.YearEnd(0)
    if fiscal.any():
        fiscal_year = period[fiscal].str[2:].astype(int)
        start[fiscal] = parse((fiscal_year - 1).map("{:04d}-10-01".format)).start
        end[fiscal] = parse(fiscal_year.map("{:04d}-09-30".format)).start
    return start, end


def format_partial(start: pd.Timestamp, precision: str) -> str:
    """Write a parsed date back at its precision: 2024, 2024-10 or 2024-10-23 ('' when undated)."""
    if start is None or pd.isna(start):
        return ""
    start = pd.Timestamp(start)
    if precision == "year":
        return f"{start.year:04d}"
    if precision == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return start.strftime("%Y-%m-%d")
