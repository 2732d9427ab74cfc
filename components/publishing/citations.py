"""'Cite this chart' and permalinks: ready text a journalist can paste, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from urllib.parse import urlencode

from components.i18n import formats, gettext_for


def permalink(site: str, path: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """site + path + the view's query string (repeated keys for several values), in a stable order."""
    pairs: list[tuple[str, str]] = []
    for key in sorted(params):
        value = params[key]
        values = [value] if isinstance(value, str) else list(value)
        pairs += [(key, str(item)) for item in values if str(item) != ""]
    query = urlencode(pairs)
    return f"{site.rstrip('/')}/{path.lstrip('/')}" + (f"?{query}" if query else "")


def cite_text(title: str, version: str, accessed: date, url: str, lang: str = "en") -> str:
    """Tren de Aragua tracker, “Title”, data version 3f2a9c, accessed 21 November 2026, <url>."""
    _ = gettext_for(lang)
    return _("{tracker}, “{title}”, data version {version}, accessed {accessed}, {url}").format(
        tracker=_("Tren de Aragua tracker"), title=title, version=version, accessed=formats.day(accessed, lang), url=url,
    )


def stamp_line(version: str, as_of: str = "", lang: str = "en") -> str:
    """The line inside every exported image: 'Tren de Aragua tracker · data version 3f2a9c · as of …'."""
    _ = gettext_for(lang)
    parts = [_("Tren de Aragua tracker"), _("data version {version}").format(version=version)]
    if as_of:
        parts.append(as_of)
    return " · ".join(parts)
