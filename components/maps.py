"""Pure map building: events and countries of presence -> a pydeck Deck, plus the labels, legend and tables beside it.

Nothing here imports streamlit. The country shapes come from static/ (shipped, Natural Earth via
world-atlas) and the basemap is a blank local style, so the map needs no tile server or CDN.
Every function that writes reader-facing words takes lang ('en' or 'es'); the data's own text (titles,
place notes, count labels) arrives already in the reader's language (datasets.load_events(lang)).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import unicodedata
import weakref
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components import i18n, labels, mapgrid, theme, transforms
from components.i18n import formats

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


def tooltip_text(lang: str = "en") -> str:
    """The tooltip's template. Text only: deck.gl inserts each {field} as text, so a title holding HTML is shown, not run."""
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: a line of the map's tooltip; {status} and {confidence} are an event's status and confidence words.
    status_line = _("Status: {status} · {confidence}").format(status="{status_label}", confidence="{confidence_label}")
    # TRANSLATORS: the last line of the map's tooltip: the place, then the country.
    place_line = _("{place}, {country}").format(place="{place_label}", country="{country_name}")
    return "{title}\n{type_label} · {date_label}\n" + status_line + "\n" + place_line


TOOLTIP_TEXT = tooltip_text()  # English
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


def _coded_labels(codes: pd.Series, kind: str, lang: str = "en") -> pd.Series:
    """Reader-facing labels for a column of codes."""
    return _per_distinct(codes, lambda code: labels.label(kind, code, lang))


def _country_names(codes: pd.Series, lang: str = "en") -> pd.Series:
    return _per_distinct(codes, lambda code: labels.country_name(code, lang))


def _name_order(name: str) -> str:
    """A sort key that puts accented names where readers expect them (Perú with P, not after Z)."""
    return "".join(char for char in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(char))


def date_labels(dates: pd.Series, precisions: pd.Series, lang: str = "en") -> pd.Series:
    """transforms.date_label for a whole column, computed once per distinct date and precision."""
    keys = pd.DataFrame({"date": dates, "precision": precisions.astype(object)})
    distinct = keys.drop_duplicates()
    text = pd.Series([transforms.date_label(day, precision, lang) for day, precision in zip(distinct["date"], distinct["precision"])], index=pd.MultiIndex.from_frame(distinct))
    return pd.Series(text.reindex(pd.MultiIndex.from_frame(keys)).to_numpy(), index=dates.index, dtype=object)


def _text(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "")


def _point_color(type_and_confidence: str) -> list[int]:
    """[r, g, b, a] of a point: its type's colour, paler when the source is less sure."""
    kind, _, confidence = type_and_confidence.partition(" ")
    alpha = round(255 * theme.CONFIDENCE_OPACITY.get(confidence, 1.0))
    return theme.rgb(theme.EVENT_TYPE_COLORS.get(kind, theme.GREY), alpha)


def event_labels(events: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """events with the display columns the map, tooltip, picker and table share (labels, colour, radius), in lang."""
    frame = events.copy()
    frame["date_label"] = date_labels(frame["date"], frame["date_precision"], lang)
    frame["type_label"] = _coded_labels(frame["event_type"], "event_type", lang)
    frame["status_label"] = _coded_labels(frame["status"], "event_status", lang)
    frame["confidence_label"] = _coded_labels(frame["confidence"], "confidence", lang)
    frame["country_name"] = _country_names(frame["country"], lang)
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


def size_caption(events: pd.DataFrame, lang: str = "en") -> str:
    """What circle size means, exactly as circle_radius draws it."""
    _ = i18n.gettext_for(lang)
    text = _(
        "Circle area shows the number of people arrested or charged, as the source counts them "
        "(the smallest circle is one person). Every other event (people removed, transferred or returned, "
        "security forces deployed, or no count) is drawn at that smallest size. Paler circles are less certain."
    )
    people = pd.to_numeric(events["people_count"], errors="coerce")
    capped_at = round((MAX_RADIUS_PX / MIN_RADIUS_PX) ** 2)
    if "people_count_kind" in events.columns and bool(((events["people_count_kind"].astype(object) == SIZED_KIND) & (people > capped_at)).any()):
        # TRANSLATORS: follows the sentence about circle area; {count} is the largest count drawn at its own size.
        text += " " + _("Counts above {count} people are drawn at the size of {count}.").format(count=formats.number(capped_at, lang))
    return text


def event_points(events: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The located events as the scatter layer draws them: only the columns the layer and tooltip use."""
    labelled = events if "color" in events.columns else event_labels(events, lang)
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


def country_shapes(presence: pd.DataFrame, lang: str = "en") -> dict:
    """The shapes of the countries of presence only, each with its status's fill colour (the rest come from LAND_URL)."""
    statuses = presence_status(presence)
    features = []
    for feature in boundaries()["features"]:
        status = statuses.get(feature["properties"].get("iso_a3") or "")
        if status not in theme.PRESENCE_COLORS:
            continue
        properties = {
            "iso_a3": feature["properties"]["iso_a3"],
            "presence": labels.label("presence_status", status, lang),
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


def presence_layer(presence: pd.DataFrame, lang: str = "en") -> pdk.Layer:
    """The countries of presence, shaded by status, over the plain land."""
    return pdk.Layer(
        "GeoJsonLayer",
        id="presence",
        data=country_shapes(presence, lang),
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


_DECK_JSON: "weakref.WeakKeyDictionary[pdk.Deck, str]" = weakref.WeakKeyDictionary()


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck's to_json indents and sorts keys, doubling what the page sends.

    The JSON is written once per Deck (a Deck kept in a cache is sent again as it is); do not change a Deck
    after it has been drawn.
    """

    def to_json(self) -> str:
        text = _DECK_JSON.get(self)
        if text is None:
            text = json.dumps(self, default=default_serialize, separators=(",", ":"), sort_keys=True)
            _DECK_JSON[self] = text
        return text


def events_map(events: pd.DataFrame, presence: pd.DataFrame, explore: bool = False, chosen: str | None = None, lang: str = "en") -> pdk.Deck:
    """The map: land, countries of presence shaded, events on top, a text tooltip in lang, fitted to the events.

    explore=False turns deck.gl's controller off (no drag, pinch or wheel), so a swipe or a wheel over the
    map scrolls the page; a tap or click still picks an event. The page also lets the browser handle
    touch scrolling over the map (page_css). chosen rings that event.
    """
    points = event_points(events, lang)
    layers = [land_layer(), presence_layer(presence, lang), events_layer(points, chosen)]
    ring = chosen_layer(points, chosen)
    if ring is not None:
        layers.append(ring)
    return CompactDeck(
        layers=layers,
        views=[pdk.View(type="MapView", controller=bool(explore))],
        initial_view_state=initial_view(points),
        map_style=MAP_STYLE,
        tooltip={"text": tooltip_text(lang), "style": TOOLTIP_STYLE},
    )


def cells_tooltip_text(lang: str = "en") -> str:
    """The tooltip of a square: how many events, where, the count by type, and what a tap does (text only)."""
    return "{cell_title}\n{cell_place}\n{cell_types}\n{cell_hint}"


def cells_layer_id(area: str | None) -> str:
    """The squares' layer id, new for each area zoomed into (a tap's selection styling never lingers, see events_layer_id)."""
    if not area:
        return mapgrid.CELLS_LAYER
    return f"{mapgrid.CELLS_LAYER}-{hashlib.sha1(area.encode('utf-8')).hexdigest()[:10]}"


def cells_layer(records: list[dict], area: str | None = None) -> pdk.Layer:
    """One square per occupied grid cell, shaded by how many events it holds (mapgrid.cell_records)."""
    return pdk.Layer(
        "PolygonLayer",
        id=cells_layer_id(area),
        data=records,
        get_polygon="polygon",
        get_fill_color="color",
        get_line_color=mapgrid.CELL_OUTLINE,
        line_width_min_pixels=0.5,
        filled=True,
        stroked=True,
        pickable=True,
        auto_highlight=False,
    )


def cells_map(grid: "mapgrid.Grid", presence: pd.DataFrame, explore: bool = False, area: str | None = None, lang: str = "en") -> pdk.Deck:
    """The map when there are too many events to draw one by one: land, countries of presence and the squares."""
    cells = grid.cells
    corners = pd.DataFrame({"lon": [cells["west"].min(), cells["east"].max()], "lat": [cells["south"].min(), cells["north"].max()]}) if len(cells) else pd.DataFrame({"lon": [], "lat": []})
    return CompactDeck(
        layers=[land_layer(), presence_layer(presence, lang), cells_layer(mapgrid.cell_records(grid, lang), area)],
        views=[pdk.View(type="MapView", controller=bool(explore))],
        initial_view_state=initial_view(corners),
        map_style=MAP_STYLE,
        tooltip={"text": cells_tooltip_text(lang), "style": TOOLTIP_STYLE},
    )


def selected_cell(selection: object) -> tuple[str, str] | None:
    """(layer id, cell code) of the square clicked on the map, from st.pydeck_chart's selection state."""
    try:
        objects_by_layer = selection["selection"]["objects"]  # type: ignore[index]
        for layer_id, objects in objects_by_layer.items():
            if (layer_id == mapgrid.CELLS_LAYER or layer_id.startswith(mapgrid.CELLS_LAYER + "-")) and objects and "cell" in objects[0]:
                return str(layer_id), str(objects[0]["cell"])
    except (KeyError, TypeError, AttributeError):
        return None
    return None


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


def filter_options(events: pd.DataFrame, lang: str = "en") -> dict[str, list[str]]:
    """The codes each filter offers: those in the data, types and statuses in label order, countries by name in lang."""
    def ordered(column: str, kind: str) -> list[str]:
        present = set(events[column].dropna().astype(str))
        known = [code for code in labels.LABELS[kind] if code in present]
        return known + sorted(present - set(known))

    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        countries = sorted(set(events["country"].dropna().astype(str)), key=labels.country_name)
    else:
        countries = sorted(set(events["country"].dropna().astype(str)), key=lambda code: _name_order(labels.country_name(code, lang)))
    return {"event_type": ordered("event_type", "event_type"), "status": ordered("status", "event_status"), "country": countries}


def date_bounds(events: pd.DataFrame) -> tuple:
    """First and last event day (datetime.date), the limits of the date filter."""
    dates = events["date"].dropna()
    return dates.min().date(), dates.max().date()


def event_choices(labelled: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """event_id -> 'date · title (status)' for the event picker, newest first; low confidence marked."""
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: an event in the map's event picker: its date, its title, then its status word in brackets.
    plain = _("{date} · {title} ({status})")
    # TRANSLATORS: the same, for an event whose sources are weak.
    weak = _("{date} · {title} ({status}, low confidence)")
    ordered = labelled.sort_values("date", ascending=False, kind="stable")
    texts = [
        (weak if confidence == "low" else plain).format(date=date, title=title, status=status)
        for date, title, status, confidence in zip(
            ordered["date_label"].astype(str), _text(ordered["title"]).astype(str), ordered["status_label"].astype(str), ordered["confidence"].astype(object)
        )
    ]
    return dict(zip(ordered["event_id"].astype(str), texts))


def event_facts(event: pd.Series, lang: str = "en") -> list[tuple[str, str]]:
    """(label, plain text) pairs for an event's details panel, in reading order; escape before rendering.

    The status word says what the source supports (an allegation stays an allegation); location notes and
    the count's label are data text, already in the reader's language.
    """
    pgettext = i18n.pgettext_for(lang)
    facts = [
        (pgettext("event fact", "Status"), event["status_label"]),
        (pgettext("event fact", "Type"), event["type_label"]),
        (pgettext("event fact", "Date"), event["date_label"]),
    ]
    facts.append((pgettext("event fact", "Where"), ", ".join(part for part in (event["place_label"], event["country_name"]) if part)))
    if isinstance(event.get("location_note"), str) and event["location_note"]:
        facts.append((pgettext("event fact", "Location note"), event["location_note"]))
    count = event.get("people_count")
    if count is not None and not pd.isna(count):
        described = event.get("people_count_label")
        facts.append((pgettext("event fact", "People"), transforms.number_label(float(count), lang=lang) + (f" {described}" if isinstance(described, str) else "")))
    facts.append((pgettext("event fact", "Confidence"), event["confidence_label"]))
    return facts


def table_headers(lang: str = "en") -> dict[str, str]:
    """The events table's columns and their headers in a language (the page finds the link column by its header)."""
    pgettext = i18n.pgettext_for(lang)
    return {
        "date_label": pgettext("map table header", "Date"),
        "title": pgettext("map table header", "Event"),
        "type_label": pgettext("map table header", "Type"),
        "status_label": pgettext("map table header", "Status"),
        "place_label": pgettext("map table header", "Place"),
        "country_name": pgettext("map table header", "Country"),
        "people_count": pgettext("map table header", "People"),
        # TRANSLATORS: the column saying what the People number counts (arrested, detained, killed…).
        "people_count_label": pgettext("map table header", "People counted"),
        "confidence_label": pgettext("map table header", "Confidence"),
        "publisher": pgettext("map table header", "Source"),
        "source_url": pgettext("map table header", "Source link"),
        "event_id": pgettext("map table header", "Event ID"),
    }


TABLE_COLUMNS = table_headers()  # English


def event_table(labelled: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The shown events as a readable table, newest first: what the map draws, with status, confidence and source."""
    headers = table_headers(lang)
    cited = sources[["source_id", "publisher", "url"]].rename(columns={"url": "source_url"})
    ordered = labelled.sort_values("date", ascending=False, kind="stable")
    joined = ordered.merge(cited, on="source_id", how="left", validate="many_to_one")
    return joined[list(headers)].rename(columns=headers).reset_index(drop=True)


def presence_headers(lang: str = "en") -> dict[str, str]:
    """The presence table's columns and their headers in a language."""
    pgettext = i18n.pgettext_for(lang)
    return {
        "country": pgettext("presence table header", "Country"),
        "status": pgettext("presence table header", "Status"),
        # TRANSLATORS: the column with the date the gang's presence in a country was reported.
        "reported": pgettext("presence table header", "Reported"),
        "confidence": pgettext("presence table header", "Confidence"),
        "source": pgettext("presence table header", "Source"),
    }


def presence_table(presence: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The countries of presence as the shading shows them, with status, date reported, confidence and source."""
    headers = presence_headers(lang)
    cited = sources[["source_id", "publisher"]]
    frame = presence.merge(cited, on="source_id", how="left", validate="many_to_one")
    table = pd.DataFrame(
        {
            headers["country"]: _country_names(frame["country"], lang),
            headers["status"]: _coded_labels(frame["status"], "presence_status", lang),
            headers["reported"]: date_labels(frame["reported_on"], frame["reported_on_precision"], lang).where(frame["reported_on"].notna(), ""),
            headers["confidence"]: _coded_labels(frame["confidence"], "confidence", lang),
            headers["source"]: frame["publisher"],
        }
    )
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        ordered = table.sort_values(headers["country"], kind="stable")
    else:
        ordered = table.sort_values(headers["country"], kind="stable", key=lambda names: names.astype(str).map(_name_order))
    return ordered.reset_index(drop=True)


def _date_range(first: str, first_is_day: bool, last: str, last_is_day: bool, lang: str) -> str:
    """'from {first} to {last}'; Spanish puts 'del … al …' before a day and 'de … a …' before a month or a year."""
    pgettext = i18n.pgettext_for(lang)
    if first_is_day and last_is_day:
        # TRANSLATORS: a date range; both dates are days (23 October 2024).
        template = pgettext("dates: day to day", "from {first} to {last}")
    elif first_is_day:
        # TRANSLATORS: a date range; the first date is a day, the last a month or a year.
        template = pgettext("dates: day to month or year", "from {first} to {last}")
    elif last_is_day:
        # TRANSLATORS: a date range; the first date is a month or a year, the last a day.
        template = pgettext("dates: month or year to day", "from {first} to {last}")
    else:
        # TRANSLATORS: a date range; both dates are months or years (October 2024, 2025).
        template = pgettext("dates: month or year to month or year", "from {first} to {last}")
    return template.format(first=first, last=last)


def shown_caption(shown: pd.DataFrame, total: int, lang: str = "en") -> str:
    """'Showing 12 of 18 events, from … to ….', noting events listed but not drawn (no coordinates)."""
    if len(shown):
        earliest, latest = shown.loc[shown["date"].idxmin()], shown.loc[shown["date"].idxmax()]
    else:
        earliest = latest = None
    unlocated = int((shown["lat"].isna() | shown["lon"].isna()).sum())
    return matches_caption(len(shown), total, earliest, latest, unlocated, lang)


def matches_caption(count: int, total: int, earliest: pd.Series | None, latest: pd.Series | None, unlocated: int = 0, lang: str = "en") -> str:
    """shown_caption from counts: earliest and latest are the first and last matching events (date, date_precision)."""
    ngettext = i18n.ngettext_for(lang)
    counts = {"shown": formats.number(count, lang), "total": formats.number(total, lang)}
    if count and earliest is not None and latest is not None:
        dates = _date_range(
            transforms.date_label(earliest["date"], earliest["date_precision"], lang), str(earliest["date_precision"]) == "day",
            transforms.date_label(latest["date"], latest["date_precision"], lang), str(latest["date_precision"]) == "day",
            lang,
        )
        # TRANSLATORS: {dates} is a date range ('from 3 March 2023 to 5 May 2025'); the plural follows {total}.
        text = ngettext("Showing {shown} of {total} event, {dates}", "Showing {shown} of {total} events, {dates}", total).format(dates=dates, **counts)
    else:
        text = ngettext("Showing {shown} of {total} event", "Showing {shown} of {total} events", total).format(**counts)
    if unlocated:
        text += "; " + ngettext(
            "{n} without coordinates is in the table but not on the map",
            "{n} without coordinates are in the table but not on the map",
            unlocated,
        ).format(n=formats.number(unlocated, lang))
    return text + "."


def cells_caption(grid: "mapgrid.Grid", budget: int, lang: str = "en") -> str:
    """What the squares are: how many events they count, the square's size, and how to see single events again."""
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    # TRANSLATORS: above the map when it draws squares instead of points. {events} is '1,000,018 events', {size} a number of degrees,
    # {budget} the most events drawn one by one (5,000).
    text = _(
        "Too many events to draw one by one: the map counts the {events} with coordinates in squares of {size}° by {size}°, "
        "shaded by how many events each square holds (every event is in exactly one square). Point at or tap a square for its "
        "count by type. Tap a square or choose one below, or narrow the filters, to see the events themselves once {budget} or fewer match."
    )
    return text.format(
        events=ngettext("{n} event", "{n} events", grid.total).format(n=formats.number(grid.total, lang)),
        size=formats.number(grid.size, lang, decimals=2),
        budget=formats.number(budget, lang),
    )


def cells_legend(grid: "mapgrid.Grid", lang: str = "en") -> str:
    """The squares' shading: one swatch per step of events per square that the map uses."""
    pgettext = i18n.pgettext_for(lang)
    return legend_html(pgettext("map legend", "Events per square"), mapgrid.legend_items(grid, lang), round_swatch=False)


def cells_alt(grid: "mapgrid.Grid", presence: pd.DataFrame, lang: str = "en") -> str:
    """The map of squares described for screen readers (counts only)."""
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    countries = int(presence["country"].nunique())
    # TRANSLATORS: the map's text for screen readers when it draws squares; {events} is '1,000 events', {squares} '250 squares'.
    sentence = _(
        "Map of {events} counted in {squares} of {size}° by {size}°, shaded by how many events each holds, "
        "over {countries} shaded where Tren de Aragua is reported present. The table below lists the newest events."
    )
    return sentence.format(
        events=ngettext("{n} event", "{n} events", grid.total).format(n=formats.number(grid.total, lang)),
        squares=ngettext("{n} square", "{n} squares", len(grid.cells)).format(n=formats.number(len(grid.cells), lang)),
        size=formats.number(grid.size, lang, decimals=2),
        countries=ngettext("{n} country", "{n} countries", countries).format(n=formats.number(countries, lang)),
    )


def map_alt(events: pd.DataFrame, presence: pd.DataFrame, lang: str = "en") -> str:
    """The map described for screen readers (counts only, no data text)."""
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    drawn = int((events["lat"].notna() & events["lon"].notna()).sum())
    countries = int(presence["country"].nunique())
    # TRANSLATORS: the map's text for screen readers; {events} is '12 events', {countries} is '9 countries'.
    sentence = _(
        "Map of {events}, coloured by type and sized by the number of people arrested or charged, "
        "over {countries} shaded where Tren de Aragua is reported present. "
        "The table below lists the same events."
    )
    return sentence.format(
        events=ngettext("{n} event", "{n} events", drawn).format(n=formats.number(drawn, lang)),
        countries=ngettext("{n} country", "{n} countries", countries).format(n=formats.number(countries, lang)),
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


def event_type_legend(events: pd.DataFrame, lang: str = "en") -> str:
    """Legend of the event types in the data, in the theme's colours."""
    pgettext = i18n.pgettext_for(lang)
    present = set(events["event_type"].dropna().astype(str))
    items = [(theme.rgb(color), labels.label("event_type", kind, lang)) for kind, color in theme.EVENT_TYPE_COLORS.items() if kind in present]
    return legend_html(pgettext("map legend", "Event type"), items, round_swatch=True)


def presence_legend(presence: pd.DataFrame, lang: str = "en") -> str:
    """Legend of the country shading: each presence status in the data, then countries with no report."""
    pgettext = i18n.pgettext_for(lang)
    present = set(presence["status"].dropna().astype(str))
    items = [(theme.rgb(color, PRESENCE_ALPHA), labels.label("presence_status", status, lang)) for status, color in theme.PRESENCE_COLORS.items() if status in present]
    # TRANSLATORS: the legend entry for countries drawn plain (no report of the gang there in the tracker's data).
    items.append((LAND_FILL, pgettext("map legend", "No report in the data")))
    return legend_html(pgettext("map legend", "Countries"), items, round_swatch=False)
