"""Every chart the tracker publishes, by a stable id: how to draw it from the tables, in a language, for a view.

The same registry draws a chart on its page's download control, in its embed, in an exported image
and on the static site, so all of them show the same thing. A view is the chart's own query
parameters (the encounters' period, the rulings' case and court level, the claims' filters, the
map's filters), as the page keeps them in its URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components import charts, claims, mapgrid, timeline, transforms
from components.i18n import N_, gettext_for
from components.publishing import map_image

Tables = Mapping[str, pd.DataFrame]
View = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Drawn:
    """A chart as drawn for one view: the figure, the sources it cites, the rows behind it and its as-of date."""

    figure: go.Figure
    source_ids: list[str]
    rows: pd.DataFrame
    as_of: str = ""  # ISO date of the newest row drawn ('' when undated)


@dataclass(frozen=True)
class ChartSpec:
    chart_id: str
    page: str  # the page the chart lives on (its url path)
    title: str  # marked for the catalogue: what the chart is, for file names, embeds and the site's index
    params: tuple[str, ...]  # the query parameters of the page that change this chart
    draw: Callable[[Tables, Tables, str, View], Drawn]  # (tables in lang, English tables, lang, view)


def _one(view: View, key: str, default: str, allowed: Sequence[str]) -> str:
    values = list(view.get(key, []))
    return values[0] if values and values[0] in allowed else default


def _many(view: View, key: str) -> list[str]:
    return [str(value) for value in view.get(key, [])]


def _latest(starts: pd.Series) -> str:
    dated = pd.to_datetime(starts, errors="coerce").dropna()
    return dated.max().strftime("%Y-%m-%d") if len(dated) else ""


def _estimates(build: Callable, rows_of: Callable) -> Callable[[Tables, Tables, str, View], Drawn]:
    def draw(tables: Tables, english: Tables, lang: str, view: View) -> Drawn:
        rows = rows_of(tables["figures"])
        return Drawn(build(tables["figures"], tables["sources"], lang=lang), list(rows["source_id"]), rows, _latest(rows["as_of"]))

    return draw


def _population(tables: Tables, english: Tables, lang: str, view: View) -> Drawn:
    rows = charts.population_rows(tables["figures"], lang, english["figures"])
    figure = charts.population_over_time(tables["figures"], tables["sources"], lang=lang, english=english["figures"])
    return Drawn(figure, list(rows["source_id"]), rows, _latest(rows["as_of"]))


def _gang_links(tables: Tables, english: Tables, lang: str, view: View) -> Drawn:
    rows = charts.gang_link_table(tables["figures"], english=english["figures"])
    figure = charts.gang_links_in_context(tables["figures"], tables["sources"], lang=lang, english=english["figures"])
    return Drawn(figure, list(rows["source_id"]), rows, _latest(rows["as_of"]))


def _encounters(tables: Tables, english: Tables, lang: str, view: View) -> Drawn:
    period = _one(view, "figures_period", next(iter(charts.PERIODS)), list(charts.PERIODS))
    rows = charts.encounter_rows(tables["series"], period)
    dates = charts.marked_dates(tables["series"], tables["milestones"], tables["rulings"], period)
    figure = charts.encounters(tables["series"], tables["milestones"], tables["rulings"], tables["sources"], period, lang=lang)
    return Drawn(figure, list(rows["source_id"]) + list(dates["source_id"]), rows, _latest(rows["period_end"]) if "period_end" in rows else "")


def _rulings(tables: Tables, english: Tables, lang: str, view: View) -> Drawn:
    rulings = tables["rulings"]
    shown = timeline.filter_rulings(rulings, _many(view, "rulings_case"), _many(view, "rulings_level"))
    figure = timeline.rulings_timeline(shown, tables["sources"], as_of=timeline.as_of_label(rulings, lang=lang), lang=lang)
    return Drawn(figure, list(shown["source_id"]), shown, _latest(rulings["date"]))


def _claims(tables: Tables, english: Tables, lang: str, view: View) -> Drawn:
    stances = _many(view, "claims_stance")
    shown = claims.filter_claims(tables["claims"], tables["assessments"], _many(view, "claims_topic"), _many(view, "claims_claimant"), stances)
    evidence = claims.assessments_shown(shown, tables["assessments"], stances)
    figure = claims.stance_chart(shown, evidence, tables["sources"], lang=lang)
    return Drawn(figure, list(evidence["source_id"]), evidence, _latest(evidence["date"]))


def _day_range(view: View, key: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The page's ?map_dates=YYYY-MM-DD..YYYY-MM-DD (as the map's date filter writes it); (None, None) otherwise."""
    values = _many(view, key)
    parts = values[0].split("..") if values else []
    if len(parts) != 2:
        return None, None
    start, end = (pd.to_datetime(part, format="%Y-%m-%d", errors="coerce") for part in parts)
    return (None, None) if pd.isna(start) or pd.isna(end) or start > end else (start, end)


def map_rows(events: pd.DataFrame, view: View) -> pd.DataFrame:
    """The events the map page shows for a view: its type, country, status and date filters, and the square zoomed into."""
    start, end = _day_range(view, "map_dates")
    shown = transforms.filter_events(
        events, _many(view, "map_type") or None, _many(view, "map_country") or None, _many(view, "map_status") or None, start, end
    )
    area = next(iter(_many(view, "map_area")), None)
    if area and mapgrid.parse_cell(area) is not None:
        shown = shown[mapgrid.in_cell(shown["lon"].to_numpy(dtype=float), shown["lat"].to_numpy(dtype=float), area)]
    return shown


def _map(tables: Tables, english: Tables, lang: str, view: View) -> Drawn:
    events = tables["events"]
    shown = map_rows(events, view)
    figure = map_image.map_figure(shown, tables["presence"], lang=lang)
    map_image.frame(figure, shown, tables["presence"], tables["sources"], lang=lang)
    return Drawn(figure, list(shown["source_id"]) + list(tables["presence"]["source_id"]), shown, _latest(events["date"]))


CHARTS: dict[str, ChartSpec] = {
    spec.chart_id: spec
    for spec in (
        ChartSpec("membership-estimates", "figures", N_("Membership estimates"), (), _estimates(charts.membership_estimates, charts.membership_rows)),
        ChartSpec("annual-profits", "figures", N_("Estimates of annual profits"), (), _estimates(charts.profit_estimates, charts.profit_rows)),
        ChartSpec("venezuelan-population-us", "figures", N_("Venezuelans in the US"), (), _population),
        ChartSpec("cbp-venezuelan-encounters", "figures", N_("CBP encounters of Venezuelans"), ("figures_period",), _encounters),
        ChartSpec("gang-linked-migrants-in-context", "figures", N_("Gang-linked migrants in context"), (), _gang_links),
        ChartSpec("rulings-timeline", "rulings", N_("Court rulings by case"), ("rulings_case", "rulings_level"), _rulings),
        ChartSpec("claims-by-topic", "claims", N_("Claims and the evidence, by topic"), ("claims_topic", "claims_claimant", "claims_stance"), _claims),
        ChartSpec("map", "map", N_("Map of events"), ("map_type", "map_country", "map_status", "map_dates", "map_area"), _map),
    )
}


def title(chart_id: str, lang: str = "en") -> str:
    _ = gettext_for(lang)
    return _(CHARTS[chart_id].title)


def view_of(chart_id: str, params: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The chart's own parameters out of a page's query string (everything else is dropped)."""
    return {key: [str(value) for value in params[key]] for key in CHARTS[chart_id].params if key in params and list(params[key])}


def draw(chart_id: str, tables: Tables, english: Tables, lang: str, view: View | None = None) -> Drawn:
    return CHARTS[chart_id].draw(tables, english, lang, view or {})
