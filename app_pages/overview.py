"""What is known about Tren de Aragua and the US crackdown, in headline figures with their sources."""

import streamlit as st

from components import claims, datasets, headlines, transforms, widgets

st.title("Tren de Aragua: what is known, and how sure we are")
st.markdown(
    "Tren de Aragua began as a prison gang in Venezuela and is now reported in several countries, "
    "including the United States, where it became the target of deportations under the Alien Enemies "
    "Act. Estimates of its size disagree, many claims about its members are allegations, and the "
    "courts are still ruling. This tracker shows each figure with who produced it, when, and the "
    "exact words of the source."
)
widgets.last_updated(datasets.load_changes(), datasets.load_events(), datasets.load_rulings())

sources = datasets.load_sources()
cards = headlines.headline_cards(datasets.load_figures(), datasets.load_series(), datasets.load_rulings(), sources)
claims_card = claims.claims_card(datasets.load_claims(), datasets.load_assessments())
cards += [claims_card] if claims_card is not None else []
widgets.headline_cards(cards, sources)

st.subheader("What changed lately")
widgets.change_log(transforms.latest_changes(datasets.load_changes()))

st.subheader("Explore")
widgets.page_links(current="overview")
