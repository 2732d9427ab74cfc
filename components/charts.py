"""Charts for the Figures page: tables in, plotly figures out, each with its title, source and as-of inside.

Pure: no streamlit here. Every number drawn comes from the tables passed in; the only words
typed here are titles, method notes and editorial choices (which rows a chart compares).
Text from the data is HTML-escaped, because plotly renders a subset of HTML in every label.

Every builder takes the reader's language (lang, English by default): its words come from the
catalogue, its numbers and dates from components.i18n.formats, and the figure carries the
language's separators (layout.separators). Load the tables in the same language
(datasets.load_*(lang)): the data's own words (labels, estimators, notes) are translated as data.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from components import chart_layout, i18n, labels, theme, transforms
from components.i18n import N_, formats

# Method notes that travel with the encounters chart (see data/README.md, "CBP encounters"); translated where shown.
ENCOUNTERS_DEFINITION = N_(
    "Encounters count events, not people: one person caught twice is two encounters. "
    "They include Title 42 expulsions (until May 2023)."
)
FISCAL_YEAR_NOTE = N_("US fiscal years run from October to September.")
ENCOUNTER_SERIES = ("cbp_venezuela_nationwide", "cbp_venezuela_southwest")
PERIODS = {"month": N_("By month"), "fiscal_year": N_("By fiscal year")}
IMAGE_FORMATS = {"png": "PNG", "svg": "SVG"}

# What a milestone is, by its kind (the encounters chart's marked dates and their table).
MILESTONE_KINDS = {
    "designation": N_("Designation"),
    "proclamation": N_("Proclamation"),
    "sanction": N_("Sanction"),
    "executive_action": N_("Executive action"),
    "assessment": N_("Assessment"),
}

# Units are codes of the data (figures.csv and series.csv `unit`), worded here for readers.
UNITS = {
    "members": N_("members"),
    "people": N_("people"),
    "encounters": N_("encounters"),
    "apprehensions": N_("apprehensions"),
    "arrests": N_("arrests"),
    "countries": N_("countries"),
    "US states": N_("US states"),
    "USD": N_("USD"),
    "USD per year": N_("USD per year"),
}
# A value followed by its unit ('5,000 members'); in Spanish a sum of money already says 'dólares'.
VALUES_WITH_UNIT = {
    "members": N_("{value} members"),
    "people": N_("{value} people"),
    "encounters": N_("{value} encounters"),
    "apprehensions": N_("{value} apprehensions"),
    "arrests": N_("{value} arrests"),
    "countries": N_("{value} countries"),
    "US states": N_("{value} US states"),
    # TRANSLATORS: {value} is a sum of money already written with its currency ('5 millones de dólares').
    "USD": N_("{value} USD"),
    # TRANSLATORS: {value} is a sum of money already written with its currency ('entre 10 y 15 millones de dólares').
    "USD per year": N_("{value} USD per year"),
}

# The encounters are at US borders, so the chart marks US designations, the proclamation and
# the Supreme Court's rulings; sanctions and other countries' actions are on the rulings page.
ANNOTATED_MILESTONE_KINDS = ("designation", "proclamation")
ANNOTATED_MILESTONE_COUNTRY = "USA"
ANNOTATED_COURT_LEVEL = "supreme"

GANG_LINK_METRICS = ("us_migrants_possible_ties", "us_confirmed_members")
# MPI counts foreign-born Venezuelans: the comparable base for a count of migrants.
CONTEXT_POPULATION_ESTIMATOR = "Migration Policy Institute"
PER = 10_000

SERIES_COLORS = (theme.BLUE, theme.ORANGE, theme.VERMILLION, theme.GREEN, theme.PURPLE, theme.SKY, theme.BLACK)
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "star", "hexagon", "x")

TITLE_SIZE, SUBTITLE_SIZE, TEXT_SIZE, FOOT_SIZE = 17, 12.5, 12, 10.5
# Characters per line that fit a phone (375 px screen, about 340 px of chart).
TITLE_WRAP, SUBTITLE_WRAP, FOOT_WRAP, LABEL_WRAP = 34, 50, 58, 52
LINE_PX = {"title": 22, "subtitle": 17, "foot": 14}
AXIS_PX = 36  # x tick labels and a little air under the plot
AXIS_TITLE_PX = 18
EDGE_PX = 12  # text starts this far from the chart's left edge
# A band above the title that the toolbar (plotly's modebar, about 30 px tall at the top right) shows in, so it never covers the title.
MODEBAR_PX = 34
NARROW_PLOT_PX = 270  # the plot's width on a phone: date marks are spread to not touch at this width
ROW_PX = 54  # one estimate per row in the range charts
LEGEND_WRAP = 40
WHITE = theme.PAPER  # so exported PNGs are not transparent


def text(value: object) -> str:
    """Data text that plotly shows as typed (it renders a subset of HTML in labels)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=False)


def _wrap(value: str, width: int) -> list[str]:
    return textwrap.wrap(value, width=width, break_long_words=False, break_on_hyphens=False) or [""]


def unit_label(unit: object, lang: str = "en") -> str:
    """A unit code in words ('USD per year' -> 'dólares estadounidenses (USD) al año'); an unknown unit as it is."""
    word = UNITS.get(str(unit))
    return i18n.gettext_for(lang)(word) if word is not None else str(unit)


def with_unit(value: str, unit: object, lang: str = "en") -> str:
    """'5,000 members', 'more than 600 people'; in Spanish a sum of money is not followed by 'USD' ('5 millones de dólares')."""
    pattern = VALUES_WITH_UNIT.get(str(unit))
    if pattern is None:
        return f"{value} {unit}"
    return i18n.gettext_for(lang)(pattern).format(value=value)


def fiscal_year_label(period: object, lang: str = "en") -> str:
    """'FY2024' as readers write it ('AF2024' in Spanish: año fiscal); any other period as it is."""
    period = str(period)
    if not period.startswith("FY"):
        return period
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: a US fiscal year, as in 'FY2024'. Spanish: 'AF{year}' (año fiscal), explained in the chart's note.
    return _("FY{year}").format(year=period[2:])


def period_label(period: object, period_kind: object, lang: str = "en") -> str:
    """A series period in a chart's hover: '2024-10' and 'FY2024' in English; 'octubre de 2024' and 'AF2024' in Spanish."""
    if str(period_kind) == "fiscal_year":
        return fiscal_year_label(period, lang)
    if str(period_kind) == "month" and i18n.normalize(lang) != i18n.DEFAULT_LANG:
        start = pd.to_datetime(f"{period}-01", errors="coerce")
        if not pd.isna(start):
            return formats.partial_date(start, "month", lang)
    return str(period)


def short_date(start: object, precision: object, lang: str = "en") -> str:
    """'2024', 'Oct 2024' or '23 Oct 2024': as precise as the source, short enough for a chart ('23 oct 2024' in Spanish)."""
    if start is None or pd.isna(start):
        _ = i18n.gettext_for(lang)
        return _("undated")
    return formats.partial_date(start, precision, lang, length="short")


def plotted_at(start: object, precision: object) -> pd.Timestamp | None:
    """Where a partial date sits on a time axis: mid-year for a year, mid-month for a month."""
    if start is None or pd.isna(start):
        return None
    start = pd.Timestamp(start)
    if precision == "year":
        return start + pd.DateOffset(months=6)
    if precision == "month":
        return start + pd.DateOffset(days=14)
    return start


def source_line(source_ids: Iterable[str], sources: pd.DataFrame, prefix: str | None = None, lang: str = "en") -> str:
    """'Source: Publisher (date); Other (n.d.)' for the cited sources, one entry per publisher (plain text).

    'Fuente: …' / 'Fuentes: …' in Spanish; publishers stay as published. prefix (English only) replaces 'Source'."""
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    cited = sources.set_index("source_id").reindex(list(dict.fromkeys(source_ids))).dropna(subset=["publisher"])
    entries = []
    for publisher, rows in cited.groupby("publisher", sort=False):
        dates = list(dict.fromkeys(short_date(row["published"], row["published_precision"], lang) for _row_id, row in rows.iterrows() if not pd.isna(row["published"])))
        if len(dates) < len(rows):
            # TRANSLATORS: 'no date', for a source that is not dated (Spanish: 's. f.').
            dates.append(_("n.d."))
        entries.append(f"{publisher} ({'; '.join(dates)})")
    if not entries:
        return ""
    if prefix is not None:
        label = prefix if len(entries) == 1 else f"{prefix}s"
        return f"{label}: " + "; ".join(entries)
    # TRANSLATORS: the source line inside a chart; {sources} lists 'Publisher (date)' entries. Spanish: 'Fuente:' / 'Fuentes:'.
    return ngettext("Source: {sources}", "Sources: {sources}", len(entries)).format(sources="; ".join(entries))


def as_of_line(starts: pd.Series, precisions: pd.Series, what: str = "", lang: str = "en") -> str:
    """'As of Oct 2024' from the latest dated row, saying how many rows are undated (plain text; 'Datos al oct 2024' in Spanish)."""
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    dated = starts.notna()
    if not dated.any():
        return _("As of: undated")
    latest = starts[dated].idxmax()
    day = short_date(starts[latest], precisions[latest], lang)
    # TRANSLATORS: the as-of line inside a chart: 'As of Oct 2024' (Spanish: 'Datos al …'); {what} says which rows it dates.
    line = _("As of {date} ({what})").format(date=day, what=what) if what else _("As of {date}").format(date=day)
    undated = int((~dated).sum())
    if undated:
        line = ngettext("{line}; {n} undated", "{line}; {n} undated", undated).format(line=line, n=formats.number(undated, lang))
    return line


def _toolbar_locale(lang: str) -> dict:
    """plotly's words for its toolbar and date axes in a language (its own locale files are not in Streamlit's bundle)."""
    from babel.dates import get_day_names

    pgettext = i18n.pgettext_for(lang)
    # The keys are plotly's own English words, as the plotly.js in Streamlit 1.67's bundle writes them.
    dictionary = {
        "Download plot as a PNG": pgettext("chart toolbar", "Download plot as a PNG"),
        "Download plot": pgettext("chart toolbar", "Download plot"),
        "Zoom": pgettext("chart toolbar", "Zoom"),
        "Pan": pgettext("chart toolbar", "Pan"),
        "Zoom in": pgettext("chart toolbar", "Zoom in"),
        "Zoom out": pgettext("chart toolbar", "Zoom out"),
        "Reset axes": pgettext("chart toolbar", "Reset axes"),
        "Autoscale": pgettext("chart toolbar", "Autoscale"),
        "Toggle Spike Lines": pgettext("chart toolbar", "Toggle Spike Lines"),
        "Show closest data on hover": pgettext("chart toolbar", "Show closest data on hover"),
        "Compare data on hover": pgettext("chart toolbar", "Compare data on hover"),
        "Toggle show closest data on hover": pgettext("chart toolbar", "Toggle show closest data on hover"),
        "Double-click to zoom back out": pgettext("chart toolbar", "Double-click to zoom back out"),
        "Double-click on legend to isolate one trace": pgettext("chart toolbar", "Double-click on legend to isolate one trace"),
        "Preparing image - this may take a few seconds": pgettext("chart toolbar", "Preparing image - this may take a few seconds"),
        "Image download succeeded": pgettext("chart toolbar", "Image download succeeded"),
        "Sorry, there was a problem downloading your image!": pgettext("chart toolbar", "Sorry, there was a problem downloading your image!"),
    }
    locale = i18n.babel_locale(lang)
    wide, short = get_day_names("wide", locale=locale), get_day_names("abbreviated", locale=locale)
    order = (6, 0, 1, 2, 3, 4, 5)  # plotly's weeks start on Sunday, Babel's on Monday
    separators = formats.plotly_separators(lang)
    return {
        "dictionary": dictionary,
        "format": {
            "months": formats.month_names(lang, "wide"), "shortMonths": formats.month_names(lang),
            "days": [wide[day] for day in order], "shortDays": [short[day] for day in order],
            "decimal": separators[0], "thousands": separators[1],
        },
    }


def chart_config(filename: str, image_format: str = "png", lang: str = "en") -> dict:
    """The modebar for journalists: camera button saves PNG (2x) or SVG under a descriptive filename.

    The filename stays ASCII in every language; in Spanish the toolbar's tips and plotly's month names come along (config.locales)."""
    config = {
        "displaylogo": False,
        "responsive": True,
        "toImageButtonOptions": {"format": image_format, "filename": filename, "scale": 2 if image_format == "png" else 1},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    }
    lang = i18n.normalize(lang)
    if lang != i18n.DEFAULT_LANG:
        config["locale"] = lang
        config["locales"] = {lang: _toolbar_locale(lang)}
    return config


def _footer(figure: go.Figure, lines: list[tuple[str, str]], top_px: int, left_px: int) -> int:
    """Footnotes under the plot, each a named paper annotation placed in pixels; returns their height."""
    offset = top_px
    for name, line in lines:
        wrapped = [text(part) for part in _wrap(line, chart_layout.wrap_chars(FOOT_WRAP, FOOT_SIZE))]
        figure.add_annotation(
            name=name, text="<br>".join(wrapped), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
            xshift=EDGE_PX - left_px, yshift=-offset, showarrow=False, align="left", font={"size": FOOT_SIZE, "color": theme.GREY},
        )
        offset += len(wrapped) * LINE_PX["foot"] + 4
    return offset - top_px


def _frame(
    figure: go.Figure,
    *,
    title: str,
    subtitle: str,
    notes: list[tuple[str, str]],
    plot_px: int,
    legend_rows: int = 0,
    left_px: int = 56,
    axis_title: bool = False,
    extra_top_px: int = 0,
    lang: str = "en",
) -> go.Figure:
    """Title, subtitle, legend and footnotes around a plot of plot_px pixels, laid out to read at 375 px.

    The words come in translated; lang sets the number separators plotly writes (5,000 / 5.000)."""
    title_lines = _wrap(title, chart_layout.wrap_chars(TITLE_WRAP, TITLE_SIZE, "title"))
    subtitle_lines = _wrap(subtitle, chart_layout.wrap_chars(SUBTITLE_WRAP, SUBTITLE_SIZE))
    band = chart_layout.toolbar_px(MODEBAR_PX)
    top = band + 14 + len(title_lines) * LINE_PX["title"] + len(subtitle_lines) * LINE_PX["subtitle"] + 16 + extra_top_px
    axis_px = AXIS_PX + (AXIS_TITLE_PX if axis_title else 0)
    legend_px = legend_rows * 19 + (8 if legend_rows else 0)
    footer_px = _footer(figure, [*notes, *chart_layout.stamp_note()], axis_px + legend_px, left_px)
    bottom = axis_px + legend_px + footer_px + 10
    plot_px = chart_layout.plot_px(plot_px, top, bottom)
    height = top + plot_px + bottom
    grid = "rgba({}, {}, {}, 0.25)".format(*theme.rgb(theme.GREY)[:3])
    figure.update_layout(
        title={
            "text": "<b>" + "<br>".join(text(line) for line in title_lines) + "</b>",
            "subtitle": {"text": "<br>".join(text(line) for line in subtitle_lines), "font": {"size": SUBTITLE_SIZE, "color": theme.GREY}},
            "x": 0, "xref": "container", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": band + 14, "l": EDGE_PX},
            "font": {"size": TITLE_SIZE, "color": theme.INK},
        },
        font={"family": theme.FONT, "size": TEXT_SIZE, "color": theme.INK},
        paper_bgcolor=WHITE,
        plot_bgcolor=WHITE,
        height=height,
        width=chart_layout.current().width,
        margin={"t": top, "b": bottom, "l": left_px, "r": 16, "autoexpand": False},
        showlegend=legend_rows > 0,
        legend={
            "orientation": "v", "yref": "container", "y": (footer_px + legend_px + 10) / height, "yanchor": "top",
            "x": 0, "xref": "container", "xanchor": "left", "font": {"size": TEXT_SIZE}, "bgcolor": "rgba(0, 0, 0, 0)",
        },
        hoverlabel={"font": {"family": theme.FONT}, "align": "left"},
        separators=formats.plotly_separators(lang),
    )
    figure.update_xaxes(gridcolor=grid, zeroline=False, linecolor=theme.GREY, tickfont={"size": TEXT_SIZE - 1}, automargin=False)
    figure.update_yaxes(gridcolor=grid, zeroline=False, tickfont={"size": TEXT_SIZE - 1}, automargin=False)
    return figure


def _status_words(row: pd.Series, lang: str = "en") -> str:
    _ = i18n.gettext_for(lang)
    words = [labels.label("figure_status", row["status"], lang), labels.label("confidence", row["confidence"], lang)]
    if row.get("computed"):
        words.append(_("derived by arithmetic, not printed by the source"))
    return " · ".join(words)


def _hover(row: pd.Series, sources: pd.DataFrame, lang: str = "en") -> str:
    """Hover text of a figures row: label, value, date, estimator, status, source (escaped)."""
    _ = i18n.gettext_for(lang)
    publisher = sources.set_index("source_id")["publisher"].get(row["source_id"], row["source_id"])
    parts = [
        f"<b>{text(row['label'])}</b>",
        text(with_unit(_value_text(row, lang), row["unit"], lang)),
        text(_("As of {date}").format(date=short_date(row["as_of"], row["as_of_precision"], lang))),
        # TRANSLATORS: who produced a figure: 'By Migration Policy Institute' (Spanish: 'Según …').
        text(_("By {estimator}").format(estimator=row["estimator"])),
        text(_status_words(row, lang)),
        text(_("Source: {publisher}").format(publisher=publisher)),
    ]
    return "<br>".join(parts)


def in_english(rows: pd.DataFrame, column: str, english: pd.DataFrame | None) -> pd.Series:
    """A text column of figures rows as the English table has it (by figure_id), for the choices that read words.

    Choosing rows by their words (an estimator, a geography) must not depend on a translation:
    pass the figures table in English as english; without it the rows' own words are read."""
    if english is None or column not in english or "figure_id" not in english or "figure_id" not in rows:
        return rows[column]
    by_id = english.drop_duplicates("figure_id").set_index("figure_id")[column]
    return rows["figure_id"].map(by_id).fillna(rows[column]).astype(rows[column].dtype)


def figure_rows(figures: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """The figures of the given metrics, largest first, as the range charts draw them."""
    rows = figures[figures["metric"].isin(list(metrics))].copy()
    rows["_size"] = rows["value"].fillna(rows["high"]).fillna(rows["low"])
    rows = rows.sort_values(["_size", "as_of", "figure_id"], ascending=[False, False, True], kind="stable", na_position="last")
    return rows.drop(columns="_size").reset_index(drop=True)


def membership_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """Every membership estimate, one row per estimator's statement."""
    return figure_rows(figures, ["membership"])


def profit_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """Every estimate of annual profits."""
    return figure_rows(figures, ["annual_profits_usd"])


def estimate_label(row: pd.Series, lang: str = "en") -> str:
    """Who says it and when, with the marks a reader needs: derived, low confidence (plain text)."""
    _, pgettext = i18n.gettext_for(lang), i18n.pgettext_for(lang)
    parts = [str(row["estimator"]), short_date(row["as_of"], row["as_of_precision"], lang)]
    if row.get("computed"):
        # TRANSLATORS: a mark on an estimate that is our arithmetic on a source's words (Spanish: 'derivado').
        parts.append(pgettext("estimate mark", "derived"))
    if row["confidence"] == "low":
        parts.append(_("low confidence"))
    return " · ".join(parts)


def estimate_shape(row: pd.Series) -> str:
    """How a figure is drawn: 'range' (low to high), 'more_than' (a lower bound), 'up_to' or 'point'."""
    has = lambda number: not pd.isna(number)  # noqa: E731
    if has(row["low"]) and has(row["high"]) and row["low"] != row["high"]:
        return "range"
    if has(row["low"]) and not has(row["high"]) and (not has(row["value"]) or row["value"] == row["low"]):
        return "more_than"
    if has(row["high"]) and not has(row["low"]) and (not has(row["value"]) or row["value"] == row["high"]):
        return "up_to"
    return "point"


def estimate_points(row: pd.Series) -> list[float]:
    """The x values a figure is drawn with: its bounds for a range (and its value between them), else its value."""
    shape = estimate_shape(row)
    if shape == "range":
        return [row["low"], row["high"]] if pd.isna(row["value"]) else [row["low"], row["value"], row["high"]]
    if shape == "more_than":
        return [row["low"]]
    if shape == "up_to":
        return [row["high"]]
    return [row["low"] if pd.isna(row["value"]) else row["value"]]


def _value_text(row: pd.Series, lang: str = "en") -> str:
    """The value as a reader reads it, a derived one marked: '2,500 (derived)' / '2.500 (derivado)'."""
    return transforms.figure_value_label(row, marked=True, lang=lang)


def estimate_ranges(
    rows: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    axis_title: str,
    tickformat: str = ",",
    lang: str = "en",
) -> go.Figure:
    """One row per estimate, its estimator named: dots for stated values, bars for ranges, arrows for 'more than'.

    Derived values are diamonds and low-confidence ones are hollow, each also said in words.
    """
    figure = go.Figure()
    positions = list(range(len(rows)))[::-1]  # first row on top
    ends = pd.concat([rows["value"], rows["low"], rows["high"]]).dropna()
    axis_max = float(ends.max()) * 1.35 if len(ends) else 1.0
    arrow = axis_max * 0.12  # a "more than" arrow points past its bound, not to a value
    for y, (_row_id, row) in zip(positions, rows.iterrows()):
        shape = estimate_shape(row)
        hollow = row["confidence"] == "low"
        symbol = "diamond" if row.get("computed") else "circle"
        color = theme.GREY if hollow else theme.BLUE
        marker = {"size": 13, "color": color, "symbol": symbol + ("-open" if hollow else ""), "line": {"width": 2, "color": color}}
        points = estimate_points(row)
        if shape == "range":  # bar ends, and a dot for a value the source gives inside its range
            xs, symbols, mode = points, ["line-ns"] + [marker["symbol"]] * (len(points) - 2) + ["line-ns"], "lines+markers"
        elif shape == "more_than":
            xs, symbols, mode = [points[0], points[0] + arrow], [marker["symbol"], "triangle-right"], "lines+markers"
        elif shape == "up_to":
            xs, symbols, mode = [max(0.0, points[0] - arrow), points[0]], ["triangle-left", marker["symbol"]], "lines+markers"
        else:
            xs, symbols, mode = points, [marker["symbol"]], "markers"
        figure.add_trace(
            go.Scatter(
                x=xs, y=[y] * len(xs), mode=mode, name=text(estimate_label(row, lang)),
                meta={"figure_id": row["figure_id"], "shape": shape, "value": None if pd.isna(row["value"]) else float(row["value"]),
                      "low": None if pd.isna(row["low"]) else float(row["low"]), "high": None if pd.isna(row["high"]) else float(row["high"]),
                      "confidence": str(row["confidence"]), "computed": bool(row["computed"])},
                marker={**marker, "symbol": symbols},
                line={"color": color, "width": 9 if shape == "range" else 2, "dash": "solid" if shape == "range" else "dot"},
                hovertext=[_hover(row, sources, lang)] * len(xs), hoverinfo="text", showlegend=False,
            )
        )
        figure.add_annotation(  # the row's label sits above its marker, so long names fit a phone
            name="estimate_label", text="<br>".join(text(part) for part in _wrap(estimate_label(row, lang), LABEL_WRAP)),
            xref="paper", x=0, y=y, yshift=12, xanchor="left", yanchor="bottom", showarrow=False, align="left",
            font={"size": TEXT_SIZE, "color": theme.GREY if hollow else theme.INK},
        )
        # Right of the mark when there is room, else left of it, so the words stay inside a phone's width.
        right = min(xs) < axis_max * 0.45
        figure.add_annotation(
            name="value_label", text=text(_value_text(row, lang)), x=max(xs) if right else min(xs), y=y, xanchor="left" if right else "right",
            xshift=10 if right else -12, showarrow=False, font={"size": TEXT_SIZE, "color": theme.INK},
        )
    _ = i18n.gettext_for(lang)
    shapes = {estimate_shape(row) for _row_id, row in rows.iterrows()}
    key = [
        words for words, shown in (
            (_("Hollow: low confidence (unattributed or second-hand)."), (rows["confidence"] == "low").any()),
            (_("Diamond: derived by arithmetic from the source's words."), rows["computed"].astype(bool).any()),
            (_("Arrow: a 'more than' figure, a lower bound."), "more_than" in shapes),
        ) if shown
    ]
    notes = [("note", " ".join(key))] if key else []
    notes += [
        ("source", source_line(rows["source_id"], sources, lang=lang)),
        # TRANSLATORS: in the as-of line 'As of Oct 2024 (latest dated estimate)'.
        ("as_of", as_of_line(rows["as_of"], rows["as_of_precision"], _("latest dated estimate"), lang=lang)),
    ]
    _frame(figure, title=title, subtitle=subtitle, notes=notes, plot_px=max(1, len(rows)) * ROW_PX + 10, left_px=16, axis_title=True, lang=lang)
    figure.update_xaxes(title={"text": axis_title, "font": {"size": TEXT_SIZE - 1, "color": theme.GREY}}, range=[0, axis_max], tickformat=tickformat, rangemode="tozero")
    figure.update_yaxes(range=[-0.6, len(rows) - 0.1], showticklabels=False, showgrid=True, tickvals=positions, fixedrange=True)
    return figure


def membership_estimates(figures: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Membership estimates side by side, by estimator: never one 'true' number."""
    _ = i18n.gettext_for(lang)
    return estimate_ranges(
        membership_rows(figures), sources,
        title=_("How many members does Tren de Aragua have?"),
        subtitle=_("Every published estimate, by who made it. They disagree, and none is the true number."),
        # TRANSLATORS: the x axis title of the membership chart.
        axis_title=_("members"),
        lang=lang,
    )


def profit_estimates(figures: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Estimates of the gang's annual profits, as ranges."""
    _ = i18n.gettext_for(lang)
    return estimate_ranges(
        profit_rows(figures), sources,
        title=_("How much does it make a year?"),
        subtitle=_("Estimated annual profits in US dollars, as ranges where the source gives one."),
        axis_title=_("US dollars per year"), tickformat="$~s",
        lang=lang,
    )


# What a population figure counts, by the words its label uses (English, and the Spanish the data's translations use).
POPULATION_DEFINITIONS = {
    "origin": N_("Venezuelan origin, incl. US-born"),
    "census": N_("Census count, not only foreign-born"),
    "foreign_born": N_("foreign-born"),
    "not_stated": N_("definition not stated"),
}
_DEFINITION_WORDS = (
    ("origin", ("origin", "origen")),
    ("census", ("census", "censo")),
    ("foreign_born", ("foreign-born", "immigrant", "nacid", "inmigra")),
)


def population_definition_code(row: pd.Series) -> str:
    """What a population figure counts, read from its id, label and estimator: 'origin', 'census', 'foreign_born' or ''."""
    words = f"{row.get('figure_id', '')} {row['label']} {row['estimator']}".lower()
    return next((code for code, marks in _DEFINITION_WORDS if any(mark in words for mark in marks)), "")


def population_definition(row: pd.Series, lang: str = "en") -> str:
    """What a population figure counts, in words: 'origin' and census counts include people born in the US ('' when its words do not say)."""
    code = population_definition_code(row)
    return i18n.gettext_for(lang)(POPULATION_DEFINITIONS[code]) if code else ""


def population_rows(figures: pd.DataFrame, lang: str = "en", english: pd.DataFrame | None = None) -> pd.DataFrame:
    """Estimates of Venezuelans in the US, each with its series: estimator and definition (never mixed in one line).

    Series are formed from the English words (english: the figures table in English), named in the table's."""
    rows = figures[figures["metric"] == "venezuelan_population_us"].copy()
    words = rows.assign(label=in_english(rows, "label", english), estimator=in_english(rows, "estimator", english))
    # "Migration Policy Institute, per BBC News" is MPI's number: the series is the organisation's.
    key = words["estimator"].astype(str).str.split(",").str[0].str.strip()
    shown = rows["estimator"].astype(str).str.split(",").str[0].str.strip()
    rows["organisation"] = key.map({organisation: shown[key == organisation].iloc[0] for organisation in key.unique()}) if len(rows) else shown
    codes = pd.Series([population_definition_code(row) for _row_id, row in words.iterrows()], index=rows.index, dtype=object)
    for organisation in key.unique():
        # A row whose words do not say (a news report's paraphrase) takes its organisation's only definition.
        mine = key == organisation
        known = set(codes[mine]) - {""}
        codes[mine & (codes == "")] = known.pop() if len(known) == 1 else "not_stated"
    _ = i18n.gettext_for(lang)
    rows["definition"] = [_(POPULATION_DEFINITIONS[code]) for code in codes]
    rows["series"] = rows["organisation"] + ": " + rows["definition"]
    return rows.sort_values(["series", "as_of", "figure_id"], kind="stable").reset_index(drop=True)


def population_over_time(figures: pd.DataFrame, sources: pd.DataFrame, lang: str = "en", english: pd.DataFrame | None = None) -> go.Figure:
    """Venezuelans in the US over time: one marker series per estimator and definition, not joined."""
    _, pgettext = i18n.gettext_for(lang), i18n.pgettext_for(lang)
    rows = population_rows(figures, lang, english)
    figure = go.Figure()
    for number, (series, group) in enumerate(rows.groupby("series", sort=True)):
        low = (group["confidence"] == "low").tolist()
        symbol = SERIES_SYMBOLS[number % len(SERIES_SYMBOLS)]
        color = SERIES_COLORS[number % len(SERIES_COLORS)]
        derived = pgettext("estimate mark", "derived")
        marks = [" · ".join(word for word, on in ((derived, computed), (_("low confidence"), is_low)) if on) for computed, is_low in zip(group["computed"], low)]
        figure.add_trace(
            go.Scatter(
                x=[plotted_at(start, precision) for start, precision in zip(group["as_of"], group["as_of_precision"])],
                y=group["value"].tolist(), mode="markers+text", name="<br>".join(text(part) for part in _wrap(series, LEGEND_WRAP)),
                meta={"figure_ids": group["figure_id"].tolist(), "low_confidence": low},
                marker={"size": 11, "color": color, "symbol": [symbol + ("-open" if is_low else "") for is_low in low], "line": {"width": 2, "color": color}},
                text=[text(mark) for mark in marks], textposition="middle left", textfont={"size": TEXT_SIZE - 1, "color": theme.GREY},
                hovertext=[_hover(row, sources, lang) for _row_id, row in group.iterrows()], hoverinfo="text",
            )
        )
    notes = [
        ("note", _("Different definitions are separate series and are not joined: 'origin' and Census counts include people born in the US; MPI and Pew count foreign-born people with different methods. Hollow: low confidence.")),
        ("source", source_line(rows["source_id"], sources, lang=lang)),
        # TRANSLATORS: in the as-of line 'As of 2024 (latest estimate)'.
        ("as_of", as_of_line(rows["as_of"], rows["as_of_precision"], _("latest estimate"), lang=lang)),
    ]
    _frame(
        figure, title=_("How many Venezuelans live in the US?"),
        subtitle=_("Number of people, by year and by who estimated it. Definitions differ, so the series are not joined."),
        notes=notes, plot_px=300, legend_rows=sum(len(_wrap(series, LEGEND_WRAP)) for series in rows["series"].unique()), axis_title=False, lang=lang,
    )
    figure.update_yaxes(tickformat="~s", rangemode="tozero")
    figure.update_xaxes(type="date", dtick="M60", tickformat="%Y")
    return figure


def encounter_rows(series: pd.DataFrame, period_kind: str) -> pd.DataFrame:
    """CBP encounters of Venezuelan nationals, nationwide and at the Southwest border, for month or fiscal_year."""
    rows = series[series["series_id"].isin(ENCOUNTER_SERIES) & (series["period_kind"] == period_kind)]
    order = {series_id: position for position, series_id in enumerate(ENCOUNTER_SERIES)}
    rows = rows.assign(_order=rows["series_id"].astype(str).map(order))
    return rows.sort_values(["_order", "period_start"], kind="stable").drop(columns="_order").reset_index(drop=True)


def _milestone_kind(kind: object, lang: str = "en") -> str:
    word = MILESTONE_KINDS.get(str(kind))
    return i18n.gettext_for(lang)(word) if word is not None else str(kind).replace("_", " ").capitalize()


def _translations(frame: pd.DataFrame) -> dict:
    """The tracker's translation of each quote, when the loaders gave one (components.i18n.data)."""
    return {"quote_translation": frame["quote_translation"]} if "quote_translation" in frame else {}


def annotation_dates(milestones: pd.DataFrame, rulings: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The dates the encounters chart marks, oldest first and numbered: US designations, the proclamation, Supreme Court rulings.

    Milestone titles come from the table (datasets.load_milestones(lang)); case names stay as filed."""
    chosen = milestones[milestones["kind"].isin(ANNOTATED_MILESTONE_KINDS) & (milestones["country"] == ANNOTATED_MILESTONE_COUNTRY)]
    marks = pd.DataFrame(
        {
            "date": chosen["date"], "date_precision": chosen["date_precision"].astype(str),
            "what": [_milestone_kind(kind, lang) for kind in chosen["kind"]],
            "label": chosen["title"], "record_id": chosen["milestone_id"], "source_id": chosen["source_id"], "quote": chosen["quote"],
            **_translations(chosen),
        }
    )
    court = rulings[rulings["court_level"] == ANNOTATED_COURT_LEVEL]
    court_word = labels.label("court_level", ANNOTATED_COURT_LEVEL, lang)
    decisions = pd.DataFrame(
        {
            "date": court["date"], "date_precision": court["date_precision"].astype(str),
            "what": court_word,
            "label": court_word + ": " + court["case_name"].astype(str),
            "record_id": court["ruling_id"], "source_id": court["source_id"], "quote": court["quote"],
            **_translations(court),
        }
    )
    dates = pd.concat([marks, decisions], ignore_index=True).dropna(subset=["date"])
    dates = dates.sort_values(["date", "record_id"], kind="stable").reset_index(drop=True)
    dates.insert(0, "number", range(1, len(dates) + 1))
    dates["date_label"] = [short_date(day, precision, lang) for day, precision in zip(dates["date"], dates["date_precision"])]
    return dates


def _fiscal_tick(period: object, lang: str = "en") -> str:
    """'FY<br>2024' (two lines, so seven years fit a phone without turning), escaped."""
    words, year = fiscal_year_label(period, lang), str(period)[2:]
    if str(period).startswith("FY") and year and words.endswith(year):
        return text(words[: -len(year)].rstrip()) + "<br>" + text(year)
    return text(words)


def encounter_span(rows: pd.DataFrame, period_kind: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The time axis of the encounters chart: the months drawn (with a little air) or the whole fiscal years."""
    if rows.empty:
        return None
    if period_kind == "month":
        return rows["period_start"].min() - pd.Timedelta(days=20), rows["period_start"].max() + pd.Timedelta(days=20)
    return rows["period_start"].min(), rows["period_end"].max()


def marked_dates(series: pd.DataFrame, milestones: pd.DataFrame, rulings: pd.DataFrame, period_kind: str, lang: str = "en") -> pd.DataFrame:
    """The dates the encounters chart marks in the chosen view (those inside its time axis), numbered as drawn."""
    span = encounter_span(encounter_rows(series, period_kind), period_kind)
    dates = annotation_dates(milestones, rulings, lang)
    if span is None:
        return dates.iloc[0:0]
    dates = dates[(dates["date"] >= span[0]) & (dates["date"] <= span[1])].reset_index(drop=True)
    dates["number"] = range(1, len(dates) + 1)
    return dates


def spread(wanted: list[float], gap: float, width: float) -> list[float]:
    """Label positions (sorted input) moved apart to be at least gap apart within [gap/2, width - gap/2]."""
    placed: list[float] = []
    for position in wanted:  # push right past the previous label
        placed.append(max(position, placed[-1] + gap) if placed else max(position, gap / 2))
    for index in range(len(placed) - 1, -1, -1):  # then pull back inside the right edge
        limit = width - gap / 2 if index == len(placed) - 1 else placed[index + 1] - gap
        placed[index] = min(placed[index], limit)
    return placed


def fiscal_year_coverage(row: pd.Series, months: pd.DataFrame, lang: str = "en") -> str:
    """'October to November 2025': the months a partial fiscal year holds, from the monthly rows ('octubre a noviembre de 2025')."""
    inside = months[(months["series_id"] == row["series_id"]) & (months["period_start"] >= row["period_start"]) & (months["period_start"] <= row["period_end"])]
    if inside.empty:
        return ""
    first, last = inside["period_start"].min(), inside["period_start"].max()
    last_label = formats.partial_date(last, "month", lang)
    if first == last:
        return last_label
    first_label = formats.month_names(lang, "wide")[first.month - 1] if first.year == last.year else formats.partial_date(first, "month", lang)
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: the months a partial fiscal year holds: 'October to November 2025'.
    return _("{first} to {last}").format(first=first_label, last=last_label)


def encounters(
    series: pd.DataFrame,
    milestones: pd.DataFrame,
    rulings: pd.DataFrame,
    sources: pd.DataFrame,
    period_kind: str = "month",
    lang: str = "en",
) -> go.Figure:
    """CBP encounters of Venezuelan nationals by month (lines) or fiscal year (bars), nationwide and Southwest, with policy dates.

    The series' names are their geography, from the table (datasets.load_series(lang))."""
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    rows = encounter_rows(series, period_kind)
    months = encounter_rows(series, "month")
    shown = marked_dates(series, milestones, rulings, period_kind, lang)
    span = encounter_span(rows, period_kind)
    figure = go.Figure()
    colors = dict(zip(ENCOUNTER_SERIES, (theme.BLUE, theme.ORANGE)))
    partial_notes = []
    for series_id, group in rows.groupby(rows["series_id"].astype(str), sort=False):
        name = text(group["geography"].iloc[0])
        hover = []
        for period, value, complete in zip(group["period"], group["value"], group["period_complete"]):
            # TRANSLATORS: hover text of the encounters chart: '2024-10: 5,000 encounters' (encuentros: a count of events, not people).
            count = ngettext("{period}: {n} encounter", "{period}: {n} encounters", int(value)).format(period=period_label(period, period_kind, lang), n=formats.number(value, lang))
            if not complete:
                count = _("{count} (partial period)").format(count=count)
            hover.append(f"<b>{name}</b><br>{text(count)}")
        meta = {"series_id": series_id, "periods": group["period"].tolist(), "period_complete": group["period_complete"].tolist()}
        if period_kind == "month":
            figure.add_trace(go.Scatter(
                x=group["period_start"], y=group["value"], mode="lines", name=name, meta=meta,
                line={"color": colors.get(series_id, theme.GREY), "width": 2.5}, hovertext=hover, hoverinfo="text",
            ))
        else:
            complete = group["period_complete"].tolist()
            middle = group["period_start"] + (group["period_end"] - group["period_start"]) / 2
            figure.add_trace(go.Bar(
                x=middle.dt.floor("D"), y=group["value"], name=name, meta=meta,
                marker={"color": colors.get(series_id, theme.GREY), "opacity": 1, "line": {"color": colors.get(series_id, theme.GREY), "width": 1.5},
                        "pattern": {"shape": ["" if done else "/" for done in complete], "fgcolor": WHITE, "solidity": 0.5}},
                hovertext=hover, hoverinfo="text",
            ))
            for _row_id, row in group[~group["period_complete"]].iterrows():
                coverage = fiscal_year_coverage(row, months, lang)
                year = fiscal_year_label(row["period"], lang)
                # TRANSLATORS: 'FY2026 is partial: October to November 2025 only' (a fiscal year the data holds only in part).
                partial_notes.append(_("{period} is partial: {coverage} only").format(period=year, coverage=coverage) if coverage else _("{period} is partial").format(period=year))
    partial_notes = list(dict.fromkeys(partial_notes))
    if period_kind == "fiscal_year":
        for _row_id, row in rows[~rows["period_complete"]].drop_duplicates("period").iterrows():
            top = rows.loc[rows["period"] == row["period"], "value"].max()
            figure.add_annotation(  # words as well as the hatching: a partial year's bars are tiny
                name="partial_mark", text=text(_("partial*")), x=(row["period_start"] + (row["period_end"] - row["period_start"]) / 2).floor("D"),
                y=top, yanchor="bottom", xanchor="center", yshift=4, showarrow=False, font={"size": TEXT_SIZE - 1, "color": theme.GREY},
            )
    if period_kind == "fiscal_year" and len(rows):
        ticks = rows.drop_duplicates("period").sort_values("period_start")
        middle = ticks["period_start"] + (ticks["period_end"] - ticks["period_start"]) / 2
        figure.update_xaxes(
            # "FY" over the year keeps seven labels readable on a phone without turning them.
            tickvals=middle.dt.floor("D"), ticktext=[_fiscal_tick(period, lang) + ("" if done else "*") for period, done in zip(ticks["period"], ticks["period_complete"])],
            tickangle=0,
        )
    elif len(rows):
        figure.update_xaxes(tickformat="%Y", dtick="M12")
    if span is not None:
        figure.update_xaxes(range=list(span))
    lo, hi = span if span is not None else (None, None)
    # Numbered marks in one row above the plot, moved apart where dates are close and tied to their
    # date by a short line: spread for a phone's width, they only get further apart on a wider screen.
    wanted = [(day - lo) / (hi - lo) * NARROW_PLOT_PX for day in shown["date"]] if lo is not None else []
    gap = 8 * len(str(len(shown))) + 10
    for (_row_id, mark), position, goal in zip(shown.iterrows(), spread(wanted, gap, NARROW_PLOT_PX), wanted):
        figure.add_shape(type="line", x0=mark["date"], x1=mark["date"], xref="x", yref="paper", y0=0, y1=1, line={"color": theme.GREY, "width": 1, "dash": "dot"}, layer="below", name=f"date_{mark['number']}")
        figure.add_annotation(
            name="date_mark", text=f"<b>{mark['number']}</b>", x=mark["date"], xref="x", yref="paper", y=1, ax=position - goal, ay=-22, axref="pixel", ayref="pixel",
            showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor=theme.GREY, standoff=0,
            bgcolor=WHITE, bordercolor=theme.INK, borderwidth=1, borderpad=1, font={"size": TEXT_SIZE - 2, "color": theme.INK},
            hovertext=text(f"{mark['date_label']}: {mark['label']}"),
        )
    key = "; ".join(f"{mark['number']} {mark['date_label']}: {mark['label']}" for _row_id, mark in shown.iterrows())
    notes = [("definition", _(ENCOUNTERS_DEFINITION))]
    if period_kind == "fiscal_year":
        notes.append(("note", _(FISCAL_YEAR_NOTE) + " " + " ".join(f"* {note}." for note in partial_notes)))
    if key:
        notes.append(("dates", _("Dates marked: {dates}.").format(dates=key)))
    notes.append(("source", source_line(list(rows["source_id"]) + list(shown["source_id"]), sources, lang=lang)))
    latest = months if len(months) else rows
    notes.append(("as_of", _("As of {date} (latest month in the data)").format(date=short_date(latest["period_start"].max(), "month", lang)) if len(latest) else _("As of: no data")))
    subtitle = (
        _("Monthly CBP encounters of Venezuelan nationals, nationwide and at the Southwest land border.") if period_kind == "month"
        else _("Per fiscal year CBP encounters of Venezuelan nationals, nationwide and at the Southwest land border.")
    )
    _frame(
        figure,
        title=_("How many Venezuelans did US border agents encounter?"),
        subtitle=subtitle,
        notes=notes, plot_px=300, legend_rows=rows["series_id"].nunique(), left_px=48, extra_top_px=34 if len(shown) else 0, lang=lang,
    )
    figure.update_yaxes(tickformat="~s", range=[0, float(rows["value"].max()) * 1.08 if len(rows) else 1], title=None)
    figure.update_xaxes(type="date")
    figure.update_layout(barmode="group", bargap=0.25, hovermode="closest")
    return figure


def gang_link_rows(figures: pd.DataFrame, english: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.Series | None]:
    """DHS's gang-linked counts for the whole US and the population they are compared with (MPI's latest).

    The rows are chosen by their English words (english: the figures table in English), so a translation never changes what is compared."""
    population = figures[(figures["metric"] == "venezuelan_population_us") & figures["value"].notna()]
    population = population[in_english(population, "estimator", english) == CONTEXT_POPULATION_ESTIMATOR]
    base = population.sort_values(["as_of", "figure_id"], ascending=[False, True], kind="stable").iloc[0] if len(population) else None
    rows = figures[figures["metric"].isin(GANG_LINK_METRICS)]
    if base is not None:  # a city's count (Chicago) does not compare with a national population
        rows = rows[in_english(rows, "geography", english) == in_english(base.to_frame().T, "geography", english).iloc[0]]
    rows = figure_rows(rows, GANG_LINK_METRICS)
    if base is not None:
        rows["per_10000"] = rows["value"].fillna(rows["low"]) / base["value"] * PER
    return rows, base


def per_10000_label(row: pd.Series, lang: str = "en") -> str:
    """'about 8 in 10,000': our arithmetic, with 'or more' for a 'more than' figure ('unos 8 de cada 10.000')."""
    if pd.isna(row.get("per_10000")):
        return ""
    _ = i18n.gettext_for(lang)
    share, per = row["per_10000"], formats.number(PER, lang)
    if round(share) < 1:
        return _("fewer than 1 in {per}").format(per=per)
    if estimate_shape(row) == "more_than":
        return _("about {n} or more in {per}").format(n=formats.number(round(share), lang), per=per)
    return _("about {n} in {per}").format(n=formats.number(round(share), lang), per=per)


def gang_link_table(figures: pd.DataFrame, english: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every row the context chart draws: the population base first, then DHS's counts with their ratio."""
    rows, base = gang_link_rows(figures, english)
    if base is None:
        return rows
    base_row = base.to_frame().T.assign(per_10000=float(PER))
    return pd.concat([base_row, rows], ignore_index=True).astype({"value": float, "low": float, "high": float})


def gang_links_in_context(figures: pd.DataFrame, sources: pd.DataFrame, lang: str = "en", english: pd.DataFrame | None = None) -> go.Figure:
    """DHS's counts of migrants with possible gang ties, drawn as 'N in 10,000' Venezuelan immigrants on a linear axis, the counts as labels.

    The population is 1,000 times the counts, so it is the base of the rate rather than a mark of
    its own: one linear scale of comparable quantities, where lengths are honest.
    """
    _ = i18n.gettext_for(lang)
    per = formats.number(PER, lang)
    rows, base = gang_link_rows(figures, english)
    drawn = rows if base is not None else rows.iloc[0:0]
    figure = go.Figure()
    positions = list(range(len(drawn)))[::-1]
    rates = drawn["per_10000"].dropna() if "per_10000" in drawn else pd.Series(dtype=float)
    # Room right of the furthest mark for a two-line label on a phone; the axis still starts at zero.
    axis_max = max(float(rates.max()) * 2.6, 1.0) if len(rates) else 1.0
    arrow = axis_max * 0.05
    for y, (_row_id, row) in zip(positions, drawn.iterrows()):
        count = row["value"] if not pd.isna(row["value"]) else row["low"]
        rate = float(row["per_10000"])
        hollow = row["confidence"] == "low"
        color = theme.GREY if hollow else theme.VERMILLION
        shape = estimate_shape(row)
        symbol = "diamond" if row.get("computed") else "circle"
        more = shape == "more_than"  # a lower bound points past itself, it is not a value
        xs = [rate, rate + arrow] if more else [rate]
        symbols = [symbol + ("-open" if hollow else "")] + (["triangle-right"] if more else [])
        note = per_10000_label(row, lang)
        figure.add_trace(go.Scatter(
            x=xs, y=[y] * len(xs), mode="lines+markers" if more else "markers", name=text(row["label"]), showlegend=False,
            meta={"figure_id": row["figure_id"], "value": float(count), "per_10000": rate, "shape": shape, "computed": bool(row["computed"])},
            marker={"size": 13, "color": color, "symbol": symbols, "line": {"width": 2, "color": color}},
            line={"color": color, "width": 2, "dash": "dot"},
            # TRANSLATORS: {share} is 'about 8 in 10,000' (Spanish: 'unos 8 de cada 10.000').
            hovertext=[_hover(row, sources, lang) + "<br>" + text(_("{share} Venezuelan immigrants (our arithmetic)").format(share=note))] * len(xs), hoverinfo="text",
        ))
        label = " · ".join([str(row["label"]), short_date(row["as_of"], row["as_of_precision"], lang)] + ([_("low confidence")] if hollow else []))
        figure.add_annotation(
            name="estimate_label", text="<br>".join(text(part) for part in _wrap(label, LABEL_WRAP)), xref="paper", x=0, y=y, yshift=12,
            xanchor="left", yanchor="bottom", showarrow=False, align="left", font={"size": TEXT_SIZE, "color": theme.INK},
        )
        figure.add_annotation(
            name="value_label", text=text(with_unit(_value_text(row, lang), row["unit"], lang)) + "<br>" + text(note), x=max(xs), y=y,
            xanchor="left", xshift=10, showarrow=False, align="left", font={"size": TEXT_SIZE, "color": theme.INK},
        )
    notes = []
    if base is not None:
        population, base_date = transforms.number_label(base["value"], lang=lang), short_date(base["as_of"], base["as_of_precision"], lang)
        sentences = [_(
            "Each dot is a DHS count divided by {estimator}'s {population} Venezuelan immigrants ({date}), times {per}: our arithmetic."
        ).format(estimator=base["estimator"], population=population, date=base_date, per=per)]
        if len(rates) and round(rates.max()) >= 1:
            top = round(rates.max())
            # TRANSLATORS: '8 in 10,000 is 0.08% of them' (of the Venezuelan immigrants).
            sentences.append(_("{n} in {per} is {percent} of them.").format(n=formats.number(top, lang), per=per, percent=formats.percent(top / PER, lang, decimals=2)))
        sentences.append(_("The counts and the population come from different sources and dates."))
        notes.append(("note", " ".join(sentences)))
    notes.append(("note", _("DHS's 'possible ties' are not findings of membership. Arrow: a 'more than' figure, a lower bound.")))
    notes.append(("source", source_line(gang_link_table(figures, english)["source_id"], sources, lang=lang)))
    # TRANSLATORS: in the as-of line 'As of 2025 (DHS figures)'.
    as_of = as_of_line(rows["as_of"], rows["as_of_precision"], _("DHS figures"), lang=lang)
    if base is not None:
        # TRANSLATORS: the as-of line, then the date of the population the counts are divided by.
        as_of = _("{line}; population {date}").format(line=as_of, date=short_date(base["as_of"], base["as_of_precision"], lang))
    notes.append(("as_of", as_of))
    subtitle = (
        _("Per {per} Venezuelan immigrants in the US ({population}, {estimator}, {date}), with DHS's counts as labels.").format(
            per=per, population=transforms.number_label(base["value"], lang=lang), estimator=base["estimator"], date=short_date(base["as_of"], base["as_of_precision"], lang),
        )
        if base is not None else _("DHS's counts, per {per} Venezuelan immigrants in the US.").format(per=per)
    )
    _frame(
        figure, title=_("How many migrants does DHS say may have ties to the gang?"), subtitle=subtitle,
        notes=notes, plot_px=max(1, len(drawn)) * (ROW_PX + 24) + 10, left_px=16, axis_title=True, lang=lang,
    )
    # TRANSLATORS: the x axis title of the gang-links chart: '8 in 10,000 Venezuelan immigrants in the US'.
    axis_words = _("in {per} Venezuelan immigrants in the US").format(per=per)
    figure.update_xaxes(type="linear", range=[0, axis_max], rangemode="tozero", tickformat=",~r", title={"text": text(axis_words), "font": {"size": TEXT_SIZE - 1, "color": theme.GREY}})
    figure.update_yaxes(range=[-0.6, len(drawn) - 0.1], showticklabels=False, showgrid=False, fixedrange=True)
    return figure


def drawn_figure_ids(figures: pd.DataFrame, english: pd.DataFrame | None = None) -> set[str]:
    """The figure_ids the Figures page's charts draw or compute with (their tables' rows)."""
    drawn = set(membership_rows(figures)["figure_id"]) | set(profit_rows(figures)["figure_id"]) | set(population_rows(figures, english=english)["figure_id"])
    return drawn | set(gang_link_table(figures, english)["figure_id"])


def other_figure_rows(figures: pd.DataFrame, english: pd.DataFrame | None = None) -> pd.DataFrame:
    """The figures no chart draws, by metric then newest first, so every figure is shown somewhere."""
    rows = figures[~figures["figure_id"].isin(drawn_figure_ids(figures, english))]
    rows = rows.assign(_metric=rows["metric"].astype(str)).sort_values(["_metric", "as_of", "figure_id"], ascending=[True, False, True], kind="stable", na_position="last")
    return rows.drop(columns="_metric").reset_index(drop=True)


def table_headers(lang: str = "en") -> dict[str, str]:
    """The column headers of the tables under the charts in a language, keyed by their English names (the names in English)."""
    pgettext = i18n.pgettext_for(lang)
    return {
        "what": pgettext("table header", "what"),
        "value": pgettext("table header", "value"),
        "reads as": pgettext("table header", "reads as"),
        "low": pgettext("table header", "low"),
        "high": pgettext("table header", "high"),
        "unit": pgettext("table header", "unit"),
        "where": pgettext("table header", "where"),
        "geography": pgettext("table header", "geography"),
        "estimator": pgettext("table header", "estimator"),
        "label": pgettext("table header", "label"),
        "as_of": pgettext("table header", "as_of"),
        "series": pgettext("table header", "series"),
        "per_10000": pgettext("table header", "per_10000"),
        "derived": pgettext("table header", "derived"),
        "computed": pgettext("table header", "computed"),
        "status": pgettext("table header", "status"),
        "confidence": pgettext("table header", "confidence"),
        "source": pgettext("table header", "source"),
        "source_link": pgettext("table header", "source_link"),
        "source_id": pgettext("table header", "source_id"),
        "quote": pgettext("table header", "quote"),
        "quote_translation": pgettext("table header", "quote_translation"),
        "notes": pgettext("table header", "notes"),
        "figure_id": pgettext("table header", "figure_id"),
        "period": pgettext("table header", "period"),
        "period_complete": pgettext("table header", "period_complete"),
        "series_id": pgettext("table header", "series_id"),
        "number": pgettext("table header", "number"),
        "date": pgettext("table header", "date"),
        "record_id": pgettext("table header", "record_id"),
    }


def _headed(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """table with its headers in the reader's language (English keeps its names)."""
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        return table
    return table.rename(columns=table_headers(lang))


def _with_quote_translation(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The tracker's translation of each quote beside it, when the loaders gave any (the quote itself stays verbatim)."""
    if "quote_translation" not in rows or not rows["quote_translation"].fillna("").astype(str).str.strip().any():
        return table
    table.insert(table.columns.get_loc("quote") + 1, "quote_translation", rows["quote_translation"].to_numpy())
    return table


def other_figures_table(figures: pd.DataFrame, sources: pd.DataFrame, lang: str = "en", english: pd.DataFrame | None = None) -> pd.DataFrame:
    """A reader's table of the figures no chart draws: what, value as read (derived marked), estimator, as-of, confidence, source.

    Headers in the reader's language (table_headers: 'source_link' is table_headers(lang)['source_link'])."""
    rows = transforms.with_sources(other_figure_rows(figures, english), sources)
    table = pd.DataFrame(
        {
            "what": rows["label"].tolist(),
            "value": [_value_text(row, lang) for _row_id, row in rows.iterrows()],
            "unit": [unit_label(unit, lang) for unit in rows["unit"]],
            "where": rows["geography"].tolist(),
            "estimator": rows["estimator"].tolist(),
            "as_of": [transforms.date_label(start, precision, lang) for start, precision in zip(rows["as_of"], rows["as_of_precision"])],
            "derived": rows["computed"].astype(bool).tolist(),
            "status": [labels.label("figure_status", code, lang) for code in rows["status"]],
            "confidence": [labels.label("confidence", code, lang) for code in rows["confidence"]],
            "source": rows["publisher"].tolist(),
            "source_link": rows["source_url"].tolist(),
            "quote": rows["quote"].tolist(),
            "figure_id": rows["figure_id"].tolist(),
        },
        columns=["what", "value", "unit", "where", "estimator", "as_of", "derived", "status", "confidence", "source", "source_link", "quote", "figure_id"],
    )
    return _headed(_with_quote_translation(table, rows), lang)


def figure_table(rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The drawn figures as a reader's table: dates as precise as their sources, labels for codes, headers in the reader's language."""
    columns = {"estimator": "estimator", "label": "label", "value": "value", "low": "low", "high": "high", "unit": "unit"}
    table = rows[list(columns)].rename(columns=columns)
    table["unit"] = [unit_label(unit, lang) for unit in rows["unit"]]
    # The value as a reader reads it, a derived one marked, so no bare number stands for our arithmetic.
    table.insert(table.columns.get_loc("value"), "reads as", [_value_text(row, lang) for _row_id, row in rows.iterrows()] if len(rows) else [])
    table.insert(table.columns.get_loc("unit") + 1, "as_of", [transforms.date_label(start, precision, lang) for start, precision in zip(rows["as_of"], rows["as_of_precision"])])
    for extra in ("series", "per_10000"):
        if extra in rows:
            table[extra] = rows[extra].to_numpy()
    table["geography"] = rows["geography"].to_numpy()
    table["status"] = [labels.label("figure_status", code, lang) for code in rows["status"]]
    table["confidence"] = [labels.label("confidence", code, lang) for code in rows["confidence"]]
    table["computed"] = rows["computed"].astype(bool).to_numpy()
    for column in ("source_id", "quote", "notes", "figure_id"):
        table[column] = rows[column].to_numpy()
    return _headed(_with_quote_translation(table.reset_index(drop=True), rows), lang)


def encounter_table(rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The drawn encounter counts as a table (periods as ISO months or fiscal years: 'AF2024' in Spanish)."""
    table = rows[["geography", "period", "value", "unit", "period_complete", "source_id", "notes", "series_id"]].astype({"series_id": str}).reset_index(drop=True)
    if i18n.normalize(lang) != i18n.DEFAULT_LANG:
        table["period"] = [fiscal_year_label(period, lang) for period in table["period"]]
        table["unit"] = [unit_label(unit, lang) for unit in table["unit"]]
    return _headed(table, lang)


def dates_table(dates: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The dates marked on the encounters chart, with the number shown on the chart (dates_table(marked_dates(…, lang), lang))."""
    table = dates[["number", "date_label", "what", "label", "source_id", "record_id"]].rename(columns={"date_label": "date"})
    return _headed(table, lang)


def encounters_definition(lang: str = "en") -> str:
    """What an encounter counts (events, not people), in the reader's language: the note under the encounters chart."""
    return i18n.gettext_for(lang)(ENCOUNTERS_DEFINITION)


def periods(lang: str = "en") -> dict[str, str]:
    """The encounters chart's views, code -> words in the reader's language (the codes stay the widget's options)."""
    _ = i18n.gettext_for(lang)
    return {code: _(words) for code, words in PERIODS.items()}


def describe(figure: go.Figure) -> str:
    """The figure's title and subtitle as plain text: the chart's alt text."""
    parts = [figure.layout.title.text or "", figure.layout.title.subtitle.text or ""]
    words = " ".join(html.unescape(part.replace("<br>", " ").replace("<b>", "").replace("</b>", "")) for part in parts)
    return " ".join(words.split())


def table_notes(table: pd.DataFrame, label_column: str, lang: str = "en") -> list[str]:
    """Each distinct note once, prefixed by the rows it applies to unless it applies to all (plain text).

    label_column is the English name of the column (the table's headers may be in lang: table_headers)."""
    headers = table_headers(lang) if i18n.normalize(lang) != i18n.DEFAULT_LANG else {}
    notes_column, label_column = headers.get("notes", "notes"), headers.get(label_column, label_column)
    notes = table.dropna(subset=[notes_column])
    notes = notes[notes[notes_column].astype(str).str.strip() != ""]
    lines = []
    for note, group in notes.groupby(notes_column, sort=False):
        if len(group) == len(table):
            lines.append(str(note))
        else:
            names = list(dict.fromkeys(group[label_column].astype(str)))
            lines.append(f"{', '.join(names)}: {note}")
    return lines
