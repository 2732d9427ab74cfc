"""Where Tren de Aragua is reported, and what happened where: events on a map, with details, table and sources."""

import streamlit as st

from components import datasets, i18n, labels, mapgrid, maps, scale, widgets
from components.i18n import formats
from components.safety import escape_markdown

lang = widgets.current_lang()
_ = i18n.gettext_for(lang)
ngettext = i18n.ngettext_for(lang)
pgettext = i18n.pgettext_for(lang)

# The tables in the reader's language: the data's own words (titles, summaries, notes) come translated as data.
events = datasets.load_events(lang)
presence = datasets.load_presence(lang)
sources = datasets.load_sources(lang)

st.title(_("Map of events"))
st.markdown(
    _(
        "Where Tren de Aragua is reported present, and dated events linked to it, each with its source. "
        "People are alleged members unless a court convicted them: every event shows its status."
    )
)
if events.empty:
    st.info(_("There are no events to show yet."))
    widgets.stop_page("map")  # the footer (link, data version) still shows

version = widgets.served_version()
prep = scale.prepared(version, lang, events)  # arrays and orders, once per data version for every reader
options = prep.options
first, last = prep.first, prep.last
with st.sidebar:
    st.header(_("Filter the map"))
    chosen_types = widgets.multiselect_filter(
        pgettext("map filter", "Event type"), options["event_type"], key="map_type",
        format_func=lambda code: labels.label("event_type", code, lang),
        # TRANSLATORS: the event type filter when no type is chosen (every type is shown).
        placeholder=pgettext("map event type filter, nothing chosen", "All"),
    )
    chosen_countries = widgets.multiselect_filter(
        pgettext("map filter", "Country"), options["country"], key="map_country",
        format_func=lambda code: labels.country_name(code, lang),
        # TRANSLATORS: the country filter when no country is chosen (every country is shown).
        placeholder=pgettext("map country filter, nothing chosen", "All"),
    )
    chosen_statuses = widgets.multiselect_filter(
        pgettext("map filter", "Status"), options["status"], key="map_status",
        format_func=lambda code: labels.label("event_status", code, lang),
        # TRANSLATORS: the status filter (alleged, charged, convicted…) when no status is chosen.
        placeholder=pgettext("map status filter, nothing chosen", "All"),
    )
    start, end = widgets.date_range_filter(pgettext("map filter", "Dates"), first, last, key="map_dates") if first < last else (first, last)

# A square tapped on the map (or one chosen from the list, or a link's ?map_area=) narrows the map to its events.
area = scale.area_choice(key="map_area", selection_key="map_selection")
shown = scale.view(version, lang, prep, chosen_types, chosen_countries, chosen_statuses, start, end, area)
st.caption(escape_markdown(scale.caption(prep, shown, len(events), lang)))
if shown.count == 0:
    st.info(_("No event matches these filters. Clear a filter in the sidebar to see events again."), icon=":material/filter_alt_off:")
    scale.area_controls(shown, key="map_area", lang=lang)
    widgets.stop_page("map")  # the footer (link, data version) still shows

if shown.aggregated:
    st.markdown(escape_markdown(maps.cells_caption(shown.grid, mapgrid.POINT_BUDGET, lang)))
    st.markdown(maps.cells_legend(shown.grid, lang), unsafe_allow_html=True)
else:
    st.markdown(maps.event_type_legend(shown.labelled, lang), unsafe_allow_html=True)
st.markdown(maps.presence_legend(presence, lang), unsafe_allow_html=True)
if not shown.aggregated:
    st.caption(maps.size_caption(shown.labelled, lang))
scale.area_controls(shown, key="map_area", lang=lang)
explore = st.toggle(
    _("Explore the map: drag to move it, pinch or scroll to zoom"),
    key="map_explore",
    help=_("While this is off, a swipe or a scroll over the map moves the page. Tap or click an event to read about it either way."),
)
if not explore:
    st.html(maps.SCROLL_THROUGH_CSS)

drawn_ids = shown.labelled["event_id"] if not shown.aggregated else shown.labelled["event_id"].head(0)
new_click = widgets.apply_map_click(drawn_ids, selection_key="map_selection", choice_key="map_event")

# On a phone the columns stack: the map, then the event's details, then the sources.
map_column, details_column = st.columns([2, 1])
with details_column:
    chosen_event = widgets.single_choice_filter(
        _("Event details"), scale.event_picker(prep, shown, key="map_event", search_key="map_search", lang=lang), key="map_event",
        placeholder=_("Choose or tap an event"),
    )
    with st.container(key="map_details"):
        if chosen_event:
            event_row = scale.rows(prep, [scale.position_of(prep, chosen_event)], lang).set_index("event_id").iloc[0]
            widgets.event_details(event_row, sources, datasets.load_rulings(lang))
            widgets.claims_about_event(datasets.load_claims(lang), chosen_event)
        elif shown.aggregated:
            st.caption(_("Choose an event above, or tap a square on the map to zoom in until its events show one by one."))
        else:
            st.caption(_("Tap or click a point on the map, or choose an event above, to read what happened and who reported it."))
    if new_click:
        widgets.bring_into_view("map_details", nonce=new_click)
with map_column:
    deck = scale.deck(shown, presence, explore=explore, chosen=chosen_event, lang=lang)
    alt = maps.cells_alt(shown.grid, presence, lang) if shown.aggregated else maps.map_alt(shown.labelled, presence, lang)
    st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map_selection", height=560, alt=alt)
    widgets.chart_share("map")
sources_label = ngettext("Sources of the {n} event shown", "Sources of the {n} events shown", shown.count).format(n=formats.number(shown.count, lang))
with st.expander(sources_label, icon=":material/menu_book:"):
    widgets.source_note(shown.source_ids, sources, prefix="Event source")

st.subheader(_("The events on the map"))
table = maps.event_table(shown.labelled.head(scale.TABLE_ROWS), sources, lang)
if shown.count > len(table):
    # TRANSLATORS: under the map's events table when it shows only the newest rows; {rows} is at most 1,000.
    st.caption(ngettext(
        "The table shows the newest {rows} of the {n} event that match; the CSV below has every one.",
        "The table shows the newest {rows} of the {n} events that match; the CSV below has every one.",
        shown.count,
    ).format(rows=formats.number(len(table), lang), n=formats.number(shown.count, lang)))
link_header = maps.table_headers(lang)["source_url"]
# TRANSLATORS: the text of each link in the events table's source column.
st.dataframe(table, hide_index=True, column_config={link_header: st.column_config.LinkColumn(link_header, display_text=_("Open source"))})
scale.download_events(prep, shown, sources, "tren-de-aragua-events.csv", key="map_download", lang=lang)

with st.expander(_("Countries where Tren de Aragua is reported present")):
    st.dataframe(maps.presence_table(presence, sources, lang), hide_index=True)
    widgets.source_note(presence["source_id"].unique(), sources, prefix="Presence source")
