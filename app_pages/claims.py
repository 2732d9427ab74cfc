"""What officials claimed about Tren de Aragua and the men removed as its members, set beside what courts, intelligence and investigations found."""

import streamlit as st

from components import charts, claimreview, claims, datasets, labels, widgets
from components.safety import escape_markdown

# datasets has no load_claims()/load_assessments() yet: read the validated tables the same way its loaders do.
claim_rows = datasets.load_claims()
assessment_rows = datasets.load_assessments()
sources = datasets.load_sources()
rulings = datasets.load_rulings()
events = datasets.load_events()
figures = datasets.load_figures()

st.title("Claims and evidence")
st.markdown(
    "What officials said about Tren de Aragua and about the men the United States removed as its members, "
    "and, under each claim, what court findings, intelligence assessments, news investigations, government "
    "data and research found on the same point, each with its source and exact words."
)
st.info(claims.EXPLAINER, icon=":material/balance:")
if claim_rows.empty:
    st.info("There are no claims to show yet.")
    st.stop()

topic_column, claimant_column, stance_column = st.columns(3)
with topic_column:
    chosen_topics = widgets.multiselect_filter("Topic", claims.topics(claim_rows), key="claims_topic", format_func=lambda code: labels.label("claim_topic", code))
with claimant_column:
    chosen_claimants = widgets.multiselect_filter("Who made the claim", claims.claimants(claim_rows), key="claims_claimant")
with stance_column:
    chosen_stances = widgets.multiselect_filter("What the evidence does", claims.stances(assessment_rows), key="claims_stance", format_func=claims.stance_label)

shown = claims.filter_claims(claim_rows, assessment_rows, chosen_topics, chosen_claimants, chosen_stances)
linked = widgets.linked_claim(claims.claim_choices(claim_rows))
if linked:
    shown = claim_rows[claim_rows["claim_id"] == linked]
evidence = claims.assessments_shown(shown, assessment_rows, chosen_stances)
st.caption(escape_markdown(f"Showing {len(shown):,} of {len(claim_rows):,} claims, with {len(evidence):,} assessments."))
if shown.empty:
    st.info("No claim matches these filters. Clear a filter to see claims again.", icon=":material/filter_alt_off:")
    st.stop()

figure = claims.stance_chart(shown, evidence, sources)
st.plotly_chart(figure, theme=None, config=charts.chart_config("tren-de-aragua-claims-by-topic"), key="claims_chart")
with st.expander("Data table and download", icon=":material/table:"):
    table = claims.counts_table(shown, evidence)
    st.dataframe(table, hide_index=True)
    widgets.download_csv(table, "tren-de-aragua-claims-by-topic.csv", key="claims_csv")

published = claimreview.published_date(datasets.load_changes())
site = widgets.site_url()
st.download_button(
    "Download every claim shown as ClaimReview (JSON-LD)",
    claimreview.dumps(claimreview.all_documents(shown, evidence, sources, site, published)),
    file_name="tren-de-aragua-claimreview.jsonld",
    mime="application/ld+json",
    key="claims_jsonld_all",
    icon=":material/download:",
    help="schema.org ClaimReview, the format fact-checkers publish for search engines and fact-check tools: one review per assessment.",
)

for _, claim in shown.iterrows():
    claim_evidence = claims.assessments_of(evidence, claim["claim_id"])
    review = claimreview.dumps(claimreview.claim_document(claim, claim_evidence, sources, site, published))
    widgets.claim_block(claim, claim_evidence, sources, rulings, events, figures, review)

st.subheader("Explore")
widgets.page_links(current="claims")
