"""Claims and the evidence on them: filters, joins, summaries and the topic chart (pure: no streamlit here).

A stance says what the cited evidence does to a claim (supports, qualifies or contradicts it); it
is not the tracker's ruling on anyone's guilt.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from components import charts, i18n, labels, schemas, theme, transforms
from components.headlines import Card, confidence_mix
from components.i18n import N_, formats

STANCES = ["contradicts", "qualifies", "supports"]  # the order a reader scans: against first
# Every stance has a colour, a symbol and a bar pattern, so none is told apart by colour alone.
STANCE_COLORS = {"contradicts": theme.VERMILLION, "qualifies": theme.ORANGE, "supports": theme.BLUE}
STANCE_SYMBOLS = {"contradicts": "✕", "qualifies": "◐", "supports": "✓"}
STANCE_PATTERNS = {"contradicts": "x", "qualifies": "/", "supports": ""}
STANCE_ICONS = {"contradicts": ":material/cancel:", "qualifies": ":material/contrast:", "supports": ":material/check_circle:"}
STANCE_BADGES = {"contradicts": "red", "qualifies": "orange", "supports": "blue"}
SLUG = re.compile(schemas.SLUG)
LABEL_CHARS = 24  # a topic label's line, in characters
LABEL_PX = 150  # room for the topic labels left of the bars

# English texts (catalogue ids): translate where shown, _(TITLE).
TITLE = N_("What the evidence does to officials' claims, by topic")
SUBTITLE = N_("Each bar counts the assessments of the claims on one topic: court findings, intelligence, investigations, government data and research.")
EXPLAINER = N_(
    "A stance says what the cited evidence does to the claim: it supports it, qualifies it (limits it or "
    "casts doubt on it without refuting it) or contradicts it. The tracker does not rule on anyone's guilt. "
    "People are alleged members of Tren de Aragua unless a court convicted them, and private individuals "
    "are not named beyond what the sources publish."
)


def explainer(lang: str = "en") -> str:
    """What a stance is (and is not), in the reader's language."""
    return i18n.gettext_for(lang)(EXPLAINER)


def date_text(start: object, precision: object, lang: str = "en") -> str:
    """A date as precise as its source, in the reader's language: '23 October 2024' / '23 de octubre de 2024'; 'undated'."""
    if start is None or (not isinstance(start, str) and pd.isna(start)):
        _ = i18n.gettext_for(lang)
        return _("undated")
    return formats.partial_date(start, precision, lang)


def split_ids(value: object) -> list[str]:
    """The ids of a ';'-separated cell (empty for a missing value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
        return []
    return [part for part in str(value).split(";") if part]


def stance_label(stance: object, lang: str = "en") -> str:
    """'✕ Contradicts the claim': the symbol and the words, never the colour alone."""
    return f"{STANCE_SYMBOLS.get(str(stance), '')} {labels.label('stance', stance, lang)}".strip()


def topics(claims: pd.DataFrame) -> list[str]:
    """Topics that have claims, in the schema's order."""
    present = set(claims["topic"].astype(str))
    return [topic for topic in schemas.CLAIM_TOPICS if topic in present]


def claimants(claims: pd.DataFrame) -> list[str]:
    """Every claimant, alphabetically."""
    return sorted(set(claims["claimant"].astype(str)), key=str.casefold)


def stances(assessments: pd.DataFrame) -> list[str]:
    """Stances that assessments take, against first."""
    present = set(assessments["stance"].astype(str))
    return [stance for stance in STANCES if stance in present]


def filter_claims(
    claims: pd.DataFrame,
    assessments: pd.DataFrame,
    topic_choice: Iterable[str] | None = None,
    claimant_choice: Iterable[str] | None = None,
    stance_choice: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Claims on the chosen topics, by the chosen claimants, with at least one assessment of a chosen stance (empty choice: no filter); newest first."""
    keep = pd.Series(True, index=claims.index)
    if topic_choice:
        keep &= claims["topic"].astype(str).isin(list(topic_choice))
    if claimant_choice:
        keep &= claims["claimant"].astype(str).isin(list(claimant_choice))
    if stance_choice:
        assessed = assessments[assessments["stance"].astype(str).isin(list(stance_choice))]["claim_id"]
        keep &= claims["claim_id"].isin(set(assessed))
    return claims[keep].sort_values(["date", "claim_id"], ascending=[False, True], kind="stable")


def assessments_of(assessments: pd.DataFrame, claim_id: str, stance_choice: Iterable[str] | None = None) -> pd.DataFrame:
    """The assessments of one claim (only the chosen stances, if any), against first, then oldest first."""
    rows = assessments[assessments["claim_id"] == claim_id]
    if stance_choice:
        rows = rows[rows["stance"].astype(str).isin(list(stance_choice))]
    order = rows["stance"].astype(str).map({stance: rank for rank, stance in enumerate(STANCES)})
    return rows.assign(_order=order).sort_values(["_order", "date", "assessment_id"], na_position="last", kind="stable").drop(columns="_order")


def assessments_shown(claims: pd.DataFrame, assessments: pd.DataFrame, stance_choice: Iterable[str] | None = None) -> pd.DataFrame:
    """The assessments of the claims shown (only the chosen stances, if any)."""
    rows = assessments[assessments["claim_id"].isin(set(claims["claim_id"]))]
    if stance_choice:
        rows = rows[rows["stance"].astype(str).isin(list(stance_choice))]
    return rows


def claim_heading(claim_text: object, lang: str = "en") -> str:
    """A claim's heading: labelled as a claim, so the tracker's summary of it never reads as a finding (plain text)."""
    _ = i18n.gettext_for(lang)
    # TRANSLATORS: the heading of one claim on the Claims page; {claim} is the tracker's summary of what an official said.
    return _("Claim: {claim}").format(claim=claim_text)


def claim_facts(claim: pd.Series, lang: str = "en") -> list[tuple[str, str]]:
    """'Who', 'Role', 'When', 'Topic' and how sure the tracker is that the claim was made so (plain text)."""
    pgettext = i18n.pgettext_for(lang)
    return [
        (pgettext("claim fact", "Who"), str(claim["claimant"])),
        (pgettext("claim fact", "Role"), str(claim["claimant_role"])),
        (pgettext("claim fact", "When"), date_text(claim["date"], claim["date_precision"], lang)),
        (pgettext("claim fact", "Topic"), labels.label("claim_topic", claim["topic"], lang)),
    ]


def assessment_facts(assessment: pd.Series, lang: str = "en") -> list[tuple[str, str]]:
    """Kind of evidence, who assessed and when (plain text)."""
    pgettext = i18n.pgettext_for(lang)
    return [
        (pgettext("assessment fact", "Evidence"), labels.label("assessment_kind", assessment["kind"], lang)),
        (pgettext("assessment fact", "Assessed by"), str(assessment["assessor"])),
        (pgettext("assessment fact", "When"), date_text(assessment["date"], assessment["date_precision"], lang)),
    ]


def _known(ids: list[str], frame: pd.DataFrame, key: str) -> list[str]:
    """The ids that are rows of frame, in their order (only the few asked for are looked up, however long the table)."""
    column = frame[key].astype(str) if frame[key].dtype == object else frame[key]
    known = set(column[column.isin(ids)].astype(str))
    return [ident for ident in ids if ident in known and SLUG.fullmatch(ident)]


def related_rulings(claim: pd.Series, rulings: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """ruling_id -> 'Case name, date' for the rulings a claim concerns (and that exist), in the claim's order.

    The case name stays as filed; the date is in the reader's language."""
    by_id = rulings.set_index("ruling_id")
    return {
        ruling_id: f"{by_id.at[ruling_id, 'case_name']}, {date_text(by_id.at[ruling_id, 'date'], by_id.at[ruling_id, 'date_precision'], lang)}"
        for ruling_id in _known(split_ids(claim["related_ruling_ids"]), rulings, "ruling_id")
    }


def related_events(claim: pd.Series, events: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """event_id -> 'Title, date' for the events a claim concerns (and that exist); titles as the table gives them (datasets.load_events(lang))."""
    wanted = _known(split_ids(claim["related_event_ids"]), events, "event_id")
    by_id = events[events["event_id"].isin(wanted)].drop_duplicates("event_id").set_index("event_id")
    return {
        event_id: f"{by_id.at[event_id, 'title']}, {date_text(by_id.at[event_id, 'date'], by_id.at[event_id, 'date_precision'], lang)}"
        for event_id in wanted
    }


def related_figures(claim: pd.Series, figures: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """figure_id -> 'Label: value' for the figures a claim concerns (and that exist); labels as the table gives them (datasets.load_figures(lang))."""
    by_id = figures.set_index("figure_id")
    return {
        figure_id: f"{by_id.at[figure_id, 'label']}: {transforms.figure_value_label(by_id.loc[figure_id], marked=True, lang=lang)}"
        for figure_id in _known(split_ids(claim["related_figure_ids"]), figures, "figure_id")
    }


def _claims_linking(claims: pd.DataFrame, column: str, ident: str) -> pd.DataFrame:
    linked = claims[column].map(lambda value: ident in split_ids(value))
    return claims[linked.astype(bool)]


def claims_about_ruling(claims: pd.DataFrame, assessments: pd.DataFrame, ruling_id: str, lang: str = "en") -> dict[str, str]:
    """claim_id -> 'Claimant, date: claim' for claims that concern a ruling, or whose assessment is that ruling's finding."""
    found = set(_claims_linking(claims, "related_ruling_ids", ruling_id)["claim_id"])
    found |= set(assessments[assessments["ruling_id"].astype("string") == ruling_id]["claim_id"])
    return claim_choices(claims[claims["claim_id"].isin(found)], lang=lang)


def claims_about_event(claims: pd.DataFrame, event_id: str, lang: str = "en") -> dict[str, str]:
    """claim_id -> 'Claimant, date: claim' for claims that concern an event."""
    return claim_choices(_claims_linking(claims, "related_event_ids", event_id), lang=lang)


def claims_about_figures(claims: pd.DataFrame, figure_ids: Iterable[str], lang: str = "en") -> dict[str, str]:
    """claim_id -> 'Claimant, date: claim' for claims that concern any of these figures."""
    wanted = set(figure_ids)
    linked = claims["related_figure_ids"].map(lambda value: bool(wanted & set(split_ids(value))))
    return claim_choices(claims[linked.astype(bool)], lang=lang)


def claim_choices(claims: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """claim_id -> 'Claimant, date: claim' (plain text), newest first; the claim as the table gives it (datasets.load_claims(lang))."""
    ordered = claims.sort_values(["date", "claim_id"], ascending=[False, True], kind="stable")
    return {
        row.claim_id: f"{row.claimant}, {date_text(row.date, row.date_precision, lang)}: {row.claim}"
        for row in ordered.itertuples()
    }


def link_params(claim_id: str) -> dict[str, str] | None:
    """Query parameters of a link to one claim on the Claims page (None for an id that is not a slug)."""
    return {"claims_claim": claim_id} if SLUG.fullmatch(str(claim_id)) else None


def stance_counts(claims: pd.DataFrame, assessments: pd.DataFrame) -> pd.DataFrame:
    """Assessments by topic and stance for the claims given: topic, stance, assessments, claims (every topic and stance present)."""
    joined = assessments.merge(claims[["claim_id", "topic"]], on="claim_id", how="inner")
    rows = []
    for topic in topics(claims):
        on_topic = joined[joined["topic"].astype(str) == topic]
        claim_count = int((claims["topic"].astype(str) == topic).sum())
        for stance in STANCES:
            rows.append({"topic": topic, "stance": stance, "assessments": int((on_topic["stance"].astype(str) == stance).sum()), "claims": claim_count})
    return pd.DataFrame(rows, columns=["topic", "stance", "assessments", "claims"])


def counts_table(claims: pd.DataFrame, assessments: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The chart as a table for readers: one row per topic, claims and assessments by stance (headers in the reader's language)."""
    pgettext = i18n.pgettext_for(lang)
    topic_header = pgettext("claims table header", "topic")
    claims_header = pgettext("claims table header", "claims")
    stance_headers = [labels.label("stance", stance, lang) for stance in STANCES]
    counts = stance_counts(claims, assessments)
    if counts.empty:
        return pd.DataFrame(columns=[topic_header, claims_header] + stance_headers)
    wide = counts.pivot(index="topic", columns="stance", values="assessments").reindex(columns=STANCES).fillna(0).astype(int)
    wide.columns = stance_headers
    claims_per_topic = counts.drop_duplicates("topic").set_index("topic")["claims"]
    table = wide.assign(claims=claims_per_topic).reset_index()
    table["topic"] = table["topic"].map(lambda topic: labels.label("claim_topic", topic, lang))
    table = table[["topic", "claims"] + stance_headers]
    return table.rename(columns={"topic": topic_header, "claims": claims_header})


def as_of(assessments: pd.DataFrame, lang: str = "en") -> str:
    """The date of the newest dated assessment, as precise as its source."""
    dated = assessments.dropna(subset=["date"])
    if dated.empty:
        return date_text(None, None, lang)
    latest = dated.sort_values("date", kind="stable").iloc[-1]
    return date_text(latest["date"], latest["date_precision"], lang)


def _claim_count(number: int, lang: str) -> str:
    ngettext = i18n.ngettext_for(lang)
    return ngettext("{n} claim", "{n} claims", number).format(n=formats.number(number, lang))


def _assessment_count(number: int, lang: str) -> str:
    ngettext = i18n.ngettext_for(lang)
    return ngettext("{n} assessment", "{n} assessments", number).format(n=formats.number(number, lang))


def stance_chart(claims: pd.DataFrame, assessments: pd.DataFrame, sources: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Horizontal stacked bars: for each topic, its claims' assessments by stance (colour, pattern and label)."""
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    pgettext = i18n.pgettext_for(lang)
    counts = stance_counts(claims, assessments)
    shown = topics(claims)
    figure = go.Figure()
    # Labels wrap onto two short lines, so the bars keep most of a phone's width.
    names = {
        topic: "<br>".join(
            charts.text(line)
            for line in textwrap.wrap(f"{labels.label('claim_topic', topic, lang)} ({_claim_count(int((claims['topic'].astype(str) == topic).sum()), lang)})", LABEL_CHARS)
        )
        for topic in shown
    }
    for stance in STANCES:
        rows = counts[counts["stance"] == stance]
        figure.add_trace(
            go.Bar(
                name=charts.text(stance_label(stance, lang)),
                y=[names[topic] for topic in rows["topic"]],
                x=rows["assessments"].tolist(),
                orientation="h",
                marker={"color": STANCE_COLORS[stance], "pattern": {"shape": STANCE_PATTERNS[stance], "fillmode": "overlay", "fgcolor": theme.PAPER, "solidity": 0.3}, "line": {"color": theme.PAPER, "width": 1}},
                text=[str(value) if value else "" for value in rows["assessments"]],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": theme.INK if stance == "qualifies" else theme.PAPER},
                hovertemplate="%{y}<br>" + charts.text(stance_label(stance, lang)) + ": %{x}<extra></extra>",
            )
        )
    cited = assessments[assessments["claim_id"].isin(set(claims["claim_id"]))]["source_id"].dropna().unique()
    publishers = sources[sources["source_id"].isin(set(cited))]["publisher"].nunique()
    # TRANSLATORS: the start of the chart's source line ("Source:" for one publication, "Sources:" for more); {publishers} is "8 publishers".
    source_line = ngettext(
        "Source: {publications} publication from {publishers}, cited assessment by assessment on this page. Chart: Tren de Aragua tracker",
        "Sources: {publications} publications from {publishers}, cited assessment by assessment on this page. Chart: Tren de Aragua tracker",
        len(cited),
    ).format(
        publications=formats.number(len(cited), lang),
        publishers=ngettext("{n} publisher", "{n} publishers", publishers).format(n=formats.number(publishers, lang)),
    )
    notes = [
        ("source", source_line),
        ("as_of", _("As of {date} (newest assessment)").format(date=as_of(assessments, lang))),
        ("caveat", _("A stance says what the cited evidence does to the claim, not whether anyone is guilty.")),
    ]
    figure.update_layout(barmode="stack", bargap=0.3, legend={"traceorder": "normal"})
    figure.update_yaxes(autorange="reversed", ticklabelposition="outside left")
    figure.update_xaxes(title={"text": charts.text(pgettext("claims chart axis", "assessments"))}, dtick=1, rangemode="tozero")
    framed = charts._frame(
        figure,
        title=_(TITLE),
        subtitle=_(SUBTITLE),
        notes=notes,
        plot_px=max(1, len(shown)) * 40 + 8,
        legend_rows=len(STANCES),
        left_px=LABEL_PX,
        axis_title=True,
    )
    # The reader's decimal and thousands marks (5.000 in Spanish), set after the frame so nothing resets them.
    return framed.update_layout(separators=formats.plotly_separators(lang))


def claims_card(claims: pd.DataFrame, assessments: pd.DataFrame, lang: str = "en") -> Card | None:
    """The overview's card: how many claims and assessments are tracked, and what the evidence does to the claims, by stance."""
    if claims.empty:
        return None
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    tracked = assessments[assessments["claim_id"].isin(set(claims["claim_id"]))]
    by_stance = tracked["stance"].astype(str).value_counts()
    counted = {stance: int(by_stance.get(stance, 0)) for stance in STANCES}
    # TRANSLATORS: how many assessments contradict / qualify / support officials' claims ("10 contradict, 8 qualify, 6 support").
    verbs = {
        "contradicts": ngettext("{n} contradicts", "{n} contradict", counted["contradicts"]),
        "qualifies": ngettext("{n} qualifies", "{n} qualify", counted["qualifies"]),
        "supports": ngettext("{n} supports", "{n} support", counted["supports"]),
    }
    parts = {stance: verbs[stance].format(n=formats.number(counted[stance], lang)) for stance in STANCES}
    # TRANSLATORS: {assessments} is "24 assessments"; {contradicts}, {qualifies}, {supports} are "10 contradict" and so on.
    detail = _(
        "{assessments} of what officials said (court findings, intelligence, investigations, government data, research): "
        "{contradicts}, {qualifies}, {supports}; a stance is what the evidence does to the claim, not a ruling on guilt"
    ).format(assessments=_assessment_count(len(tracked), lang), **parts)
    weakest = next((level for level in ("low", "medium", "high") if level in set(tracked["confidence"].astype(str))), "high")
    return Card(
        heading=_("Claims checked against the evidence"), value=_claim_count(len(claims), lang), detail=detail, source_ids=(), page="claims",
        confidence=weakest, confidence_note=confidence_mix(tracked["confidence"], "assessment", lang),
    )
