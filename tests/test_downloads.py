"""Downloads are for programs: numbers as numbers, ISO dates with their precision, empty cells empty, and every row's source, quote and licence."""

import csv
import io
import json
import zipfile

import pandas as pd
import pytest

from components import charts, downloads
from components.safety import csv_download
from tests.conftest import ROOT
from tests.helpers import open_page

MISSING_WORDS = ("None", "nan", "NaN", "<NA>", "NaT")


def as_csv(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The download as a spreadsheet or script reads it: every cell as text."""
    return list(csv.DictReader(io.StringIO(csv_download(frame).decode("utf-8-sig"))))


def all_downloads(tables) -> dict[str, pd.DataFrame]:
    figures, sources, series = tables["figures"], tables["sources"], tables["series"]
    dates = charts.marked_dates(series, tables["milestones"], tables["rulings"], "month")
    return {
        "membership": downloads.figures(charts.membership_rows(figures), sources),
        "population": downloads.figures(charts.population_rows(figures), sources),
        "gang_links": downloads.figures(charts.gang_link_table(figures), sources),
        "other_figures": downloads.figures(charts.other_figure_rows(figures), sources),
        "encounters": downloads.series(charts.encounter_rows(series, "fiscal_year"), sources),
        "dates": downloads.marked_dates(dates, sources),
        "rulings": downloads.rulings(tables["rulings"], sources),
        "events": downloads.events(tables["events"], sources),
    }


@pytest.mark.parametrize("name", ["membership", "population", "gang_links", "other_figures", "encounters", "dates", "rulings", "events"])
def test_every_download_has_source_quote_and_licence_and_no_missing_words(tables, name):
    rows = as_csv(all_downloads(tables)[name])
    assert rows
    for column in ("source_publisher", "source_title", "source_url", "quote", "licence"):
        assert column in rows[0], f"{name} lacks {column}"
    sources = tables["sources"].set_index("source_id")
    for row in rows:
        assert row["licence"] == downloads.LICENCE and "CC BY 4.0" in row["licence"]
        assert row["source_publisher"] == sources.loc[row["source_id"], "publisher"]
        original = sources.loc[row["source_id"], "url"]
        assert row["source_url"] == ("" if pd.isna(original) else original)
        assert row["quote"].strip()
        assert not any(cell in MISSING_WORDS for cell in row.values()), row
        assert "editor_notes" not in row


def test_numbers_are_written_as_numbers_without_a_trailing_point_zero(tables):
    rows = {row["figure_id"]: row for row in as_csv(all_downloads(tables)["membership"])}
    figures = tables["figures"].set_index("figure_id")
    for figure_id, row in rows.items():
        expected = figures.loc[figure_id, "value"]
        assert row["value"] == ("" if pd.isna(expected) else str(int(expected)))
    assert "5000" in {row["value"] for row in rows.values()}
    counts = as_csv(all_downloads(tables)["encounters"])
    assert all(row["value"].isdigit() for row in counts)


def test_nullable_integers_stay_integers_and_gaps_stay_empty(tables):
    events = tables["events"]
    assert events["people_count"].isna().any() and events["people_count"].notna().any()
    rows = {row["event_id"]: row for row in as_csv(downloads.events(events, tables["sources"]))}
    for event_id, count in zip(events["event_id"], events["people_count"]):
        assert rows[event_id]["people_count"] == ("" if pd.isna(count) else str(int(count)))


def test_dates_are_iso_as_precise_as_the_source_with_a_precision_column():
    frame = pd.DataFrame(
        {
            "figure_id": ["a", "b", "c", "d"], "metric": ["membership"] * 4, "label": ["x"] * 4, "value": [5000.0, 2500.0, 1.0, None],
            "low": [None, None, None, 10.0], "high": [None, None, None, 20.0], "unit": ["members"] * 4,
            "as_of": pd.to_datetime(["2024-01-01", "2024-10-01", "2024-10-23", None]), "as_of_precision": ["year", "month", "day", None],
            "geography": ["V"] * 4, "estimator": ["E"] * 4, "status": ["estimate"] * 4, "confidence": ["high"] * 4,
            "computed": [False, True, False, False], "source_id": ["s"] * 4, "quote": ["q"] * 4, "notes": [None, "n", None, None],
        }
    )  # fmt: skip
    sources = pd.DataFrame(
        {"source_id": ["s"], "publisher": ["P"], "title": ["T"], "title_kind": ["headline"], "url": ["https://example.org/a"],
         "published": pd.to_datetime(["2024-05-01"]), "published_precision": ["month"], "via": [None], "via_url": [None]}
    )  # fmt: skip
    rows = as_csv(downloads.figures(frame, sources))
    assert [row["as_of"] for row in rows] == ["2024", "2024-10", "2024-10-23", ""]
    assert [row["as_of_precision"] for row in rows] == ["year", "month", "day", ""]
    assert [row["value"] for row in rows] == ["5000", "2500", "1", ""]
    assert [row["computed"] for row in rows] == ["false", "true", "false", "false"]
    assert rows[1]["value_label"] == "2,500 (derived)" and rows[0]["value_label"] == "5,000"
    assert rows[3]["value_label"] == "10–20"
    assert rows[0]["source_published"] == "2024-05" and rows[0]["source_published_precision"] == "month"
    assert rows[0]["notes"] == "" and rows[0]["source_read_via"] == ""
    assert list(rows[0]).index("as_of_precision") == list(rows[0]).index("as_of") + 1


def test_a_derived_value_is_marked_in_every_figures_download(tables):
    computed = set(tables["figures"].loc[tables["figures"]["computed"], "figure_id"])
    assert computed
    seen = set()
    for name in ("membership", "population", "gang_links", "other_figures"):
        for row in as_csv(all_downloads(tables)[name]):
            derived = row["figure_id"] in computed
            assert row["computed"] == ("true" if derived else "false")
            assert row["value_label"].endswith("(derived)") == derived
            seen |= {row["figure_id"]} & computed
    assert seen == computed


def test_rulings_download_has_the_court_document_and_the_proceeding(tables):
    rulings = tables["rulings"].copy()
    rulings["court_url"] = rulings["court_url"].astype(object)
    rulings.loc[rulings.index[0], "court_url"] = "https://www.supremecourt.gov/opinions/24pdf/24a931_2c83.pdf"
    rows = as_csv(downloads.rulings(rulings, tables["sources"]))
    assert rows[0]["court_url"].startswith("https://www.supremecourt.gov/")
    assert {row["proceeding"] for row in rows} <= {"decision", "oral_argument"}
    assert {row["about_tda"] for row in rows} <= {"true", "false"}
    assert all(row["date_precision"] for row in rows)


def test_spreadsheet_formulas_stay_neutralised_in_a_download(tables):
    events = tables["events"].copy()
    events.loc[events.index[0], "title"] = '=HYPERLINK("http://example.com","x")'
    rows = as_csv(downloads.events(events, tables["sources"]))
    assert rows[0]["title"] == "'" + '=HYPERLINK("http://example.com","x")'


def test_events_may_come_indexed_by_id_as_the_map_keeps_them(tables):
    indexed = tables["events"].set_index("event_id")
    frame = downloads.events(indexed, tables["sources"])
    assert frame["event_id"].tolist() == tables["events"]["event_id"].tolist()


def test_the_data_package_zip_holds_every_csv_the_descriptor_the_readme_and_both_licences(tmp_path):
    package = zipfile.ZipFile(io.BytesIO(downloads.data_package_zip(ROOT / "data")))
    names = {name.removeprefix(downloads.PACKAGE_FOLDER + "/") for name in package.namelist()}
    expected = {path.name for path in (ROOT / "data").glob("*.csv")} | {"datapackage.json", "README.md", "LICENSE", "LICENSE-DATA.md"}
    assert names == expected
    assert all(name.startswith(downloads.PACKAGE_FOLDER + "/") for name in package.namelist())
    descriptor = json.loads(package.read(f"{downloads.PACKAGE_FOLDER}/datapackage.json"))
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    fields = {field["name"] for resource in descriptor["resources"] for field in resource["schema"]["fields"]}
    assert "editor_notes" not in fields
    figures = package.read(f"{downloads.PACKAGE_FOLDER}/figures.csv").decode("utf-8")
    header = figures.splitlines()[0].split(",")
    assert "editor_notes" not in header and "figure_id" in header
    shipped = list(csv.DictReader((ROOT / "data" / "figures.csv").open(encoding="utf-8", newline="")))
    zipped = list(csv.DictReader(io.StringIO(figures)))
    assert [{key: value for key, value in row.items() if key != "editor_notes"} for row in shipped] == zipped
    assert package.read(f"{downloads.PACKAGE_FOLDER}/LICENSE-DATA.md") == (ROOT / "LICENSE-DATA.md").read_bytes()


def test_the_zip_is_built_from_the_folder_it_is_given(data_copy):
    (data_copy / "figures.csv").write_text("figure_id,editor_notes\nchanged-row,secret\n", encoding="utf-8")
    package = zipfile.ZipFile(io.BytesIO(downloads.data_package_zip(data_copy)))
    assert package.read(f"{downloads.PACKAGE_FOLDER}/figures.csv").decode() == "figure_id\nchanged-row\n"
    assert downloads.data_package_zip(data_copy) == downloads.data_package_zip(data_copy)  # same files, same bytes


def test_the_sources_page_names_both_licences_and_offers_the_package_zip(offered):
    at = open_page("app_pages/sources.py")
    assert not at.exception
    assert any(header.value == "Licences" for header in at.header)
    text = "\n".join(block.value for block in at.markdown)
    assert "CC BY 4.0" in text and "MIT" in text and "Quotes" in text
    button = next(button for button in at.get("download_button") if button.proto.id.endswith("sources_package_zip"))
    assert button.proto.label == "Download the whole data package"
    make = offered["sources_package_zip"]
    assert callable(make)  # built on the click: the browser does not fetch the whole package as the page opens
    package = zipfile.ZipFile(io.BytesIO(make()))
    assert {f"{downloads.PACKAGE_FOLDER}/{name}" for name in ("LICENSE", "LICENSE-DATA.md", "datapackage.json", "README.md", "figures.csv")} <= set(package.namelist())


def test_the_sources_list_download_has_iso_dates_the_licence_and_no_editor_columns(tables):
    rows = as_csv(downloads.sources_list(tables["sources"]))
    assert len(rows) == len(tables["sources"])
    assert "editor_notes" not in rows[0] and rows[0]["licence"] == downloads.LICENCE
    for row, (_, source) in zip(rows, tables["sources"].iterrows()):
        assert row["published"] == downloads.iso_date(source["published"], source["published_precision"])
        assert not any(cell in MISSING_WORDS for cell in row.values())
