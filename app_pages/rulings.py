"""What courts have ruled on deporting alleged Tren de Aragua members: a timeline by case, each ruling's details and sources."""

import streamlit as st

from components import datasets, downloads, i18n, labels, timeline, widgets
from components.safety import escape_markdown

lang = widgets.current_lang()
_ = i18n.gettext_for(lang)

rulings = datasets.load_rulings(lang)
sources = datasets.load_sources(lang)
events = datasets.load_events(lang)

st.title(_("Court rulings"))
st.markdown(
    _(
        "What courts have decided about removals under the Alien Enemies Act and in related deportation "
        "cases: who ruled, what they decided and whom it favoured, each with its source."
    )
)

cases = timeline.case_labels(rulings, lang=lang)
case_column, level_column = st.columns(2)
# TRANSLATORS: the placeholder of a filter when nothing is chosen (every case, every court level).
every = _("All")
with case_column:
    chosen_cases = widgets.multiselect_filter(
        _("Case"), list(cases), key="rulings_case", format_func=lambda case: cases.get(case, case), placeholder=every
    )
with level_column:
    chosen_levels = widgets.multiselect_filter(
        _("Court level"), timeline.court_levels(rulings), key="rulings_level",
        format_func=lambda level: labels.label("court_level", level, lang), placeholder=every,
    )
shown = timeline.filter_rulings(rulings, chosen_cases, chosen_levels)

figure = timeline.rulings_timeline(shown, sources, as_of=timeline.as_of_label(rulings, lang=lang), lang=lang)
st.plotly_chart(figure, config=timeline.EXPORT_CONFIG, theme=None, alt=timeline.alt_text(figure, shown, lang=lang))
widgets.chart_share("rulings-timeline")
with st.expander(_("Sources of the rulings shown"), icon=":material/menu_book:"):
    widgets.source_note(shown["source_id"].tolist(), sources)

with st.expander(_("Table of the rulings shown"), icon=":material/table:"):
    table = timeline.rulings_table(shown, sources, lang=lang)
    headers = timeline.table_headers(lang)
    st.dataframe(
        table, hide_index=True,
        column_config={
            headers["Source link"]: st.column_config.LinkColumn(headers["Source link"]),
            headers["Court document"]: st.column_config.LinkColumn(headers["Court document"]),
        },
    )
    widgets.download_csv(downloads.rulings(shown, sources, lang=lang), "court-rulings.csv", key="rulings_download")

st.subheader(_("One ruling in detail"))
choices = timeline.ruling_picker_choices(shown, lang=lang)
chosen = widgets.single_choice_filter(
    _("Ruling (type a case, judge, court or docket to search)"), choices, key="rulings_ruling", default=next(iter(choices), None),
    placeholder=_("Choose…"),
)
if chosen is None:
    st.info(_("No rulings match the chosen filters."), icon=":material/filter_alt_off:")
else:
    ruling = timeline.ruling_by_id(shown, chosen)
    widgets.facts_list(timeline.ruling_details(ruling, lang=lang))
    widgets.low_confidence_warning(ruling["confidence"])
    widgets.row_quote_block(ruling, sources)  # the source's words, with the tracker's translation beside them
    widgets.source_note([ruling["source_id"]], sources)
    court_document = timeline.court_document(ruling)
    if court_document:
        st.link_button(_("Court document"), court_document, icon=":material/gavel:")
    else:
        # TRANSLATORS: when the court's own document for a ruling is not recorded in the data.
        st.caption(_("Court document: not recorded."))
    widgets.claims_about_ruling(datasets.load_claims(lang), datasets.load_assessments(lang), chosen)

    related = timeline.related_events(ruling, events, lang=lang)
    if related.empty:
        st.caption(_("No events on the map are linked to this ruling."))
    else:
        heading = _("Related events")
        st.markdown(f"**{escape_markdown(heading)}**")
        widgets.related_events(related)
