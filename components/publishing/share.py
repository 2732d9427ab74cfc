"""Sharing a view of the dashboard: its permalink, the data date and version a reader sees, and a chart's image file.

Pure helpers (no streamlit): components.widgets reads the page's query string, tables and data
version and passes them in; the same functions draw a download exactly as the page shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from components import chart_layout, i18n
from components.i18n import formats
from components.publishing import citations, exports, registry

# The tables each chart is drawn from (in the reader's language; the figures charts also read the English figures).
NEEDS: dict[str, tuple[str, ...]] = {
    "membership-estimates": ("figures", "sources"),
    "annual-profits": ("figures", "sources"),
    "venezuelan-population-us": ("figures", "sources"),
    "gang-linked-migrants-in-context": ("figures", "sources"),
    "cbp-venezuelan-encounters": ("series", "milestones", "rulings", "sources"),
    "rulings-timeline": ("rulings", "sources"),
    "claims-by-topic": ("claims", "assessments", "sources"),
    "map": ("events", "presence", "sources"),
}
ENGLISH_NEEDS: dict[str, tuple[str, ...]] = {chart: ("figures",) for chart, needs in NEEDS.items() if "figures" in needs}
DEFAULT_CHOICE = "social-png-2"


def short_version(version: str) -> str:
    """The data version as readers see it: its first 6 characters."""
    return version[:6]


def page_params(query: Mapping[str, Sequence[str]], lang: str) -> dict[str, list[str]]:
    """Every query parameter of the view (filters, selection, period) and the language, always explicit."""
    params = {str(key): [str(value) for value in values if str(value) != ""] for key, values in query.items()}
    params = {key: values for key, values in params.items() if values}
    params["lang"] = [i18n.normalize(lang)]
    return params


def data_date(changes: pd.DataFrame) -> str:
    """The data's date for file names: the last change in the change log (ISO), else today."""
    dated = pd.to_datetime(changes["date"], errors="coerce").dropna() if len(changes) and "date" in changes else pd.Series(dtype="datetime64[ns]")
    return dated.max().strftime("%Y-%m-%d") if len(dated) else date.today().isoformat()


def updated_line(day: str, lang: str = "en") -> str:
    """'last updated 21 November 2026', the as-of part of an exported image's stamp."""
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: the last part of the line inside an exported chart image, after the data version.
    return _("last updated {date}").format(date=formats.day(day, lang))


def footer_text(version: str, day: str, lang: str = "en") -> str:
    """'Data version 3f2a9c · last updated 21 November 2026' at the foot of every page."""
    _ = i18n.gettext_for(lang)
    return _("Data version {version} · last updated {date}").format(version=short_version(version), date=formats.day(day, lang))


def download_name(chart_id: str, lang: str, day: str, version: str, choice: str) -> str:
    size, image_format, scale = exports.parse_choice(choice)
    return exports.filename(chart_id, lang, day, version, size.name, image_format, scale)


def download_mime(choice: str) -> str:
    return exports.MIME[exports.parse_choice(choice)[1]]


def draw_for_export(chart_id: str, tables: registry.Tables, english: registry.Tables, lang: str, view: registry.View, choice: str, version: str, day: str):
    """The chart drawn for an image of the chosen size, with the tracker's name, the data version and date inside."""
    size, _format, _scale = exports.parse_choice(choice)
    stamp = citations.stamp_line(short_version(version), updated_line(day, lang), lang)
    with chart_layout.sized(size.width, size.height, stamp=stamp):
        return registry.draw(chart_id, tables, english, lang, view).figure


def export_chart(chart_id: str, tables: registry.Tables, english: registry.Tables, lang: str, view: registry.View, choice: str, version: str, day: str) -> bytes:
    """The file a 'Download image' click gives: the chart as the page shows it (its view), at the chosen size and format."""
    size, image_format, scale = exports.parse_choice(choice)
    figure = draw_for_export(chart_id, tables, english, lang, view, choice, version, day)
    return exports.render(figure, size.name, image_format, scale)


def cite(chart_id: str, version: str, accessed: date, url: str, lang: str = "en") -> str:
    """'Cite this chart': tracker, chart title, data version, date accessed and the permalink of the view."""
    return citations.cite_text(registry.title(chart_id, lang), short_version(version), accessed, url, lang)
