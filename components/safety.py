"""Text from the data is shown as text: markdown escaping, and downloads that spreadsheets cannot execute."""

from __future__ import annotations

import re

import pandas as pd

# Characters that start markdown syntax or HTML in st.markdown.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_markdown(text: object) -> str:
    """Text that st.markdown shows literally: no links, emphasis, HTML or LaTeX from the data."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def quote_markdown(quote: object) -> str:
    """The source's exact words as an escaped markdown block quote, line breaks kept."""
    text = "" if quote is None or (isinstance(quote, float) and pd.isna(quote)) else str(quote)
    lines = text.splitlines() or [""]
    return "\n".join(f"> {escape_markdown(line)}" if line.strip() else ">" for line in lines)


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
