"""Pure pandas: filter, format and join the tables for the pages (no streamlit here)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from components import i18n
from components.i18n import N_, formats

# Shown beside every value that is our arithmetic on a source (computed=true), never a number it prints
# (translated where shown: i18n.gettext_for(lang)(DERIVED_MARK) is '(derivado)' in Spanish).
DERIVED_MARK = N_("(derived)")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def date_label(start: object, precision: object, lang: str = "en") -> str:
    """A date as precise as its source: '2024', 'October 2024' or '23 October 2024' ('23 de octubre de 2024' in Spanish)."""
    if start is None or pd.isna(start):
        _ = i18n.gettext_for(lang)
        return _("undated")
    return formats.partial_date(start, precision, lang)


def number_label(value: float, unit: str = "", lang: str = "en") -> str:
    """12,000 / $5m / $10m; money in millions when it is at least a million (12.000 / 5 millones de dólares in Spanish)."""
    if value is None or pd.isna(value):
        return ""
    if "USD" in unit:
        return formats.money(value, lang)
    return formats.number(value, lang)


def figure_value_label(figure: pd.Series, marked: bool = False, lang: str = "en") -> str:
    """The figure as a reader should read it: '5,000', 'more than 600', '$10m–$15m', 'up to $5m'
    ('5.000', 'más de 600', 'entre 10 y 15 millones de dólares', 'hasta 5 millones de dólares' in Spanish).

    marked adds the derived mark to a value that is our arithmetic (computed=true).
    """
    words = _figure_words(figure, lang)
    if marked and bool(figure.get("computed", False)):
        _ = i18n.gettext_for(lang)
        words += " " + _(DERIVED_MARK)
    return words


def _figure_words(figure: pd.Series, lang: str = "en") -> str:
    _ = i18n.gettext_for(lang)
    unit = str(figure.get("unit", ""))
    value, low, high = figure.get("value"), figure.get("low"), figure.get("high")
    has = lambda number: number is not None and not pd.isna(number)  # noqa: E731
    between = formats.money_range if "USD" in unit else formats.number_range  # $10m–$15m / entre 10 y 15 millones de dólares
    if not has(value) and has(low) and has(high):
        return between(low, high, lang)
    if has(low) and has(high) and low != high:
        return f"{number_label(value, unit, lang)} ({between(low, high, lang)})"
    if has(low) and low == value and not has(high):
        # TRANSLATORS: a lower bound as the source states it: 'more than 600', '{value}' is a number or an amount of money.
        return _("more than {value}").format(value=number_label(value, unit, lang))
    if has(high) and high == value and not has(low):
        # TRANSLATORS: an upper bound as the source states it: 'up to $5m', '{value}' is a number or an amount of money.
        return _("up to {value}").format(value=number_label(value, unit, lang))
    return number_label(value, unit, lang)


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
    """A headline in quotation marks; a description of an item whose headline is not known, marked as ours.

    A headline stays as published in every language; a description is the reader's language when the
    source comes from datasets.load_sources(lang) (translations.csv translates described titles only)."""
    _ = i18n.gettext_for(lang)
    if str(source.get("title_kind", "headline")) == "description":
        # TRANSLATORS: a source whose headline is not known: the title is the tracker's description of it.
        return _("{title} (our description)").format(title=source["title"])
    return f"“{source['title']}”"


def read_via(source: pd.Series, lang: str = "en") -> str:
    """'read via X' for a source read in a copy, 'read via X, an unverified copy' when its tie to the original is not established."""
    _ = i18n.gettext_for(lang)
    via = source.get("via")
    if not isinstance(via, str) or not via.strip():
        return ""
    if str(source.get("access")) == "unverified_copy":
        # TRANSLATORS: {via} names the copy of a source that the tracker read (a website, a repost).
        return _("read via {via}, an unverified copy").format(via=via)
    return _("read via {via}").format(via=via)


def citation(source: pd.Series, lang: str = "en") -> str:
    """Publisher, "Title", date, read via … (plain text; escape it before rendering as markdown)."""
    parts = [str(source["publisher"]), source_title(source, lang=lang)]
    published = source.get("published")
    if published is not None and not pd.isna(published):
        parts.append(formats.partial_date(published, source.get("published_precision"), lang))
    via = read_via(source, lang=lang)
    if via:
        parts.append(via)
    return ", ".join(parts)


def latest_changes(changes: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The newest entries of the change log (on the same day, the later line in the file first)."""
    return changes.iloc[::-1].sort_values("date", ascending=False, kind="stable").head(limit)


def freshness_line(changes: pd.DataFrame, events: pd.DataFrame, rulings: pd.DataFrame, lang: str = "en") -> str:
    """'Data last updated 2 December 2026 (the latest change in the log); newest event …; newest ruling …' (plain text)."""
    _ = i18n.gettext_for(lang)
    parts = []
    if len(changes):
        parts.append(_("Data last updated {date}").format(date=formats.day(changes["date"].max(), lang)))
    if "proceeding" in rulings:  # an oral argument is not a ruling
        rulings = rulings[rulings["proceeding"] == "decision"]
    # TRANSLATORS: after 'Data last updated …;' — {date} may be a year, a month or a day.
    for what, frame in ((_("newest event {date}"), events), (_("newest court ruling {date}"), rulings)):
        dated = frame.dropna(subset=["date"]) if len(frame) else frame
        if len(dated):
            latest = dated.loc[dated["date"].idxmax()]
            parts.append(what.format(date=formats.partial_date(latest["date"], latest["date_precision"], lang)))
    return ("; ".join(parts) + ".") if parts else ""


ACCESS_WORDS = {
    "original": N_("the original"),
    "copy": N_("a copy that names the original"),
    "unverified_copy": N_("an unverified copy"),
}

# The source list's columns (English names are the table's keys in English; widgets.sources_table links two of them).
SOURCE_LIST_COLUMNS = ("source_id", "publisher", "title", "published", "kind", "language", "read in", "original", "read via", "copy read", "notes")


def source_list_headers(lang: str = "en") -> dict[str, str]:
    """The source list's column headers in a language, keyed by their English names."""
    pgettext = i18n.pgettext_for(lang)
    return {
        "source_id": pgettext("sources table header", "source_id"),
        "publisher": pgettext("sources table header", "publisher"),
        "title": pgettext("sources table header", "title"),
        "published": pgettext("sources table header", "published"),
        "kind": pgettext("sources table header", "kind"),
        "language": pgettext("sources table header", "language"),
        "read in": pgettext("sources table header", "read in"),
        "original": pgettext("sources table header", "original"),
        "read via": pgettext("sources table header", "read via"),
        "copy read": pgettext("sources table header", "copy read"),
        "notes": pgettext("sources table header", "notes"),
    }


def source_kind_label(kind: object, lang: str = "en") -> str:
    """A source's kind in words (English keeps the code, which is the word: news, blog, court…)."""
    pgettext = i18n.pgettext_for(lang)
    words = {
        "news": pgettext("source kind", "news"),
        "blog": pgettext("source kind", "blog"),
        "research": pgettext("source kind", "research"),
        "dataset": pgettext("source kind", "dataset"),
        "court": pgettext("source kind", "court"),
        "encyclopedia": pgettext("source kind", "encyclopedia"),
        "government": pgettext("source kind", "government"),
        "book": pgettext("source kind", "book"),
    }
    return words.get(str(kind), str(kind))


def language_label(code: object, lang: str = "en") -> str:
    """A source's language: the code in English (as before), the language's name in another language ('inglés')."""
    code = str(code)
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return code
    from babel import Locale

    return Locale.parse(i18n.babel_locale(lang)).languages.get(code, code)


def sources_for_readers(sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The source list as readers see it: headline in quotes or our description, how it was read, both links; no editor notes.

    Headers in the reader's language (source_list_headers); titles and publishers as published."""
    _ = i18n.gettext_for(lang)
    published = [
        formats.partial_date(start, precision, lang) if start is not None and not pd.isna(start) else date_label(None, None, lang=lang)
        for start, precision in zip(sources["published"], sources["published_precision"])
    ]
    frame = pd.DataFrame(
        {
            "source_id": sources["source_id"].astype(str).to_numpy(),
            "publisher": sources["publisher"].astype(str).to_numpy(),
            "title": [source_title(row, lang=lang) for _row_id, row in sources.iterrows()],
            "published": published,
            "kind": [source_kind_label(kind, lang) for kind in sources["kind"]],
            "language": [language_label(code, lang) for code in sources["language"]],
            "read in": [_(ACCESS_WORDS[str(access)]) if str(access) in ACCESS_WORDS else str(access) for access in sources["access"]],
            "original": sources["url"].astype(object).where(sources["url"].notna(), None).to_numpy(),
            "read via": sources["via"].astype(object).where(sources["via"].notna(), "").to_numpy(),
            "copy read": sources["via_url"].astype(object).where(sources["via_url"].notna(), None).to_numpy(),
            "notes": sources["notes"].astype(object).where(sources["notes"].notna(), "").to_numpy(),
        }
    )
    return frame.rename(columns=source_list_headers(lang))
