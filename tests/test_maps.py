"""The map is built from the data: countries shaded by presence, events coloured by type, text-only tooltips."""

import json
import math

import pandas as pd
import pytest

from components import labels, maps, theme, transforms
from tools import build_boundaries

XSS_TITLE = "<img src=x onerror=alert(1)>"


def deck_json(events: pd.DataFrame, presence: pd.DataFrame) -> dict:
    return json.loads(maps.events_map(events, presence).to_json())


def layer(spec: dict, layer_id: str) -> dict:
    return next(entry for entry in spec["layers"] if entry["id"] == layer_id)


def test_the_deck_has_a_country_layer_under_a_pickable_event_layer(tables):
    spec = deck_json(tables["events"], tables["presence"])
    assert [(entry["@@type"], entry["id"]) for entry in spec["layers"]] == [("GeoJsonLayer", "presence"), ("ScatterplotLayer", "events")]
    assert layer(spec, "presence")["wrapLongitude"] is True
    assert layer(spec, "events")["pickable"] is True
    assert layer(spec, "events")["radiusUnits"] == "pixels"


def test_the_map_uses_the_local_blank_style_so_no_tile_server_is_contacted(tables):
    assert deck_json(tables["events"], tables["presence"])["mapStyle"] == "/app/static/blank-style.json"


def test_every_located_event_is_one_point_coloured_by_its_type(tables):
    events = tables["events"]
    points = layer(deck_json(events, tables["presence"]), "events")["data"]
    by_id = events.set_index("event_id")
    assert sorted(point["event_id"] for point in points) == sorted(events.loc[events["lat"].notna(), "event_id"])
    for point in points:
        expected = theme.rgb(theme.EVENT_TYPE_COLORS[by_id.at[point["event_id"], "event_type"]])
        assert point["color"][:3] == expected[:3]


def test_less_certain_events_are_drawn_paler(tables):
    events = tables["events"].head(2).copy()
    events["confidence"] = ["high", "low"]
    colors = maps.event_labels(events)["color"].tolist()
    assert colors[0][3] == 255
    assert colors[1][3] == round(255 * theme.CONFIDENCE_OPACITY["low"])


def test_point_radius_grows_with_the_square_root_of_people_counted_with_a_minimum(tables):
    events = tables["events"].head(3).copy()
    events["people_count"] = pd.array([None, 1, 10_000], dtype="Int64")
    radius = maps.event_labels(events)["radius"].tolist()
    assert radius[0] == radius[1] == maps.MIN_RADIUS_PX
    assert radius[2] == pytest.approx(maps.PX_PER_SQRT_PERSON * math.sqrt(10_000))


def test_the_tooltip_is_text_only_and_names_title_date_status_place_and_country(tables):
    deck = maps.events_map(tables["events"], tables["presence"])
    tooltip = deck._tooltip
    assert set(tooltip) == {"text"}
    for field in ("{title}", "{date_label}", "{status_label}", "{place_label}", "{country_name}"):
        assert field in tooltip["text"]
    point = layer(json.loads(deck.to_json()), "events")["data"][0]
    assert all(field.strip("{}") in point for field in ("{title}", "{date_label}", "{status_label}", "{place_label}", "{country_name}"))


def test_a_title_holding_html_reaches_the_layer_as_plain_text(tables):
    events = tables["events"].head(1).copy()
    events["title"] = XSS_TITLE
    spec = deck_json(events, tables["presence"])
    assert layer(spec, "events")["data"][0]["title"] == XSS_TITLE
    assert "html" not in maps.events_map(events, tables["presence"])._tooltip


def test_display_labels_come_from_the_labels_module(tables):
    events = tables["events"]
    labelled = maps.event_labels(events)
    assert labelled["status_label"].tolist() == [labels.label("event_status", code) for code in events["status"]]
    assert labelled["type_label"].tolist() == [labels.label("event_type", code) for code in events["event_type"]]
    assert labelled["country_name"].tolist() == [labels.country_name(code) for code in events["country"]]
    assert labelled["date_label"].tolist() == [transforms.date_label(day, precision) for day, precision in zip(events["date"], events["date_precision"])]


def test_countries_of_presence_are_shaded_by_status_and_the_rest_are_plain(tables):
    presence = tables["presence"]
    status = dict(zip(presence["country"].astype(str), presence["status"].astype(str)))
    features = layer(deck_json(tables["events"], presence), "presence")["data"]["features"]
    shaded = {feature["properties"]["iso_a3"]: feature["properties"]["fill"] for feature in features if feature["properties"]["fill"] != maps.LAND_FILL}
    assert shaded == {country: theme.rgb(theme.PRESENCE_COLORS[code], maps.PRESENCE_ALPHA) for country, code in status.items()}


def test_every_country_of_presence_has_a_shipped_shape(tables):
    shapes = {feature["properties"]["iso_a3"] for feature in maps.boundaries()["features"]}
    assert set(tables["presence"]["country"].astype(str)) <= shapes
    assert set(tables["events"]["country"].astype(str)) <= shapes


def test_the_shipped_shapes_have_names_and_coordinates_rounded_to_three_decimals():
    def coordinates(geometry):
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        return [point for polygon in polygons for ring in polygon for point in ring]

    for feature in maps.boundaries()["features"]:
        assert feature["properties"]["name"]
        assert all(round(value, 3) == value for point in coordinates(feature["geometry"]) for value in point)


def test_the_boundary_builder_decodes_quantised_arcs_and_stitches_reversed_ones():
    # A unit square split into two arcs; the second ring walks the first arc backwards.
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "152", "properties": {"name": "Chile"}},
            {"type": "MultiPolygon", "arcs": [[[~0, ~1]]], "properties": {"name": "Nowhere"}},
        ]}},
    }
    features = build_boundaries.to_geojson(topology)["features"]
    assert features[0]["properties"] == {"iso_a3": "CHL", "name": "Chile"}
    assert features[0]["geometry"]["coordinates"] == [[[-10, 20], [-9, 20], [-9, 21], [-10, 21], [-10, 20]]]
    assert features[1]["properties"]["iso_a3"] is None
    assert features[1]["geometry"]["coordinates"] == [[[[-9, 21], [-9, 20], [-10, 20], [-10, 21], [-9, 21]]]]


def test_the_initial_view_fits_the_points_and_falls_back_to_the_americas(tables):
    events = tables["events"]
    view = maps.initial_view(maps.event_points(events))
    assert events["lon"].min() <= view.longitude <= events["lon"].max()
    assert events["lat"].min() <= view.latitude <= events["lat"].max()
    one = maps.initial_view(maps.event_points(events.head(1)))
    assert (one.latitude, one.longitude, one.zoom) == pytest.approx((events["lat"].iloc[0], events["lon"].iloc[0], maps.MAX_ZOOM))
    empty = maps.initial_view(maps.event_points(events.head(0)))
    assert (empty.latitude, empty.longitude, empty.zoom) == (maps.AMERICAS["latitude"], maps.AMERICAS["longitude"], maps.AMERICAS["zoom"])


def test_the_event_table_lists_exactly_the_events_with_status_and_confidence_words(tables):
    events = tables["events"]
    chosen = events[events["event_type"] == events["event_type"].mode()[0]]
    table = maps.event_table(maps.event_labels(chosen), tables["sources"])
    assert sorted(table["Event ID"]) == sorted(chosen["event_id"])
    by_id = chosen.set_index("event_id")
    for _, row in table.iterrows():
        assert row["Status"] == labels.label("event_status", by_id.at[row["Event ID"], "status"])
        assert row["Confidence"] == labels.label("confidence", by_id.at[row["Event ID"], "confidence"])


def test_the_picker_marks_low_confidence_events_and_shows_their_status(tables):
    events = tables["events"].head(2).copy()
    events["confidence"] = ["high", "low"]
    labelled = maps.event_labels(events)
    choices = maps.event_choices(labelled)
    low_id, high_id = events["event_id"].iloc[1], events["event_id"].iloc[0]
    assert "low confidence" in choices[low_id] and "low confidence" not in choices[high_id]
    assert labels.label("event_status", events["status"].iloc[0]) in choices[high_id]


def test_a_click_on_the_map_gives_the_clicked_event_id():
    selection = {"selection": {"indices": {"events": [3]}, "objects": {"events": [{"event_id": "some-event"}]}}}
    assert maps.selected_event_id(selection) == "some-event"
    assert maps.selected_event_id({"selection": {"indices": {}, "objects": {}}}) is None
    assert maps.selected_event_id(None) is None


def test_legends_show_the_theme_colours_with_their_labels_and_only_types_in_the_data(tables):
    events = tables["events"]
    legend = maps.event_type_legend(events)
    for kind in set(events["event_type"].astype(str)):
        red, green, blue, _ = theme.rgb(theme.EVENT_TYPE_COLORS[kind])
        assert f"rgba({red}, {green}, {blue}, 1.00)" in legend
        assert labels.label("event_type", kind) in legend
    for kind in set(theme.EVENT_TYPE_COLORS) - set(events["event_type"].astype(str)):
        assert labels.label("event_type", kind) not in legend
    presence_legend = maps.presence_legend(tables["presence"])
    assert all(labels.label("presence_status", status) in presence_legend for status in set(tables["presence"]["status"].astype(str)))
