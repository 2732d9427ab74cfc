"""What is known about Tren de Aragua and the US crackdown, in headline figures with their sources."""

import streamlit as st

from components import claims, datasets, headlines, i18n, transforms, widgets

lang = widgets.current_lang()
_ = i18n.gettext_for(lang)

st.title(_("Tren de Aragua: what is known, and how sure we are"))
st.markdown(_(
    "Tren de Aragua began as a prison gang in Venezuela and is now reported in several countries, "
    "including the United States, where it became the target of deportations under the Alien Enemies "
    "Act. Estimates of its size disagree, many claims about its members are allegations, and the "
    "courts are still ruling. This tracker shows each figure with who produced it, when, and the "
    "exact words of the source."
))
changes, rulings = datasets.load_changes(lang), datasets.load_rulings(lang)
widgets.last_updated(changes, datasets.load_events(lang), rulings)

sources = datasets.load_sources(lang)
# The English figures choose what is counted (estimators by name); the reader's language words it.
cards = headlines.headline_cards(datasets.load_figures(lang), datasets.load_series(lang), rulings, sources, lang=lang, english=datasets.load_figures())
claims_card = claims.claims_card(datasets.load_claims(lang), datasets.load_assessments(lang), lang=lang)
cards += [claims_card] if claims_card is not None else []
widgets.headline_cards(cards, sources)

st.subheader(_("What changed lately"))
widgets.change_log(transforms.latest_changes(changes))

st.subheader(_("Explore"))
widgets.page_links(current="overview")
