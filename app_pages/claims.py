"""What officials claimed about Tren de Aragua and the men removed as its members, set beside what courts, intelligence and investigations found."""

import streamlit as st

from components import charts, claimreview, claims, datasets, i18n, labels, widgets
from components.i18n import formats
from components.safety import escape_markdown

lang = widgets.current_lang()
_ = i18n.gettext_for(lang)
ngettext = i18n.ngettext_for(lang)
pgettext = i18n.pgettext_for(lang)

# The tables in the reader's language: the data's own words (claims, roles, summaries, notes) come translated as data.
claim_rows = datasets.load_claims(lang)
assessment_rows = datasets.load_assessments(lang)
sources = datasets.load_sources(lang)
rulings = datasets.load_rulings(lang)
events = datasets.load_events(lang)
figures = datasets.load_figures(lang)

st.title(_("Claims and evidence"))
st.markdown(
    _(
        "What officials said about Tren de Aragua and about the men the United States removed as its members, "
        "and, under each claim, what court findings, intelligence assessments, news investigations, government "
        "data and research found on the same point, each with its source and exact words."
    )
)
st.info(claims.explainer(lang), icon=":material/balance:")
if claim_rows.empty:
    st.info(_("There are no claims to show yet."))
    widgets.stop_page("claims")  # the footer (link, data version) still shows

topic_column, claimant_column, stance_column = st.columns(3)
with topic_column:
    chosen_topics = widgets.multiselect_filter(
        pgettext("claims filter", "Topic"), claims.topics(claim_rows), key="claims_topic",
        format_func=lambda code: labels.label("claim_topic", code, lang),
        # TRANSLATORS: the topic filter when no topic is chosen.
        placeholder=pgettext("claims topic filter, nothing chosen", "All"),
    )
with claimant_column:
    chosen_claimants = widgets.multiselect_filter(
        _("Who made the claim"), claims.claimants(claim_rows), key="claims_claimant",
        # TRANSLATORS: the filter of who made the claim (people and bodies) when no one is chosen.
        placeholder=pgettext("claims claimant filter, nothing chosen", "All"),
    )
with stance_column:
    chosen_stances = widgets.multiselect_filter(
        _("What the evidence does"), claims.stances(assessment_rows), key="claims_stance",
        format_func=lambda code: claims.stance_label(code, lang),
        # TRANSLATORS: the stance filter (supports / qualifies / contradicts the claim) when no stance is chosen.
        placeholder=pgettext("claims stance filter, nothing chosen", "All"),
    )

shown = claims.filter_claims(claim_rows, assessment_rows, chosen_topics, chosen_claimants, chosen_stances)
linked = widgets.linked_claim(claims.claim_choices(claim_rows, lang=lang))
if linked:
    shown = claim_rows[claim_rows["claim_id"] == linked]
evidence = claims.assessments_shown(shown, assessment_rows, chosen_stances)
showing = ngettext(
    "Showing {shown} of {total} claim, with {assessments}.", "Showing {shown} of {total} claims, with {assessments}.", len(claim_rows)
).format(
    shown=formats.number(len(shown), lang),
    total=formats.number(len(claim_rows), lang),
    assessments=ngettext("{n} assessment", "{n} assessments", len(evidence)).format(n=formats.number(len(evidence), lang)),
)
st.caption(escape_markdown(showing))
if shown.empty:
    st.info(_("No claim matches these filters. Clear a filter to see claims again."), icon=":material/filter_alt_off:")
    widgets.stop_page("claims")  # the footer (link, data version) still shows

figure = claims.stance_chart(shown, evidence, sources, lang=lang)
st.plotly_chart(figure, theme=None, config=charts.chart_config("tren-de-aragua-claims-by-topic"), key="claims_chart")
widgets.chart_share("claims-by-topic")
with st.expander(_("Data table and download"), icon=":material/table:"):
    table = claims.counts_table(shown, evidence, lang=lang)
    st.dataframe(table, hide_index=True)
    widgets.download_csv(table, "tren-de-aragua-claims-by-topic.csv", key="claims_csv", label=_("Download CSV"))

published = claimreview.published_date(datasets.load_changes(lang))
site = widgets.site_url()
st.download_button(
    _("Download every claim shown as ClaimReview (JSON-LD)"),
    claimreview.dumps(claimreview.all_documents(shown, evidence, sources, site, published, lang=lang)),
    file_name="tren-de-aragua-claimreview.jsonld",
    mime="application/ld+json",
    key="claims_jsonld_all",
    icon=":material/download:",
    help=_("schema.org ClaimReview, the format fact-checkers publish for search engines and fact-check tools: one review per assessment."),
)

for _row_id, claim in shown.iterrows():
    claim_evidence = claims.assessments_of(evidence, claim["claim_id"])
    review = claimreview.dumps(claimreview.claim_document(claim, claim_evidence, sources, site, published, lang=lang))
    widgets.claim_block(claim, claim_evidence, sources, rulings, events, figures, review)

st.subheader(_("Explore"))
widgets.page_links(current="claims")
