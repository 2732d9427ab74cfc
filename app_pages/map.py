"""Where Tren de Aragua is reported, and what happened where: events on a map, with details, table and sources."""

import streamlit as st

from components import datasets, downloads, labels, maps, transforms, widgets
from components.safety import escape_markdown

events = datasets.load_events()
presence = datasets.load_presence()
sources = datasets.load_sources()

st.title("Map of events")
st.markdown(
    "Where Tren de Aragua is reported present, and dated events linked to it, each with its source. "
    "People are alleged members unless a court convicted them: every event shows its status."
)
if events.empty:
    st.info("There are no events to show yet.")
    st.stop()

options = maps.filter_options(events)
first, last = maps.date_bounds(events)
with st.sidebar:
    st.header("Filter the map")
    chosen_types = widgets.multiselect_filter("Event type", options["event_type"], key="map_type", format_func=lambda code: labels.label("event_type", code))
    chosen_countries = widgets.multiselect_filter("Country", options["country"], key="map_country", format_func=labels.country_name)
    chosen_statuses = widgets.multiselect_filter("Status", options["status"], key="map_status", format_func=lambda code: labels.label("event_status", code))
    start, end = widgets.date_range_filter("Dates", first, last, key="map_dates") if first < last else (first, last)

shown = maps.event_labels(transforms.filter_events(events, chosen_types, chosen_countries, chosen_statuses, start, end))
st.caption(escape_markdown(maps.shown_caption(shown, len(events))))
if shown.empty:
    st.info("No event matches these filters. Clear a filter in the sidebar to see events again.", icon=":material/filter_alt_off:")
    st.stop()

st.markdown(maps.event_type_legend(shown), unsafe_allow_html=True)
st.markdown(maps.presence_legend(presence), unsafe_allow_html=True)
st.caption(maps.size_caption(shown))
explore = st.toggle(
    "Explore the map: drag to move it, pinch or scroll to zoom",
    key="map_explore",
    help="While this is off, a swipe or a scroll over the map moves the page. Tap or click an event to read about it either way.",
)
if not explore:
    st.html(maps.SCROLL_THROUGH_CSS)

new_click = widgets.apply_map_click(shown["event_id"], selection_key="map_selection", choice_key="map_event")

# On a phone the columns stack: the map, then the event's details, then the sources.
map_column, details_column = st.columns([2, 1])
with details_column:
    chosen_event = widgets.single_choice_filter("Event details", maps.event_choices(shown), key="map_event", placeholder="Choose or tap an event")
    with st.container(key="map_details"):
        if chosen_event:
            widgets.event_details(shown.set_index("event_id").loc[chosen_event], sources, datasets.load_rulings())
            widgets.claims_about_event(datasets.load_claims(), chosen_event)
        else:
            st.caption("Tap or click a point on the map, or choose an event above, to read what happened and who reported it.")
    if new_click:
        widgets.bring_into_view("map_details", nonce=new_click)
with map_column:
    deck = maps.events_map(shown, presence, explore=explore, chosen=chosen_event)
    st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map_selection", height=560, alt=maps.map_alt(shown, presence))
with st.expander(f"Sources of the {len(shown):,} events shown", icon=":material/menu_book:"):
    widgets.source_note(shown["source_id"].unique(), sources, prefix="Event source")

st.subheader("The events on the map")
table = maps.event_table(shown, sources)
st.dataframe(table, hide_index=True, column_config={"Source link": st.column_config.LinkColumn("Source link", display_text="Open source")})
widgets.download_csv(downloads.events(shown, sources), "tren-de-aragua-events.csv", key="map_download")

with st.expander("Countries where Tren de Aragua is reported present"):
    st.dataframe(maps.presence_table(presence, sources), hide_index=True)
    widgets.source_note(presence["source_id"].unique(), sources, prefix="Presence source")
