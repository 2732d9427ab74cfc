"""Embeds: a URL that shows one chart alone, and the <iframe> snippet a newsroom pastes into a story.

Pure (no streamlit). A live embed is the dashboard's embed page (app_pages/embed.py, url path 'embed')
with the chart's id, the reader's language and the chart's own view in its query string, plus
Streamlit's own ?embed=true (no header, toolbar or padding). A frozen embed points at the static
site's copy for one data version, `<site_base>/v/<version>/embed/<chart_id>-<lang>.html`, which
never changes after publication.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence

from components import i18n
from components.i18n import formats, gettext_for
from components.publishing import citations, registry

PAGE_PATH = "embed"  # the embed page's url_path in dashboard.py
CHART_PARAM = "chart"
SITE_ENV = "TDA_SITE_URL"  # where the static site is published (a CDN or bucket address)
DEFAULT_SITE_BASE = "site/"  # relative: `make site` writes there; set TDA_SITE_URL to the published address
EMBEDDABLE: tuple[str, ...] = tuple(registry.CHARTS)

# Room under the chart in the embed: the data version and the link back to the tracker (two lines on a
# phone), and the folded list of full citations.
BELOW_CHART_PX = 120
DEFAULT_CHART_PX = 450
MAP_PX = 560  # the pydeck map's height, as on the map page
MAP_LEGENDS_PX = 300  # the title, legends and size caption above the map (about 450 px at 320 px wide, 180 px at 1200)
MIN_HEIGHT_PX = 320


def site_base() -> str:
    """The static site's base URL: TDA_SITE_URL when set, else the relative 'site/'."""
    return os.environ.get(SITE_ENV, "").strip() or DEFAULT_SITE_BASE


def is_embeddable(chart_id: object) -> bool:
    return isinstance(chart_id, str) and chart_id in registry.CHARTS


def frozen_path(chart_id: str, lang: str, version: str) -> str:
    """The static site's frozen embed, relative to its base: v/<version>/embed/<chart_id>-<lang>.html."""
    return f"v/{version}/embed/{chart_id}-{i18n.normalize(lang)}.html"


def embed_url(
    site: str, chart_id: str, lang: str, view: Mapping[str, Sequence[str]] | None = None, version: str | None = None,
    static_base: str | None = None,
) -> str:
    """The embed URL of a chart.

    Live (version None): <site>/embed?chart=<id>&embed=true&lang=<lang>&<the chart's own view>, following data updates.
    Frozen (a data version): <static_base or site_base()>/v/<version>/embed/<id>-<lang>.html, never changing.
    """
    if chart_id not in registry.CHARTS:
        raise KeyError(chart_id)
    if version:
        base = (site_base() if static_base is None else static_base).rstrip("/")
        path = frozen_path(chart_id, lang, version)
        return f"{base}/{path}" if base else path
    params: dict[str, str | list[str]] = dict(registry.view_of(chart_id, view or {}))
    params.update({CHART_PARAM: chart_id, "embed": "true", "lang": i18n.normalize(lang)})
    return citations.permalink(site, PAGE_PATH, params)


def page_url(site: str, chart_id: str, lang: str, view: Mapping[str, Sequence[str]] | None = None) -> str:
    """The chart's own page with the same view and language: the embed's 'View on the tracker' link."""
    params: dict[str, str | list[str]] = dict(registry.view_of(chart_id, view or {}))
    if i18n.normalize(lang) != i18n.DEFAULT_LANG:
        params["lang"] = i18n.normalize(lang)
    return citations.permalink(site, registry.CHARTS[chart_id].page, params)


def height_for(chart_id: str, figure_height: object = None) -> int:
    """A sensible iframe height: the chart as laid out for a phone (its layout.height), plus the lines under it."""
    if chart_id == "map":
        return MAP_LEGENDS_PX + MAP_PX + BELOW_CHART_PX
    try:
        chart_px = int(figure_height) if figure_height else DEFAULT_CHART_PX
    except (TypeError, ValueError):
        chart_px = DEFAULT_CHART_PX
    return max(MIN_HEIGHT_PX, chart_px + BELOW_CHART_PX)


def iframe_snippet(url: str, title: str, height: int) -> str:
    """<iframe …>: full width of the story's column, the given height, no border, lazily loaded; escaped."""
    return (
        f'<iframe src="{html.escape(url, quote=True)}" title="{html.escape(title, quote=True)}" '
        f'width="100%" height="{int(height)}" style="border:0;width:100%;max-width:100%" '
        'loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>'
    )


def snippet(
    site: str, chart_id: str, lang: str, view: Mapping[str, Sequence[str]] | None = None, figure_height: object = None,
    version: str | None = None,
) -> str:
    """The ready <iframe> snippet for a chart's page: its embed URL, its title in lang and a height for it."""
    url = embed_url(site, chart_id, lang, view, version)
    return iframe_snippet(url, embed_title(chart_id, lang), height_for(chart_id, figure_height))


def embed_title(chart_id: str, lang: str = "en") -> str:
    """'Membership estimates · Tren de Aragua tracker': the iframe's title, read by screen readers."""
    _ = gettext_for(lang)
    # TRANSLATORS: the title of an embedded chart's frame: {chart} is the chart's name.
    return _("{chart} · Tren de Aragua tracker").format(chart=registry.title(chart_id, lang))


def link_text(lang: str = "en") -> str:
    _ = gettext_for(lang)
    # TRANSLATORS: the link under an embedded chart back to the chart's page on the dashboard.
    return _("View on the Tren de Aragua tracker")


def version_line(version: str, lang: str = "en") -> str:
    _ = gettext_for(lang)
    return _("Data version {version}").format(version=version)


def sources_label(count: int, lang: str = "en") -> str:
    """The label of the embed's list of full citations (the chart itself carries its short source line)."""
    ngettext = i18n.ngettext_for(lang)
    return ngettext("Source ({n})", "Sources ({n})", count).format(n=formats.number(count, lang))


def unknown_chart(lang: str = "en") -> str:
    _ = gettext_for(lang)
    # TRANSLATORS: an embed link whose chart id is not one the tracker publishes.
    return _("This embed link does not name a chart of the Tren de Aragua tracker. Copy the embed code again from the chart's page.")
