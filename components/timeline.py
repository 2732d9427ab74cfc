"""The court-rulings timeline (one lane per case) and the tables beside it; pure: no streamlit here."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from components import labels, schemas, theme, transforms

LEVELS = ["district", "appeals", "supreme"]
OUTCOMES = ["against_government", "for_government", "mixed", "pending"]
LEVEL_SYMBOLS = {"district": "circle", "appeals": "diamond", "supreme": "star"}
NOT_AEA = "(not an AEA case)"
NOT_RECORDED = "not recorded"
SLUG = re.compile(schemas.SLUG)  # the form ids must have in the data, so a link cannot carry anything else

# Pixel budget of the figure, so that it reads at 375 px: lane labels sit above their lines (no
# y tick labels eating the width), and the legend and source lines get room under the axis.
LANE_PX = 46
AXIS_PX = 44
LEGEND_ROW_PX = 20
LINE_PX = 16
TITLE_CHARS = 38
SUBTITLE_CHARS = 52
NOTE_CHARS = 62
HOVER_CHARS = 44

TITLE = "Court rulings on deportations, by case"
SUBTITLE = "Each mark is one decision: its colour says whom it favoured, its shape which court ruled. Cases are ordered by their first ruling."

EXPORT_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "filename": "court-rulings-timeline", "scale": 2},
}


def _text(value: object) -> str:
    """Plain text of a cell; empty for a missing value."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _escaped(text: object, width: int | None = None) -> str:
    """Text from the data as plotly shows it literally: HTML-escaped, wrapped with <br> when width is given."""
    lines = textwrap.wrap(_text(text), width) if width else [_text(text)]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def case_label(case_group: object, aea_case: object) -> str:
    """A lane's name: the case, marked when it is not an Alien Enemies Act case."""
    return _text(case_group) if bool(aea_case) else f"{_text(case_group)} {NOT_AEA}"


def lanes(rulings: pd.DataFrame) -> list[str]:
    """Case groups ordered by their first ruling (ties by name), one timeline lane each."""
    if rulings.empty:
        return []
    first = rulings.groupby("case_group", observed=True)["date"].min().reset_index()
    return first.sort_values(["date", "case_group"], kind="stable")["case_group"].tolist()


def case_labels(rulings: pd.DataFrame) -> dict[str, str]:
    """Lane name for each case group, in lane order (a group is an AEA case if any of its rulings is)."""
    aea = rulings.groupby("case_group", observed=True)["aea_case"].any()
    return {group: case_label(group, aea[group]) for group in lanes(rulings)}


def court_levels(rulings: pd.DataFrame) -> list[str]:
    """Court levels present in the data, lowest court first."""
    return _present(LEVELS, rulings["court_level"])


def filter_rulings(rulings: pd.DataFrame, cases: Iterable[str] | None = None, levels: Iterable[str] | None = None) -> pd.DataFrame:
    """Rulings in the chosen cases and court levels (None or empty: no filter), oldest first."""
    keep = pd.Series(True, index=rulings.index)
    if cases:
        keep &= rulings["case_group"].isin(list(cases))
    if levels:
        keep &= rulings["court_level"].astype(str).isin(list(levels))
    return rulings[keep].sort_values(["date", "ruling_id"], kind="stable")


def latest_ruling(rulings: pd.DataFrame) -> pd.Series | None:
    """The most recent ruling (the data's as-of date), or None when there are none."""
    if rulings.empty:
        return None
    return rulings.sort_values(["date", "ruling_id"], kind="stable").iloc[-1]


def as_of_label(rulings: pd.DataFrame) -> str:
    """The date of the latest ruling, as precise as its source."""
    latest = latest_ruling(rulings)
    return "no rulings" if latest is None else transforms.date_label(latest["date"], latest["date_precision"])


def source_line(rulings: pd.DataFrame, sources: pd.DataFrame | None = None) -> str:
    """'Sources: N publications (court records, news…), cited ruling by ruling in the table' (plain text)."""
    cited = sorted(set(rulings["source_id"].dropna()))
    if not cited:
        return "Source: none (no rulings shown)"
    kinds = ""
    if sources is not None and not sources.empty:
        found = sources[sources["source_id"].isin(cited)]["kind"].astype(str).value_counts()
        kinds = " (" + ", ".join(f"{count} {kind}" for kind, count in found.items()) + ")"
    noun = "source" if len(cited) == 1 else "sources"
    return f"Sources: {len(cited)} {noun}{kinds}, cited ruling by ruling in the table under the chart. Chart: Tren de Aragua tracker"


def hover_text(ruling: pd.Series) -> str:
    """What a reader sees on hovering a ruling; every piece from the data is HTML-escaped."""
    level = labels.label("court_level", ruling["court_level"])
    outcome = labels.label("outcome", ruling["outcome"])
    parts = [
        f"<b>{_escaped(ruling['case_name'], HOVER_CHARS)}</b>",
        html.escape(transforms.date_label(ruling["date"], ruling["date_precision"]), quote=False),
        f"{html.escape(level, quote=False)}: {_escaped(ruling['court'], HOVER_CHARS)}",
        f"Judge: {_escaped(ruling['judge'], HOVER_CHARS)}",
        f"{html.escape(outcome, quote=False)}; favoured: {_escaped(ruling['favoured'], HOVER_CHARS)}",
    ]
    if ruling["confidence"] == "low":
        parts.append(f"<i>{html.escape(labels.label('confidence', 'low'), quote=False)}</i>")
    return "<br>".join(parts)


def _lane_positions(rulings: pd.DataFrame, order: list[str]) -> pd.Series:
    """Each ruling's y: its lane's index; a second ruling of one case on one day drops just below the line."""
    lane = rulings["case_group"].map({group: index for index, group in enumerate(order)}).astype(float)
    # Downwards only: the lane's label sits above its line.
    return lane + rulings.groupby(["case_group", "date"], observed=True).cumcount() * 0.24


def _symbol(level: object, confidence: object) -> str:
    """The marker of a court level; hollow for a low-confidence ruling, so it stands out without a colour."""
    symbol = LEVEL_SYMBOLS.get(str(level), "square")
    return f"{symbol}-open" if confidence == "low" else symbol


def _wrapped_lines(text: str, width: int) -> list[str]:
    """Lines of at most width characters: plotly does not wrap titles or annotations itself."""
    return textwrap.wrap(text, width) or [""]


def _present(codes: list[str], values: pd.Series) -> list[str]:
    """The codes that occur in values, in the codes' order, then any unexpected ones by name."""
    found = set(values.astype(str))
    return [code for code in codes if code in found] + sorted(found - set(codes))


def _grid_color() -> str:
    red, green, blue, _ = theme.rgb(theme.GREY)
    return f"rgba({red}, {green}, {blue}, 0.2)"


def rulings_timeline(rulings: pd.DataFrame, sources: pd.DataFrame | None = None, as_of: str | None = None) -> go.Figure:
    """Timeline of rulings: one lane per case, colour by outcome, symbol by court level, source and as-of inside."""
    order = lanes(rulings)
    names = case_labels(rulings) if order else {}
    aea = rulings.groupby("case_group", observed=True)["aea_case"].any() if order else pd.Series(dtype=bool)
    y = _lane_positions(rulings, order) if order else pd.Series(dtype=float)

    title_lines = _wrapped_lines(TITLE, TITLE_CHARS)
    subtitle_lines = _wrapped_lines(SUBTITLE, SUBTITLE_CHARS)
    notes = _wrapped_lines(source_line(rulings, sources), NOTE_CHARS) + [f"Data as of the latest ruling: {as_of or as_of_label(rulings)}"]
    # The legend is a two-column grid (entrywidth 0.5), so its height is known at any width.
    legend_px = LEGEND_ROW_PX * -(-_legend_entries(rulings) // 2) + 16
    top = 18 + 26 * len(title_lines) + 18 * len(subtitle_lines) + 14
    plot_px = LANE_PX * max(len(order), 1) + 24
    bottom = AXIS_PX + legend_px + LINE_PX * len(notes) + 8

    figure = go.Figure()
    for index, group in enumerate(order):
        cases = rulings[rulings["case_group"] == group]
        figure.add_trace(
            go.Scatter(
                x=[cases["date"].min(), cases["date"].max()],
                y=[index, index],
                mode="lines",
                name=html.escape(names[group], quote=False),
                meta="lane",
                line={"color": theme.GREY, "width": 1.5, "dash": "solid" if aea[group] else "dot"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        figure.add_annotation(
            x=0, xref="paper", xanchor="left", y=index, yref="y", yanchor="bottom", yshift=7,
            text=_escaped(names[group]), showarrow=False, align="left",
            font={"family": theme.FONT, "size": 12, "color": theme.INK if aea[group] else theme.GREY},
        )
    for outcome in _present(OUTCOMES, rulings["outcome"]):
        shown = rulings[rulings["outcome"].astype(str) == outcome]
        figure.add_trace(
            go.Scatter(
                x=shown["date"],
                y=y[shown.index],
                mode="markers",
                name=html.escape(labels.label("outcome", outcome), quote=False),
                meta="rulings",
                customdata=shown["ruling_id"].tolist(),
                hovertext=[hover_text(ruling) for _, ruling in shown.iterrows()],
                hoverinfo="text",
                marker={
                    "color": theme.OUTCOME_COLORS.get(outcome, theme.GREY),
                    "symbol": [_symbol(level, confidence) for level, confidence in zip(shown["court_level"], shown["confidence"])],
                    "size": 13,
                    "line": {"color": "white", "width": 1},
                },
                showlegend=False,
            )
        )
    _add_legend_key(figure, rulings)

    if order:
        first, last = rulings["date"].min(), rulings["date"].max()
        pad = max((last - first) * 0.04, pd.Timedelta(days=7))
        x_range = [first - pad, last + pad]
    else:
        figure.add_annotation(text="No rulings match the chosen filters.", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"color": theme.GREY, "size": 14})
        x_range = None
    for index, line in enumerate(notes):
        figure.add_annotation(
            text=html.escape(line, quote=False), x=0, xref="paper", xanchor="left", y=0, yref="paper", yanchor="top",
            yshift=-(AXIS_PX + legend_px + LINE_PX * index), showarrow=False, align="left",
            font={"family": theme.FONT, "size": 11, "color": theme.GREY},
        )
    figure.update_layout(
        title={
            "text": "<br>".join(html.escape(line, quote=False) for line in title_lines),
            "subtitle": {"text": "<br>".join(html.escape(line, quote=False) for line in subtitle_lines), "font": {"size": 13, "color": theme.GREY, "family": theme.FONT}},
            "x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 16},
            "font": {"size": 19, "color": theme.INK, "family": theme.FONT},
        },
        height=top + plot_px + bottom,
        margin={"t": top, "b": bottom, "l": 10, "r": 14},
        font={"family": theme.FONT, "color": theme.INK, "size": 12},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "bordercolor": theme.GREY, "font": {"family": theme.FONT, "color": theme.INK, "size": 12}, "align": "left"},
        xaxis={"type": "date", "range": x_range, "tickformat": "%b<br>%Y", "nticks": 7, "showgrid": True, "gridcolor": _grid_color(), "zeroline": False, "linecolor": theme.GREY, "fixedrange": False},
        yaxis={"range": [len(order) - 0.45, -0.85], "visible": False, "fixedrange": True},
        legend={
            "orientation": "h", "x": 0, "xanchor": "left", "y": -AXIS_PX / plot_px, "yanchor": "top",
            "itemclick": False, "itemdoubleclick": False, "font": {"size": 12}, "traceorder": "normal", "entrywidth": 0.5, "entrywidthmode": "fraction",
        },
    )
    return figure


def _legend_entries(rulings: pd.DataFrame) -> int:
    """How many entries the legend key has."""
    low = int((rulings["confidence"].astype(str) == "low").any())
    return len(_present(OUTCOMES, rulings["outcome"])) + len(court_levels(rulings)) + low


def _add_legend_key(figure: go.Figure, rulings: pd.DataFrame) -> None:
    """Legend entries for the outcomes (colour) and court levels (shape) present: a key, not a toggle."""
    for outcome in _present(OUTCOMES, rulings["outcome"]):
        figure.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", meta="key",
                name=html.escape(labels.label("outcome", outcome), quote=False), marker={"color": theme.OUTCOME_COLORS.get(outcome, theme.GREY), "symbol": "square", "size": 11},
                hoverinfo="skip",
            )
        )
    for level in court_levels(rulings):
        figure.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", meta="key",
                name=html.escape(labels.label("court_level", level), quote=False), marker={"color": theme.INK, "symbol": LEVEL_SYMBOLS.get(level, "square"), "size": 11},
                hoverinfo="skip",
            )
        )
    if (rulings["confidence"].astype(str) == "low").any():
        figure.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", meta="key", name="Low confidence (hollow)",
                marker={"color": theme.INK, "symbol": "circle-open", "size": 11}, hoverinfo="skip",
            )
        )


def rulings_table(rulings: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The rulings drawn, one row each in the same order, with reader-facing words and the cited source."""
    cited = transforms.with_sources(rulings, sources)
    return pd.DataFrame(
        {
            "Date": [transforms.date_label(day, precision) for day, precision in zip(cited["date"], cited["date_precision"])],
            "Case": cited["case_group"].map(_text).tolist(),
            "Case name in this ruling": cited["case_name"].map(_text).tolist(),
            "Alien Enemies Act case": cited["aea_case"].astype(bool).tolist(),
            "Court level": [labels.label("court_level", level) for level in cited["court_level"]],
            "Court": cited["court"].map(_text).tolist(),
            "Judge": cited["judge"].map(_text).tolist(),
            "Docket": [_text(docket) or NOT_RECORDED for docket in cited["docket"]],
            "What was decided": cited["decision"].map(_text).tolist(),
            "Outcome": [labels.label("outcome", outcome) for outcome in cited["outcome"]],
            "Favoured": cited["favoured"].map(_text).tolist(),
            "Confidence": [labels.label("confidence", level) for level in cited["confidence"]],
            "Source": cited["publisher"].map(_text).tolist(),
            "Source link": cited["source_url"].map(_text).tolist(),
            "Ruling id": cited["ruling_id"].tolist(),
        }
    )


def ruling_choices(rulings: pd.DataFrame) -> dict[str, str]:
    """ruling_id -> '12 February 2026 · Case (Court level)', newest first, for a picker."""
    newest = rulings.sort_values(["date", "ruling_id"], ascending=[False, True], kind="stable")
    return {
        ruling["ruling_id"]: f"{transforms.date_label(ruling['date'], ruling['date_precision'])} · {_text(ruling['case_name'])} ({labels.label('court_level', ruling['court_level'])})"
        for _, ruling in newest.iterrows()
    }


def ruling_by_id(rulings: pd.DataFrame, ruling_id: str) -> pd.Series:
    """The one ruling with this id."""
    return rulings[rulings["ruling_id"] == ruling_id].iloc[0]


def is_low_confidence(ruling: pd.Series) -> bool:
    """True for a row marked low confidence (unattributed or second-hand), which readers must see flagged."""
    return str(ruling["confidence"]) == "low"


def ruling_details(ruling: pd.Series) -> list[tuple[str, str]]:
    """(label, plain text) pairs describing one ruling, in reading order; escape the text before rendering."""
    details = [
        ("Date", transforms.date_label(ruling["date"], ruling["date_precision"])),
        ("Case", case_label(ruling["case_group"], ruling["aea_case"])),
        ("Case name in this ruling", _text(ruling["case_name"])),
        ("Court", f"{_text(ruling['court'])} ({labels.label('court_level', ruling['court_level'])})"),
        ("Judge", _text(ruling["judge"])),
        ("Docket", _text(ruling["docket"]) or NOT_RECORDED),
        ("What was decided", _text(ruling["decision"])),
        ("Outcome", labels.label("outcome", ruling["outcome"])),
        ("Whom it favoured", _text(ruling["favoured"])),
        ("Confidence", labels.label("confidence", ruling["confidence"])),
    ]
    if _text(ruling["notes"]):
        details.append(("Notes", _text(ruling["notes"])))
    return details


def related_event_ids(value: object) -> list[str]:
    """The event ids in a related_event_ids cell ('a;b'), in order, without blanks or repeats."""
    return list(dict.fromkeys(part.strip() for part in _text(value).split(";") if part.strip()))


def rulings_about_event(rulings: pd.DataFrame, event_id: str) -> dict[str, str]:
    """ruling_id -> picker label for the rulings that list event_id among their related events, newest first."""
    concerned = rulings[rulings["related_event_ids"].map(lambda cell: event_id in related_event_ids(cell))]
    return ruling_choices(concerned)


def related_events(ruling: pd.Series, events: pd.DataFrame) -> pd.DataFrame:
    """The events a ruling concerns, in the order listed, with date and status labels (unknown ids skipped)."""
    wanted = related_event_ids(ruling["related_event_ids"])
    found = events.set_index("event_id").reindex(wanted).dropna(subset=["title"]).reset_index()
    return pd.DataFrame(
        {
            "event_id": found["event_id"].tolist(),
            "title": found["title"].map(_text).tolist(),
            "date": [transforms.date_label(day, precision) for day, precision in zip(found["date"], found["date_precision"])],
            "status": [labels.label("event_status", status) for status in found["status"]],
        },
        columns=["event_id", "title", "date", "status"],
    )


def map_link_params(event_id: object) -> dict[str, str] | None:
    """Query parameters that open the map on one event, or None when the id is not a plain slug."""
    text = _text(event_id)
    return {"map_event": text} if SLUG.fullmatch(text) else None
