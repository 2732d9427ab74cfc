"""The data's own words in the reader's language (translations kept as data in data/translations.csv).

localize() is the one place a table's text becomes the reader's language: translated cells where
a current translation exists, else the English text marked as English; quotes stay verbatim, with
the tracker's translation beside them in ``quote_translation``. Pure: no streamlit.
"""

from __future__ import annotations

import pandas as pd

QUOTE_TRANSLATION = "quote_translation"


def localize(frame: pd.DataFrame, table: str, lang: str, translations: pd.DataFrame | None = None, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The table as a reader of lang reads it (placeholder: English text, no quote translations yet)."""
    out = frame
    if "quote" in out.columns and QUOTE_TRANSLATION not in out.columns:
        out = out.assign(**{QUOTE_TRANSLATION: pd.Series(pd.NA, index=out.index, dtype="object")})
    return out
