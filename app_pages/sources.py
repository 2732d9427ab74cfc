"""Where every figure comes from, how the data is kept, and what has been corrected."""

import streamlit as st

from components import datadocs, datasets, downloads, i18n, widgets
from components.schemas import TABLES

lang = widgets.current_lang()
_ = i18n.gettext_for(lang)


def data_notes(heading: str) -> str:
    """A hand-written section of data/README.md; in another language, its translation (datadocs.translated_notes)."""
    if lang != i18n.DEFAULT_LANG:
        translated = datadocs.translated_notes(lang).get(heading)
        if translated:
            return translated
    return datasets.load_data_notes(heading)


st.title(_("Sources & method"))

st.header(_("Editorial rules"))
st.markdown(data_notes("Editorial rules"))

st.header(_("Method and caveats"))
st.markdown(data_notes("Method and caveats"))

st.header(_("Licences"))
st.markdown(_(downloads.LICENCES_MARKDOWN))
widgets.data_package_download(lang)

st.header(_("Every source"))
sources = datasets.load_sources(lang)
widgets.sources_table(sources)
widgets.download_csv(downloads.sources_list(sources, lang), "tren-de-aragua-sources.csv", key="sources_download")

st.header(_("Corrections and changes"))
widgets.change_log(datasets.load_changes(lang))

st.header(_("Data dictionary"))
st.caption(_("Generated from the schemas the data is validated against (components/schemas.py)."))
for table in TABLES.values():
    with st.expander(datadocs.dictionary_heading(table, lang)):
        # A markdown table, not a data grid: eight grids made this page load the grid's code and its data twice.
        st.markdown(datadocs.dictionary_markdown(table, lang))
