"""Text from the data cannot become markup, links or spreadsheet formulas."""

import io

import pandas as pd
import pytest

from components.safety import csv_download, escape_markdown


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "**bold** _it_ `code` $x$"])
def test_markdown_escaping_leaves_no_markup(text):
    escaped = escape_markdown(text)
    for special in "<>[]()*_`$":
        assert special not in escaped.replace("\\" + special, "")


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://example.com","x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_downloads_neutralise_formulas(formula):
    frame = pd.DataFrame({"title": [formula, "plain"], "count": [-1, 2]})
    data = pd.read_csv(io.BytesIO(csv_download(frame)), encoding="utf-8-sig")
    assert data.loc[0, "title"] == "'" + formula
    assert data.loc[1, "title"] == "plain"
    assert list(data["count"]) == [-1, 2]  # numbers stay numbers


def test_downloads_leave_missing_cells_empty_and_integers_whole():
    frame = pd.DataFrame(
        {"text": ["a", None, pd.NA], "count": pd.array([5000, None, 3], dtype="Int64"), "share": [0.5, float("nan"), 1.25]}
    )
    lines = csv_download(frame).decode("utf-8-sig").splitlines()
    assert lines == ["text,count,share", "a,5000,0.5", ",,", ",3,1.25"]
