"""Pure map building: events and countries of presence -> a pydeck Deck, plus the labels, legend and tables beside it.

Nothing here imports streamlit. The country shapes come from static/ (shipped, Natural Earth via
world-atlas) and the basemap is a blank local style, so the map needs no tile server or CDN.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components import labels, theme, transforms

BOUNDARIES_PATH = Path(__file__).resolve().parents[1] / "static" / "countries-110m.geojson"
# Served by `--server.enableStaticServing true`; a style with only a background, so nothing is fetched.
MAP_STYLE = "/app/static/blank-style.json"
BLANK_STYLE_PATH = Path(__file__).resolve().parents[1] / "static" / "blank-style.json"
# Every country, plain, is fetched by the browser from static/ (once, over HTTP); only the shaded
# countries of presence travel inside the map's own JSON.
LAND_URL = "/app/static/countries-110m.geojson"
AMERICAS = {"latitude": 8.0, "longitude": -80.0, "zoom": 1.6}
MAX_ZOOM = 6.0  # one point, or a few in one city, would otherwise zoom to street level
MIN_ZOOM = 0.5

MIN_RADIUS_PX = 5.0  # the base size: one person arrested or charged, and every event without such a count
MAX_RADIUS_PX = 30.0  # 36 people; larger counts are drawn at this size (the caption says so when it happens)
SIZED_KIND = "arrested_or_charged"  # the one comparable count that sizes circles; every other kind is drawn at the base size
LAND_FILL = theme.rgb(theme.GREY, 40)
BORDER = theme.rgb(theme.GREY, 140)
PRESENCE_ALPHA = 150
# Solid and dark, whatever the confidence: the outline keeps every dot at least 3:1 against every country fill.
POINT_OUTLINE = theme.rgb(theme.INK)
POINT_OUTLINE_PX = 1.5
CHOSEN_RING = theme.rgb(theme.INK)
CHOSEN_RING_PX = 3.0
CHOSEN_RING_GAP_PX = 3.0

POINT_COLUMNS = [
    "event_id", "lon", "lat", "color", "radius",
    "title", "date_label", "type_label", "status_label", "confidence_label", "place_label", "country_name",
]
# Text only: deck.gl inserts each value as text, so a title holding HTML is shown, not run.
TOOLTIP_TEXT = "{title}\n{type_label} · {date_label}\nStatus: {status_label} · {confidence_label}\n{place_label}, {country_name}"
# deck.gl places the tooltip at the pointer, so near the right edge it ran off a 375 px screen. Pinned to the
# map's bottom-left corner instead (the style is applied after deck.gl's own transform), wrapped within the map.
TOOLTIP_STYLE = {
    "transform": "none",
    "top": "auto",
    "left": "8px",
    "bottom": "8px",
    "maxWidth": "calc(100% - 16px)",
    "boxSizing": "border-box",
    "whiteSpace": "pre-wrap",
    "overflowWrap": "anywhere",
    "fontSize": "14px",
    "lineHeight": "1.35",
    "padding": "6px 8px",
    "borderRadius": "4px",
    "backgroundColor": theme.INK,
    "color": theme.PAPER,
}


@lru_cache(maxsize=1)
def boundaries() -> dict:
    """The shipped country shapes (GeoJSON with iso_a3 and name properties); treat as read-only."""
    return json.loads(BOUNDARIES_PATH.read_text(encoding="utf-8"))


def _per_distinct(codes: pd.Series, describe) -> pd.Series:
    """describe(code) for a column of codes, computed once per distinct code ('' where missing)."""
    distinct = codes.dropna().astype(str).unique()
    return codes.astype(object).map({code: describe(code) for code in distinct}).fillna("").astype(object)


def _coded_labels(codes: pd.Series, kind: str) -> pd.Series:
    """Reader-facing labels for a column of codes."""
    return _per_distinct(codes, lambda code: labels.label(kind, code))


def date_labels(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    """transforms.date_label for a whole column, computed once per distinct date and precision."""
    keys = pd.DataFrame({"date": dates, "precision": precisions.astype(object)})
    distinct = keys.drop_duplicates()
    text = pd.Series([transforms.date_label(day, precision) for day, precision in zip(distinct["date"], distinct["precision"])], index=pd.MultiIndex.from_frame(distinct))
    return pd.Series(text.reindex(pd.MultiIndex.from_frame(keys)).to_numpy(), index=dates.index, dtype=object)


def _text(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "")


def _point_color(type_and_confidence: str) -> list[int]:
    """[r, g, b, a] of a point: its type's colour, paler when the source is less sure."""
    kind, _, confidence = type_and_confidence.partition(" ")
    alpha = round(255 * theme.CONFIDENCE_OPACITY.get(confidence, 1.0))
    return theme.rgb(theme.EVENT_TYPE_COLORS.get(kind, theme.GREY), alpha)


def event_labels(events: pd.DataFrame) -> pd.DataFrame:
    """events with the display columns the map, tooltip, picker and table share (labels, colour, radius)."""
    frame = events.copy()
    frame["date_label"] = date_labels(frame["date"], frame["date_precision"])
    frame["type_label"] = _coded_labels(frame["event_type"], "event_type")
    frame["status_label"] = _coded_labels(frame["status"], "event_status")
    frame["confidence_label"] = _coded_labels(frame["confidence"], "confidence")
    frame["country_name"] = _per_distinct(frame["country"], labels.country_name)
    place, admin1 = _text(frame["place"]), _text(frame["admin1"])
    frame["place_label"] = (place + np.where(admin1 != "", ", " + admin1, "")).astype(object)
    frame["color"] = _per_distinct(frame["event_type"].astype(str) + " " + frame["confidence"].astype(str), _point_color)
    frame["radius"] = circle_radius(frame)
    return frame


def circle_radius(events: pd.DataFrame) -> np.ndarray:
    """Pixels: area grows with the people arrested or charged; any other count (or none) is the base size."""
    people = pd.to_numeric(events["people_count"], errors="coerce").astype(float).fillna(0.0).to_numpy()
    kind = events["people_count_kind"].astype(object) if "people_count_kind" in events.columns else pd.Series("", index=events.index, dtype=object)
    sized = np.where(kind.to_numpy() == SIZED_KIND, np.maximum(people, 1.0), 1.0)
    return np.minimum(MIN_RADIUS_PX * np.sqrt(sized), MAX_RADIUS_PX)  # area proportional to the count


def size_caption(events: pd.DataFrame) -> str:
    """What circle size means, exactly as circle_radius draws it."""
    text = (
        "Circle area shows the number of people arrested or charged, as the source counts them "
        "(the smallest circle is one person). Every other event (people removed, transferred or returned, "
        "security forces deployed, or no count) is drawn at that smallest size. Paler circles are less certain."
    )
    people = pd.to_numeric(events["people_count"], errors="coerce")
    capped_at = round((MAX_RADIUS_PX / MIN_RADIUS_PX) ** 2)
    if "people_count_kind" in events.columns and bool(((events["people_count_kind"].astype(object) == SIZED_KIND) & (people > capped_at)).any()):
        text += f" Counts above {capped_at:,} people are drawn at the size of {capped_at:,}."
    return text


def event_points(events: pd.DataFrame) -> pd.DataFrame:
    """The located events as the scatter layer draws them: only the columns the layer and tooltip use."""
    labelled = events if "color" in events.columns else event_labels(events)
    located = labelled[labelled["lat"].notna() & labelled["lon"].notna()]
    points = located[POINT_COLUMNS].copy()
    for column in POINT_COLUMNS:
        if column not in ("lon", "lat", "color", "radius"):
            points[column] = _text(points[column]).astype(str)
    return points


def initial_view(points: pd.DataFrame, width_px: int = 340, height_px: int = 560) -> pdk.ViewState:
    """A view that fits every point (web-mercator bounds), or the Americas when there are none.

    Fitted for a phone-wide map (the page cannot know the screen's width): wider screens show more around it.
    """
    located = points.dropna(subset=["lat", "lon"])
    if located.empty:
        return pdk.ViewState(**AMERICAS)
    west, east = float(located["lon"].min()), float(located["lon"].max())
    south, north = (max(-85.0, min(85.0, float(value))) for value in (located["lat"].min(), located["lat"].max()))
    mercator = lambda lat: math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))  # noqa: E731
    span_x = max(east - west, 1e-6)
    span_y = max(mercator(north) - mercator(south), 1e-6)
    # deck.gl's world is 512 px wide at zoom 0; keep a margin so edge points are not cut in half
    zoom = min(math.log2(width_px * 360 / (512 * span_x)), math.log2(height_px * 360 / (512 * span_y))) - 0.5
    middle_y = math.radians((mercator(north) + mercator(south)) / 2)
    latitude = math.degrees(2 * math.atan(math.exp(middle_y)) - math.pi / 2)
    return pdk.ViewState(latitude=latitude, longitude=(west + east) / 2, zoom=max(MIN_ZOOM, min(MAX_ZOOM, zoom)))


def presence_status(presence: pd.DataFrame) -> dict[str, str]:
    """Country alpha-3 -> presence status code (the first row wins if a country repeats)."""
    rows = presence.drop_duplicates("country")
    return dict(zip(rows["country"].astype(str), rows["status"].astype(str)))


def country_shapes(presence: pd.DataFrame) -> dict:
    """The shapes of the countries of presence only, each with its status's fill colour (the rest come from LAND_URL)."""
    statuses = presence_status(presence)
    features = []
    for feature in boundaries()["features"]:
        status = statuses.get(feature["properties"].get("iso_a3") or "")
        if status not in theme.PRESENCE_COLORS:
            continue
        properties = {
            "iso_a3": feature["properties"]["iso_a3"],
            "presence": labels.label("presence_status", status),
            "fill": theme.rgb(theme.PRESENCE_COLORS[status], PRESENCE_ALPHA),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def land_layer() -> pdk.Layer:
    """Every country, plain and light, loaded by the browser from the shipped static file."""
    return pdk.Layer(
        "GeoJsonLayer",
        id="land",
        data=LAND_URL,
        filled=True,
        stroked=True,
        wrap_longitude=True,  # without it polygons crossing 180° (Russia, Fiji) streak across the map
        get_fill_color=LAND_FILL,
        get_line_color=BORDER,
        line_width_min_pixels=0.5,
        pickable=False,
    )


def presence_layer(presence: pd.DataFrame) -> pdk.Layer:
    """The countries of presence, shaded by status, over the plain land."""
    return pdk.Layer(
        "GeoJsonLayer",
        id="presence",
        data=country_shapes(presence),
        filled=True,
        stroked=True,
        wrap_longitude=True,
        get_fill_color="properties.fill",
        get_line_color=BORDER,
        line_width_min_pixels=0.5,
        pickable=False,  # the tooltip and the selection are about events
    )


EVENTS_LAYER = "events"


def events_layer_id(chosen: str | None) -> str:
    """The events layer's id, new for each chosen event.

    Streamlit restyles a clicked map (the clicked point opaque, every other point at 40% opacity,
    the countries dimmed), which would erase "paler = less certain". Once the page has read the
    click, a new layer id makes that selection stale, so deck.gl draws the data's own colours again
    and the chosen event gets its own ring (chosen_layer) instead.
    """
    if chosen is None:
        return EVENTS_LAYER
    return f"{EVENTS_LAYER}-{hashlib.sha1(chosen.encode('utf-8')).hexdigest()[:10]}"


def events_layer(points: pd.DataFrame, chosen: str | None = None) -> pdk.Layer:
    """One circle per event, coloured by type (paler when less sure), area growing with the people arrested or charged."""
    return pdk.Layer(
        "ScatterplotLayer",
        id=events_layer_id(chosen),
        data=points.to_dict("records"),  # records, not the frame: pydeck cannot serialise pandas 3 frames
        get_position="[lon, lat]",
        get_fill_color="color",
        get_radius="radius",
        radius_units="'pixels'",  # quoted: pydeck turns bare strings into accessor expressions
        stroked=True,
        get_line_color=POINT_OUTLINE,
        line_width_min_pixels=POINT_OUTLINE_PX,
        pickable=True,
        auto_highlight=False,  # a hover tint would change a dot's colour and its confidence alpha
    )


def chosen_layer(points: pd.DataFrame, chosen: str | None) -> pdk.Layer | None:
    """A dark ring around the chosen event, leaving its own fill (and so its confidence) as it is."""
    ring = points.loc[points["event_id"] == chosen, ["lon", "lat", "radius"]] if chosen else points.head(0)
    if ring.empty:
        return None
    ring = ring.assign(radius=ring["radius"] + CHOSEN_RING_GAP_PX)
    return pdk.Layer(
        "ScatterplotLayer",
        id="chosen",
        data=ring.to_dict("records"),
        get_position="[lon, lat]",
        get_radius="radius",
        radius_units="'pixels'",
        filled=False,
        stroked=True,
        get_line_color=CHOSEN_RING,
        line_width_min_pixels=CHOSEN_RING_PX,
        pickable=False,
    )


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck's to_json indents and sorts keys, doubling what the page sends."""

    def to_json(self) -> str:
        return json.dumps(self, default=default_serialize, separators=(",", ":"), sort_keys=True)


def events_map(events: pd.DataFrame, presence: pd.DataFrame, explore: bool = False, chosen: str | None = None) -> pdk.Deck:
    """The map: land, countries of presence shaded, events on top, a text tooltip, fitted to the events.

    explore=False turns deck.gl's controller off (no drag, pinch or wheel), so a swipe or a wheel over the
    map scrolls the page; a tap or click still picks an event. The page also lets the browser handle
    touch scrolling over the map (page_css). chosen rings that event.
    """
    points = event_points(events)
    layers = [land_layer(), presence_layer(presence), events_layer(points, chosen)]
    ring = chosen_layer(points, chosen)
    if ring is not None:
        layers.append(ring)
    return CompactDeck(
        layers=layers,
        views=[pdk.View(type="MapView", controller=bool(explore))],
        initial_view_state=initial_view(points),
        map_style=MAP_STYLE,
        tooltip={"text": TOOLTIP_TEXT, "style": TOOLTIP_STYLE},
    )


# deck.gl sets touch-action: none on the map, which stops a finger's swipe from scrolling the page even with
# the controller off. While the reader is not exploring the map, the browser is allowed to pan the page.
SCROLL_THROUGH_CSS = (
    "<style>"
    '[data-testid="stDeckGlJsonChart"] canvas, [data-testid="stDeckGlJsonChart"] canvas + div,'
    ' [data-testid="stDeckGlJsonChart"] [id^="view-"], [data-testid="stDeckGlJsonChart"] div'
    " { touch-action: pan-x pan-y !important; }"
    "</style>"
)


def selected_event_id(selection: object) -> str | None:
    """The event_id of the point clicked on the map, from st.pydeck_chart's selection state."""
    clicked = selected_click(selection)
    return clicked[1] if clicked else None


def selected_click(selection: object) -> tuple[str, str] | None:
    """(layer id, event_id) of the point clicked on the map: the layer id tells a new click from an old one."""
    try:
        objects_by_layer = selection["selection"]["objects"]  # type: ignore[index]
        for layer_id, objects in objects_by_layer.items():
            if (layer_id == EVENTS_LAYER or layer_id.startswith(EVENTS_LAYER + "-")) and objects and "event_id" in objects[0]:
                return str(layer_id), str(objects[0]["event_id"])
    except (KeyError, TypeError, AttributeError):
        return None
    return None


def filter_options(events: pd.DataFrame) -> dict[str, list[str]]:
    """The codes each filter offers: those in the data, types and statuses in label order, countries by name."""
    def ordered(column: str, kind: str) -> list[str]:
        present = set(events[column].dropna().astype(str))
        known = [code for code in labels.LABELS[kind] if code in present]
        return known + sorted(present - set(known))

    countries = sorted(set(events["country"].dropna().astype(str)), key=labels.country_name)
    return {"event_type": ordered("event_type", "event_type"), "status": ordered("status", "event_status"), "country": countries}


def date_bounds(events: pd.DataFrame) -> tuple:
    """First and last event day (datetime.date), the limits of the date filter."""
    dates = events["date"].dropna()
    return dates.min().date(), dates.max().date()


def event_choices(labelled: pd.DataFrame) -> dict[str, str]:
    """event_id -> 'date · title (status)' for the event picker, newest first; low confidence marked."""
    ordered = labelled.sort_values("date", ascending=False, kind="stable")
    marks = np.where(ordered["confidence"].astype(object) == "low", ", low confidence", "")
    texts = ordered["date_label"] + " · " + _text(ordered["title"]) + " (" + ordered["status_label"] + marks + ")"
    return dict(zip(ordered["event_id"].astype(str), texts.astype(str)))


def event_facts(event: pd.Series) -> list[tuple[str, str]]:
    """(label, plain text) pairs for an event's details panel, in reading order; escape before rendering."""
    facts = [("Status", event["status_label"]), ("Type", event["type_label"]), ("Date", event["date_label"])]
    facts.append(("Where", ", ".join(part for part in (event["place_label"], event["country_name"]) if part)))
    if isinstance(event.get("location_note"), str) and event["location_note"]:
        facts.append(("Location note", event["location_note"]))
    count = event.get("people_count")
    if count is not None and not pd.isna(count):
        described = event.get("people_count_label")
        facts.append(("People", transforms.number_label(float(count)) + (f" {described}" if isinstance(described, str) else "")))
    facts.append(("Confidence", event["confidence_label"]))
    return facts


TABLE_COLUMNS = {
    "date_label": "Date",
    "title": "Event",
    "type_label": "Type",
    "status_label": "Status",
    "place_label": "Place",
    "country_name": "Country",
    "people_count": "People",
    "people_count_label": "People counted",
    "confidence_label": "Confidence",
    "publisher": "Source",
    "source_url": "Source link",
    "event_id": "Event ID",
}


def event_table(labelled: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The shown events as a readable table, newest first: what the map draws, with status, confidence and source."""
    cited = sources[["source_id", "publisher", "url"]].rename(columns={"url": "source_url"})
    ordered = labelled.sort_values("date", ascending=False, kind="stable")
    joined = ordered.merge(cited, on="source_id", how="left", validate="many_to_one")
    return joined[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS).reset_index(drop=True)


def presence_table(presence: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The countries of presence as the shading shows them, with status, date reported, confidence and source."""
    cited = sources[["source_id", "publisher"]]
    frame = presence.merge(cited, on="source_id", how="left", validate="many_to_one")
    table = pd.DataFrame(
        {
            "Country": _per_distinct(frame["country"], labels.country_name),
            "Status": _coded_labels(frame["status"], "presence_status"),
            "Reported": date_labels(frame["reported_on"], frame["reported_on_precision"]).where(frame["reported_on"].notna(), ""),
            "Confidence": _coded_labels(frame["confidence"], "confidence"),
            "Source": frame["publisher"],
        }
    )
    return table.sort_values("Country", kind="stable").reset_index(drop=True)


def shown_caption(shown: pd.DataFrame, total: int) -> str:
    """'Showing 12 of 18 events, from … to ….', noting events listed but not drawn (no coordinates)."""
    text = f"Showing {len(shown):,} of {total:,} events"
    if len(shown):
        first, last = shown["date"].idxmin(), shown["date"].idxmax()
        text += (
            f", from {transforms.date_label(shown.at[first, 'date'], shown.at[first, 'date_precision'])}"
            f" to {transforms.date_label(shown.at[last, 'date'], shown.at[last, 'date_precision'])}"
        )
    unlocated = int((shown["lat"].isna() | shown["lon"].isna()).sum())
    if unlocated:
        text += f"; {unlocated:,} without coordinates are in the table but not on the map"
    return text + "."


def map_alt(events: pd.DataFrame, presence: pd.DataFrame) -> str:
    """The map described for screen readers (counts only, no data text)."""
    drawn = int((events["lat"].notna() & events["lon"].notna()).sum())
    return (
        f"Map of {drawn:,} events, coloured by type and sized by the number of people arrested or charged, "
        f"over {presence['country'].nunique():,} countries shaded where Tren de Aragua is reported present. "
        "The table below lists the same events."
    )


def _css_color(rgba: list[int]) -> str:
    red, green, blue, alpha = rgba
    return f"rgba({red}, {green}, {blue}, {alpha / 255:.2f})"


def legend_html(title: str, items: list[tuple[list[int], str]], round_swatch: bool) -> str:
    """A one-line legend (swatch + label) as static HTML; items come from the theme and labels, never from data."""
    shape = "50%" if round_swatch else "2px"
    swatch = (
        '<span aria-hidden="true" style="display:inline-block;width:0.85em;height:0.85em;margin:0 0.3em 0 0;'
        f'vertical-align:-0.1em;border:1px solid {theme.INK};border-radius:{shape};background:{{color}}"></span>'
    )
    entries = "".join(
        f'<span style="white-space:nowrap;margin-right:1.1em">{swatch.format(color=_css_color(color))}{html.escape(label)}</span> '
        for color, label in items
    )
    return f'<div style="line-height:1.9"><strong>{html.escape(title)}:</strong> {entries}</div>'


def event_type_legend(events: pd.DataFrame) -> str:
    """Legend of the event types in the data, in the theme's colours."""
    present = set(events["event_type"].dropna().astype(str))
    items = [(theme.rgb(color), labels.label("event_type", kind)) for kind, color in theme.EVENT_TYPE_COLORS.items() if kind in present]
    return legend_html("Event type", items, round_swatch=True)


def presence_legend(presence: pd.DataFrame) -> str:
    """Legend of the country shading: each presence status in the data, then countries with no report."""
    present = set(presence["status"].dropna().astype(str))
    items = [(theme.rgb(color, PRESENCE_ALPHA), labels.label("presence_status", status)) for status, color in theme.PRESENCE_COLORS.items() if status in present]
    items.append((LAND_FILL, "No report in the data"))
    return legend_html("Countries", items, round_swatch=False)
