"""Entry point: page config, navigation and the data notice shared by every page."""

from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components import chart_layout, i18n, widgets
from components.desk import page as desk

# A local icon: a :material: icon would make every browser fetch it from a font CDN.
ICON = Path(__file__).resolve().parent / "static" / "favicon.png"
lang = widgets.current_lang()
_ = i18n.gettext_for(lang)
st.set_page_config(page_title=_("Tren de Aragua tracker"), page_icon=str(ICON), layout="wide")
# One chart alone for an <iframe> (?chart=<id>): not in the navigation, and drawn without it.
EMBED = st.Page("app_pages/embed.py", title=_("Tren de Aragua tracker"), url_path="embed", visibility="hidden")


def embed_requested() -> bool:
    """Whether this run is for the embed page, known before st.navigation draws anything.

    The browser's address (st.context.url keeps the page's path, without the query) ends in /embed;
    where there is no browser (AppTest) the page asked for is the embed page's script.
    """
    if urlsplit(st.context.url or "").path.rstrip("/").endswith("/" + EMBED.url_path):
        return True
    ctx = get_script_run_ctx()
    pages = getattr(ctx, "pages_manager", None)
    return bool(pages) and (pages.intended_page_script_hash == EMBED._script_hash or pages.intended_page_name == EMBED.url_path)


embedded = embed_requested()
page = st.navigation(
    [
        st.Page("app_pages/overview.py", title=_("Overview"), icon=":material/home:", default=True),
        st.Page("app_pages/map.py", title=_("Map"), icon=":material/map:", url_path="map"),
        st.Page("app_pages/figures.py", title=_("Figures"), icon=":material/bar_chart:", url_path="figures"),
        st.Page("app_pages/rulings.py", title=_("Court rulings"), icon=":material/gavel:", url_path="rulings"),
        st.Page("app_pages/claims.py", title=_("Claims and evidence"), icon=":material/fact_check:", url_path="claims"),
        st.Page("app_pages/sources.py", title=_("Sources & method"), icon=":material/menu_book:", url_path="sources"),
        # The editor's desk: opened by its URL by anyone (it shows a sign-in form), listed only for a signed-in editor.
        st.Page("app_pages/editor.py", title=_("Editor"), icon=":material/edit_note:", url_path="editor", visibility="visible" if desk.signed_in_editor() else "hidden"),
        EMBED,
    ],
    position="hidden" if embedded else "sidebar",
)
if not embedded:  # the embed page draws its chart alone (it stops before any footer)
    widgets.language_switch()
    widgets.data_notice()
with chart_layout.stamped(widgets.chart_stamp()):  # every chart carries the tracker's name and the data version
    page.run()
widgets.page_footer(page.url_path)
