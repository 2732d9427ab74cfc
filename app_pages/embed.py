"""One chart alone, for an <iframe> in a story: ?chart=<id>&lang=..&<the chart's own view>&embed=true.

The chart (its title is inside it), its source line, the data version and a link back to the chart's page
with the same view. No navigation, language switch, page title or page text (dashboard.py hides them
on this page; Streamlit's ?embed=true hides its header and toolbar).
"""

from collections.abc import Iterator, Mapping

import streamlit as st

from components import charts, datasets, maps, timeline, widgets
from components.publishing import embeds, registry

lang = widgets.current_lang()
# Streamlit has no page-language setting: screen readers read <html lang> (the language switch sets it elsewhere).
st.html(f"<script>document.documentElement.lang = {lang!r};</script>", unsafe_allow_javascript=True)

chart_id = st.query_params.get(embeds.CHART_PARAM, "")
if not embeds.is_embeddable(chart_id):
    st.info(embeds.unknown_chart(lang), icon=":material/link_off:")
    st.stop()


class _Tables(Mapping):
    """The tables in one language, each loaded (through the cached loaders) only when a chart asks for it."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __getitem__(self, name: str):
        return getattr(datasets, f"load_{name}")(self.language)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


tables, english = _Tables(lang), _Tables("en")
view = registry.view_of(chart_id, {key: st.query_params.get_all(key) for key in st.query_params})
sources = tables["sources"]

if chart_id == "map":
    # The interactive map, as on the map page: legends above it, a text tooltip, the page scrolls through it.
    events, presence = tables["events"], tables["presence"]
    picked = registry.map_rows(events, view)
    shown = maps.event_labels(picked, lang)
    st.markdown(f"**{registry.title(chart_id, lang)}**")
    st.markdown(maps.event_type_legend(shown, lang), unsafe_allow_html=True)
    st.markdown(maps.presence_legend(presence, lang), unsafe_allow_html=True)
    st.caption(maps.size_caption(shown, lang))
    st.html(maps.SCROLL_THROUGH_CSS)
    st.pydeck_chart(
        maps.events_map(shown, presence, explore=False, lang=lang), height=embeds.MAP_PX, key="embed_map",
        alt=maps.map_alt(shown, presence, lang),
    )
    source_ids = list(shown["source_id"]) + list(presence["source_id"])
else:
    drawn = registry.draw(chart_id, tables, english, lang, view)
    if chart_id == "rulings-timeline":
        config, alt = timeline.EXPORT_CONFIG, timeline.alt_text(drawn.figure, drawn.rows, lang=lang)
    else:
        config, alt = charts.chart_config(f"tren-de-aragua-{chart_id}", lang=lang), charts.describe(drawn.figure)
    st.plotly_chart(drawn.figure, theme=None, config=config, key="embed_chart", alt=alt)
    source_ids = drawn.source_ids

# The version and the link first, so they show inside an iframe of the snippet's height; then the full
# citations, folded (the map's events can cite dozens of sources; a chart carries its short source line).
version = (datasets.load_state().version if datasets.current_errors() else datasets.data_version())[:6]
link = embeds.page_url(widgets.site_url(), chart_id, lang, view)
st.markdown(f":small[{embeds.version_line(version, lang)} · [{embeds.link_text(lang)}]({link})]")
cited = [source_id for source_id in dict.fromkeys(source_ids) if source_id in set(sources["source_id"])]
with st.expander(embeds.sources_label(len(cited), lang), icon=":material/menu_book:"):
    widgets.source_note(cited, sources)
# Nothing after the chart: the dashboard's footer (drawn after every page) is not part of an embed.
st.stop()
