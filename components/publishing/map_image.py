"""The map as a picture: the same events and countries of presence as the live map, drawn by plotly
from the shipped country shapes (static/countries-110m.geojson) on plain longitude/latitude axes,
so a static export needs no tile server, no topojson from a CDN and no WebGL."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components import labels, mapgrid, maps, theme
from components.i18n import gettext_for, pgettext_for

# The view: the Americas and Europe, where the events are (as the live map opens on the Americas).
LON_RANGE = (-130.0, 20.0)
LAT_RANGE = (-45.0, 55.0)


@lru_cache(maxsize=1)
def _outlines() -> dict[str, tuple[list, list]]:
    """Country alpha-3 -> (lons, lats) of its rings, separated by None (plotly draws each ring as one path)."""
    shapes: dict[str, tuple[list, list]] = {}
    for feature in maps.boundaries()["features"]:
        code = feature["properties"].get("iso_a3") or feature["properties"].get("name", "")
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        lons: list = []
        lats: list = []
        for polygon in polygons:
            for ring in polygon[:1]:  # outer rings: holes are too small to see at this scale
                previous = None
                for lon, lat in ring:
                    if previous is not None and abs(lon - previous) > 180:  # the ring crosses the antimeridian
                        lons.append(None)
                        lats.append(None)
                    lons.append(lon)
                    lats.append(lat)
                    previous = lon
                lons.append(None)
                lats.append(None)
        shapes[str(code)] = (lons, lats)
    return shapes


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue, _ = theme.rgb(hex_color)
    return f"rgba({red}, {green}, {blue}, {alpha:.2f})"


def _grid(located: pd.DataFrame) -> mapgrid.Grid:
    low = (located["confidence"].astype(object) == "low").to_numpy(dtype=bool)
    return mapgrid.aggregate(located["lon"].to_numpy(dtype=float), located["lat"].to_numpy(dtype=float), located["event_type"].astype(object).to_numpy(), low)


def _cell_traces(figure: go.Figure, located: pd.DataFrame, lang: str) -> None:
    """The live map's squares (mapgrid.aggregate of the same events), one filled trace per shading step."""
    pgettext = pgettext_for(lang)
    grid = _grid(located)
    cells = grid.cells
    steps = mapgrid.shade_index(cells["n"].to_numpy())
    for step in sorted(set(steps.tolist())):
        chosen = cells[steps == step]
        lons: list = []
        lats: list = []
        for west, south, east, north in zip(chosen["west"], chosen["south"], chosen["east"], chosen["north"]):
            lons += [west, east, east, west, west, None]
            lats += [south, south, north, north, south, None]
        figure.add_trace(go.Scatter(
            x=lons, y=lats, mode="lines", fill="toself", fillcolor=_rgba(mapgrid.SHADES[step], mapgrid.SHADE_ALPHA / 255),
            line={"color": _rgba(theme.PAPER, 0.8), "width": 0.3}, hoverinfo="skip", legendgroup="cells",
            # TRANSLATORS: a legend entry of the map picture when events are counted in squares; {count} is '10–99'.
            name=pgettext("map picture legend", "Events per square: {count}").format(count=mapgrid.bin_label(step, lang)),
        ))


def map_figure(events: pd.DataFrame, presence: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Countries (plain, or shaded by presence status) and events (coloured by type, sized as on the live map).

    events are the rows shown (with lat/lon); the legend names each type and each presence status drawn.
    The caller adds the title, subtitle and source lines (publishing.layout) for the image's size.
    """
    _ = gettext_for(lang)
    figure = go.Figure()
    statuses = maps.presence_status(presence)
    land_lons: list = []
    land_lats: list = []
    for code, (lons, lats) in _outlines().items():
        if code not in statuses:
            land_lons += lons
            land_lats += lats
    figure.add_trace(go.Scatter(
        x=land_lons, y=land_lats, mode="lines", fill="toself", fillcolor=_rgba(theme.GREY, 0.16),
        line={"color": _rgba(theme.GREY, 0.55), "width": 0.5}, hoverinfo="skip", showlegend=False, name="land",
    ))
    for status in ("origin", "confirmed", "reported"):
        codes = [code for code, found in statuses.items() if found == status and code in _outlines()]
        if not codes:
            continue
        lons = [value for code in codes for value in _outlines()[code][0]]
        lats = [value for code in codes for value in _outlines()[code][1]]
        figure.add_trace(go.Scatter(
            x=lons, y=lats, mode="lines", fill="toself", fillcolor=_rgba(theme.PRESENCE_COLORS[status], 0.59),
            line={"color": _rgba(theme.GREY, 0.55), "width": 0.5}, hoverinfo="skip",
            name=_("Presence: {status}").format(status=labels.label("presence_status", status, lang)), legendgroup="presence",
        ))
    located = events[events["lat"].notna() & events["lon"].notna()]
    if len(located) > mapgrid.POINT_BUDGET:  # as on the live map: the same squares, never a million markers
        _cell_traces(figure, located, lang)
        located = located.head(0)
    radius = maps.circle_radius(located) if len(located) else np.array([])
    for kind in [code for code in labels.LABELS["event_type"] if code in set(located["event_type"].astype(str))]:
        chosen = (located["event_type"].astype(str) == kind).to_numpy()
        rows = located[chosen]
        opacity = [theme.CONFIDENCE_OPACITY.get(str(level), 1.0) for level in rows["confidence"]]
        figure.add_trace(go.Scatter(
            x=rows["lon"], y=rows["lat"], mode="markers", name=labels.label("event_type", kind, lang), legendgroup="events",
            marker={"size": 2 * radius[chosen], "sizemode": "diameter", "color": theme.EVENT_TYPE_COLORS.get(kind, theme.GREY),
                    "opacity": opacity, "line": {"color": theme.INK, "width": 1}},
            hoverinfo="skip",
        ))
    figure.update_xaxes(range=list(LON_RANGE), visible=False, fixedrange=True)
    figure.update_yaxes(range=list(LAT_RANGE), visible=False, fixedrange=True, scaleanchor="x", scaleratio=1.0)
    figure.update_layout(plot_bgcolor=theme.WATER, paper_bgcolor=theme.PAPER, showlegend=True)
    return figure


TITLE_SIZE, SUBTITLE_SIZE, NOTE_SIZE = 20, 13, 11
LEGEND_PX = 250  # the legend's column on the right of a wide image


def _lines(text_value: str, chars: int) -> list[str]:
    import html
    import textwrap

    return [html.escape(line, quote=False) for line in textwrap.wrap(text_value, width=chars, break_long_words=False)] or [""]


def frame(figure: go.Figure, events: pd.DataFrame, presence: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Title, what is drawn, what circle size means, the sources, the as-of date and the stamp, laid out for the
    image's size (components.chart_layout); the legend on the right of a wide image, under a narrow one."""
    from components import chart_layout, charts
    from components.i18n import formats

    _ = gettext_for(lang)
    layout = chart_layout.current()
    width = layout.width or 800
    wide = width >= 900
    chars = lambda size: int((width - 2 * chart_layout.EDGE_PX) / (size * chart_layout.CHAR_EM["text"]))  # noqa: E731
    title = _lines(_("Tren de Aragua: events and countries where it is reported"), chars(TITLE_SIZE * 1.08))
    located = int((events["lat"].notna() & events["lon"].notna()).sum())
    countries = int(presence["country"].nunique())
    if located > mapgrid.POINT_BUDGET:
        size = _grid(events[events["lat"].notna() & events["lon"].notna()]).size
        # TRANSLATORS: the map picture's subtitle when its events are counted in squares; {size} is a number of degrees.
        described = _("{events} events counted in squares of {size}° by {size}°, shaded by how many each holds, over the {countries} countries where the gang is reported present. People are alleged members unless a court convicted them.").format(
            events=formats.number(located, lang), size=formats.number(size, lang, decimals=2), countries=formats.number(countries, lang)
        )
    else:
        described = _("{events} events coloured by type, over the {countries} countries where the gang is reported present. People are alleged members unless a court convicted them.").format(
            events=formats.number(located, lang), countries=formats.number(countries, lang)
        )
    subtitle = _lines(described, chars(SUBTITLE_SIZE))
    cited = sources[sources["source_id"].isin(set(events["source_id"]) | set(presence["source_id"]))]
    source_text = _("Sources: {sources} sources from {publishers} publishers, cited event by event on the tracker's map page.").format(
        sources=formats.number(len(cited), lang), publishers=formats.number(cited["publisher"].nunique(), lang)
    )
    as_of = charts.as_of_line(events["date"], events["date_precision"], lang=lang) if "date_precision" in events else ""
    notes = [maps.size_caption(events, lang=lang) if located <= mapgrid.POINT_BUDGET else "", source_text, as_of] + [stamp for _name, stamp in chart_layout.stamp_note()]
    note_lines = [line for note in notes if note for line in _lines(note, chars(NOTE_SIZE))]
    entries = sum(1 for trace in figure.data if trace.showlegend is not False)
    legend_px = 0 if wide else entries * 19 + 30  # one column, and a gap between the presence and event groups
    top = 16 + 26 * len(title) + 18 * len(subtitle) + 12
    bottom = legend_px + 16 * len(note_lines) + 14
    height = layout.height or int(width * 0.62) + top + bottom
    for index, line in enumerate(note_lines):
        figure.add_annotation(
            text=line, x=0, xref="paper", xanchor="left", y=0, yref="paper", yanchor="top", yshift=-(legend_px + 10 + 16 * index),
            showarrow=False, align="left", name="note", font={"family": theme.FONT, "size": NOTE_SIZE, "color": theme.GREY},
        )
    figure.update_layout(
        title={
            "text": "<b>" + "<br>".join(title) + "</b>",
            "subtitle": {"text": "<br>".join(subtitle), "font": {"size": SUBTITLE_SIZE, "color": theme.GREY, "family": theme.FONT}},
            "x": 0, "xref": "container", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
            "pad": {"t": 16, "l": chart_layout.EDGE_PX}, "font": {"size": TITLE_SIZE, "color": theme.INK, "family": theme.FONT},
        },
        width=width,
        height=height,
        margin={"t": top, "b": bottom, "l": chart_layout.EDGE_PX, "r": LEGEND_PX if wide else chart_layout.EDGE_PX, "autoexpand": False},
        font={"family": theme.FONT, "color": theme.INK, "size": 12},
        legend=(
            {"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top", "font": {"size": 12}}
            if wide
            else {"orientation": "v", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top", "yref": "paper", "font": {"size": 12}, "tracegroupgap": 8}
        ),
        separators=formats.plotly_separators(lang),
    )
    return figure
