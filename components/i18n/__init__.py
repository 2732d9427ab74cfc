"""The tracker in English and Spanish: the reader's language and the message catalogues.

English is the language of the code: a message's English text is its msgid. Spanish lives in
gettext catalogues under ``locales/es/LC_MESSAGES/`` (``.po`` files, read and compiled in memory
the first time a language is asked for, so no compiled ``.mo`` can go stale). Functions that build
reader-facing text take ``lang`` and look their words up here; nothing in this package imports
streamlit.

    _ = i18n.gettext_for(lang)          # in a function that takes lang
    _("Map of events")
    i18n.ngettext_for(lang)("{n} event", "{n} events", n).format(n=...)

A string defined at import time (a module-level table of labels) is marked with ``N_`` for the
extractor and translated where it is shown: ``_(LABELS[code])``.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT_LANG = "en"
LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
# Babel's locale for each language: neutral Spanish ('es') groups thousands with '.' (5.000).
BABEL_LOCALES = {"en": "en_US", "es": "es"}


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it yet (translate it where it is shown)."""
    return message


def normalize(lang: object) -> str:
    """A supported language code; anything else is the default (English)."""
    return lang if isinstance(lang, str) and lang in LANGS else DEFAULT_LANG


def catalogue_files(lang: str) -> list[Path]:
    """The .po files of one language (one catalogue, possibly kept in several files)."""
    return sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))


def read_catalogue(lang: str):
    """One babel Catalog with every message of a language's .po files (later files do not override earlier ones)."""
    merged = None
    for path in catalogue_files(lang):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            # Babel's `in` ignores the context: look the message up with its context.
            if message.id and merged.get(message.id, context=message.context) is None:
                merged[message.id] = message
    return merged


@functools.cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalogue of a language, compiled once per process and shared by every session (read-only)."""
    lang = normalize(lang)
    if lang == DEFAULT_LANG:
        return gettext.NullTranslations()
    catalog = read_catalogue(lang)
    if catalog is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(lang: str) -> Callable[[str], str]:
    """_(message) in a language."""
    return translation(normalize(lang)).gettext


def ngettext_for(lang: str) -> Callable[[str, str, int], str]:
    """ngettext(singular, plural, n) in a language (Spanish has three plural forms in Babel's catalogue)."""
    return translation(normalize(lang)).ngettext


def pgettext_for(lang: str) -> Callable[[str, str], str]:
    """pgettext(context, message): the same English word translated differently by context."""
    return translation(normalize(lang)).pgettext


def babel_locale(lang: str) -> str:
    """The Babel locale used to format numbers and dates for a language."""
    return BABEL_LOCALES[normalize(lang)]
