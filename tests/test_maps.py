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
    assert [(entry["@@type"], entry["id"]) for entry in spec["layers"]] == [("GeoJsonLayer", "land"), ("GeoJsonLayer", "presence"), ("ScatterplotLayer", "events")]
    assert layer(spec, "land")["wrapLongitude"] is layer(spec, "presence")["wrapLongitude"] is True
    assert layer(spec, "land")["data"] == maps.LAND_URL == "/app/static/" + maps.BOUNDARIES_PATH.name
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


def test_only_people_arrested_or_charged_size_a_circle_by_area_and_every_other_count_is_the_base_size(tables):
    events = tables["events"].head(7).copy()
    events["people_count"] = pd.array([None, 1, 16, 238, 252, 11_000, 10_000], dtype="Int64")
    events["people_count_kind"] = [None, "arrested_or_charged", "arrested_or_charged", "removed_or_transferred", "returned", "security_forces", "arrested_or_charged"]
    radius = maps.event_labels(events)["radius"].tolist()
    assert radius[0] == radius[1] == radius[3] == radius[4] == radius[5] == maps.MIN_RADIUS_PX
    assert (radius[2] / radius[1]) ** 2 == pytest.approx(16)  # area, not radius, is proportional to the count
    assert radius[6] == maps.MAX_RADIUS_PX
    caption = maps.size_caption(events)
    assert "arrested or charged" in caption and "Paler circles are less certain" in caption
    assert "drawn at the size of 36" in caption and "drawn at the size" not in maps.size_caption(events.head(3))


def test_the_shipped_events_size_only_their_arrest_counts(tables):
    labelled = maps.event_labels(tables["events"])
    other = labelled["people_count_kind"].astype(object) != maps.SIZED_KIND
    assert (labelled.loc[other, "radius"] == maps.MIN_RADIUS_PX).all()
    assert labelled.loc[~other, "radius"].max() > maps.MIN_RADIUS_PX


def _linear(channel: float) -> float:
    channel /= 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _luminance(rgb: tuple[float, float, float]) -> float:
    red, green, blue = (_linear(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first, second) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _over(rgba: list[int], below: tuple[float, float, float]) -> tuple[float, float, float]:
    alpha = rgba[3] / 255
    return tuple(alpha * top + (1 - alpha) * under for top, under in zip(rgba[:3], below))


def country_fills() -> dict[str, tuple[float, float, float]]:
    """Every colour a dot can sit on, as drawn: water, plain land over water, each presence shade over land."""
    water = tuple(theme.rgb(theme.WATER)[:3])
    land = _over(maps.LAND_FILL, water)
    fills = {"water": water, "plain land": land}
    for status, color in theme.PRESENCE_COLORS.items():
        fills[status] = _over(theme.rgb(color, maps.PRESENCE_ALPHA), land)
    return fills


def test_the_blank_map_style_is_the_water_colour_the_contrast_test_uses():
    style = json.loads(maps.BLANK_STYLE_PATH.read_text())
    assert style["layers"][0]["paint"]["background-color"].lower() == theme.WATER.lower()


@pytest.mark.parametrize("confidence", list(theme.CONFIDENCE_OPACITY))
@pytest.mark.parametrize("event_type", list(theme.EVENT_TYPE_COLORS))
def test_every_dot_keeps_3_to_1_contrast_against_every_country_fill_at_every_confidence(event_type, confidence):
    # A dot is its fill (the type colour, paler when less sure) inside a solid dark outline; the outline does not
    # fade with confidence, so the dot's edge keeps its contrast where the fill alone would not (orange on orange).
    assert maps.POINT_OUTLINE[3] == 255 and maps.POINT_OUTLINE_PX >= 1
    fill = maps._point_color(f"{event_type} {confidence}")
    for name, country in country_fills().items():
        dot_fill = _over(fill, country)
        edge = _over(maps.POINT_OUTLINE, dot_fill)
        assert _contrast(edge, country) >= 3, f"{event_type} at {confidence} confidence on {name}: {_contrast(edge, country):.2f}:1"


def test_choosing_an_event_rings_it_and_keeps_every_dot_its_own_colour(tables):
    events = tables["events"]
    chosen = str(events.loc[events["lat"].notna(), "event_id"].iloc[0])
    plain = deck_json(events, tables["presence"])
    ringed = json.loads(maps.events_map(events, tables["presence"], chosen=chosen).to_json())
    event_layers = [entry for entry in ringed["layers"] if entry["id"].startswith(maps.EVENTS_LAYER)]
    assert len(event_layers) == 1 and event_layers[0]["id"] != maps.EVENTS_LAYER  # a new id: Streamlit's dimming goes stale
    assert event_layers[0]["id"] != maps.events_layer_id("another-event")
    assert [point["color"] for point in event_layers[0]["data"]] == [point["color"] for point in layer(plain, "events")["data"]]
    ring = layer(ringed, "chosen")
    assert ring["pickable"] is False and ring["filled"] is False and len(ring["data"]) == 1
    assert layer(plain, "events")["autoHighlight"] is False


def test_the_map_does_not_take_the_page_scroll_unless_the_reader_explores_it(tables):
    still = deck_json(tables["events"], tables["presence"])
    assert still["views"] == [{"@@type": "MapView", "controller": False}]
    explored = json.loads(maps.events_map(tables["events"], tables["presence"], explore=True).to_json())
    assert explored["views"] == [{"@@type": "MapView", "controller": True}]
    assert "touch-action: pan-x pan-y !important" in maps.SCROLL_THROUGH_CSS


def test_the_tooltip_is_pinned_inside_the_map_and_wraps():
    style = maps.TOOLTIP_STYLE
    assert style["transform"] == "none" and style["maxWidth"] == "calc(100% - 16px)"
    assert style["whiteSpace"] == "pre-wrap" and style["overflowWrap"] == "anywhere"


def test_the_map_json_is_compact(tables):
    text = maps.events_map(tables["events"], tables["presence"]).to_json()
    assert "\n" not in text and ", " not in text[:200]


def test_the_tooltip_is_text_only_and_names_title_date_status_place_and_country(tables):
    deck = maps.events_map(tables["events"], tables["presence"])
    tooltip = deck._tooltip
    assert set(tooltip) == {"text", "style"}
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
    spec = deck_json(tables["events"], presence)
    features = layer(spec, "presence")["data"]["features"]
    shaded = {feature["properties"]["iso_a3"]: feature["properties"]["fill"] for feature in features}
    assert shaded == {country: theme.rgb(theme.PRESENCE_COLORS[code], maps.PRESENCE_ALPHA) for country, code in status.items()}
    assert layer(spec, "land")["getFillColor"] == maps.LAND_FILL  # the rest: plain land, from the static file


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
    later = maps.events_layer_id("some-event")
    again = {"selection": {"indices": {later: [3]}, "objects": {later: [{"event_id": "some-event"}]}}}
    assert maps.selected_click(again) == (later, "some-event") != maps.selected_click(selection)
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
