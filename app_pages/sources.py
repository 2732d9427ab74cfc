"""Where every figure comes from, how the data is kept, and what has been corrected."""

import streamlit as st

from components import datadocs, datasets, downloads, widgets
from components.validation import data_dir
from components.schemas import TABLES

st.title("Sources & method")

st.header("Editorial rules")
st.markdown(datasets.load_data_notes("Editorial rules"))

st.header("Method and caveats")
st.markdown(datasets.load_data_notes("Method and caveats"))

st.header("Licences")
st.markdown(downloads.LICENCES_MARKDOWN)
st.download_button(
    "Download the whole data package", downloads.data_package_zip(data_dir()), file_name=downloads.PACKAGE_FILENAME,
    mime="application/zip", key="sources_package_zip", icon=":material/folder_zip:",
)
st.caption(downloads.PACKAGE_CAPTION)

st.header("Every source")
sources = datasets.load_sources()
widgets.sources_table(sources)
widgets.download_csv(downloads.sources_list(sources), "tren-de-aragua-sources.csv", key="sources_download")

st.header("Corrections and changes")
widgets.change_log(datasets.load_changes())

st.header("Data dictionary")
st.caption("Generated from the schemas the data is validated against (components/schemas.py).")
for table in TABLES.values():
    with st.expander(f"{table.filename}: one row is {table.row_is}"):
        # A markdown table, not a data grid: eight grids made this page load the grid's code and its data twice.
        rows = datadocs.dictionary(table).itertuples()
        st.markdown("\n".join(["| column | type | description | rules |", "|---|---|---|---|"] + [f"| `{row.column}` | {row.type} | {datadocs._cell(row.description)} | {datadocs._cell(row.rules)} |" for row in rows]))
