"""Entry point: page config, navigation and the data notice shared by every page."""

from pathlib import Path

import streamlit as st

from components import widgets

# A local icon: a :material: icon would make every browser fetch it from a font CDN.
ICON = Path(__file__).resolve().parent / "static" / "favicon.png"
st.set_page_config(page_title="Tren de Aragua tracker", page_icon=str(ICON), layout="wide")
page = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("app_pages/map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page("app_pages/figures.py", title="Figures", icon=":material/bar_chart:", url_path="figures"),
        st.Page("app_pages/rulings.py", title="Court rulings", icon=":material/gavel:", url_path="rulings"),
        st.Page("app_pages/claims.py", title="Claims and evidence", icon=":material/fact_check:", url_path="claims"),
        st.Page("app_pages/sources.py", title="Sources & method", icon=":material/menu_book:", url_path="sources"),
    ]
)
widgets.data_notice()
page.run()
