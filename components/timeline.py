"""The court-rulings timeline (one lane per case) and the tables beside it, in the reader's language; pure: no streamlit here.

Every function that writes reader-facing text takes ``lang`` (English by default). Case names, judges'
names and dockets stay as the courts wrote them; the data's own text (decisions, courts, notes) comes
translated from ``datasets.load_rulings(lang)``.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from components import chart_layout, i18n, labels, schemas, theme, transforms
from components.i18n import N_, formats

LEVELS = ["district", "appeals", "supreme"]
OUTCOMES = ["against_government", "for_government", "mixed", "pending"]
LEVEL_SYMBOLS = {"district": "circle", "appeals": "diamond", "supreme": "star"}
# The English words (also the catalogue's message ids; translated where shown).
NOT_AEA = "(not an AEA case)"
# A case that is not about people accused of Tren de Aragua membership is shown for context only.
CONTEXT = "Context: "
CONTEXT_NOTE = N_("Context: a related case, not about people accused of Tren de Aragua membership (not counted as a TdA ruling).")
PROCEEDINGS = {"decision": N_("Decision"), "oral_argument": N_("Oral argument (a hearing, not a ruling)")}
NOT_RECORDED = N_("not recorded")
SLUG = re.compile(schemas.SLUG)  # the form ids must have in the data, so a link cannot carry anything else

# Pixel budget of the figure, so that it reads at 375 px: lane labels sit above their lines (no
# y tick labels eating the width), and the legend and source lines get room under the axis.
LANE_PX = 46
# Marks closer than this on a phone-wide plot stack in rows under their lane's line (13 px markers).
NARROW_PLOT_PX = 330
MARK_PX = 15
STACK_PX = 14
# A band above the title that plotly's toolbar (about 30 px tall, top right) shows in, so it never covers the title.
MODEBAR_PX = 34
# TRANSLATORS: legend entry of the rulings timeline for an oral argument; keep it short (a phone's legend column).
ARGUMENT_KEY = N_("Argued, not a ruling")
AXIS_PX = 44
LEGEND_ROW_PX = 20
LEGEND_LINE_PX = 15  # each further line of a two-line legend entry
# A legend entry longer than this goes on two lines: a phone's legend column holds about 23 characters.
LEGEND_CHARS = 23
LINE_PX = 16
TITLE_CHARS = 38
SUBTITLE_CHARS = 52
NOTE_CHARS = 62
HOVER_CHARS = 44

TITLE = N_("Court rulings on deportations, by case")
SUBTITLE = N_("Each mark is one decision: its colour says whom it favoured, its shape which court ruled. Cases are ordered by their first ruling.")

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


def _date(start: object, precision: object, lang: str = "en", length: str = "long") -> str:
    """A date as precise as its source, in the reader's language ('23 October 2024' / '23 de octubre de 2024')."""
    if start is None or pd.isna(start):
        return transforms.date_label(None, None, lang=lang)
    return formats.partial_date(start, precision, lang, length)


def proceeding_label(code: object, lang: str = "en") -> str:
    """A proceeding in words: a decision, or an oral argument (a hearing, not a ruling); an unknown code as it is."""
    _ = i18n.gettext_for(lang)
    word = PROCEEDINGS.get(_text(code))
    return _(word) if word is not None else _text(code)


def not_recorded(lang: str = "en") -> str:
    """What a missing docket or court document says."""
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: a docket number (or court document) the sources do not give.
    return _(NOT_RECORDED)


def case_label(case_group: object, aea_case: object, about_tda: object = True, lang: str = "en") -> str:
    """A lane's name: the case, marked as context when it is not about Tren de Aragua, and when it is not an AEA case."""
    _ = i18n.gettext_for(lang)
    if not bool(about_tda):  # short enough for a phone; the chart's note says what context means
        # TRANSLATORS: a lane of the rulings timeline for a related case shown for context; {case} is the case's name.
        return _("Context: {case}").format(case=_text(case_group))
    # TRANSLATORS: {case} is a case's name; AEA is the Alien Enemies Act.
    return _text(case_group) if bool(aea_case) else _("{case} (not an AEA case)").format(case=_text(case_group))


def is_context(rulings: pd.DataFrame) -> pd.Series:
    """Per case group: True when none of its rulings is about Tren de Aragua (a related case shown for context)."""
    about = rulings["about_tda"].astype(bool) if "about_tda" in rulings else pd.Series(True, index=rulings.index)
    return ~about.groupby(rulings["case_group"], observed=True).any()


def is_argument(rulings: pd.DataFrame) -> pd.Series:
    """True for a row that records an oral argument (a hearing), not a decision."""
    if "proceeding" not in rulings:
        return pd.Series(False, index=rulings.index)
    return rulings["proceeding"].astype(str) == "oral_argument"


def court_document(ruling: pd.Series) -> str | None:
    """The court's own document or docket for a ruling (an http(s) link), or None when it is not recorded."""
    url = _text(ruling.get("court_url"))
    return url if url.startswith(("https://", "http://")) else None


def lanes(rulings: pd.DataFrame) -> list[str]:
    """Case groups ordered by their first ruling (ties by name), one timeline lane each."""
    if rulings.empty:
        return []
    first = rulings.groupby("case_group", observed=True)["date"].min().reset_index()
    return first.sort_values(["date", "case_group"], kind="stable")["case_group"].tolist()


def case_labels(rulings: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """Lane name for each case group, in lane order (a group is an AEA case if any of its rulings is)."""
    if rulings.empty:
        return {}
    aea = rulings.groupby("case_group", observed=True)["aea_case"].any()
    context = is_context(rulings)
    return {group: case_label(group, aea[group], not context[group], lang=lang) for group in lanes(rulings)}


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


def as_of_label(rulings: pd.DataFrame, lang: str = "en") -> str:
    """The date of the latest ruling, as precise as its source."""
    _ = i18n.gettext_for(lang)
    latest = latest_ruling(rulings)
    return _("no rulings") if latest is None else _date(latest["date"], latest["date_precision"], lang)


def _kind_count(kind: str, count: int, lang: str) -> str:
    """'12 news', '3 court' (en) / '12 de prensa', '3 judiciales' (es): how many of the cited sources are of a kind."""
    ngettext = i18n.ngettext_for(lang)
    n = formats.number(count, lang)
    words = {
        # TRANSLATORS: in a chart's source line, how many of the sources cited are of one kind: '(12 news, 3 court)'.
        "news": ngettext("{n} news", "{n} news", count),
        "court": ngettext("{n} court", "{n} court", count),
        "government": ngettext("{n} government", "{n} government", count),
        "research": ngettext("{n} research", "{n} research", count),
        "dataset": ngettext("{n} dataset", "{n} dataset", count),
        "blog": ngettext("{n} blog", "{n} blog", count),
        "encyclopedia": ngettext("{n} encyclopedia", "{n} encyclopedia", count),
    }
    word = words.get(kind)
    return word.format(n=n) if word is not None else f"{n} {kind}"


def source_line(rulings: pd.DataFrame, sources: pd.DataFrame | None = None, lang: str = "en") -> str:
    """'Sources: N publications (court records, news…), cited ruling by ruling in the table' (plain text)."""
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    cited = sorted(set(rulings["source_id"].dropna()))
    if not cited:
        return _("Source: none (no rulings shown)")
    kinds = ""
    if sources is not None and not sources.empty:
        found = sources[sources["source_id"].isin(cited)]["kind"].astype(str).value_counts()
        kinds = " (" + ", ".join(_kind_count(kind, int(count), lang) for kind, count in found.items()) + ")"
    # TRANSLATORS: the rulings chart's source line; {kinds} is ' (12 news, 3 court)' or empty. Begin with 'Fuente:'/'Fuentes:'.
    line = ngettext(
        "Sources: {n} source{kinds}, cited ruling by ruling in the table under the chart. Chart: Tren de Aragua tracker",
        "Sources: {n} sources{kinds}, cited ruling by ruling in the table under the chart. Chart: Tren de Aragua tracker",
        len(cited),
    )
    return line.format(n=formats.number(len(cited), lang), kinds=kinds)


def hover_text(ruling: pd.Series, lang: str = "en") -> str:
    """What a reader sees on hovering a ruling; every piece from the data is HTML-escaped."""
    _ = i18n.gettext_for(lang)
    level = labels.label("court_level", ruling["court_level"], lang)
    outcome = labels.label("outcome", ruling["outcome"], lang)
    parts = [
        f"<b>{_escaped(ruling['case_name'], HOVER_CHARS)}</b>",
        html.escape(_date(ruling["date"], ruling["date_precision"], lang), quote=False),
        *([html.escape(proceeding_label("oral_argument", lang), quote=False)] if _text(ruling.get("proceeding")) == "oral_argument" else []),
        f"{html.escape(level, quote=False)}: {_escaped(ruling['court'], HOVER_CHARS)}",
        # TRANSLATORS: hover text of a ruling; {judge} is the judge's name (or names).
        html.escape(_("Judge: {judge}"), quote=False).format(judge=_escaped(ruling["judge"], HOVER_CHARS)),
        # TRANSLATORS: hover text of a ruling: its outcome, then whom it favoured ('the detainees').
        html.escape(_("{outcome}; favoured: {favoured}"), quote=False).format(
            outcome=html.escape(outcome, quote=False), favoured=_escaped(ruling["favoured"], HOVER_CHARS)
        ),
    ]
    if ruling["confidence"] == "low":
        parts.append(f"<i>{html.escape(labels.label('confidence', 'low', lang), quote=False)}</i>")
    return "<br>".join(parts)


def stack_rows(rulings: pd.DataFrame, near: pd.Timedelta) -> pd.Series:
    """Each ruling's row within its lane: 0 on the line, 1, 2… below it when an earlier mark of the lane is nearer than near."""
    rows = pd.Series(0, index=rulings.index, dtype=int)
    for _, cases in rulings.sort_values(["date", "ruling_id"], kind="stable").groupby("case_group", observed=True, sort=False):
        last_in_row: list[pd.Timestamp] = []
        for index, day in cases["date"].items():
            row = next((number for number, last in enumerate(last_in_row) if day - last >= near), len(last_in_row))
            if row == len(last_in_row):
                last_in_row.append(day)
            else:
                last_in_row[row] = day
            rows[index] = row
    return rows


def near_days(rulings: pd.DataFrame) -> pd.Timedelta:
    """How close two marks may be before they would touch on a phone-wide plot (the axis spans the rulings plus padding)."""
    if rulings.empty:
        return pd.Timedelta(days=1)
    first, last = rulings["date"].min(), rulings["date"].max()
    span = (last - first) + 2 * _pad(first, last)
    return span * (MARK_PX / NARROW_PLOT_PX)


def _pad(first: pd.Timestamp, last: pd.Timestamp) -> pd.Timedelta:
    return max((last - first) * 0.04, pd.Timedelta(days=7))


def lane_layout(rulings: pd.DataFrame, order: list[str]) -> tuple[dict[str, float], pd.Series]:
    """Each lane's y (lane lines one LANE_PX apart, plus room for the rows stacked under a line) and each ruling's y."""
    rows = stack_rows(rulings, near_days(rulings))
    step = STACK_PX / LANE_PX
    lane_y: dict[str, float] = {}
    position = 0.0
    for group in order:
        lane_y[group] = position
        deepest = int(rows[rulings["case_group"] == group].max()) if (rulings["case_group"] == group).any() else 0
        position += 1 + deepest * step  # downwards only: the next lane's label sits above its own line
    return lane_y, rulings["case_group"].map(lane_y).astype(float) + rows * step


def date_ticks(
    first: pd.Timestamp, last: pd.Timestamp, precision: object = "day", most: int = 7, lang: str = "en"
) -> tuple[list[pd.Timestamp], list[str]]:
    """Tick dates and labels: the first at the first ruling (as precise as its date), then month starts every k months.

    Month names are the language's abbreviations (Mar / mar, Sep / sept)."""
    months = (last.year - first.year) * 12 + last.month - first.month
    every = max(1, -(-months // (most - 1)))
    values, texts = [first], [_tick_label(first, precision, lang)]
    tick = pd.Timestamp(year=first.year, month=first.month, day=1) + pd.DateOffset(months=every)
    end = last + _pad(first, last)
    while tick <= end:
        if tick - first >= pd.Timedelta(days=int(every * 30 * 0.6)):  # the first label needs room of its own
            values.append(tick)
            texts.append(_tick_label(tick, "month", lang))
        tick += pd.DateOffset(months=every)
    return values, texts


def _tick_label(day: pd.Timestamp, precision: object, lang: str = "en") -> str:
    """'15 Mar<br>2025', 'Mar<br>2025' or '2025' (en); '15 mar<br>2025' (es)."""
    month = formats.month_names(lang, "abbreviated")[day.month - 1]
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return f"{month}<br>{day.year}"
    return f"{day.day} {month}<br>{day.year}"


def _symbol(level: object, confidence: object) -> str:
    """The marker of a court level; hollow for a low-confidence ruling, so it stands out without a colour."""
    symbol = LEVEL_SYMBOLS.get(str(level), "square")
    return f"{symbol}-open" if confidence == "low" else symbol


def _wrapped_lines(text: str, width: int) -> list[str]:
    """Lines of at most width characters: plotly does not wrap titles or annotations itself."""
    return textwrap.wrap(text, width) or [""]


def _balanced_lines(text: str, width: int) -> list[str]:
    """As few lines as wrapping at width gives, but as even as they can be (a two-line title not left with one short word)."""
    lines = _wrapped_lines(text, width)
    narrowest = next((narrower for narrower in range(width, 1, -1) if len(_wrapped_lines(text, narrower - 1)) > len(lines)), width)
    return _wrapped_lines(text, narrowest)


def _present(codes: list[str], values: pd.Series) -> list[str]:
    """The codes that occur in values, in the codes' order, then any unexpected ones by name."""
    found = set(values.astype(str))
    return [code for code in codes if code in found] + sorted(found - set(codes))


def _grid_color() -> str:
    red, green, blue, _ = theme.rgb(theme.GREY)
    return f"rgba({red}, {green}, {blue}, 0.2)"


def rulings_timeline(rulings: pd.DataFrame, sources: pd.DataFrame | None = None, as_of: str | None = None, lang: str = "en") -> go.Figure:
    """Timeline of rulings: one lane per case, colour by outcome, symbol by court level, source and as-of inside.

    Marks on nearby days stack under their lane's line instead of covering each other; an oral
    argument is a labelled grey tick, not a ruling; a case not about Tren de Aragua is labelled context.
    Every word on it (title, lanes, legend, hover, ticks, notes) and the number separators are in lang.
    """
    _ = i18n.gettext_for(lang)
    pgettext = i18n.pgettext_for(lang)
    order = lanes(rulings)
    names = case_labels(rulings, lang=lang) if order else {}
    aea = rulings.groupby("case_group", observed=True)["aea_case"].any() if order else pd.Series(dtype=bool)
    context = is_context(rulings) if order else pd.Series(dtype=bool)
    lane_y, y = lane_layout(rulings, order) if order else ({}, pd.Series(dtype=float))
    depth = max([lane_y[group] for group in order], default=0.0) + (max(y.max() - lane_y[order[-1]], 0.0) if order else 0.0)

    title_lines = _balanced_lines(_(TITLE), chart_layout.wrap_chars(TITLE_CHARS, 19, "title"))
    subtitle_lines = _wrapped_lines(_(SUBTITLE), chart_layout.wrap_chars(SUBTITLE_CHARS, 13))
    note_chars = chart_layout.wrap_chars(NOTE_CHARS, 11)
    # TRANSLATORS: the as-of line under the rulings chart; {date} may be a year, a month or a day.
    as_of_line = _("Data as of the latest ruling: {date}").format(date=as_of or as_of_label(rulings, lang=lang))
    notes = _wrapped_lines(source_line(rulings, sources, lang=lang), note_chars) + _wrapped_lines(as_of_line, note_chars)
    if order and context.any():
        notes = _wrapped_lines(_(CONTEXT_NOTE), note_chars) + notes
    for _name, stamp in chart_layout.stamp_note():
        notes += _wrapped_lines(stamp, note_chars)
    # The legend is a two-column grid (entrywidth 0.5), so its height is known at any width.
    key = _legend_key(rulings, lang)
    legend_px = _legend_px([_legend_name(name) for name, _marker in key])
    band = chart_layout.toolbar_px(MODEBAR_PX)
    top = band + 18 + 26 * len(title_lines) + 18 * len(subtitle_lines) + 14
    bottom = AXIS_PX + legend_px + LINE_PX * len(notes) + 8
    plot_px = chart_layout.plot_px(int(LANE_PX * (depth + 1)) + 24 if order else LANE_PX + 24, top, bottom)

    figure = go.Figure()
    for group in order:
        cases = rulings[rulings["case_group"] == group]
        plain_lane = bool(aea[group]) and not bool(context[group])
        figure.add_trace(
            go.Scatter(
                x=[cases["date"].min(), cases["date"].max()],
                y=[lane_y[group], lane_y[group]],
                mode="lines",
                name=html.escape(names[group], quote=False),
                meta="lane",
                line={"color": theme.GREY, "width": 1.5, "dash": "solid" if plain_lane else "dot"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        figure.add_annotation(
            x=0, xref="paper", xanchor="left", y=lane_y[group], yref="y", yanchor="bottom", yshift=7,
            text=_escaped(names[group]), showarrow=False, align="left", name="lane_label",
            font={"family": theme.FONT, "size": 12, "color": theme.INK if plain_lane else theme.GREY},
        )
    arguments = is_argument(rulings)
    decisions = rulings[~arguments]
    for outcome in _present(OUTCOMES, decisions["outcome"]):
        shown = decisions[decisions["outcome"].astype(str) == outcome]
        figure.add_trace(
            go.Scatter(
                x=shown["date"],
                y=y[shown.index],
                mode="markers",
                name=html.escape(labels.label("outcome", outcome, lang), quote=False),
                meta="rulings",
                customdata=shown["ruling_id"].tolist(),
                hovertext=[hover_text(ruling, lang=lang) for _row, ruling in shown.iterrows()],
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
    argued = rulings[arguments]
    if len(argued):
        figure.add_trace(
            go.Scatter(
                x=argued["date"], y=y[argued.index], mode="markers+text", name=html.escape(_(ARGUMENT_KEY), quote=False), meta="arguments",
                customdata=argued["ruling_id"].tolist(), hovertext=[hover_text(ruling, lang=lang) for _row, ruling in argued.iterrows()], hoverinfo="text",
                marker={"color": theme.GREY, "symbol": "line-ns-open", "size": 16, "line": {"color": theme.GREY, "width": 2.5}},
                # TRANSLATORS: the short word beside an oral argument's tick on the rulings timeline (a hearing, not a ruling).
                text=[html.escape(pgettext("timeline mark", "argued"), quote=False)] * len(argued), textposition="middle left", textfont={"family": theme.FONT, "size": 11, "color": theme.GREY},
                showlegend=False,
            )
        )
    _add_legend_key(figure, key)

    if order:
        first, last = rulings["date"].min(), rulings["date"].max()
        pad = _pad(first, last)
        x_range = [first - pad, last + pad]
        first_precision = rulings.loc[rulings["date"] == first, "date_precision"].astype(str).iloc[0] if "date_precision" in rulings else "day"
        tickvals, ticktext = date_ticks(first, last, first_precision, lang=lang)
    else:
        figure.add_annotation(text=html.escape(_("No rulings match the chosen filters."), quote=False), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"color": theme.GREY, "size": 14})
        x_range, tickvals, ticktext = None, None, None
    for index, line in enumerate(notes):
        figure.add_annotation(
            text=html.escape(line, quote=False), x=0, xref="paper", xanchor="left", y=0, yref="paper", yanchor="top",
            yshift=-(AXIS_PX + legend_px + LINE_PX * index), showarrow=False, align="left", name="note",
            font={"family": theme.FONT, "size": 11, "color": theme.GREY},
        )
    figure.update_layout(
        title={
            "text": "<br>".join(html.escape(line, quote=False) for line in title_lines),
            "subtitle": {"text": "<br>".join(html.escape(line, quote=False) for line in subtitle_lines), "font": {"size": 13, "color": theme.GREY, "family": theme.FONT}},
            "x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": band + 16},
            "font": {"size": 19, "color": theme.INK, "family": theme.FONT},
        },
        separators=formats.plotly_separators(lang),
        height=top + plot_px + bottom,
        width=chart_layout.current().width,
        margin={"t": top, "b": bottom, "l": 10, "r": 14},
        font={"family": theme.FONT, "color": theme.INK, "size": 12},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "bordercolor": theme.GREY, "font": {"family": theme.FONT, "color": theme.INK, "size": 12}, "align": "left"},
        xaxis={
            "type": "date", "range": x_range, "tickmode": "array" if tickvals else "auto", "tickvals": tickvals, "ticktext": ticktext,
            "showgrid": True, "gridcolor": _grid_color(), "zeroline": False, "linecolor": theme.GREY, "fixedrange": False,
        },
        yaxis={"range": [depth + 0.55, -0.85], "visible": False, "fixedrange": True},
        legend={
            "orientation": "h", "x": 0, "xanchor": "left", "y": -AXIS_PX / plot_px, "yanchor": "top",
            "itemclick": False, "itemdoubleclick": False, "font": {"size": 12}, "traceorder": "normal", "entrywidth": 0.5, "entrywidthmode": "fraction",
        },
    )
    return figure


def alt_text(figure: go.Figure, rulings: pd.DataFrame, lang: str = "en") -> str:
    """The timeline's alt text, in the figure's language: its title and subtitle, then how many cases and over what dates."""
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    title, subtitle = (html.unescape((text or "").replace("<br>", " ")) for text in (figure.layout.title.text, figure.layout.title.subtitle.text))
    words = f"{title}. {subtitle}" if title else subtitle
    if rulings.empty:
        summary = _("No rulings match the chosen filters.")
    else:
        first, last = rulings.loc[rulings["date"].idxmin()], rulings.loc[rulings["date"].idxmax()]
        cases = len(lanes(rulings))
        # TRANSLATORS: the rulings timeline's alt text, after its title; {first} and {last} are dates.
        summary = ngettext("{n} case shown, from {first} to {last}.", "{n} cases shown, from {first} to {last}.", cases).format(
            n=formats.number(cases, lang), first=_date(first["date"], first["date_precision"], lang), last=_date(last["date"], last["date_precision"], lang)
        )
    return " ".join(f"{words} {summary}".split())


def _legend_key(rulings: pd.DataFrame, lang: str = "en") -> list[tuple[str, dict]]:
    """The legend key's entries in order, (plain-text name, marker): outcomes (colour), court levels (shape), then the marks' meanings."""
    _ = i18n.gettext_for(lang)
    key = [
        (labels.label("outcome", outcome, lang), {"color": theme.OUTCOME_COLORS.get(outcome, theme.GREY), "symbol": "square", "size": 11})
        for outcome in _present(OUTCOMES, rulings.loc[~is_argument(rulings), "outcome"])
    ]
    key += [(labels.label("court_level", level, lang), {"color": theme.INK, "symbol": LEVEL_SYMBOLS.get(level, "square"), "size": 11}) for level in court_levels(rulings)]
    if (rulings["confidence"].astype(str) == "low").any():
        # TRANSLATORS: legend entry: a hollow mark is a low-confidence ruling; keep it short (a phone's legend column).
        key.append((_("Low confidence (hollow)"), {"color": theme.INK, "symbol": "circle-open", "size": 11}))
    if is_argument(rulings).any():
        key.append((_(ARGUMENT_KEY), {"color": theme.GREY, "symbol": "line-ns-open", "size": 13, "line": {"color": theme.GREY, "width": 2.5}}))
    return key


def _legend_name(text: str) -> str:
    """A legend entry as plotly shows it: escaped, and on two lines when it is longer than a phone's legend column holds."""
    if len(text) <= LEGEND_CHARS:
        return html.escape(text, quote=False)
    words = text.split()
    # Split after a comma when there is one ('Audiencia, / no es un fallo'), else where the two lines are most even.
    cut = min(
        range(1, len(words)),
        key=lambda at: (not words[at - 1].endswith((",", ";", ":")), abs(len(" ".join(words[:at])) - len(" ".join(words[at:])))),
        default=len(words),
    )
    return "<br>".join(html.escape(" ".join(part), quote=False) for part in (words[:cut], words[cut:]) if part)


def _legend_px(names: list[str]) -> int:
    """The legend's height: a two-column grid (entrywidth 0.5), each row as tall as its tallest entry."""
    rows = [names[index:index + 2] for index in range(0, len(names), 2)]
    return sum(LEGEND_ROW_PX + LEGEND_LINE_PX * max(name.count("<br>") for name in row) for row in rows) + 16


def _add_legend_key(figure: go.Figure, key: list[tuple[str, dict]]) -> None:
    """Legend entries for the outcomes (colour) and court levels (shape) present: a key, not a toggle."""
    for name, marker in key:
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", meta="key", name=_legend_name(name), marker=marker, hoverinfo="skip"))


# The table's columns (English names; table_headers gives them in a language).
TABLE_COLUMNS = (
    "Date", "Case", "Proceeding", "Case name in this ruling", "Alien Enemies Act case", "Court level", "Court", "Judge", "Docket",
    "What was decided", "Outcome", "Favoured", "Confidence", "Source", "Source link", "Court document", "Ruling id",
)  # fmt: skip


def table_headers(lang: str = "en") -> dict[str, str]:
    """The rulings table's column headers in a language, keyed by their English names."""
    _ = i18n.gettext_for(lang)
    return {
        "Date": _("Date"),
        "Case": _("Case"),
        "Proceeding": _("Proceeding"),
        "Case name in this ruling": _("Case name in this ruling"),
        "Alien Enemies Act case": _("Alien Enemies Act case"),
        "Court level": _("Court level"),
        "Court": _("Court"),
        "Judge": _("Judge"),
        "Docket": _("Docket"),
        "What was decided": _("What was decided"),
        "Outcome": _("Outcome"),
        "Favoured": _("Favoured"),
        "Confidence": _("Confidence"),
        "Source": _("Source"),
        "Source link": _("Source link"),
        "Court document": _("Court document"),
        "Ruling id": _("Ruling id"),
    }


def rulings_table(rulings: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The rulings drawn, one row each in the same order, with reader-facing words and the cited source (headers in lang)."""
    cited = transforms.with_sources(rulings, sources)
    missing = not_recorded(lang)
    frame = pd.DataFrame(
        {
            "Date": [_date(day, precision, lang) for day, precision in zip(cited["date"], cited["date_precision"])],
            "Case": [case_label(group, aea, about, lang=lang) for group, aea, about in zip(cited["case_group"], cited["aea_case"], _about(cited))],
            "Proceeding": [proceeding_label(code, lang) for code in _proceedings(cited)],
            "Case name in this ruling": cited["case_name"].map(_text).tolist(),
            "Alien Enemies Act case": cited["aea_case"].astype(bool).tolist(),
            "Court level": [labels.label("court_level", level, lang) for level in cited["court_level"]],
            "Court": cited["court"].map(_text).tolist(),
            "Judge": cited["judge"].map(_text).tolist(),
            "Docket": [_text(docket) or missing for docket in cited["docket"]],
            "What was decided": cited["decision"].map(_text).tolist(),
            "Outcome": [labels.label("outcome", outcome, lang) for outcome in cited["outcome"]],
            "Favoured": cited["favoured"].map(_text).tolist(),
            "Confidence": [labels.label("confidence", level, lang) for level in cited["confidence"]],
            "Source": cited["publisher"].map(_text).tolist(),
            "Source link": cited["source_url"].map(_text).tolist(),
            "Court document": [court_document(ruling) or "" for _row, ruling in cited.iterrows()],
            "Ruling id": cited["ruling_id"].tolist(),
        },
        columns=list(TABLE_COLUMNS),
    )
    return frame.rename(columns=table_headers(lang))


def ruling_choices(rulings: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """ruling_id -> '12 February 2026 · Case (Court level)', newest first, for a picker."""
    newest = rulings.sort_values(["date", "ruling_id"], ascending=[False, True], kind="stable")
    return {
        ruling["ruling_id"]: (
            f"{_date(ruling['date'], ruling['date_precision'], lang)} · {_text(ruling['case_name'])} "
            f"({labels.label('court_level', ruling['court_level'], lang)})"
        )
        for _row, ruling in newest.iterrows()
    }


def ruling_picker_choices(rulings: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """ruling_id -> 'date · case name · court · judge · docket', newest first: the picker searches these words."""
    _ = i18n.gettext_for(lang)
    newest = rulings.sort_values(["date", "ruling_id"], ascending=[False, True], kind="stable")
    choices = {}
    for _row, ruling in newest.iterrows():
        parts = [_date(ruling["date"], ruling["date_precision"], lang), _text(ruling["case_name"])]
        if _text(ruling.get("proceeding")) == "oral_argument":
            # TRANSLATORS: in the ruling picker, beside an oral argument (readers may search these words).
            parts.append(_("oral argument, not a ruling"))
        # TRANSLATORS: in the ruling picker, for a ruling whose docket number the sources do not give.
        parts += [_text(ruling["court"]), _text(ruling["judge"]), _text(ruling["docket"]) or _("docket not recorded")]
        choices[ruling["ruling_id"]] = " · ".join(part for part in parts if part)
    return choices


def _about(rulings: pd.DataFrame) -> list[bool]:
    return rulings["about_tda"].astype(bool).tolist() if "about_tda" in rulings else [True] * len(rulings)


def _proceedings(rulings: pd.DataFrame) -> list[str]:
    return rulings["proceeding"].astype(str).tolist() if "proceeding" in rulings else ["decision"] * len(rulings)


def ruling_by_id(rulings: pd.DataFrame, ruling_id: str) -> pd.Series:
    """The one ruling with this id."""
    return rulings[rulings["ruling_id"] == ruling_id].iloc[0]


def is_low_confidence(ruling: pd.Series) -> bool:
    """True for a row marked low confidence (unattributed or second-hand), which readers must see flagged."""
    return str(ruling["confidence"]) == "low"


def ruling_details(ruling: pd.Series, lang: str = "en") -> list[tuple[str, str]]:
    """(label, plain text) pairs describing one ruling, in reading order; escape the text before rendering."""
    _ = i18n.gettext_for(lang)
    details = [
        (_("Date"), _date(ruling["date"], ruling["date_precision"], lang)),
        (_("Case"), case_label(ruling["case_group"], ruling["aea_case"], ruling.get("about_tda", True), lang=lang)),
        (_("Proceeding"), proceeding_label(_text(ruling.get("proceeding")) or "decision", lang)),
        (_("Case name in this ruling"), _text(ruling["case_name"])),
        (_("Court"), f"{_text(ruling['court'])} ({labels.label('court_level', ruling['court_level'], lang)})"),
        (_("Judge"), _text(ruling["judge"])),
        (_("Docket"), _text(ruling["docket"]) or not_recorded(lang)),
        (_("What was decided"), _text(ruling["decision"])),
        (_("Outcome"), labels.label("outcome", ruling["outcome"], lang)),
        (_("Whom it favoured"), _text(ruling["favoured"])),
        (_("Confidence"), labels.label("confidence", ruling["confidence"], lang)),
    ]
    if _text(ruling["notes"]):
        details.append((_("Notes"), _text(ruling["notes"])))
    return details


def related_event_ids(value: object) -> list[str]:
    """The event ids in a related_event_ids cell ('a;b'), in order, without blanks or repeats."""
    return list(dict.fromkeys(part.strip() for part in _text(value).split(";") if part.strip()))


def rulings_about_event(rulings: pd.DataFrame, event_id: str, lang: str = "en") -> dict[str, str]:
    """ruling_id -> picker label for the rulings that list event_id among their related events, newest first."""
    concerned = rulings[rulings["related_event_ids"].map(lambda cell: event_id in related_event_ids(cell))]
    return ruling_choices(concerned, lang=lang)


def related_events(ruling: pd.Series, events: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The events a ruling concerns, in the order listed, with date and status labels (unknown ids skipped).

    The status is the allegation wording of the event ('Alleged' / 'Presunto'); titles come from the data (load_events(lang))."""
    wanted = related_event_ids(ruling["related_event_ids"])
    matching = events[events["event_id"].isin(wanted)].drop_duplicates("event_id")  # only the few rows concerned are indexed
    found = matching.set_index("event_id").reindex(wanted).dropna(subset=["title"]).reset_index()
    return pd.DataFrame(
        {
            "event_id": found["event_id"].tolist(),
            "title": found["title"].map(_text).tolist(),
            "date": [_date(day, precision, lang) for day, precision in zip(found["date"], found["date_precision"])],
            "status": [labels.label("event_status", status, lang) for status in found["status"]],
        },
        columns=["event_id", "title", "date", "status"],
    )


def map_link_params(event_id: object) -> dict[str, str] | None:
    """Query parameters that open the map on one event, or None when the id is not a plain slug."""
    text = _text(event_id)
    return {"map_event": text} if SLUG.fullmatch(text) else None
