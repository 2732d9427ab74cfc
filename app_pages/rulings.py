"""What courts have ruled on deporting alleged Tren de Aragua members: a timeline by case, each ruling's details and sources."""

import streamlit as st

from components import datasets, downloads, labels, timeline, widgets


rulings = datasets.load_rulings()
sources = datasets.load_sources()
events = datasets.load_events()

st.title("Court rulings")
st.markdown(
    "What courts have decided about removals under the Alien Enemies Act and in related deportation "
    "cases: who ruled, what they decided and whom it favoured, each with its source."
)

cases = timeline.case_labels(rulings)
case_column, level_column = st.columns(2)
with case_column:
    chosen_cases = widgets.multiselect_filter("Case", list(cases), key="rulings_case", format_func=lambda case: cases.get(case, case))
with level_column:
    chosen_levels = widgets.multiselect_filter(
        "Court level", timeline.court_levels(rulings), key="rulings_level", format_func=lambda level: labels.label("court_level", level)
    )
shown = timeline.filter_rulings(rulings, chosen_cases, chosen_levels)

st.plotly_chart(timeline.rulings_timeline(shown, sources, as_of=timeline.as_of_label(rulings)), config=timeline.EXPORT_CONFIG, theme=None)
with st.expander("Sources of the rulings shown", icon=":material/menu_book:"):
    widgets.source_note(shown["source_id"].tolist(), sources)

with st.expander("Table of the rulings shown", icon=":material/table:"):
    table = timeline.rulings_table(shown, sources)
    st.dataframe(
        table, hide_index=True,
        column_config={"Source link": st.column_config.LinkColumn("Source link"), "Court document": st.column_config.LinkColumn("Court document")},
    )
    widgets.download_csv(downloads.rulings(shown, sources), "court-rulings.csv", key="rulings_download")

st.subheader("One ruling in detail")
choices = timeline.ruling_picker_choices(shown)
chosen = widgets.single_choice_filter(
    "Ruling (type a case, judge, court or docket to search)", choices, key="rulings_ruling", default=next(iter(choices), None)
)
if chosen is None:
    st.info("No rulings match the chosen filters.", icon=":material/filter_alt_off:")
else:
    ruling = timeline.ruling_by_id(shown, chosen)
    widgets.facts_list(timeline.ruling_details(ruling))
    widgets.low_confidence_warning(ruling["confidence"])
    widgets.quote_block(ruling["quote"])
    widgets.source_note([ruling["source_id"]], sources)
    court_document = timeline.court_document(ruling)
    if court_document:
        st.link_button("Court document", court_document, icon=":material/gavel:")
    else:
        st.caption("Court document: not recorded.")
    widgets.claims_about_ruling(datasets.load_claims(), datasets.load_assessments(), chosen)

    related = timeline.related_events(ruling, events)
    if related.empty:
        st.caption("No events on the map are linked to this ruling.")
    else:
        st.markdown("**Related events**")
        widgets.related_events(related)
