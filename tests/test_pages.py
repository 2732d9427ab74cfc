"""Every page renders with AppTest; the overview and sources pages show what the data says."""

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import headlines
from components.safety import escape_markdown
from components.validation import load_package
from tests.conftest import ROOT
from tests.helpers import open_page, read_rows, set_cell, write_rows

PAGES = sorted((ROOT / "app_pages").glob("*.py"))
APP = str(ROOT / "dashboard.py")


def run_app(page: str | None = None) -> AppTest:
    return open_page(page)


def markdown_text(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown) + "\n".join(element.value for element in at.caption)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_renders_without_exceptions(page: Path):
    at = run_app(str(page.relative_to(ROOT)))
    assert not at.exception


def test_overview_cards_show_the_headline_figures_from_the_data(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    tables = load_package(data_copy).tables
    cards = headlines.headline_cards(tables["figures"], tables["series"], tables["rulings"])
    text = markdown_text(run_app())
    assert len(cards) >= 5
    for card in cards:
        assert escape_markdown(card.value) in text, card.heading


def test_an_edited_figure_changes_the_overview(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    header, rows = read_rows(data_copy / "figures.csv")
    position = next(i for i, row in enumerate(rows) if row["metric"] == "aea_removals")
    rows[position]["value"] = "4321"
    write_rows(data_copy / "figures.csv", header, rows)
    assert "4,321" in markdown_text(run_app())


def test_overview_shows_the_latest_change(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    header, rows = read_rows(data_copy / "changes.csv")
    rows.append({"date": date.today().isoformat(), "file": "events.csv", "record_id": "tocoron-raid-2023", "change": "corrected", "description": "Date corrected (was 2023-09-21)"})
    write_rows(data_copy / "changes.csv", header, rows)
    at = run_app()
    assert "Date corrected (was 2023-09-21)" in set(at.dataframe[0].value["description"])


def test_sources_page_lists_every_source_and_the_dictionary(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    at = run_app("app_pages/sources.py")
    sources = load_package(data_copy).tables["sources"]
    listed = at.dataframe[0].value
    assert list(listed["source_id"]) == list(sources["source_id"])
    events_dictionary = next(expander for expander in at.expander if expander.label.startswith("events.csv"))
    text = " ".join(element.value for element in events_dictionary.markdown)
    assert all(f"`{column}`" in text for column in ("event_id", "quote", "source_id", "people_count_kind"))


def test_sources_page_shows_the_editorial_rules_from_the_data_readme(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    readme = (data_copy / "README.md").read_text(encoding="utf-8")
    (data_copy / "README.md").write_text(readme.replace("## Editorial rules\n", "## Editorial rules\n\nA new rule for this test.\n"), encoding="utf-8")
    assert "A new rule for this test." in markdown_text(run_app("app_pages/sources.py"))


def test_invalid_data_shows_readers_one_neutral_notice_and_no_errors(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    set_cell(data_copy / "events.csv", 0, "lat", "123.5")
    at = run_app()
    assert not at.exception
    notices = [element.value for element in [*at.info, *at.warning, *at.error]]
    assert len(notices) == 1
    # The failing value, the file and the rule are for editors (make validate), never on a reader's page.
    everything = markdown_text(at) + " ".join(notices) + " ".join(expander.label for expander in at.expander)
    assert "123.5" not in everything and "events.csv" not in everything and "validation" not in everything.lower()
