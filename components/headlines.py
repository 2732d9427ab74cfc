"""The overview's headline cards: which figures lead, and how each is summarised (pure pandas).

The choice of what leads is editorial and lives here; every number comes from the data. Every
card is written in the reader's language (lang): pass the tables loaded in that language
(datasets.load_*(lang)), so the data's own words (units aside, which are codes) are translated as data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import charts, i18n, transforms
from components.i18n import N_, formats
from components.schemas import CONFIDENCE_CAP_BY_ACCESS, CONFIDENCE_CAP_BY_KIND

_STATUS_ORDER = {"official": 0, "estimate": 1, "reported": 2}

# 'Confidence varies by figure: 3 high, 15 medium, 6 low', by what the card counts.
_CONFIDENCE_MIX = {
    "figure": N_("Confidence varies by figure: {counts}"),
    "ruling": N_("Confidence varies by ruling: {counts}"),
    "assessment": N_("Confidence varies by assessment: {counts}"),
}


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


def confidence_mix(confidences: pd.Series, noun: str, lang: str = "en") -> str:
    """'Confidence varies by ruling: 3 high, 15 medium, 6 low' for a card that counts rows of mixed confidence; '' when they agree."""
    pgettext = i18n.pgettext_for(lang)
    counts = confidences.astype(str).value_counts()
    if len(counts) <= 1:
        return ""
    words = {
        # TRANSLATORS: how many of a card's rows have each confidence: '3 high' (Spanish: '3 alta', confianza alta).
        "high": pgettext("confidence count", "{n} high"),
        "medium": pgettext("confidence count", "{n} medium"),
        "low": pgettext("confidence count", "{n} low"),
    }
    parts = ", ".join(words[level].format(n=formats.number(int(counts[level]), lang)) for level in ("high", "medium", "low") if level in counts)
    pattern = _CONFIDENCE_MIX.get(noun)
    if pattern is None:
        return f"Confidence varies by {noun}: {parts}"
    return i18n.gettext_for(lang)(pattern).format(counts=parts)


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


def _figure_card(heading: str, figure: pd.Series | None, page: str, lang: str = "en") -> Card | None:
    if figure is None:
        return None
    _ = i18n.gettext_for(lang)
    as_of = transforms.date_label(figure["as_of"], figure["as_of_precision"], lang)
    return Card(
        heading=heading,
        value=transforms.figure_value_label(figure, marked=True, lang=lang),
        # TRANSLATORS: a headline card's detail: 'people; Migration Policy Institute; as of 2023'.
        detail=_("{unit}; {estimator}; as of {date}").format(unit=charts.unit_label(figure["unit"], lang), estimator=figure["estimator"], date=as_of),
        source_ids=(figure["source_id"],),
        page=page,
        confidence=str(figure["confidence"]),
    )


def _bound_label(rows: pd.DataFrame, value: float, lang: str = "en") -> str:
    """One end of a range as the rows at that value state it: 'more than 5,000' only when all of them say so; derived marked."""
    _ = i18n.gettext_for(lang)
    at = rows[rows["value"] == value]
    text = transforms.number_label(value, lang=lang)
    if len(at) and (at["low"] == at["value"]).all() and at["high"].isna().all():
        text = _("more than {value}").format(value=text)
    if len(at) and at["computed"].astype(bool).all():
        text += " " + _(transforms.DERIVED_MARK)
    return text


def membership_card(figures: pd.DataFrame, lang: str = "en", english: pd.DataFrame | None = None) -> Card | None:
    """All membership estimates as one range: derived ends marked, estimates and distinct estimators counted, low confidence left out and said so.

    Estimators are counted by their English names (english: the figures table in English), so a translation never changes the count."""
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    metric = figures[figures["metric"] == "membership"]
    rows = metric[(metric["confidence"] != "low") & metric["value"].notna()]
    if rows.empty:
        return None
    low, high = rows["value"].min(), rows["value"].max()
    # TRANSLATORS: the range of the membership estimates: '2,500 to 5,000' (Spanish: 'de 2.500 a 5.000').
    value = _bound_label(rows, low, lang) if low == high else _("{low} to {high}").format(low=_bound_label(rows, low, lang), high=_bound_label(rows, high, lang))
    dated = rows.dropna(subset=["as_of"])
    latest = transforms.date_label(dated["as_of"].max(), "year", lang) if len(dated) else transforms.date_label(None, None, lang)
    count, estimators = len(rows), charts.in_english(rows, "estimator", english).nunique()
    detail = [
        # TRANSLATORS: {figures} is '3 figures', {estimators} is '2 estimators', {year} the latest estimate's year.
        _("the range of {figures} from {estimators}, latest {year}; estimates disagree").format(
            figures=ngettext("{n} figure", "{n} figures", count).format(n=formats.number(count, lang)),
            estimators=ngettext("{n} estimator", "{n} estimators", estimators).format(n=formats.number(estimators, lang)),
            year=latest,
        )
    ]
    derived = rows[rows["computed"].astype(bool)]
    if len(derived):
        detail.append(_("the end marked {mark} is our arithmetic on a source's words, not a number it prints").format(mark=_(transforms.DERIVED_MARK)))
    left_out = len(metric) - len(rows)
    if left_out:
        detail.append(ngettext("{n} low-confidence figure not included", "{n} low-confidence figures not included", left_out).format(n=formats.number(left_out, lang)))
    return Card(
        heading=_("Members, by estimate"),
        value=value,
        detail="; ".join(detail),
        source_ids=tuple(dict.fromkeys(rows["source_id"])),
        page="figures",
        confidence=_weakest(rows["confidence"]),
        confidence_note=confidence_mix(rows["confidence"], "figure", lang),
    )


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


def encounters_card(series: pd.DataFrame, sources: pd.DataFrame | None = None, lang: str = "en") -> Card | None:
    """CBP encounters of Venezuelans in the latest complete fiscal year, nationwide."""
    _ = i18n.gettext_for(lang)
    rows = series[(series["series_id"] == "cbp_venezuela_nationwide") & (series["period_kind"] == "fiscal_year") & series["period_complete"]]
    if rows.empty:
        return None
    latest = rows.sort_values("period_start").iloc[-1]
    return Card(
        # TRANSLATORS: {period} is a US fiscal year: 'FY2025' (Spanish 'AF2025').
        heading=_("Border encounters of Venezuelans, {period}").format(period=charts.fiscal_year_label(latest["period"], lang)),
        value=transforms.number_label(latest["value"], lang=lang),
        # TRANSLATORS: {unit} is 'encounters' (encuentros: a count of events, not of people); {date} the fiscal year's last day.
        detail=_("{unit} (events, not people), nationwide; U.S. fiscal year to {date}").format(
            unit=charts.unit_label(latest["unit"], lang), date=transforms.date_label(latest["period_end"], "day", lang),
        ),
        source_ids=(latest["source_id"],),
        page="figures",
        confidence=_series_confidence(latest["source_id"], sources),
    )


def counted_rulings(rulings: pd.DataFrame) -> pd.DataFrame:
    """The rows the rulings card counts: decisions (not oral arguments) in cases about alleged Tren de Aragua members."""
    return rulings[(rulings["proceeding"] == "decision") & rulings["about_tda"].astype(bool)]


def rulings_card(rulings: pd.DataFrame, lang: str = "en") -> Card | None:
    """Decisions tracked in cases about alleged TdA members: how many on Alien Enemies Act removals, against the government, and what is not counted."""
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    counted = counted_rulings(rulings)
    if counted.empty:
        return None
    against = int((counted["outcome"] == "against_government").sum())
    aea = int(counted["aea_case"].astype(bool).sum())
    cases = counted["case_group"].nunique()
    detail = [
        ngettext("in {n} case about alleged Tren de Aragua members", "in {n} cases about alleged Tren de Aragua members", cases).format(n=formats.number(cases, lang)),
        # TRANSLATORS: how many of the decisions are on removals under the Alien Enemies Act (Ley de Enemigos Extranjeros).
        ngettext("{n} on Alien Enemies Act removals", "{n} on Alien Enemies Act removals", aea).format(n=formats.number(aea, lang)),
        # TRANSLATORS: how many of the decisions went against the government.
        ngettext("{n} against the government", "{n} against the government", against).format(n=formats.number(against, lang)),
        _("latest {date}").format(date=transforms.date_label(counted["date"].max(), "day", lang)),
    ]
    arguments = int((rulings["proceeding"] == "oral_argument").sum())
    context = rulings[(rulings["proceeding"] == "decision") & ~rulings["about_tda"].astype(bool)]
    not_counted = []
    if arguments:
        not_counted.append(ngettext("{n} oral argument", "{n} oral arguments", arguments).format(n=formats.number(arguments, lang)))
    if len(context):
        related = context["case_group"].nunique()
        # TRANSLATORS: '2 decisions in 1 related case shown for context'.
        not_counted.append(_("{decisions} in {cases} shown for context").format(
            decisions=ngettext("{n} decision", "{n} decisions", len(context)).format(n=formats.number(len(context), lang)),
            cases=ngettext("{n} related case", "{n} related cases", related).format(n=formats.number(related, lang)),
        ))
    if not_counted:
        what = not_counted[0] if len(not_counted) == 1 else _("{first} and {second}").format(first=not_counted[0], second=not_counted[1])
        detail.append(_("not counted: {what}").format(what=what))
    return Card(
        heading=_("Court decisions tracked"),
        value=formats.number(len(counted), lang),
        detail="; ".join(detail),
        source_ids=(),  # one source per ruling: listed on the Rulings page
        page="rulings",
        confidence=_weakest(counted["confidence"]),
        confidence_note=confidence_mix(counted["confidence"], "ruling", lang),
    )


def headline_cards(
    figures: pd.DataFrame, series: pd.DataFrame, rulings: pd.DataFrame, sources: pd.DataFrame | None = None, lang: str = "en", english: pd.DataFrame | None = None,
) -> list[Card]:
    """The overview's cards, in reading order; a card whose data is missing is left out (english: the figures table in English)."""
    _ = i18n.gettext_for(lang)
    cards = [
        membership_card(figures, lang, english),
        _figure_card(_("Venezuelan immigrants in the US"), _best(figures, "venezuelan_population_us"), "figures", lang),
        encounters_card(series, sources, lang),
        _figure_card(_("Migrants DHS says may have ties to the gang"), _best(figures, "us_migrants_possible_ties"), "figures", lang),
        _figure_card(_("Removed to El Salvador under the Alien Enemies Act"), _best(figures, "aea_removals"), "rulings", lang),
        rulings_card(rulings, lang),
    ]
    return [card for card in cards if card is not None]
