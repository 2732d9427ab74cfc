"""Pure pandas: filter, format and join the tables for the pages (no streamlit here)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def date_label(start: object, precision: object) -> str:
    """A date as precise as its source: '2024', 'October 2024' or '23 October 2024'."""
    if start is None or pd.isna(start):
        return "undated"
    start = pd.Timestamp(start)
    if precision == "year":
        return f"{start.year}"
    if precision == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"{start.day} {MONTHS[start.month - 1]} {start.year}"


def number_label(value: float, unit: str = "") -> str:
    """12,000 / $5m / $10m; money in millions when it is at least a million."""
    if value is None or pd.isna(value):
        return ""
    if "USD" in unit and abs(value) >= 1_000_000:
        millions = value / 1_000_000
        return f"${millions:,.0f}m" if millions == int(millions) else f"${millions:,.1f}m"
    if "USD" in unit:
        return f"${value:,.0f}"
    return f"{value:,.0f}"


def figure_value_label(figure: pd.Series) -> str:
    """The figure as a reader should read it: '5,000', 'more than 600', '$10m–$15m', 'up to $5m'."""
    unit = str(figure.get("unit", ""))
    value, low, high = figure.get("value"), figure.get("low"), figure.get("high")
    has = lambda number: number is not None and not pd.isna(number)  # noqa: E731
    if not has(value) and has(low) and has(high):
        return f"{number_label(low, unit)}–{number_label(high, unit)}"
    if has(low) and has(high) and low != high:
        return f"{number_label(value, unit)} ({number_label(low, unit)}–{number_label(high, unit)})"
    if has(low) and low == value and not has(high):
        return f"more than {number_label(value, unit)}"
    if has(high) and high == value and not has(low):
        return f"up to {number_label(value, unit)}"
    return number_label(value, unit)


def filter_events(
    events: pd.DataFrame,
    event_types: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Events matching every given filter (None or empty means no filter on that column)."""
    keep = pd.Series(True, index=events.index)
    for column, chosen in (("event_type", event_types), ("country", countries), ("status", statuses)):
        if chosen:
            keep &= events[column].isin(list(chosen))
    if start is not None:
        keep &= events["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= events["date"] <= pd.Timestamp(end)
    return events[keep]


def with_sources(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """frame with the cited source's publisher, title, url and published date alongside."""
    cited = sources[["source_id", "publisher", "title", "url", "published", "published_precision"]].rename(
        columns={"title": "source_title", "url": "source_url", "published": "source_published", "published_precision": "source_published_precision"}
    )
    return frame.merge(cited, on="source_id", how="left", validate="many_to_one")


def citation(source: pd.Series) -> str:
    """Publisher, "Title", date (plain text; escape it before rendering as markdown)."""
    parts = [str(source["publisher"]), f"“{source['title']}”"]
    published = source.get("published")
    if published is not None and not pd.isna(published):
        parts.append(date_label(published, source.get("published_precision")))
    if isinstance(source.get("via"), str):
        parts.append(f"read via {source['via']}")
    return ", ".join(parts)


def latest_changes(changes: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The newest entries of the change log (on the same day, the later line in the file first)."""
    return changes.iloc[::-1].sort_values("date", ascending=False, kind="stable").head(limit)
