"""What the tracker covers and what the data holds today (a first overview page)."""

import streamlit as st

from components import datasets, widgets

st.title("Tren de Aragua tracker")
st.markdown(
    "What is known, and how sure we are, about the Venezuelan gang Tren de Aragua and the US "
    "crackdown on it. Every figure cites its source with the exact quote."
)
widgets.package_summary(datasets.load_state())
