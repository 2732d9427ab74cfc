"""Text from the data is shown as text: markdown escaping, and downloads that spreadsheets cannot execute."""

from __future__ import annotations

import re

import pandas as pd

from components import i18n

# Characters that start markdown syntax or HTML in st.markdown.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_markdown(text: object) -> str:
    """Text that st.markdown shows literally: no links, emphasis, HTML or LaTeX from the data."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def language_name(code: str, lang: str) -> str:
    """A language's name in the reader's language ('Spanish', 'inglés'), from CLDR; the code when unknown."""
    from babel import Locale

    return Locale.parse(i18n.babel_locale(lang)).languages.get(code, code)


def quote_markdown(quote: object, translation: object = None, quote_language: object = None, lang: str = "en") -> str:
    """The source's exact words as an escaped markdown block quote, line breaks kept; never translated in place.

    A translation (the tracker's, into the reader's language) follows the quote, labelled as ours and
    escaped. Without one, a quote whose language (ISO 639-1 code) differs from the reader's says so.
    """
    text = _text(quote)
    lines = text.splitlines() or [""]
    block = "\n".join(f"> {escape_markdown(line)}" if line.strip() else ">" for line in lines)
    _ = i18n.gettext_for(lang)
    translated = _text(translation).strip()
    if translated:
        # TRANSLATORS: before the tracker's own translation of a quote, shown under the verbatim quote.
        label = _("Translation by the tracker:")
        return block + "\n\n" + f"**{label}** {escape_markdown(translated)}"
    language = _text(quote_language).strip()
    if text.strip() and language and language != i18n.normalize(lang):
        note = _("Quote in {language}; not translated yet").format(language=language_name(language, lang))
        return block + "\n\n" + f":small[{escape_markdown(note)}]"
    return block


def neutralise_formula(value: object) -> object:
    """Prefix a text cell that a spreadsheet would execute (=, +, -, @) with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_download(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads accents) of frame, with formula-like text neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]) or isinstance(safe[column].dtype, pd.CategoricalDtype):
            safe[column] = safe[column].astype(object).map(neutralise_formula)
    return safe.to_csv(index=False).encode("utf-8-sig")
