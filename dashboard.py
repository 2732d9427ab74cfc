"""Entry point: page config, navigation and the data notice shared by every page."""

from pathlib import Path

import streamlit as st

from components import i18n, widgets

# A local icon: a :material: icon would make every browser fetch it from a font CDN.
ICON = Path(__file__).resolve().parent / "static" / "favicon.png"
lang = widgets.current_lang()
_ = i18n.gettext_for(lang)
st.set_page_config(page_title=_("Tren de Aragua tracker"), page_icon=str(ICON), layout="wide")
page = st.navigation(
    [
        st.Page("app_pages/overview.py", title=_("Overview"), icon=":material/home:", default=True),
        st.Page("app_pages/map.py", title=_("Map"), icon=":material/map:", url_path="map"),
        st.Page("app_pages/figures.py", title=_("Figures"), icon=":material/bar_chart:", url_path="figures"),
        st.Page("app_pages/rulings.py", title=_("Court rulings"), icon=":material/gavel:", url_path="rulings"),
        st.Page("app_pages/claims.py", title=_("Claims and evidence"), icon=":material/fact_check:", url_path="claims"),
        st.Page("app_pages/sources.py", title=_("Sources & method"), icon=":material/menu_book:", url_path="sources"),
    ]
)
widgets.language_switch()
widgets.data_notice()
page.run()
