"""Every page renders with AppTest, and a bad data file shows a notice instead of an error."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.validation import load_package
from tests.conftest import ROOT
from tests.helpers import set_cell

PAGES = sorted((ROOT / "pages").glob("*.py"))
APP = str(ROOT / "dashboard.py")


def run_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_renders_without_exceptions(page: Path):
    at = run_app()
    at.switch_page(str(page.relative_to(ROOT))).run()
    assert not at.exception


def test_overview_counts_rows_from_the_data(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    at = run_app()
    summary = at.dataframe[0].value.set_index("file")["rows"]
    tables = load_package(data_copy).tables
    assert summary.to_dict() == {f"{name}.csv": len(frame) for name, frame in tables.items()}
    assert not at.exception and not at.warning


def test_invalid_data_shows_a_notice_not_a_traceback(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    set_cell(data_copy / "events.csv", 0, "lat", "123.5")
    at = run_app()
    assert not at.exception
    assert at.error or at.warning
    problems = at.dataframe[0].value
    assert list(problems.iloc[0][["file", "row", "column", "rule"]]) == ["events.csv", 2, "lat", "range"]
