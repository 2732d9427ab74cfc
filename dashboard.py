"""Entry point: page config, navigation and the data notice shared by every page."""

import streamlit as st

from components import widgets

st.set_page_config(page_title="Tren de Aragua tracker", page_icon=":material/train:", layout="wide")
page = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
    ]
)
widgets.data_notice()
page.run()
