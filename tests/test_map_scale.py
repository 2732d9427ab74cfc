"""The map with many events: squares above the point budget, points below it, a searching picker, capped tables."""

import json

import numpy as np
import pandas as pd
import pytest

from components import mapgrid, maps, scale
from components.validation import DATA_DIR, load_package
from tests.helpers import open_page

TYPES = np.array(["arrest", "crime", "deportation", "security_operation"], dtype=object)


def random_events(rows: int, seed: int = 3, missing: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-120, 30, rows)
    lat = rng.uniform(-55, 60, rows)
    lon[:missing] = np.nan
    return lon, lat, TYPES[rng.integers(0, len(TYPES), rows)], rng.random(rows) < 0.3


# --------------------------------------------------------------------------------------------
# The grid


def test_the_squares_count_every_located_event_exactly_once():
    lon, lat, kinds, low = random_events(20_000, missing=17)
    grid = mapgrid.aggregate(lon, lat, kinds, low)
    assert grid.total == int(grid.cells["n"].sum()) == 20_000 - 17
    assert grid.cells["code"].is_unique
    # the count by type adds up to each square's count, and the low-confidence count never exceeds it
    by_type = grid.cells[[f"n_{kind}" for kind in grid.types]].sum(axis=1)
    assert (by_type == grid.cells["n"]).all()
    assert (grid.cells["n_low"] <= grid.cells["n"]).all()
    assert int(grid.cells["n_low"].sum()) == int(low[17:].sum())
    for kind in TYPES:
        assert int(grid.cells[f"n_{kind}"].sum()) == int((kinds[17:] == kind).sum())


def test_each_event_lies_inside_its_square_and_the_square_says_so():
    lon, lat, kinds, _ = random_events(5_000, seed=5)
    grid = mapgrid.aggregate(lon, lat, kinds, size=2.5)
    assert grid.size == 2.5
    cells = grid.cells
    assert ((cells["east"] - cells["west"]).round(9) == 2.5).all() and ((cells["north"] - cells["south"]).round(9) == 2.5).all()
    # a sample of squares: in_cell finds exactly the events the square counts, all inside its bounds
    for _, cell in cells.sample(40, random_state=1).iterrows():
        inside = mapgrid.in_cell(lon, lat, cell["code"])
        assert int(inside.sum()) == cell["n"]
        assert (lon[inside] >= cell["west"]).all() and (lon[inside] < cell["east"]).all()
        assert (lat[inside] >= cell["south"]).all() and (lat[inside] < cell["north"]).all()
        assert mapgrid.cell_bounds(cell["code"]) == pytest.approx((cell["west"], cell["south"], cell["east"], cell["north"]))


def test_the_squares_are_deterministic_and_the_dominant_type_is_the_most_common():
    lon, lat, kinds, low = random_events(8_000, seed=9)
    first = mapgrid.aggregate(lon, lat, kinds, low)
    order = np.random.default_rng(0).permutation(len(lon))
    again = mapgrid.aggregate(lon[order], lat[order], kinds[order], low[order])
    pd.testing.assert_frame_equal(first.cells, again.cells)
    counts = first.cells[[f"n_{kind}" for kind in first.types]].to_numpy()
    assert (counts[np.arange(len(counts)), [first.types.index(kind) for kind in first.cells["dominant"]]] == counts.max(axis=1)).all()
    # a tie goes to the type listed first
    tie = mapgrid.aggregate(np.array([1.0, 1.1]), np.array([1.0, 1.1]), np.array(["deportation", "arrest"], dtype=object), size=1.0)
    assert tie.cells["dominant"].tolist() == ["arrest"]


def test_the_cell_size_follows_the_extent_and_codes_refuse_junk():
    assert mapgrid.cell_size(-120, -55, 30, 60) == 2.5  # 150 degrees across: 60 squares of 2.5
    assert mapgrid.cell_size(-67, 10, -66, 10.5) == 0.02
    assert mapgrid.cell_size(0, 0, 0, 0) == mapgrid.CELL_SIZES[0]
    assert mapgrid.parse_cell("2.5:-27:4") == (2.5, -27, 4)
    for junk in ("", "3:1:1", "2.5:x:4", "2.5:1", "<b>", "2.5:999999:1", None, "1e3:1:1"):
        assert mapgrid.parse_cell(junk) is None
    assert not mapgrid.in_cell(np.array([1.0]), np.array([1.0]), "junk").any()


def test_a_squares_tooltip_gives_its_count_by_type_in_the_readers_language():
    lon = np.array([-66.5, -66.4, -66.3, -66.2])
    lat = np.array([10.1, 10.2, 10.3, 10.4])
    kinds = np.array(["arrest", "arrest", "crime", "arrest"], dtype=object)
    grid = mapgrid.aggregate(lon, lat, kinds, np.array([True, False, False, False]), size=1.0)
    [english] = mapgrid.cell_records(grid, "en")
    assert english["cell_title"] == "4 events in this square"
    assert english["cell_types"] == "Arrest 3 · Crime 1; 1 of low confidence"
    assert english["cell_place"] == "10° N–11° N, 67° W–66° W"
    assert english["polygon"] == [[-67.0, 10.0], [-66.0, 10.0], [-66.0, 11.0], [-67.0, 11.0]]
    [spanish] = mapgrid.cell_records(grid, "es")
    assert spanish["cell_title"] == "4 eventos en este cuadrado"
    assert "Arresto 3" in spanish["cell_types"]


def test_the_shading_steps_are_powers_of_ten_and_the_legend_names_those_used():
    assert mapgrid.shade_index(np.array([1, 9, 10, 99, 100, 5_000, 10_000, 10**7])).tolist() == [0, 0, 1, 1, 2, 3, 4, 4]
    grid = mapgrid.aggregate(np.array([0.5] * 12 + [5.5]), np.array([0.5] * 12 + [5.5]), np.array(["arrest"] * 13, dtype=object), size=1.0)
    assert [label for _, label in mapgrid.legend_items(grid, "en")] == ["1–9", "10–99"]
    assert [label for _, label in mapgrid.legend_items(grid, "es")] == ["1–9", "10–99"]
    assert mapgrid.bin_label(4, "en") == "10,000 or more"


# --------------------------------------------------------------------------------------------
# Points or squares: the budget


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_package(DATA_DIR).tables["events"]


def many_events(shipped: pd.DataFrame, copies: int) -> pd.DataFrame:
    """The shipped events repeated with new ids (for the pure view code; the page tests use real files)."""
    frames = [shipped.assign(event_id=shipped["event_id"].astype(str) + f"-{copy}") for copy in range(copies)]
    return pd.concat(frames, ignore_index=True)


def test_the_view_switches_to_squares_above_the_budget_and_back_to_points_below(shipped):
    events = many_events(shipped, 8)
    prep = scale.prepare(events)
    located = int((events["lat"].notna() & events["lon"].notna()).sum())
    below = scale.make_view(prep, "en", budget=located)
    assert not below.aggregated and len(below.labelled) == len(events) == below.count
    above = scale.make_view(prep, "en", budget=located - 1)
    assert above.aggregated and above.grid.total == located and above.count == len(events)
    assert len(above.labelled) <= scale.TABLE_ROWS
    deck = json.loads(maps.cells_map(above.grid, load_package(DATA_DIR).tables["presence"]).to_json())
    layer = next(layer for layer in deck["layers"] if layer["id"].startswith(mapgrid.CELLS_LAYER))
    assert sum(int(record["cell_title"].split()[0].replace(",", "")) for record in layer["data"]) == located
    assert not any(layer["id"].startswith(maps.EVENTS_LAYER) for layer in deck["layers"])
    # zooming in to the busiest square: its events, as points again
    busiest = mapgrid.busiest(above.grid).iloc[0]
    zoomed = scale.make_view(prep, "en", area=busiest["code"], budget=located - 1)
    assert not zoomed.aggregated and zoomed.located == busiest["n"]


def test_filters_and_the_newest_first_order_match_a_plain_pandas_filter(shipped):
    events = many_events(shipped, 3)
    prep = scale.prepare(events)
    kind = str(events["event_type"].mode()[0])
    country = str(events["country"].mode()[0])
    shown = scale.make_view(prep, "en", types=[kind], countries=[country])
    expected = events[(events["event_type"] == kind) & (events["country"] == country)]
    assert sorted(events["event_id"].iloc[shown.positions]) == sorted(expected["event_id"])
    dates = events["date"].iloc[shown.positions].to_numpy()
    assert (dates[:-1] >= dates[1:]).all()


def test_the_picker_searches_titles_places_and_ids_and_caps_its_list(shipped):
    events = many_events(shipped, 10)
    prep = scale.prepare(events)
    shown = scale.make_view(prep, "en")
    assert len(scale.search_positions(prep, shown, "")) == scale.PICKER_CHOICES
    word = str(shipped["title"].iloc[0]).split()[0]
    found = scale.search_positions(prep, shown, word.upper())
    text = lambda column: events[column].astype(str).fillna("").str.contains(word, case=False, regex=False)  # noqa: E731
    expected = set(events["event_id"][text("title") | text("place") | text("admin1") | text("event_id") | text("country")])
    assert 0 < len(found) == min(len(expected), scale.PICKER_CHOICES)
    assert set(events["event_id"].iloc[found]) <= expected
    one = str(events["event_id"].iloc[37])
    assert events["event_id"].iloc[scale.search_positions(prep, shown, one)].tolist() == [one]
    assert len(scale.search_positions(prep, shown, "no such words anywhere")) == 0
    assert len(scale.search_positions(prep, shown, "(.*")) == 0  # text, never a pattern


# --------------------------------------------------------------------------------------------
# The page with 50,000 extra events (AppTest)


@pytest.fixture(scope="module")
def big_data(tmp_path_factory):
    from benchmarks.bench_scale import make_data

    return make_data(50_000, tmp_path_factory.mktemp("big") / "data")


def test_the_map_page_with_50000_events_draws_squares_and_says_so(big_data, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(big_data))
    at = open_page("app_pages/map.py")
    assert not at.exception
    total = len(load_package(DATA_DIR).tables["events"]) + 50_000
    captions = " ".join(caption.value for caption in at.caption)
    assert f"Showing {total:,} of {total:,} events" in captions  # every event counted
    texts = " ".join(markdown.value for markdown in at.markdown)
    assert "Too many events to draw one by one" in texts and "Events per square" in texts
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    cells = next(layer for layer in spec["layers"] if layer["id"].startswith(mapgrid.CELLS_LAYER))
    assert not any(layer["id"].startswith(maps.EVENTS_LAYER) for layer in spec["layers"])
    assert 0 < len(cells["data"]) <= mapgrid.POINT_BUDGET
    located = total - int((load_package(DATA_DIR).tables["events"]["lat"].isna()).sum())
    assert sum(int(record["cell_title"].split()[0].replace(",", "")) for record in cells["data"]) == located
    assert len(at.get("deck_gl_json_chart")[0].proto.json) < 2_000_000
    # the table is capped and says so; the picker lists a capped number of events and searches
    assert len(at.dataframe[0].value) == scale.TABLE_ROWS
    assert f"newest {scale.TABLE_ROWS:,} of the {total:,} events" in captions
    assert len(at.selectbox(key="map_event").options) == scale.PICKER_CHOICES
    at.text_input(key="map_search").input("syn-4242").run()
    found = at.selectbox(key="map_event").options
    assert len(found) == 11  # syn-4242 and syn-42420 … syn-42429: the id search matches text, not patterns
    at.selectbox(key="map_event").select("syn-4242").run()
    assert at.query_params["map_event"] == "syn-4242"
    assert not at.exception
    # zooming in to the busiest square shows its events as points, and the link keeps it
    area = max(cells["data"], key=lambda record: int(record["cell_title"].split()[0].replace(",", "")))["cell"]
    at.selectbox(key="map_area").select(area).run()
    assert at.query_params["map_area"] == area
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    points = [layer for layer in spec["layers"] if layer["id"].startswith(maps.EVENTS_LAYER)]
    assert points and 0 < len(points[0]["data"]) <= mapgrid.POINT_BUDGET
    assert any("Only the square" in caption.value for caption in at.caption)
    at.button(key="map_area_clear").click().run()
    assert "map_area" not in at.query_params
    assert any(layer["id"].startswith(mapgrid.CELLS_LAYER) for layer in json.loads(at.get("deck_gl_json_chart")[0].proto.json)["layers"])


def test_the_map_picture_draws_the_same_squares_above_the_budget(shipped):
    from components.publishing import map_image

    presence = load_package(DATA_DIR).tables["presence"]
    events = many_events(shipped, 100)
    located = events[events["lat"].notna() & events["lon"].notna()]
    assert len(located) > mapgrid.POINT_BUDGET
    figure = map_image.map_figure(events, presence)
    squares = [trace for trace in figure.data if trace.legendgroup == "cells"]
    assert squares and not [trace for trace in figure.data if trace.legendgroup == "events"]
    grid = mapgrid.aggregate(located["lon"], located["lat"], located["event_type"].astype(object), size=None)
    assert sum(list(trace.x).count(None) for trace in squares) == len(grid.cells)  # one closed square per cell
    assert all(trace.name.startswith("Events per square: ") for trace in squares)
    # below the budget, the picture keeps one marker per event
    few = map_image.map_figure(shipped, presence)
    assert not [trace for trace in few.data if trace.legendgroup == "cells"]
    assert sum(len(trace.x) for trace in few.data if trace.legendgroup == "events") == int((shipped["lat"].notna() & shipped["lon"].notna()).sum())


def test_the_exported_picture_keeps_the_square_zoomed_into(shipped):
    from components.publishing import registry

    located = shipped[shipped["lat"].notna() & shipped["lon"].notna()]
    code = mapgrid.cell_code(10.0, int(np.floor(located["lon"].iloc[0] / 10)), int(np.floor(located["lat"].iloc[0] / 10)))
    inside = registry.map_rows(shipped, {"map_area": [code]})
    assert 0 < len(inside) < len(shipped)
    assert mapgrid.in_cell(inside["lon"].to_numpy(), inside["lat"].to_numpy(), code).all()
    assert len(registry.map_rows(shipped, {"map_area": ["junk"]})) == len(shipped)
    assert registry.view_of("map", {"map_area": [code], "lang": ["es"]}) == {"map_area": [code]}


def test_the_csv_written_on_the_click_holds_exactly_the_matching_events(shipped):
    import io

    events = many_events(shipped, 240)  # above the rows the page prepares with itself
    sources = load_package(DATA_DIR).tables["sources"]
    prep = scale.prepare(events)
    kind = str(events["event_type"].mode()[0])
    shown = scale.make_view(prep, "en", types=[kind])
    assert shown.count > scale.EAGER_CSV_ROWS
    downloaded = pd.read_csv(io.BytesIO(scale._csv_bytes(prep, shown, sources, "en")), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert sorted(downloaded["event_id"]) == sorted(events.loc[events["event_type"] == kind, "event_id"])
    assert {"source_publisher", "licence"} <= set(downloaded.columns) and "editor_notes" not in downloaded.columns


def test_a_link_to_a_square_that_is_not_one_falls_back_to_the_whole_map_with_a_notice():
    from components import safety

    at = open_page("app_pages/map.py", {"map_area": ["<b>junk</b>"]})
    assert not at.exception
    assert any(safety.escape_markdown("map_area=<b>junk</b>") in info.value for info in at.info)
    assert "map_area" not in at.query_params
    # with the shipped events (fewer than the budget) the map draws circles and offers no squares
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert any(layer["id"].startswith(maps.EVENTS_LAYER) for layer in spec["layers"])
    assert not [box for box in at.selectbox if box.key == "map_area"]


def test_a_link_to_a_square_shows_only_its_events_as_points(shipped):
    located = shipped[shipped["lat"].notna() & shipped["lon"].notna()]
    code = mapgrid.cell_code(10.0, int(np.floor(located["lon"].iloc[0] / 10)), int(np.floor(located["lat"].iloc[0] / 10)))
    inside = mapgrid.in_cell(located["lon"].to_numpy(), located["lat"].to_numpy(), code)
    at = open_page("app_pages/map.py", {"map_area": [code]})
    assert not at.exception
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    points = next(layer for layer in spec["layers"] if layer["id"].startswith(maps.EVENTS_LAYER))["data"]
    assert sorted(point["event_id"] for point in points) == sorted(located.loc[inside, "event_id"])
    assert at.query_params["map_area"] == code
    assert at.selectbox(key="map_area").value == code
    at.button(key="map_area_clear").click().run()
    assert "map_area" not in at.query_params
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert len(next(layer for layer in spec["layers"] if layer["id"].startswith(maps.EVENTS_LAYER))["data"]) == len(located)


def test_the_squares_speak_spanish(big_data, monkeypatch):
    monkeypatch.setenv("TDA_DATA_DIR", str(big_data))
    at = open_page("app_pages/map.py", {"lang": ["es"]})
    assert not at.exception
    texts = " ".join(markdown.value for markdown in at.markdown)
    assert "Hay demasiados eventos para dibujarlos uno a uno" in texts and "Eventos por cuadrado" in texts
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    cells = next(layer for layer in spec["layers"] if layer["id"].startswith(mapgrid.CELLS_LAYER))
    assert all(record["cell_title"].endswith(("en este cuadrado")) for record in cells["data"])
    assert at.selectbox(key="map_area").label == "Acercarse a un cuadrado"
    assert at.text_input(key="map_search").label == "Buscar un evento"
