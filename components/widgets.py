"""Small streamlit pieces shared by pages: the data notice and the package summary."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.datasets import DataState, load_state
from components.schemas import TABLES

MAX_ERRORS_SHOWN = 200


def data_notice() -> None:
    """Tell readers when they see older data, and editors what to fix (text is never rendered as HTML)."""
    state = load_state()
    if not state.stale:
        return
    if state.has_data:
        st.warning("The data files were changed and did not pass validation. You are seeing the last good data.", icon=":material/history:")
    else:
        st.error("The data files did not pass validation, and no earlier good data is available.", icon=":material/error:")
    with st.expander(f"For editors: {len(state.errors)} problems to fix (run `make validate`)"):
        rows = [error.as_dict() for error in state.errors[:MAX_ERRORS_SHOWN]]
        st.dataframe(pd.DataFrame(rows, columns=["file", "row", "column", "value", "rule", "message"]), hide_index=True)
        if len(state.errors) > MAX_ERRORS_SHOWN:
            st.caption(f"First {MAX_ERRORS_SHOWN} shown; `python -m components.validate` lists them all.")


def package_summary(state: DataState) -> None:
    """Rows per file and when the data last changed, from the change log."""
    tables = state.package.tables
    changes = tables["changes"]
    if len(changes):
        st.caption(f"Data last updated {changes['date'].max():%d %B %Y}.")
    summary = pd.DataFrame(
        {"file": [table.filename for table in TABLES.values()], "one row is": [table.row_is for table in TABLES.values()], "rows": [len(tables[name]) for name in TABLES]}
    )
    st.dataframe(summary, hide_index=True)
