"""Pure pandas: filter, format and join the tables for the pages (no streamlit here)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

# Shown beside every value that is our arithmetic on a source (computed=true), never a number it prints.
DERIVED_MARK = "(derived)"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def date_label(start: object, precision: object, lang: str = "en") -> str:
    """A date as precise as its source: '2024', 'October 2024' or '23 October 2024'."""
    if start is None or pd.isna(start):
        return "undated"
    start = pd.Timestamp(start)
    if precision == "year":
        return f"{start.year}"
    if precision == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"{start.day} {MONTHS[start.month - 1]} {start.year}"


def number_label(value: float, unit: str = "", lang: str = "en") -> str:
    """12,000 / $5m / $10m; money in millions when it is at least a million."""
    if value is None or pd.isna(value):
        return ""
    if "USD" in unit and abs(value) >= 1_000_000:
        millions = value / 1_000_000
        return f"${millions:,.0f}m" if millions == int(millions) else f"${millions:,.1f}m"
    if "USD" in unit:
        return f"${value:,.0f}"
    return f"{value:,.0f}"


def figure_value_label(figure: pd.Series, marked: bool = False, lang: str = "en") -> str:
    """The figure as a reader should read it: '5,000', 'more than 600', '$10m–$15m', 'up to $5m'.

    marked adds the derived mark to a value that is our arithmetic (computed=true).
    """
    words = _figure_words(figure)
    if marked and bool(figure.get("computed", False)):
        words += f" {DERIVED_MARK}"
    return words


def _figure_words(figure: pd.Series) -> str:
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


def source_title(source: pd.Series, lang: str = "en") -> str:
    """A headline in quotation marks; a description of an item whose headline is not known, marked as ours."""
    if str(source.get("title_kind", "headline")) == "description":
        return f"{source['title']} (our description)"
    return f"“{source['title']}”"


def read_via(source: pd.Series, lang: str = "en") -> str:
    """'read via X' for a source read in a copy, 'read via X, an unverified copy' when its tie to the original is not established."""
    via = source.get("via")
    if not isinstance(via, str) or not via.strip():
        return ""
    if str(source.get("access")) == "unverified_copy":
        return f"read via {via}, an unverified copy"
    return f"read via {via}"


def citation(source: pd.Series, lang: str = "en") -> str:
    """Publisher, "Title", date, read via … (plain text; escape it before rendering as markdown)."""
    parts = [str(source["publisher"]), source_title(source)]
    published = source.get("published")
    if published is not None and not pd.isna(published):
        parts.append(date_label(published, source.get("published_precision")))
    if read_via(source):
        parts.append(read_via(source))
    return ", ".join(parts)


def latest_changes(changes: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The newest entries of the change log (on the same day, the later line in the file first)."""
    return changes.iloc[::-1].sort_values("date", ascending=False, kind="stable").head(limit)


def freshness_line(changes: pd.DataFrame, events: pd.DataFrame, rulings: pd.DataFrame, lang: str = "en") -> str:
    """'Data last updated 2 December 2026 (the latest change in the log); newest event …; newest ruling …' (plain text)."""
    parts = []
    if len(changes):
        parts.append(f"Data last updated {date_label(changes['date'].max(), 'day')}")
    if "proceeding" in rulings:  # an oral argument is not a ruling
        rulings = rulings[rulings["proceeding"] == "decision"]
    for what, frame in (("newest event", events), ("newest court ruling", rulings)):
        dated = frame.dropna(subset=["date"]) if len(frame) else frame
        if len(dated):
            latest = dated.loc[dated["date"].idxmax()]
            parts.append(f"{what} {date_label(latest['date'], latest['date_precision'])}")
    return ("; ".join(parts) + ".") if parts else ""


ACCESS_WORDS = {
    "original": "the original",
    "copy": "a copy that names the original",
    "unverified_copy": "an unverified copy",
}


def sources_for_readers(sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The source list as readers see it: headline in quotes or our description, how it was read, both links; no editor notes."""
    return pd.DataFrame(
        {
            "source_id": sources["source_id"].astype(str).to_numpy(),
            "publisher": sources["publisher"].astype(str).to_numpy(),
            "title": [source_title(row) for _, row in sources.iterrows()],
            "published": [date_label(start, precision) for start, precision in zip(sources["published"], sources["published_precision"])],
            "kind": sources["kind"].astype(str).to_numpy(),
            "language": sources["language"].astype(str).to_numpy(),
            "read in": [ACCESS_WORDS.get(str(access), str(access)) for access in sources["access"]],
            "original": sources["url"].astype(object).where(sources["url"].notna(), None).to_numpy(),
            "read via": sources["via"].astype(object).where(sources["via"].notna(), "").to_numpy(),
            "copy read": sources["via_url"].astype(object).where(sources["via_url"].notna(), None).to_numpy(),
            "notes": sources["notes"].astype(object).where(sources["notes"].notna(), "").to_numpy(),
        }
    )
