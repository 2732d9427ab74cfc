"""Every page rendered with ?lang=es: no exception and no interface text left in English.

The check compares the Spanish render with the English one: a piece of text that comes out the same in
both and reads as English (several common English words) is an untranslated interface string. Quotes
(block quotes), source titles (inside quotation marks), data text marked "(en inglés)" and case names
are excepted: they stay as published.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import open_page

PAGES = [None, "app_pages/map.py", "app_pages/figures.py", "app_pages/rulings.py", "app_pages/claims.py", "app_pages/sources.py"]
ENGLISH = {
    "the", "and", "of", "with", "from", "this", "that", "which", "for", "are", "is", "was", "were", "by", "or",
    "to", "in", "on", "each", "every", "their", "its", "not", "no", "show", "shows", "showing", "events",
    "ruling", "rulings", "source", "sources", "choose", "all", "data", "download", "figures", "claims", "what",
}
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’|'[^']*'|\[[^\]]*\]\([^)]*\)")
WORD = re.compile(r"[A-Za-z]+")
MARKED = "en inglés"  # data text marked as English, "(en inglés)", escaped or not


def _texts(at) -> list[str]:
    """Every reader-facing text the page drew: headings, markdown, captions, notices, widget labels and options, table headers."""
    found: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        found += [str(element.value) for element in getattr(at, kind)]
    for kind in ("multiselect", "selectbox", "segmented_control", "toggle", "button", "radio", "slider", "text_input", "checkbox"):
        for element in getattr(at, kind):
            found.append(str(element.label))
            found += [str(option) for option in getattr(element, "options", []) or []]
            if getattr(element, "placeholder", None):
                found.append(str(element.placeholder))
    found += [str(expander.label) for expander in at.expander]
    for frame in at.dataframe:
        found += [str(column) for column in frame.value.columns]
    return found


def _reads_as_english(text: str) -> bool:
    if text.lstrip().startswith(">") or MARKED in text:
        return False  # a verbatim quote, or data text marked as English
    words = [word.lower() for word in WORD.findall(QUOTED.sub(" ", text))]
    return sum(word in ENGLISH for word in words) >= 3 or (len(words) <= 3 and bool(words) and all(word in ENGLISH for word in words))


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page or "overview")
def test_page_in_spanish_leaves_no_interface_text_in_english(page):
    english = open_page(page)
    spanish = open_page(page, {"lang": "es"})
    assert not spanish.exception, spanish.exception
    same = set(_texts(english)) & set(_texts(spanish))
    left = sorted(text for text in same if _reads_as_english(text))
    assert left == [], "English left on the Spanish page:\n" + "\n".join(text[:160] for text in left)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page or "overview")
def test_page_in_spanish_writes_numbers_the_spanish_way(page):
    spanish = open_page(page, {"lang": "es"})
    prose = [text for text in _texts(spanish) if not text.lstrip().startswith(">") and MARKED not in text]
    # 5,000 written the English way in Spanish prose (outside quotes and source titles).
    english_numbers = [text for text in prose if re.search(r"(?<![\d.,])\d{1,3}(,\d{3})+(?![\d,])", QUOTED.sub(" ", text))]
    assert english_numbers == [], "\n".join(english_numbers[:10])
