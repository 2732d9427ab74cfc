"""The overview's headline cards: which figures lead, and how each is summarised (pure pandas).

The choice of what leads is editorial and lives here; every number comes from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import transforms

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
        value=transforms.figure_value_label(figure),
        detail=f"{figure['unit']}; {figure['estimator']}; as of {as_of}",
        source_ids=(figure["source_id"],),
        page=page,
        confidence=str(figure["confidence"]),
    )


def membership_card(figures: pd.DataFrame) -> Card | None:
    """All membership estimates as one range, saying how many estimates and estimators there are."""
    rows = figures[(figures["metric"] == "membership") & (figures["confidence"] != "low")]
    if rows.empty:
        return None
    low, high = rows["value"].min(), rows["value"].max()
    value = transforms.number_label(low) if low == high else f"{transforms.number_label(low)}–{transforms.number_label(high)}"
    dated = rows.dropna(subset=["as_of"])
    latest = transforms.date_label(dated["as_of"].max(), "year") if len(dated) else "undated"
    return Card(
        heading="Members, by estimate",
        value=value,
        detail=f"{len(rows)} estimates from {rows['estimator'].nunique()} estimators, latest {latest}; estimates disagree",
        source_ids=tuple(dict.fromkeys(rows["source_id"])),
        page="figures",
    )


def encounters_card(series: pd.DataFrame) -> Card | None:
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
    )


def rulings_card(rulings: pd.DataFrame) -> Card | None:
    """How many rulings and cases are tracked, and how many went against the government."""
    if rulings.empty:
        return None
    against = int((rulings["outcome"] == "against_government").sum())
    return Card(
        heading="Court rulings tracked",
        value=f"{len(rulings)}",
        detail=f"in {rulings['case_group'].nunique()} cases; {against} against the government; latest {transforms.date_label(rulings['date'].max(), 'day')}",
        source_ids=(),  # one source per ruling: listed on the Rulings page
        page="rulings",
    )


def headline_cards(figures: pd.DataFrame, series: pd.DataFrame, rulings: pd.DataFrame) -> list[Card]:
    """The overview's cards, in reading order; a card whose data is missing is left out."""
    cards = [
        membership_card(figures),
        _figure_card("Venezuelan immigrants in the US", _best(figures, "venezuelan_population_us"), "figures"),
        encounters_card(series),
        _figure_card("Migrants DHS linked to the gang", _best(figures, "us_migrants_possible_ties"), "figures"),
        _figure_card("Removed to El Salvador under the Alien Enemies Act", _best(figures, "aea_removals"), "rulings"),
        rulings_card(rulings),
    ]
    return [card for card in cards if card is not None]
