"""Checks that keep the catalogues honest: every message in the code is in the Spanish catalogue,
translated, with the same placeholders; nothing in the catalogue is left over from old code.

Used by the tests and by ``python -m tools.i18n``; pure functions, no streamlit.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

from components.i18n import DOMAIN, LOCALES, read_catalogue

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "babel.cfg"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "N_": None}
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def extract() -> Catalog:
    """Every message marked in the code (dashboard.py, app_pages/, components/), as a babel Catalog."""
    from babel.messages.frontend import parse_mapping_cfg

    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(domain=DOMAIN, project="Tren de Aragua tracker", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> set[str]:
    """The {name} and %(name)s placeholders in a message."""
    names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    return names | set(_PRINTF.findall(text)) - {"%%"}


@dataclass(frozen=True)
class Problem:
    msgid: str
    context: str | None
    problem: str

    def __str__(self) -> str:
        where = f" (context {self.context!r})" if self.context else ""
        return f"{self.problem}: {self.msgid!r}{where}"


def _ids(message) -> tuple:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def check(lang: str = "es", code: Catalog | None = None, translated: Catalog | None = None) -> list[Problem]:
    """What is wrong with a language's catalogue against the code: missing, untranslated,
    fuzzy, placeholders that differ, plural forms left empty, and messages the code no longer has."""
    code = extract() if code is None else code
    translated = read_catalogue(lang) if translated is None else translated
    problems: list[Problem] = []
    if translated is None:
        return [Problem("", None, f"no catalogue for {lang} under {LOCALES / lang}")]
    for message in code:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        found = translated.get(key, context=message.context)
        if found is None:
            problems.append(Problem(key, message.context, "not in the catalogue (run python -m tools.i18n update)"))
            continue
        strings = _strings(found)
        if found.fuzzy:
            problems.append(Problem(key, message.context, "marked fuzzy: check the translation"))
        if not all(strings):
            problems.append(Problem(key, message.context, "not translated (every plural form needs a translation)"))
            continue
        wanted = set().union(*(placeholders(text) for text in _ids(message)))
        for text in strings:
            if placeholders(text) != wanted:
                problems.append(Problem(key, message.context, f"placeholders differ: {sorted(placeholders(text))} vs {sorted(wanted)}"))
                break
    in_code = {(m.id[0] if isinstance(m.id, tuple) else m.id, m.context) for m in code if m.id}
    for message in translated:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key and (key, message.context) not in in_code:
            problems.append(Problem(key, message.context, "in the catalogue but no longer in the code (run python -m tools.i18n update)"))
    return problems
