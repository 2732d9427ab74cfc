"""The overview's headline cards: which figures lead, and how each is summarised (pure pandas).

The choice of what leads is editorial and lives here; every number comes from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import transforms
from components.schemas import CONFIDENCE_CAP_BY_ACCESS, CONFIDENCE_CAP_BY_KIND

_STATUS_ORDER = {"official": 0, "estimate": 1, "reported": 2}


@dataclass(frozen=True)
class Card:
    """One headline: what it measures, the value as text, and where it comes from."""

    heading: str
    value: str
    detail: str  # unit, estimator and as-of date in words
    source_ids: tuple[str, ...]
    page: str  # the page that shows the full picture
    confidence: str = "high"
    confidence_note: str = ""  # for a card that counts many rows: how sure those rows are, in words


def confidence_mix(confidences: pd.Series, noun: str) -> str:
    """'Confidence varies: 3 high, 15 medium, 6 low (rulings)' for a card that counts rows of mixed confidence; '' when they agree."""
    counts = confidences.astype(str).value_counts()
    if len(counts) <= 1:
        return ""
    parts = [f"{int(counts[level]):,} {level}" for level in ("high", "medium", "low") if level in counts]
    return f"Confidence varies by {noun}: " + ", ".join(parts)


def _best(figures: pd.DataFrame, metric: str) -> pd.Series | None:
    """The latest figure of a metric, preferring high confidence and the producer's own number."""
    rows = figures[figures["metric"] == metric]
    if rows.empty:
        return None
    rank = rows.assign(
        _confidence=rows["confidence"].map({"high": 0, "medium": 1, "low": 2}).astype(int),
        _status=rows["status"].map(_STATUS_ORDER).astype(int),
    ).sort_values(["_confidence", "as_of", "_status"], ascending=[True, False, True], na_position="last", kind="stable")
    return rank.iloc[0]


def _figure_card(heading: str, figure: pd.Series | None, page: str) -> Card | None:
    if figure is None:
        return None
    as_of = transforms.date_label(figure["as_of"], figure["as_of_precision"])
    return Card(
        heading=heading,
        value=transforms.figure_value_label(figure, marked=True),
        detail=f"{figure['unit']}; {figure['estimator']}; as of {as_of}",
        source_ids=(figure["source_id"],),
        page=page,
        confidence=str(figure["confidence"]),
    )


def _bound_label(rows: pd.DataFrame, value: float) -> str:
    """One end of a range as the rows at that value state it: 'more than 5,000' only when all of them say so; derived marked."""
    at = rows[rows["value"] == value]
    text = transforms.number_label(value)
    if len(at) and (at["low"] == at["value"]).all() and at["high"].isna().all():
        text = f"more than {text}"
    if len(at) and at["computed"].astype(bool).all():
        text += f" {transforms.DERIVED_MARK}"
    return text


def membership_card(figures: pd.DataFrame) -> Card | None:
    """All membership estimates as one range: derived ends marked, estimates and distinct estimators counted, low confidence left out and said so."""
    metric = figures[figures["metric"] == "membership"]
    rows = metric[(metric["confidence"] != "low") & metric["value"].notna()]
    if rows.empty:
        return None
    low, high = rows["value"].min(), rows["value"].max()
    value = _bound_label(rows, low) if low == high else f"{_bound_label(rows, low)} to {_bound_label(rows, high)}"
    dated = rows.dropna(subset=["as_of"])
    latest = transforms.date_label(dated["as_of"].max(), "year") if len(dated) else "undated"
    estimators = rows["estimator"].nunique()
    detail = [f"the range of {_count(len(rows), 'figure')} from {_count(estimators, 'estimator')}, latest {latest}; estimates disagree"]
    derived = rows[rows["computed"].astype(bool)]
    if len(derived):
        detail.append(f"the end marked {transforms.DERIVED_MARK} is our arithmetic on a source's words, not a number it prints")
    left_out = len(metric) - len(rows)
    if left_out:
        detail.append(f"{_count(left_out, 'low-confidence figure')} not included")
    return Card(
        heading="Members, by estimate",
        value=value,
        detail="; ".join(detail),
        source_ids=tuple(dict.fromkeys(rows["source_id"])),
        page="figures",
        confidence=_weakest(rows["confidence"]),
        confidence_note=confidence_mix(rows["confidence"], "figure"),
    )


def _count(number: int, noun: str) -> str:
    """'1 figure' / '3 figures'."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _weakest(confidences: pd.Series) -> str:
    """The lowest confidence among the rows a card summarises."""
    present = set(confidences.astype(str))
    return next((level for level in ("low", "medium", "high") if level in present), "high")


def _series_confidence(source_id: str, sources: pd.DataFrame | None) -> str:
    """A series row has no confidence of its own: the highest its source allows (a copy caps it, as for every table)."""
    if sources is None:
        return "high"
    cited = sources[sources["source_id"] == source_id]
    if cited.empty:
        return "high"
    return CONFIDENCE_CAP_BY_ACCESS.get(str(cited["access"].iloc[0]), CONFIDENCE_CAP_BY_KIND.get(str(cited["kind"].iloc[0]), "high"))


def encounters_card(series: pd.DataFrame, sources: pd.DataFrame | None = None) -> Card | None:
    """CBP encounters of Venezuelans in the latest complete fiscal year, nationwide."""
    rows = series[(series["series_id"] == "cbp_venezuela_nationwide") & (series["period_kind"] == "fiscal_year") & series["period_complete"]]
    if rows.empty:
        return None
    latest = rows.sort_values("period_start").iloc[-1]
    return Card(
        heading=f"Border encounters of Venezuelans, {latest['period']}",
        value=transforms.number_label(latest["value"]),
        detail=f"{latest['unit']} (events, not people), nationwide; U.S. fiscal year to {transforms.date_label(latest['period_end'], 'day')}",
        source_ids=(latest["source_id"],),
        page="figures",
        confidence=_series_confidence(latest["source_id"], sources),
    )


def counted_rulings(rulings: pd.DataFrame) -> pd.DataFrame:
    """The rows the rulings card counts: decisions (not oral arguments) in cases about alleged Tren de Aragua members."""
    return rulings[(rulings["proceeding"] == "decision") & rulings["about_tda"].astype(bool)]


def rulings_card(rulings: pd.DataFrame) -> Card | None:
    """Decisions tracked in cases about alleged TdA members: how many on Alien Enemies Act removals, against the government, and what is not counted."""
    counted = counted_rulings(rulings)
    if counted.empty:
        return None
    against = int((counted["outcome"] == "against_government").sum())
    aea = int(counted["aea_case"].astype(bool).sum())
    detail = [
        f"in {_count(counted['case_group'].nunique(), 'case')} about alleged Tren de Aragua members",
        f"{aea:,} on Alien Enemies Act removals",
        f"{against:,} against the government",
        f"latest {transforms.date_label(counted['date'].max(), 'day')}",
    ]
    arguments = int((rulings["proceeding"] == "oral_argument").sum())
    context = rulings[(rulings["proceeding"] == "decision") & ~rulings["about_tda"].astype(bool)]
    not_counted = []
    if arguments:
        not_counted.append(_count(arguments, "oral argument"))
    if len(context):
        not_counted.append(f"{_count(len(context), 'decision')} in {_count(context['case_group'].nunique(), 'related case')} shown for context")
    if not_counted:
        detail.append("not counted: " + " and ".join(not_counted))
    return Card(
        heading="Court decisions tracked",
        value=f"{len(counted):,}",
        detail="; ".join(detail),
        source_ids=(),  # one source per ruling: listed on the Rulings page
        page="rulings",
        confidence=_weakest(counted["confidence"]),
        confidence_note=confidence_mix(counted["confidence"], "ruling"),
    )


def headline_cards(figures: pd.DataFrame, series: pd.DataFrame, rulings: pd.DataFrame, sources: pd.DataFrame | None = None) -> list[Card]:
    """The overview's cards, in reading order; a card whose data is missing is left out."""
    cards = [
        membership_card(figures),
        _figure_card("Venezuelan immigrants in the US", _best(figures, "venezuelan_population_us"), "figures"),
        encounters_card(series, sources),
        _figure_card("Migrants DHS says may have ties to the gang", _best(figures, "us_migrants_possible_ties"), "figures"),
        _figure_card("Removed to El Salvador under the Alien Enemies Act", _best(figures, "aea_removals"), "rulings"),
        rulings_card(rulings),
    ]
    return [card for card in cards if card is not None]
