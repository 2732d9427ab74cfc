"""The Editor page's import tabs with AppTest: each tab drawn alone with a real store on a copy of the data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.desk import imports
from components.desk.store import Store
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "desk"
RELEASE = "nationwide-encounters-fy25-fy26-dec-state.csv"


def tab_script():
    import os
    from pathlib import Path

    from components.desk import import_views
    from components.desk.store import Store

    store = Store(data_dir=Path(os.environ["TDA_DATA_DIR"]))
    getattr(import_views, os.environ["TDA_TEST_TAB"])(store, "ana", os.environ.get("TDA_TEST_LANG", "en"))


@pytest.fixture
def tab(data_copy, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))

    def start(name: str, lang: str = "en") -> AppTest:
        monkeypatch.setenv("TDA_TEST_TAB", name)
        monkeypatch.setenv("TDA_TEST_LANG", lang)
        at = AppTest.from_function(tab_script, default_timeout=120)
        return at.run()

    return start


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*")) if path.is_file()}


def texts(at: AppTest) -> str:
    parts = [element.value for kind in ("error", "warning", "success", "info", "caption", "markdown") for element in getattr(at, kind)]
    return "\n".join(str(part) for part in parts).replace("\\", "")


def upload(at: AppTest, name: str, data: bytes | None = None) -> AppTest:
    at.file_uploader[0].set_value((name, (FIXTURES / name).read_bytes() if data is None else data, "text/csv"))
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [item.value for item in at.exception]


def read(folder: Path, name: str) -> pd.DataFrame:
    return imports.read_text_csv((folder / name).read_bytes())


# --------------------------------------------------------------------------------------------
# CBP release


def test_a_cbp_release_is_compared_then_saved_with_its_source_correction_and_raw_rows(tab, data_copy):
    at = tab("cbp_tab")
    assert not at.warning  # the shipped raw file and series agree
    at = upload(at, RELEASE)
    no_exception(at)
    assert [metric.value for metric in at.metric] == ["2", "4", "28"]
    shown = at.dataframe[0].value
    assert {"Now", "With this release", "What happens"} <= set(shown.columns)
    december = shown[shown["Period"] == "2025-12"]
    assert december["With this release"].tolist() == ["345", "134"] and set(december["What happens"]) == {"new"}
    assert at.text_area(key="desk_imp_cbp0_correction").value.startswith("CBP's release nationwide-encounters-fy25-fy26-dec-state.csv revised 4 counts: 2025-10")
    at.button(key="desk_imp_cbp0_save").click().run()
    no_exception(at)
    assert "series.csv saved" in texts(at)
    series = read(data_copy, "series.csv")
    assert series.loc[series["period"] == "2025-12", "value"].tolist() == ["345", "134"]
    sources = read(data_copy, "sources.csv")
    assert "cbp-encounters-fy25-fy26-dec" in set(sources["source_id"])
    raw = imports.read_text_csv((data_copy / imports.RAW_FILE).read_bytes())
    fy2026 = raw[raw["Fiscal Year"] == "2026 (FYTD)"]
    assert (fy2026["Month (abbv)"] == "DEC").sum() == (fy2026["Month (abbv)"] == "NOV").sum() > 0
    again, problems = imports.series_from_raw(raw, sources)
    assert problems == [] and imports.merge_series(series, again).values.tolist() == series.values.tolist()  # the raw file and the series agree
    changes = read(data_copy, "changes.csv")
    assert (changes["file"] == "series.csv").sum() > 1 and changes["description"].iloc[-1].startswith("CBP's release")
    history = Store(data_dir=data_copy).history(table="series")
    assert set(history["editor"]) == {"ana"} and len(history) > 30
    assert list((Path(Store(data_dir=data_copy).state_dir) / "source-versions").glob("cbp_encounters_venezuela_state-*.csv"))
    assert at.file_uploader[0].value is None  # a new round: the tab starts empty


def test_a_raw_file_out_of_step_with_the_series_is_pointed_out(tab, data_copy):
    series = (data_copy / "series.csv").read_text()
    (data_copy / "series.csv").write_text(series.replace("cbp_venezuela_nationwide,2025-11,month,369,", "cbp_venezuela_nationwide,2025-11,month,370,"))
    at = tab("cbp_tab")
    no_exception(at)
    assert "disagree on 1 period:" in texts(at)


def test_a_release_of_another_country_changes_nothing(tab, data_copy):
    before = folder_digest(data_copy)
    lines = (FIXTURES / RELEASE).read_text().splitlines()
    other = ("\r\n".join([lines[0]] + [line.replace("VENEZUELA", "MEXICO") for line in lines[1:]]) + "\r\n").encode()
    at = upload(tab("cbp_tab"), "cbp.csv", other)
    no_exception(at)
    assert "no rows for Citizenship VENEZUELA (it has MEXICO)" in texts(at)
    assert not at.button and not at.dataframe
    assert folder_digest(data_copy) == before


def test_a_renamed_workbook_is_refused_in_spanish(tab, data_copy):
    before = folder_digest(data_copy)
    at = upload(tab("cbp_tab", "es"), "cbp.csv", b"PK\x03\x04\x14\x00rest")
    no_exception(at)
    assert "ZIP" in texts(at) and "archivo" in texts(at)
    assert folder_digest(data_copy) == before


# --------------------------------------------------------------------------------------------
# New event


def fill_event(at: AppTest, **values) -> AppTest:
    prefix = "desk_imp_new0"
    for key, value in values.items():
        if key in ("country", "type", "status", "source", "confidence"):
            at.selectbox(key=f"{prefix}_{key}").select(value)
        elif key in ("summary", "quote"):
            at.text_area(key=f"{prefix}_{key}").input(value)
        else:
            at.text_input(key=f"{prefix}_{key}").input(value)
    return at.run()


def test_a_new_event_from_the_gazetteers_candidates(tab, data_copy):
    at = fill_event(tab("new_event_tab"), place="Aurora", country="USA")
    no_exception(at)
    (choice,) = at.radio
    choice_words = [option.replace("\\", "") for option in choice.options]
    assert choice_words[0].startswith("1. Aurora, Colorado (CO) · population 359,407")
    assert choice_words[1].startswith("2. Aurora, Illinois (IL)") and choice_words[-1].startswith("None of these")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert [layer["id"] for layer in deck["layers"]] == ["land", "candidates", "numbers"]
    assert deck["mapStyle"] == "/app/static/blank-style.json"
    choice.set_value(1).run()
    at = fill_event(at, date="2025-09-10", type="arrest", status="alleged", title="ICE arrests a man it calls a TdA associate in Aurora, Illinois",
                    summary="A test event.", source="denver7-edge-lowry-16-ice", confidence="medium", quote="Test words.")
    no_exception(at)
    assert "will be saved as aurora-arrest-2025 at 41.76058, -88.32007 (gazetteer)" in texts(at)
    save = at.button(key="desk_imp_new0_save")
    assert save.disabled  # no reason yet
    at = fill_event(at, reason="New arrest")
    at.button(key="desk_imp_new0_save").click().run()
    no_exception(at)
    events = read(data_copy, "events.csv")
    row = events[events["event_id"] == "aurora-arrest-2025"].iloc[0]
    assert (row["place"], row["admin1"], row["lat"], row["lon"], row["geocode"]) == ("Aurora", "IL", "41.76058", "-88.32007", "gazetteer")
    assert row["editor_notes"].startswith("GeoNames geonameid 4883817 ")
    assert "event aurora-arrest-2025 added" in texts(at)


def test_a_probable_duplicate_must_be_confirmed(tab, data_copy):
    before = folder_digest(data_copy)
    at = fill_event(tab("new_event_tab"), place="Aurora", country="USA")
    at = fill_event(at, date="2024-12-17", type="crime", status="alleged", title="Kidnapping at an Aurora apartment complex", summary="Test.",
                    source="denver7-edge-lowry-16-ice", confidence="medium", quote="Test words.")
    at = fill_event(at, reason="test")
    no_exception(at)
    assert "same date, place and type as aurora-kidnapping-ice-2024" in texts(at)
    assert at.button(key="desk_imp_new0_save").disabled
    at.checkbox(key="desk_imp_new0_different").check().run()
    assert not at.button(key="desk_imp_new0_save").disabled
    assert folder_digest(data_copy) == before


def test_a_place_the_gazetteer_lacks_asks_for_coordinates(tab):
    at = fill_event(tab("new_event_tab"), place="Nowhere-at-all", country="VEN")
    no_exception(at)
    assert "no town called Nowhere-at-all in Venezuela" in texts(at)
    assert at.text_input(key="desk_imp_new0_lat") is not None and not at.radio


# --------------------------------------------------------------------------------------------
# ACLED and plain CSV


def digest(name: str) -> str:
    return hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest()[:10]


def test_an_acled_export_is_previewed_deduplicated_and_imported_with_a_new_source(tab, data_copy):
    at = upload(tab("acled_tab"), "acled_sample.csv")
    no_exception(at)
    preview = at.data_editor(key=f"desk_imp_acled0_preview_{digest('acled_sample.csv')}").value
    assert preview["import"].tolist() == [True, True, True, True, False, True]
    assert "aurora-kidnapping-ice-2024" in preview["duplicate"].iloc[4]
    assert "5 events are valid and ready to import" in texts(at)
    at.button(key="desk_imp_acled0_save").click().run()
    no_exception(at)
    events = read(data_copy, "events.csv")
    imported = events[events["event_id"].str.startswith("acled-")]
    assert imported["event_id"].tolist() == ["acled-ven9001", "acled-col9002", "acled-chl9003", "acled-per9004", "acled-ecu9006"]
    source_id = imported["source_id"].iloc[0]
    assert source_id.startswith("acled-export-") and source_id in set(read(data_copy, "sources.csv")["source_id"])
    assert "5 events imported" in texts(at)
    history = Store(data_dir=data_copy).history(table="events")
    assert set(history["record_id"]) >= set(imported["event_id"])


def test_the_acled_mapping_tables_can_be_edited(tab):
    at = upload(tab("acled_tab"), "acled_sample.csv")
    types_key = f"desk_imp_acled0_types_{digest('acled_sample.csv')}"
    arrests = imports.acled_type_table().index[imports.acled_type_table()["acled_sub_event_type"] == "Arrests"][0]
    at.session_state[types_key] = {"edited_rows": {int(arrests): {"event_type": "security_operation", "status": "reported"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    no_exception(at)
    preview = at.data_editor(key=f"desk_imp_acled0_preview_{digest('acled_sample.csv')}").value
    assert preview[["event_type", "status"]].iloc[0].tolist() == ["security_operation", "reported"]


def test_a_plain_csv_with_the_editors_column_mapping(tab, data_copy):
    at = upload(tab("plain_csv_tab"), "plain_events_sample.csv")
    no_exception(at)
    key = f"desk_imp_plain0_columns_{digest('plain_events_sample.csv')}"
    columns = imports.column_table("plain", ["Date", "Headline", "What happened", "Type", "Town", "Province", "Country", "Source quote"])
    mapping = {"date": "{Date}", "title": "{Headline}", "summary": "{What happened}", "event_type": "{Type}", "status": "alleged", "place": "{Town}",
               "admin1": "{Province}", "country": "{Country}", "quote": "{Source quote}", "confidence": "medium"}
    at.session_state[key] = {"edited_rows": {int(index): {"template": mapping[column]} for index, column in columns["column"].items() if column in mapping and columns.at[index, "template"] != mapping[column]},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    values_key = f"desk_imp_plain0_values_event_type_{digest('plain_events_sample.csv')}"
    assert at.data_editor(key=values_key).value["value"].tolist() == ["Arrest", "Raid"]
    at.session_state[values_key] = {"edited_rows": {0: {"maps_to": "arrest"}, 1: {"maps_to": "security_operation"}}, "added_rows": [], "deleted_rows": []}
    at.radio(key="desk_imp_plain0_source_mode").set_value("existing").run()
    at.selectbox(key="desk_imp_plain0_source_id").select("efe-argentina-tda-arrest").run()
    no_exception(at)
    assert "3 events are valid and ready to import" in texts(at), texts(at)
    at.button(key="desk_imp_plain0_save").click().run()
    events = read(data_copy, "events.csv")
    assert events["event_id"].iloc[-3:].tolist() == ["lima-arrest-2025", "quito-security-operation-2025", "aurora-arrest-2025"]


def test_formula_cells_are_refused_and_shown_escaped(tab, data_copy):
    before = folder_digest(data_copy)
    at = upload(tab("plain_csv_tab"), "events.csv", b"Date,Headline\n2025,=HYPERLINK(\"http://evil.example\")\n2025,[click](http://evil.example)\n")
    no_exception(at)
    error = at.error[0].value
    assert "line 2, column “Headline”" in error.replace("\\", "") and "formula" in error
    assert "](http" not in error  # markdown from the file is escaped
    assert not at.data_editor
    assert folder_digest(data_copy) == before
