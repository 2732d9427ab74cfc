"""The data's own words in the reader's language (translations kept as data in data/translations.csv).

localize() is the one place a table's text becomes the reader's language: translated cells where
a current translation exists, else the English text marked as English; quotes stay verbatim, with
the tracker's translation beside them in ``quote_translation``. Pure: no streamlit.

A translation is current when its ``original`` is exactly the cell's text now. When the English
cell has been edited since (a correction), the translation is stale and is not used: readers see
the corrected English, marked, at once, and ``make validate`` lists the stale translation for an
editor (components.validation.stale_translations).
"""

from __future__ import annotations

import pandas as pd

from components import i18n
from components.schemas import QUOTE_COLUMN, TABLES_LANGUAGE, TRANSLATABLE, TRANSLATED_ONLY_WHERE, row_keys, translated_rows

QUOTE_TRANSLATION = "quote_translation"  # the tracker's translation of the quote into the reader's language
QUOTE_LANGUAGE = "quote_language"  # the language of the quote (its source's, sources.language)
TEXT_PLACEHOLDER = "{text}"


def english_marked(text: str, lang: str) -> str:
    """Data text shown in English in another language's page, marked as English ("… (en inglés)")."""
    return _english_mark(lang).format(text=text)


def _english_mark(lang: str) -> str:
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: data text (an event's title, a ruling's decision…) that has no Spanish translation yet, shown
    # in English and marked as such. Keep {text} exactly; only the words around it are translated.
    return _("{text} (in English)")


def _marked(values: pd.Series, lang: str) -> pd.Series:
    """Every value marked as English, vectorised (the mark's words around {text})."""
    template = _english_mark(lang)
    if template.count(TEXT_PLACEHOLDER) != 1:  # a damaged catalogue entry: fall back to the English mark's shape
        template = "{text} (in English)"
    before, after = template.split(TEXT_PLACEHOLDER)
    return before + values + after


def _translations_for(translations: pd.DataFrame | None, table: str, column: str, lang: str) -> pd.DataFrame | None:
    """The translations of one column of a table into lang, one per row_id (row_id, text, original)."""
    if translations is None or translations.empty or not {"table", "row_id", "column", "lang", "text", "original"} <= set(translations.columns):
        return None
    chosen = translations[
        (translations["table"].astype(object) == table) & (translations["column"].astype(object) == column) & (translations["lang"].astype(object) == lang)
    ]
    if chosen.empty:
        return None
    return chosen.drop_duplicates("row_id").set_index("row_id")[["text", "original"]]


def _current(cells: pd.Series, keys: pd.Series, found: pd.DataFrame | None) -> pd.Series:
    """The translation of each cell where one exists and was made from the cell's text as it is now, else NA."""
    if found is None:
        return pd.Series(pd.NA, index=cells.index, dtype="object")
    text = keys.map(found["text"])
    original = keys.map(found["original"])
    current = cells.notna() & original.notna() & (original.astype(object) == cells.astype(object))
    return text.where(current)


def localize(
    frame: pd.DataFrame,
    table: str,
    lang: str,
    translations: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The table as a reader of lang reads it. Pure: frame, translations and sources are not changed.

    For lang "es" each translatable column but quote (components.schemas.TRANSLATABLE) holds its
    current Spanish translation, else the English text followed by the catalogue's English mark
    (" (en inglés)"); empty cells stay empty. A column translated only in some rows
    (components.schemas.TRANSLATED_ONLY_WHERE: a source's title when it is the tracker's description)
    stays as it is, unmarked, in the others (a headline as published). In English the text columns
    are the tables' own.
    In every language the quote stays verbatim, and two columns are added to a table with quotes:
    quote_language (its source's language, sources.language) and quote_translation (the current
    translation of the quote into lang when the quote is in another language, else empty).
    """
    lang = i18n.normalize(lang)
    columns = [column for column in TRANSLATABLE.get(table, ()) if column in frame.columns]
    has_quote = QUOTE_COLUMN in frame.columns
    if not columns and not has_quote:
        return frame
    keys = row_keys(frame, table) if table in TRANSLATABLE else None
    changed: dict[str, pd.Series] = {}
    if lang != TABLES_LANGUAGE and keys is not None:
        for column in columns:
            if column == QUOTE_COLUMN:
                continue
            cells = frame[column]
            translated = _current(cells, keys, _translations_for(translations, table, column, lang))
            present = cells.notna()
            marked = _marked(cells.where(present, ""), lang)
            values = translated.where(translated.notna(), marked.where(present))
            if (table, column) in TRANSLATED_ONLY_WHERE:  # e.g. a source's headline stays as published, unmarked
                values = values.where(translated_rows(frame, table, column), cells)
            changed[column] = values.astype(cells.dtype)
    if has_quote:
        language = pd.Series(pd.NA, index=frame.index, dtype="object")
        if sources is not None and {"source_id", "language"} <= set(sources.columns) and "source_id" in frame.columns:
            by_source = sources.drop_duplicates("source_id").set_index("source_id")["language"]
            language = frame["source_id"].map(by_source)
        quote = frame[QUOTE_COLUMN]
        translation = pd.Series(pd.NA, index=frame.index, dtype="object")
        if keys is not None:
            translation = _current(quote, keys, _translations_for(translations, table, QUOTE_COLUMN, lang))
            translation = translation.where(language.notna() & (language.astype(object) != lang))
        changed[QUOTE_TRANSLATION] = translation.astype(quote.dtype)
        changed[QUOTE_LANGUAGE] = language.astype(quote.dtype)
    return frame.assign(**changed)
