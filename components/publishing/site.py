"""The static site: every published chart in English and Spanish, as pages any static host or CDN can serve.

    python -m tools.build_site --site-dir site/ --data-dir data/      (or: make site SITE_DIR=...)

Layout of the site folder:
    index.html                  both languages, every version built
    versions.json               the versions built, newest first
    latest/                     a copy of the newest version
    v/<version>/                one data version (12 hex, datasets.data_version); other versions are never touched
        index-<lang>.html       every chart: title, thumbnail, links
        charts/<id>-<lang>.html a standalone interactive chart (plotly, from assets/plotly.min.js)
        charts/<id>-<lang>-web.png|svg, -social.png|svg, .csv
        embed/<id>-<lang>.html  the chart alone, for an <iframe>
        map-<lang>.html         the interactive map (deck.gl from the pydeck wheel's own bundle)
        assets/                 plotly.js, deck.gl, the country shapes and their licence

Every page is UTF-8, names its language, links only inside the site (relative links, so it works
from file://) except the link back to the live dashboard (TDA_APP_URL), and loads nothing from
elsewhere: no CDN, tiles or web fonts. Every piece of data text is escaped. The pages of a version
depend only on the data and the code, never on the time of the build, so rebuilding a version
writes the same pages again. Pure (no streamlit).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from components import charts, downloads, i18n, maps, safety, theme
from components.i18n import formats
from components.i18n.data import localize
from components.publishing import citations, embeds, exports, registry, share
from components.validation import ROOT, load_package

LANGS: tuple[str, ...] = tuple(i18n.LANGS)
APP_URL_ENV = "TDA_APP_URL"
DEFAULT_APP_URL = "http://127.0.0.1:8501"
IMAGE_SIZES = ("web", "social")
IMAGE_FORMATS = ("png", "svg")
STATIC = ROOT / "static"
PYDECK_BUNDLE = "nbextension/static/index.js"  # @deck.gl/jupyter-widget's build inside the pydeck wheel: defines createDeck
ASSETS = {
    "plotly": "plotly.min.js",
    "deck": "deckgl-jupyter-widget.js",
    "land": "countries-110m.js",  # the shapes as a script: a page opened from file:// cannot fetch() a file
    "land_json": "countries-110m.geojson",
    "style": "blank-style.json",
    "licence": "LICENSE-world-atlas.txt",
}
MAP_PX = embeds.MAP_PX
LAND_GLOBAL = "TDA_COUNTRIES"


def app_url() -> str:
    """The live dashboard's address, for the links back to it: TDA_APP_URL, else the local one."""
    return (os.environ.get(APP_URL_ENV, "").strip() or DEFAULT_APP_URL).rstrip("/")


# --------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Data:
    version: str  # 12 hex
    day: str  # ISO date of the data (the change log's last change)
    tables: Mapping[str, Mapping[str, pd.DataFrame]]  # lang -> table name -> frame in that language
    english: Mapping[str, pd.DataFrame]


def load(data_dir: Path) -> Data:
    """The package in every language, or a ValueError naming the data's errors."""
    from components import datasets  # the version as the app computes it

    package = load_package(Path(data_dir))
    if package.errors:
        listed = "; ".join(f"{error.file}:{error.row} {error.message}" for error in package.errors[:5])
        raise ValueError(f"the data in {data_dir} does not validate ({len(package.errors)} errors): {listed}")
    english = package.tables
    translations = english["translations"]
    tables = {lang: {name: localize(frame, name, lang, translations, english["sources"]) for name, frame in english.items()} for lang in LANGS}
    return Data(datasets.data_version(Path(data_dir)), share.data_date(english["changes"]), tables, english)


# --------------------------------------------------------------------------------------------
# Page pieces


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: '<', '>' and '&' written as escapes, so data cannot close the element."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


CSS = f"""
:root {{ color-scheme: light; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {theme.FONT}; color: {theme.INK}; background: {theme.PAPER}; line-height: 1.5; }}
main, header, footer {{ max-width: 1100px; margin: 0 auto; padding: 0 16px; }}
header {{ padding-top: 12px; display: flex; flex-wrap: wrap; gap: 4px 20px; font-size: 0.95rem; }}
h1 {{ font-size: 1.6rem; line-height: 1.25; margin: 0.6em 0 0.3em; }}
h2 {{ font-size: 1.2rem; margin: 1.4em 0 0.4em; }}
a {{ color: #0b57a4; }}
.meta, .source {{ color: {theme.GREY}; font-size: 0.9rem; }}
.chart {{ width: 100%; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 20px; padding: 0; list-style: none; }}
.grid > li {{ border: 1px solid #d0d7de; border-radius: 6px; padding: 12px; }}
.grid img {{ width: 100%; height: auto; border: 1px solid #eee; }}
.links {{ display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; list-style: none; }}
pre, code {{ white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85rem; }}
pre {{ background: #f6f8fa; padding: 8px; border-radius: 4px; }}
.scroll {{ overflow-x: auto; max-width: 100%; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }}
td, th {{ border-bottom: 1px solid #e5e5e5; padding: 4px 8px; text-align: left; vertical-align: top; }}
#deck {{ position: relative; width: 100%; height: {MAP_PX}px; background: {{water}}; overflow: hidden; }}
.embed body, body.embed {{ padding: 0 4px; }}
body.embed main {{ padding: 0; max-width: none; }}
footer {{ padding-bottom: 24px; }}
"""


def page(lang: str, title: str, body: str, *, head: str = "", body_class: str = "", water: str = "#dfeaf2") -> str:
    classes = f' class="{esc(body_class)}"' if body_class else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<link rel="icon" href="data:,">\n'  # no request for /favicon.ico (a 404 on most hosts)
        f"<title>{esc(title)}</title>\n<style>{CSS.replace('{water}', water)}</style>\n{head}</head>\n"
        f"<body{classes}>\n{body}\n</body>\n</html>\n"
    )


def other_lang(lang: str) -> str:
    return next(code for code in LANGS if code != lang)


def live_url(chart_id: str, lang: str, view: Mapping[str, Sequence[str]] | None = None) -> str:
    """The chart's page on the live dashboard with the same view and language."""
    params: dict[str, str | list[str]] = dict(registry.view_of(chart_id, view or {}))
    params["lang"] = i18n.normalize(lang)
    return citations.permalink(app_url(), registry.CHARTS[chart_id].page, params)


def frozen_url(chart_id: str, lang: str, version: str) -> str:
    """The chart's own page in this version, absolute when TDA_SITE_URL says where the site is published."""
    path = f"v/{version}/" + (f"map-{lang}.html" if chart_id == "map" else f"charts/{chart_id}-{lang}.html")
    base = os.environ.get(embeds.SITE_ENV, "").strip().rstrip("/")
    return f"{base}/{path}" if base else path


def footer(data: Data, lang: str, chart_id: str | None = None) -> str:
    _ = i18n.gettext_for(lang)
    words = [_("Open the live dashboard")]  # the page's words (literal, for the catalogue)
    link = live_url(chart_id, lang) if chart_id else citations.permalink(app_url(), "", {"lang": lang})
    return (
        f'<footer><p class="meta">{esc(share.footer_text(data.version, data.day, lang))} · '
        f'<a href="{esc(link)}" rel="noopener">{esc(words[0])}</a></p></footer>'
    )


def cite_block(data: Data, chart_id: str, lang: str) -> str:
    """'Cite this chart': the ready text; the page fills in today's date and its own address where it is read."""
    _ = i18n.gettext_for(lang)
    words = [_("Cite this chart"), _("Copy")]  # the page's words (literal, for the catalogue)
    url = frozen_url(chart_id, lang, data.version)
    text = share.cite(chart_id, data.version, pd.Timestamp(data.day).date(), url, lang)
    return (
        f'<section id="cite"><h2>{esc(words[0])}</h2>'
        f'<pre id="cite-text" data-url="{esc(url)}" data-day="{esc(formats.day(data.day, lang))}">{esc(text)}</pre>'
        f'<button type="button" id="cite-copy">{esc(words[1])}</button></section>'
    )


# Fills in the cite text's date accessed (today, in the page's language) and, when the page is served from a host,
# the frozen page's full address (body data-root leads from the page to the site's root; from file:// the address
# stays the site's relative path). Text only, never HTML.
CITE_SCRIPT = """<script>
(function () {
  var box = document.getElementById("cite-text");
  if (!box) { return; }
  var lang = document.documentElement.lang, text = box.textContent;
  try {
    var today = new Date().toLocaleDateString(lang === "es" ? "es" : "en-GB", {day: "numeric", month: "long", year: "numeric"});
    text = text.replace(box.dataset.day, today);
    if (/^https?:$/.test(location.protocol) && !/^https?:/.test(box.dataset.url)) {
      text = text.replace(box.dataset.url, new URL((document.body.dataset.root || "") + box.dataset.url, location.href).href);
    }
  } catch (error) { /* keep the text as written */ }
  box.textContent = text;
  var button = document.getElementById("cite-copy");
  if (button && navigator.clipboard) {
    button.addEventListener("click", function () { navigator.clipboard.writeText(box.textContent); });
  } else if (button) { button.hidden = true; }
})();
</script>
"""


def nav(lang: str, pattern: str, depth: int) -> str:
    """Back to the language's index and the same page in the other language (pattern: 'x-{lang}.html')."""
    _ = i18n.gettext_for(lang)
    words = [_("All charts")]  # the page's words (literal, for the catalogue)
    up = "../" * depth
    other = other_lang(lang)
    return (
        f'<header><a href="{up}index-{lang}.html">{esc(words[0])}</a>'
        f'<a href="{esc(pattern.format(lang=other))}" hreflang="{other}" lang="{other}">{esc(i18n.LANGS[other])}</a></header>'
    )


# --------------------------------------------------------------------------------------------
# Charts


def draw(data: Data, chart_id: str, lang: str) -> registry.Drawn:
    return registry.draw(chart_id, data.tables[lang], data.english, lang, {})


def rows_csv(data: Data, chart_id: str, lang: str, drawn: registry.Drawn) -> bytes:
    """The rows behind the chart as the dashboard's downloads write them (downloads.py), formulas neutralised."""
    sources = data.tables[lang]["sources"]
    rows = drawn.rows
    writers: dict[str, Callable[[pd.DataFrame, pd.DataFrame, str], pd.DataFrame]] = {
        "cbp-venezuelan-encounters": downloads.series,
        "rulings-timeline": downloads.rulings,
        "map": downloads.events,
    }
    writer = writers.get(chart_id) or (downloads.figures if registry.CHARTS[chart_id].page == "figures" else None)
    try:
        frame = writer(rows, sources, lang) if writer else downloads.machine_frame(downloads.with_source(rows, sources, lang), lang)
    except (KeyError, ValueError):
        frame = downloads.machine_frame(rows, lang)
    return safety.csv_download(frame)


_SVG_UID = re.compile(rb'id="defs-([0-9a-f]{6})"')


def stable_svg(svg: bytes, name: str) -> bytes:
    """plotly.js names the clip paths of an SVG after a random id; a fixed one makes a rebuild write the same bytes."""
    found = _SVG_UID.search(svg)
    if not found:
        return svg
    fixed = hashlib.sha1(name.encode()).hexdigest()[:6].encode()
    return re.sub(rb"(?<=[a-z\-])" + found.group(1) + rb"(?![0-9a-f])", fixed, svg)


def images(data: Data, chart_id: str, lang: str) -> dict[str, bytes]:
    """'web.png' -> bytes…: the chart laid out for each size, with the stamp, through the one warm export browser."""
    out: dict[str, bytes] = {}
    for size in IMAGE_SIZES:
        figure = share.draw_for_export(chart_id, data.tables[lang], data.english, lang, {}, f"{size}-png-1", data.version, data.day)
        for index, trace in enumerate(figure.data):
            trace.uid = f"trace-{index}"  # else plotly.js names each trace's group at random in the SVG
        for image_format in IMAGE_FORMATS:
            rendered = exports.render(figure, size, image_format, 1)
            out[f"{size}.{image_format}"] = stable_svg(rendered, f"{chart_id}-{lang}-{size}") if image_format == "svg" else rendered
    return out


def plot_div(figure: go.Figure, div_id: str, chart_id: str, lang: str, version: str, day: str) -> str:
    name = exports.filename(chart_id, lang, day, version, "web", "png", 2)[: -len("-web@2x.png")]
    config = charts.chart_config(name, lang=lang)
    return figure.to_html(full_html=False, include_plotlyjs=False, config=config, div_id=div_id, default_width="100%")


def chart_page(data: Data, chart_id: str, lang: str, drawn: registry.Drawn) -> str:
    _ = i18n.gettext_for(lang)
    words = [_("Download"), _("The chart alone, to embed"), _("Embed this chart"), _("See this chart on the live dashboard")]  # the page's words (literal, for the catalogue)
    title = registry.title(chart_id, lang)
    sources = data.tables[lang]["sources"]
    base = f"{chart_id}-{lang}"
    source = charts.source_line(drawn.source_ids, sources, lang=lang)
    embed_url = embeds.embed_url(app_url(), chart_id, lang, version=data.version)
    snippet = embeds.iframe_snippet(embed_url, embeds.embed_title(chart_id, lang), embeds.height_for(chart_id, drawn.figure.layout.height))
    links = _download_links(base, _("The data behind the chart (CSV)"), lang)
    body = (
        nav(lang, chart_id + "-{lang}.html", 1)
        + f"<main><h1>{esc(title)}</h1>"
        + f'<div class="chart">{plot_div(drawn.figure, "chart", chart_id, lang, data.version, data.day)}</div>'
        + f'<p class="source">{esc(source)}</p>'
        + f"<h2>{esc(words[0])}</h2><ul class=\"links\">{links}"
        + f'<li><a href="../embed/{esc(base)}.html">{esc(words[1])}</a></li></ul>'
        + f"<h2>{esc(words[2])}</h2><pre>{esc(snippet)}</pre>"
        + cite_block(data, chart_id, lang)
        + f'<p><a href="{esc(live_url(chart_id, lang))}" rel="noopener">{esc(words[3])}</a></p></main>'
        + footer(data, lang, chart_id)
        + CITE_SCRIPT
    )
    head = '<script src="../assets/plotly.min.js"></script>\n'
    return page(lang, embeds.embed_title(chart_id, lang), body, head=head).replace("<body>", '<body data-root="../../">', 1)


def embed_page(data: Data, chart_id: str, lang: str, drawn: registry.Drawn, inner: str, head: str) -> str:
    """The chart alone: the chart (its title inside), the source line, the data version, cite and live links."""
    _ = i18n.gettext_for(lang)
    words = [_("Cite this chart")]  # the page's words (literal, for the catalogue)
    sources = data.tables[lang]["sources"]
    source = charts.source_line(drawn.source_ids, sources, lang=lang)
    cite_page = "../map-{lang}.html#cite".format(lang=lang) if chart_id == "map" else f"../charts/{chart_id}-{lang}.html#cite"
    body = (
        f"<main>{inner}"
        f'<p class="source">{esc(source)}</p>'
        f'<p class="meta">{esc(embeds.version_line(data.version[:6], lang))} · '
        f'<a href="{esc(cite_page)}" target="_blank" rel="noopener">{esc(words[0])}</a> · '
        f'<a href="{esc(live_url(chart_id, lang))}" target="_blank" rel="noopener">{esc(embeds.link_text(lang))}</a></p></main>'
    )
    return page(lang, embeds.embed_title(chart_id, lang), body, head=head, body_class="embed", water=theme.WATER)


# --------------------------------------------------------------------------------------------
# The map


def deck_json(data: Data, lang: str, explore: bool) -> dict:
    """The app's deck (maps.events_map) with the shapes and basemap pointed at the site's own files."""
    tables = data.tables[lang]
    deck = json.loads(maps.events_map(tables["events"], tables["presence"], explore=explore, lang=lang).to_json())
    deck.pop("mapStyle", None)  # no basemap: the blank style is only a background colour, drawn by the page
    deck.pop("mapProvider", None)
    for layer in deck["layers"]:
        if layer.get("id") == "land":
            layer["data"] = None  # filled from assets/countries-110m.js (window.TDA_COUNTRIES) by the page
    return deck


def deck_block(data: Data, lang: str, explore: bool, up: str) -> tuple[str, str]:
    """(the map's HTML, the scripts it needs) for a page `up` levels under the version folder."""
    tooltip = {"text": maps.tooltip_text(lang), "style": maps.TOOLTIP_STYLE}
    alt = maps.map_alt(data.tables[lang]["events"], data.tables[lang]["presence"], lang)
    inner = (
        f'<div id="deck" role="img" aria-label="{esc(alt)}"></div>'
        f'<script type="application/json" id="deck-json">{script_json(deck_json(data, lang, explore))}</script>'
        f'<script type="application/json" id="deck-tooltip">{script_json(tooltip)}</script>'
        "<script>(function () {"
        'var deckJson = JSON.parse(document.getElementById("deck-json").textContent);'
        f'deckJson.layers.forEach(function (layer) {{ if (layer.id === "land") {{ layer.data = window.{LAND_GLOBAL}; }} }});'
        'window.tdaDeck = createDeck({container: document.getElementById("deck"), jsonInput: deckJson,'
        ' tooltip: JSON.parse(document.getElementById("deck-tooltip").textContent)});'
        "})();</script>"
    )
    head = f'<script src="{up}assets/{ASSETS["deck"]}"></script>\n<script src="{up}assets/{ASSETS["land"]}"></script>\n'
    return inner, head


def legends(data: Data, lang: str) -> str:
    tables = data.tables[lang]
    events = tables["events"]
    return maps.event_type_legend(events, lang) + maps.presence_legend(tables["presence"], lang) + f'<p class="meta">{esc(maps.size_caption(events, lang))}</p>'


def events_table(data: Data, lang: str) -> str:
    """Every event on the map as text: date, title, place, status and its source."""
    tables = data.tables[lang]
    labelled = maps.event_labels(tables["events"], lang)
    headers = maps.table_headers(lang)
    shown = [headers[key] for key in ("date_label", "title", "type_label", "status_label", "confidence_label", "place_label", "country_name", "publisher")]
    table = maps.event_table(labelled, tables["sources"], lang)[shown]
    heads = "".join(f"<th>{esc(column)}</th>" for column in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{esc('' if pd.isna(cell) else cell)}</td>" for cell in row) + "</tr>" for row in table.itertuples(index=False))
    return f'<div class="scroll"><table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></div>'


def map_page(data: Data, lang: str, drawn: registry.Drawn) -> str:
    _ = i18n.gettext_for(lang)
    words = [_("Drag to move the map, scroll or pinch to zoom; point at an event to read about it."), _("Download"), _("The map alone, to embed"), _("Embed this map"), _("The events on the map"), _("See the map on the live dashboard")]  # the page's words (literal, for the catalogue)
    tables = data.tables[lang]
    title = registry.title("map", lang)
    base = f"map-{lang}"
    inner, head = deck_block(data, lang, True, "")
    source = charts.source_line(drawn.source_ids, tables["sources"], lang=lang)
    links = _download_links(f"charts/{base}", _("The events on the map (CSV)"), lang)
    snippet = embeds.iframe_snippet(embeds.embed_url(app_url(), "map", lang, version=data.version), embeds.embed_title("map", lang), embeds.height_for("map"))
    body = (
        nav(lang, "map-{lang}.html", 0)
        + f"<main><h1>{esc(title)}</h1>"
        + f"<p>{esc(maps.shown_caption(maps.event_labels(tables['events'], lang), len(tables['events']), lang))}</p>"
        + legends(data, lang)
        + inner
        + f'<p class="meta">{esc(words[0])}</p>'
        + f'<p class="source">{esc(source)}</p>'
        + f"<h2>{esc(words[1])}</h2><ul class=\"links\">{links}"
        + f'<li><a href="embed/{esc(base)}.html">{esc(words[2])}</a></li></ul>'
        + f"<h2>{esc(words[3])}</h2><pre>{esc(snippet)}</pre>"
        + cite_block(data, "map", lang)
        + f"<h2>{esc(words[4])}</h2>{events_table(data, lang)}"
        + f'<p><a href="{esc(live_url("map", lang))}" rel="noopener">{esc(words[5])}</a></p></main>'
        + footer(data, lang, "map")
        + CITE_SCRIPT
    )
    return page(lang, embeds.embed_title("map", lang), body, head=head, water=theme.WATER).replace("<body>", '<body data-root="../">', 1)


# --------------------------------------------------------------------------------------------
# Indexes


def index_page(data: Data, lang: str, chart_ids: Sequence[str]) -> str:
    _ = i18n.gettext_for(lang)
    words = [_("Tren de Aragua tracker: every chart"), _("Every chart of the tracker for this data version: interactive, as images for a story, with the data behind it.")]  # the page's words (literal, for the catalogue)
    items = []
    for chart_id in chart_ids:
        title = registry.title(chart_id, lang)
        base = f"{chart_id}-{lang}"
        page_link = f"map-{lang}.html" if chart_id == "map" else f"charts/{base}.html"
        links = [
            (page_link, _("Interactive")),
            (f"charts/{base}-web.png", "PNG"),
            (f"charts/{base}-web.svg", "SVG"),
            (f"charts/{base}-social.png", _("PNG for social media")),
            (f"charts/{base}.csv", "CSV"),
            (f"embed/{base}.html", _("Embed")),
        ]
        listed = "".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for href, label in links)
        items.append(
            f'<li><h2><a href="{esc(page_link)}">{esc(title)}</a></h2>'
            f'<a href="{esc(page_link)}"><img src="charts/{esc(base)}-web.png" alt="{esc(title)}" loading="lazy"></a>'
            f'<ul class="links">{listed}</ul></li>'
        )
    other = other_lang(lang)
    body = (
        f'<header><a href="index-{other}.html" hreflang="{other}" lang="{other}">{esc(i18n.LANGS[other])}</a></header>'
        f"<main><h1>{esc(words[0])}</h1>"
        f"<p>{esc(words[1])}</p>"
        f'<ul class="grid">{"".join(items)}</ul></main>'
        + footer(data, lang)
    )
    return page(lang, _("Tren de Aragua tracker: every chart"), body)


def root_index(versions: list[dict]) -> str:
    """Both languages, the latest version and every version built (newest first)."""
    sections = []
    for lang in LANGS:
        _ = i18n.gettext_for(lang)
        words = [_("Data version {version}"), _("The latest charts"), _("Every data version")]  # the page's words (literal, for the catalogue)
        listed = "".join(
            f'<li><a href="v/{esc(entry["version"])}/index-{lang}.html">{esc(words[0].format(version=entry["version"][:6]))}</a>'
            f' · {esc(formats.day(entry["day"], lang))}</li>'
            for entry in versions
        )
        sections.append(
            f'<section lang="{lang}"><h2>{esc(i18n.LANGS[lang])}</h2>'
            f'<p><a href="latest/index-{lang}.html">{esc(words[1])}</a></p>'
            f"<h3>{esc(words[2])}</h3><ul>{listed}</ul></section>"
        )
    body = "<main><h1>Tren de Aragua tracker · Monitor del Tren de Aragua</h1>" + "".join(sections) + "</main>"
    return page("en", "Tren de Aragua tracker", body)


# --------------------------------------------------------------------------------------------
# The build


@dataclass
class Result:
    version: str
    seconds: float = 0.0
    bytes: int = 0
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)


COMPLETE_MARK = ".complete"  # written last in a version folder built in full: from then on it is frozen


def _download_links(base: str, csv_label: str, lang: str) -> str:
    """The list items linking a chart's images and its CSV (base: the files' path without size and extension)."""
    _ = i18n.gettext_for(lang)
    files = [
        (f"{base}-web.png", _("PNG for the web (800 px wide)")),
        (f"{base}-web.svg", _("SVG for the web")),
        (f"{base}-social.png", _("PNG for social media (1200 × 675)")),
        (f"{base}-social.svg", _("SVG for social media")),
        (f"{base}.csv", csv_label),
    ]
    return "".join(f'<li><a href="{esc(name)}" download>{esc(label)}</a></li>' for name, label in files)


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return  # the same bytes: leave the file (and its time stamps) as they are
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(path)


def write_assets(folder: Path) -> None:
    import plotly.offline
    import pydeck

    _write(folder / ASSETS["plotly"], plotly.offline.get_plotlyjs())
    _write(folder / ASSETS["deck"], (Path(pydeck.__file__).parent / PYDECK_BUNDLE).read_bytes())
    land = (STATIC / "countries-110m.geojson").read_text(encoding="utf-8")
    _write(folder / ASSETS["land_json"], land)
    _write(folder / ASSETS["land"], f"window.{LAND_GLOBAL} = {land.strip()};\n")
    _write(folder / ASSETS["style"], (STATIC / "blank-style.json").read_bytes())
    _write(folder / ASSETS["licence"], (STATIC / "LICENSE-world-atlas.txt").read_bytes())


def _size(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def _versions(site_dir: Path, data: Data) -> list[dict]:
    """versions.json with this version first (the newest), each version once."""
    path = site_dir / "versions.json"
    try:
        known = [entry for entry in json.loads(path.read_text(encoding="utf-8")) if isinstance(entry, dict) and "version" in entry]
    except (OSError, ValueError):
        known = []
    built = [entry for entry in known if entry["version"] != data.version and (site_dir / "v" / str(entry["version"])).is_dir()]
    return [{"version": data.version, "day": data.day}] + [{"version": str(entry["version"]), "day": str(entry.get("day", ""))} for entry in built]


def build(
    site_dir: Path | str = "site",
    data_dir: Path | str | None = None,
    charts_wanted: Iterable[str] | None = None,
    langs: Iterable[str] | None = None,
    log: Callable[[str], None] = print,
    rebuild: bool = False,
) -> Result:
    """Write v/<version>/ for the data in data_dir, then latest/ and the top index.

    A version already built in full is frozen: it is left exactly as published (stories embed it), even
    when the code that draws it has changed since; rebuild=True writes it again (a correction of the
    drawing itself, to be logged in public like any other)."""
    from components.validation import data_dir as default_data_dir

    started = time.monotonic()
    site_dir = Path(site_dir)
    data = load(Path(data_dir) if data_dir is not None else default_data_dir())
    chart_ids = [chart_id for chart_id in registry.CHARTS if charts_wanted is None or chart_id in set(charts_wanted)]
    languages = [lang for lang in LANGS if langs is None or lang in set(langs)]
    result = Result(data.version)
    folder = site_dir / "v" / data.version
    complete = folder / COMPLETE_MARK
    frozen = complete.exists() and not rebuild
    if frozen:
        log(f"  v/{data.version}/ is already published: left as it is (--rebuild-version writes it again)")
    else:
        write_assets(folder / "assets")
    for lang in [] if frozen else languages:
        for chart_id in chart_ids:
            began = time.monotonic()
            drawn = draw(data, chart_id, lang)
            base = f"{chart_id}-{lang}"
            for name, content in images(data, chart_id, lang).items():
                size, image_format = name.split(".")
                _write(folder / "charts" / f"{base}-{size}.{image_format}", content)
            _write(folder / "charts" / f"{base}.csv", rows_csv(data, chart_id, lang, drawn))
            if chart_id == "map":
                _write(folder / f"map-{lang}.html", map_page(data, lang, drawn))
                inner, head = deck_block(data, lang, False, "../")
                _write(folder / "embed" / f"{base}.html", embed_page(data, chart_id, lang, drawn, legends(data, lang) + inner, head))
            else:
                _write(folder / "charts" / f"{base}.html", chart_page(data, chart_id, lang, drawn))
                inner = f'<div class="chart">{plot_div(drawn.figure, "chart", chart_id, lang, data.version, data.day)}</div>'
                _write(folder / "embed" / f"{base}.html", embed_page(data, chart_id, lang, drawn, inner, '<script src="../assets/plotly.min.js"></script>\n'))
            result.timings[base] = time.monotonic() - began
            log(f"  {base}: {result.timings[base]:.1f} s")
        _write(folder / f"index-{lang}.html", index_page(data, lang, chart_ids))
    if not frozen and charts_wanted is None and langs is None:
        _write(complete, data.version + "\n")
    latest = site_dir / "latest"
    staging = site_dir / ".latest.part"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(folder, staging)
    shutil.rmtree(latest, ignore_errors=True)
    staging.rename(latest)
    versions = _versions(site_dir, data)
    _write(site_dir / "versions.json", json.dumps(versions, indent=2) + "\n")
    _write(site_dir / "index.html", root_index(versions))
    result.seconds = time.monotonic() - started
    result.bytes, result.files = _size(site_dir)
    return result
