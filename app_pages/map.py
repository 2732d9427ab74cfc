"""Where Tren de Aragua is reported, and what happened where: events on a map, with details, table and sources."""

import streamlit as st

from components import datasets, downloads, i18n, labels, maps, transforms, widgets
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

options = maps.filter_options(events, lang)
first, last = maps.date_bounds(events)
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

shown = maps.event_labels(transforms.filter_events(events, chosen_types, chosen_countries, chosen_statuses, start, end), lang)
st.caption(escape_markdown(maps.shown_caption(shown, len(events), lang)))
if shown.empty:
    st.info(_("No event matches these filters. Clear a filter in the sidebar to see events again."), icon=":material/filter_alt_off:")
    widgets.stop_page("map")  # the footer (link, data version) still shows

st.markdown(maps.event_type_legend(shown, lang), unsafe_allow_html=True)
st.markdown(maps.presence_legend(presence, lang), unsafe_allow_html=True)
st.caption(maps.size_caption(shown, lang))
explore = st.toggle(
    _("Explore the map: drag to move it, pinch or scroll to zoom"),
    key="map_explore",
    help=_("While this is off, a swipe or a scroll over the map moves the page. Tap or click an event to read about it either way."),
)
if not explore:
    st.html(maps.SCROLL_THROUGH_CSS)

new_click = widgets.apply_map_click(shown["event_id"], selection_key="map_selection", choice_key="map_event")

# On a phone the columns stack: the map, then the event's details, then the sources.
map_column, details_column = st.columns([2, 1])
with details_column:
    chosen_event = widgets.single_choice_filter(
        _("Event details"), maps.event_choices(shown, lang), key="map_event", placeholder=_("Choose or tap an event")
    )
    with st.container(key="map_details"):
        if chosen_event:
            widgets.event_details(shown.set_index("event_id").loc[chosen_event], sources, datasets.load_rulings(lang))
            widgets.claims_about_event(datasets.load_claims(lang), chosen_event)
        else:
            st.caption(_("Tap or click a point on the map, or choose an event above, to read what happened and who reported it."))
    if new_click:
        widgets.bring_into_view("map_details", nonce=new_click)
with map_column:
    deck = maps.events_map(shown, presence, explore=explore, chosen=chosen_event, lang=lang)
    st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map_selection", height=560, alt=maps.map_alt(shown, presence, lang))
    widgets.chart_share("map")
sources_label = ngettext("Sources of the {n} event shown", "Sources of the {n} events shown", len(shown)).format(n=formats.number(len(shown), lang))
with st.expander(sources_label, icon=":material/menu_book:"):
    widgets.source_note(shown["source_id"].unique(), sources, prefix="Event source")

st.subheader(_("The events on the map"))
table = maps.event_table(shown, sources, lang)
link_header = maps.table_headers(lang)["source_url"]
# TRANSLATORS: the text of each link in the events table's source column.
st.dataframe(table, hide_index=True, column_config={link_header: st.column_config.LinkColumn(link_header, display_text=_("Open source"))})
widgets.download_csv(downloads.events(shown, sources, lang=lang), "tren-de-aragua-events.csv", key="map_download")

with st.expander(_("Countries where Tren de Aragua is reported present")):
    st.dataframe(maps.presence_table(presence, sources, lang), hide_index=True)
    widgets.source_note(presence["source_id"].unique(), sources, prefix="Presence source")
