"""Small streamlit pieces shared by pages: filters kept in the URL, source notes, downloads, notices.

Every piece reads the reader's language with current_lang() and writes its own words in it; the
labels and texts a page passes in (widget labels, headings, data text) come already in that language.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from datetime import date
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from components import charts, claimreview, claims, i18n, labels, maps, timeline, transforms
from components import datasets
from components.datasets import current_errors, load_state
from components.i18n import N_, formats
from components.publishing import citations, embeds, exports, registry, share
from components.safety import csv_download, escape_markdown, quote_markdown

# A link's query string is untrusted: values longer than this, or more of them, are not looked at.
MAX_PARAM_CHARS = 200
MAX_PARAM_VALUES = 50
ECHO_CHARS = 40  # how much of an unknown value a notice repeats


LANG_KEY = "lang"
_LANG_REJECTED = "lang_rejected"


def current_lang() -> str:
    """The reader's language: from the link (?lang=en|es) on the first run of a session, then from the switch."""
    if LANG_KEY not in st.session_state:
        wanted = next(iter(_query_values(LANG_KEY)), None)
        st.session_state[LANG_KEY] = i18n.normalize(wanted)
        if wanted is not None and wanted not in i18n.LANGS:
            st.session_state[_LANG_REJECTED] = wanted
    return i18n.normalize(st.session_state.get(LANG_KEY))


def language_switch() -> str:
    """English / Español on every page, kept in the URL as ?lang=es (English, the default, leaves it out).

    The switch's key is the language code, so filters and choices (keyed by code) survive a switch.
    """
    lang = current_lang()
    st.segmented_control(
        "Idioma · Language", list(i18n.LANGS), key=LANG_KEY, format_func=i18n.LANGS.get, required=True,
        label_visibility="collapsed",
    )
    lang = current_lang()
    rejected = st.session_state.pop(_LANG_REJECTED, None)
    if rejected is not None:
        _url_notice(LANG_KEY, [rejected])
    _write_param(LANG_KEY, [] if lang == i18n.DEFAULT_LANG else [lang])
    # Streamlit has no page-language setting: screen readers and translators read <html lang> (set here).
    st.html(f"<script>document.documentElement.lang = {lang!r};</script>", unsafe_allow_javascript=True)
    return lang


@functools.cache
def _takes_lang(func: Callable) -> bool:
    try:
        return "lang" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def _in_lang(func: Callable, *args, lang: str, **kwargs):
    """func(*args, lang=lang): a text builder in the reader's language (one not converted yet is called without it)."""
    if _takes_lang(func):
        kwargs["lang"] = lang
    return func(*args, **kwargs)


def data_notice() -> None:
    """One short, neutral notice when readers see older data; the problems themselves are for editors (make validate)."""
    if not current_errors():
        return
    _ = i18n.gettext_for(current_lang())
    if load_state().has_data:
        st.info(_("The data is being updated. You are seeing the latest checked version."), icon=":material/history:")
    else:
        st.warning(_("The data is being updated and cannot be shown right now. Please try again later."), icon=":material/hourglass_empty:")


def _shorten(value: str) -> str:
    return value if len(value) <= ECHO_CHARS else value[: ECHO_CHARS - 1] + "…"


def _url_notice(key: str, rejected: Sequence[str]) -> None:
    _ = i18n.gettext_for(current_lang())
    shown = ", ".join(_shorten(value) for value in list(rejected)[:3]) + (" …" if len(rejected) > 3 else "")
    # TRANSLATORS: {key}={values} is the part of the link the page ignored (e.g. map_type=xyz); keep it as it is.
    text = _("The link asked for {key}={values}, which this page does not have: showing the default instead.").format(key=key, values=shown)
    st.info(escape_markdown(text), icon=":material/link_off:")


def _query_values(key: str) -> list[str]:
    """The link's values for key, capped in number and length (a longer value cannot be an option)."""
    return [value[: MAX_PARAM_CHARS + 1] for value in st.query_params.get_all(key)[:MAX_PARAM_VALUES]]


def _write_param(key: str, values: Sequence[str]) -> None:
    if values:
        if st.query_params.get_all(key) != list(values):
            st.query_params[key] = list(values)
    elif key in st.query_params:
        del st.query_params[key]


def multiselect_filter(
    label: str, options: Sequence[str], key: str, format_func: Callable[[str], str] = str, placeholder: str | None = None
) -> list[str]:
    """A multiselect whose choice lives in the URL (?key=a&key=b); unknown values in a link fall back with a notice.

    Options are stable codes (format_func gives their words); the placeholder is 'All' in the reader's language.
    """
    if placeholder is None:
        _ = i18n.gettext_for(current_lang())
        # TRANSLATORS: the empty state of a filter: nothing chosen means every value is shown.
        placeholder = _("All")
    options = list(options)
    if key not in st.session_state:
        wanted = _query_values(key)
        rejected = [value for value in wanted if value not in options]
        if rejected:
            _url_notice(key, rejected)
        st.session_state[key] = [value for value in wanted if value in options]
    else:  # the data may have changed since the choice was made
        st.session_state[key] = [value for value in st.session_state[key] if value in options]
    chosen = st.multiselect(label, options, key=key, format_func=format_func, placeholder=placeholder)
    _write_param(key, chosen)
    return chosen


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_range_filter(label: str, first: date, last: date, key: str) -> tuple[date, date]:
    """A date-range slider kept in the URL as ?key=YYYY-MM-DD..YYYY-MM-DD; a bad range falls back with a notice."""
    if key not in st.session_state:
        chosen = (first, last)
        wanted = next(iter(_query_values(key)), None)
        if wanted:
            parts = [_parse_day(part) for part in wanted.split("..")]
            if len(parts) == 2 and all(parts) and first <= parts[0] <= parts[1] <= last:
                chosen = (parts[0], parts[1])
            else:
                _url_notice(key, [wanted])
        st.session_state[key] = chosen
    start, end = st.slider(label, min_value=first, max_value=last, key=key, format="YYYY-MM-DD")
    _write_param(key, [] if (start, end) == (first, last) else [f"{start.isoformat()}..{end.isoformat()}"])
    return start, end


def _source_links(source: pd.Series, lang: str = "en") -> str:
    """' (original; copy read)' links for a citation: the original first, the copy read as a secondary link."""
    pgettext = i18n.pgettext_for(lang)
    links = []
    if isinstance(source.get("url"), str):
        word = pgettext("citation link", "original") if isinstance(source.get("via_url"), str) else pgettext("citation link", "link")
        links.append(f"[{word}]({_safe_url(source['url'])})")
    if isinstance(source.get("via_url"), str):
        copy_read = pgettext("citation link", "copy read")
        links.append(f"[{copy_read}]({_safe_url(source['via_url'])})")
    return f" ({'; '.join(links)})" if links else ""


# The words before a list of citations; source_note's prefix names one of them (English, translated there).
SOURCE_PREFIXES = ("Source", "Event source", "Presence source", "Claim reported in")


def _source_line(prefix: str, citations: str, count: int, lang: str) -> str:
    """'Source: …' / 'Sources: …' (or another of SOURCE_PREFIXES) in the reader's language."""
    ngettext = i18n.ngettext_for(lang)
    if prefix == "Event source":
        return ngettext("Event source: {citations}", "Event sources: {citations}", count).format(citations=citations)
    if prefix == "Presence source":
        return ngettext("Presence source: {citations}", "Presence sources: {citations}", count).format(citations=citations)
    if prefix == "Claim reported in":
        # TRANSLATORS: before the citation of the source that reported an official's claim.
        return ngettext("Claim reported in: {citations}", "Claim reported in: {citations}", count).format(citations=citations)
    if prefix == "Source":
        return ngettext("Source: {citations}", "Sources: {citations}", count).format(citations=citations)
    return f"{escape_markdown(prefix)}: {citations}"  # a caller's own words, already in the reader's language


def source_note(source_ids: Sequence[str], sources: pd.DataFrame, prefix: str = "Source") -> None:
    """'Source: Publisher, “Title”, date, read via … (original; copy read)' under a chart or table, escaped.

    prefix is one of SOURCE_PREFIXES, in English: it is translated (and made plural) here.
    """
    lang = current_lang()
    cited = sources.set_index("source_id").reindex(list(dict.fromkeys(source_ids))).dropna(how="all")
    lines = []
    for _row_id, source in cited.iterrows():
        lines.append(escape_markdown(transforms.citation(source, lang=lang)) + _source_links(source, lang))
    if lines:
        # Small text rather than st.caption: a caption dims its links below 4.5:1 contrast.
        st.markdown(":small[" + _source_line(prefix, "; ".join(lines), len(lines), lang) + "]")


def _safe_url(url: str) -> str:
    """An http(s) URL (the schema guarantees it) with the characters that end a markdown link encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def download_csv(frame: pd.DataFrame, filename: str, key: str, label: str | None = None) -> None:
    """A CSV download of exactly frame, safe to open in a spreadsheet (pass a components.downloads frame: numbers, ISO dates, source, licence).

    label defaults to 'Download CSV' in the reader's language.
    """
    if label is None:
        _ = i18n.gettext_for(current_lang())
        label = _("Download CSV")
    st.download_button(label, csv_download(frame), file_name=filename, mime="text/csv", key=key, icon=":material/download:")


def data_package_download(lang: str) -> None:
    """The whole data package as one zip (datasets.package_zip: built once per data version, only from checked files).

    While the files on disk fail validation and this process has no zip of the last good data, readers get a short
    notice instead of the files an editor is fixing."""
    from components import downloads  # the reader-facing package: imported when a page asks for it

    _ = i18n.gettext_for(lang)
    if not datasets.package_zip_ready():
        st.info(_("The whole data package can be downloaded again once the data being updated has been checked."), icon=":material/schedule:")
    else:
        st.download_button(
            _("Download the whole data package"), _package_bytes, file_name=downloads.PACKAGE_FILENAME,
            mime="application/zip", key="sources_package_zip", on_click="ignore", icon=":material/folder_zip:",
        )
    st.caption(_(downloads.PACKAGE_CAPTION))


def _package_bytes() -> bytes:
    """The zip, built when the reader clicks: a download button with its bytes given up front is fetched whole by
    the browser as the page opens (Streamlit checks its link), which would cost every visitor the whole package."""
    package = datasets.package_zip()
    if package is None:  # the files turned invalid since the page was drawn, with no last good zip in this process
        raise RuntimeError("The data is being updated; try again in a moment.")
    return package


# Page links: path and title (English; translated where shown, see page_title).
PAGES = {
    "overview": ("app_pages/overview.py", N_("Overview")),
    "map": ("app_pages/map.py", N_("Map of events")),
    "figures": ("app_pages/figures.py", N_("Figures and estimates")),
    "rulings": ("app_pages/rulings.py", N_("Court rulings")),
    "claims": ("app_pages/claims.py", N_("Claims and evidence")),
    "sources": ("app_pages/sources.py", N_("Sources & method")),
}


def page_title(name: str, lang: str = "en") -> str:
    """A page's link title in a language."""
    return i18n.gettext_for(lang)(PAGES[name][1])


def last_updated(changes: pd.DataFrame, events: pd.DataFrame, rulings: pd.DataFrame) -> None:
    """'Data last updated …' (the last change in the log), beside the dates of the newest event and ruling."""
    line = transforms.freshness_line(changes, events, rulings, lang=current_lang())
    if line:
        st.caption(escape_markdown(line))


def headline_cards(cards: Sequence, sources: pd.DataFrame, columns: int = 3) -> None:
    """Cards in a grid (they stack on a phone): heading, value, detail, source, link to the full picture."""
    lang = current_lang()
    grid = st.columns(columns)
    for position, card in enumerate(cards):
        with grid[position % columns].container(border=True):
            st.markdown(f"**{escape_markdown(card.heading)}**")
            st.markdown(f"## {escape_markdown(card.value)}")
            st.caption(escape_markdown(card.detail))
            st.caption(escape_markdown(card.confidence_note or labels.label("confidence", card.confidence, lang)))
            if len(card.source_ids) == 1:
                source_note(card.source_ids, sources)
            st.page_link(PAGES[card.page][0], label=page_title(card.page, lang), icon=":material/arrow_forward:")


def _change_words(change: object, lang: str) -> str:
    """A change log's kind of change in words (English keeps the code, which is the word)."""
    pgettext = i18n.pgettext_for(lang)
    words = {
        "added": pgettext("change log", "added"),
        "corrected": pgettext("change log", "corrected"),
        "removed": pgettext("change log", "removed"),
    }
    return words.get(str(change), str(change))


def change_log(changes: pd.DataFrame) -> None:
    """The change log as a table (date, file, record, change, what changed)."""
    lang = current_lang()
    shown = changes.assign(date=changes["date"].dt.strftime("%Y-%m-%d"), record_id=changes["record_id"].fillna(""))[["date", "file", "record_id", "change", "description"]]
    if i18n.normalize(lang) == i18n.DEFAULT_LANG:
        st.dataframe(shown, hide_index=True, column_config={"record_id": "record", "description": st.column_config.TextColumn("what changed", width="large")})
        return
    _, pgettext = i18n.gettext_for(lang), i18n.pgettext_for(lang)
    headers = {
        "date": pgettext("change log header", "date"),
        "file": pgettext("change log header", "file"),
        "record_id": pgettext("change log header", "record"),
        "change": pgettext("change log header", "change"),
        "description": pgettext("change log header", "what changed"),
    }
    # The descriptions are the editors' words, kept in English (the change log has no row ids to key a translation by): say so.
    headers["description"] = _("{column} (in English)").format(column=headers["description"])
    shown = shown.assign(change=[_change_words(change, lang) for change in shown["change"]]).rename(columns=headers)
    st.dataframe(shown, hide_index=True, column_config={headers["description"]: st.column_config.TextColumn(headers["description"], width="large")})


def page_links(current: str) -> None:
    """Links to the other pages."""
    lang = current_lang()
    for name, (path, _title) in PAGES.items():
        if name != current:
            st.page_link(path, label=page_title(name, lang))


def sources_table(sources: pd.DataFrame) -> None:
    """Every source: publisher, headline (or our description), date, kind, how it was read, the original and the copy read."""
    lang = current_lang()
    headers = transforms.source_list_headers(lang)
    # TRANSLATORS: the text of a link in the sources table (opens the source).
    pgettext = i18n.pgettext_for(lang)
    opened = pgettext("link text", "open")
    st.dataframe(
        transforms.sources_for_readers(sources, lang=lang),
        hide_index=True,
        column_config={
            headers["original"]: st.column_config.LinkColumn(headers["original"], display_text=opened),
            headers["copy read"]: st.column_config.LinkColumn(headers["copy read"], display_text=opened),
        },
    )


def single_choice_filter(
    label: str,
    choices: dict[str, str],
    key: str,
    default: str | None = None,
    segmented: bool = False,
    placeholder: str | None = None,
    link_default: bool = True,
) -> str | None:
    """One choice kept in the URL as ?key=<code>; an unknown code in a link falls back to default with a notice.

    default None means nothing is chosen until the reader (or a link) chooses. A choice that the
    filters or the data have since removed falls back to default too. link_default=False leaves a
    fixed default out of the URL (a clean link); keep it when the default depends on the data.
    The placeholder is 'Choose…' in the reader's language unless given.
    """
    if placeholder is None:
        _ = i18n.gettext_for(current_lang())
        placeholder = _("Choose…")
    codes = list(choices)
    if not codes:
        _write_param(key, [])  # a stale id would come back as a false "unknown link" notice
        return None
    if default is not None and default not in choices:
        default = codes[0]
    if key not in st.session_state:
        wanted = next(iter(_query_values(key)), None)
        if wanted is not None and wanted not in choices:
            _url_notice(key, [wanted])
        st.session_state[key] = wanted if wanted in choices else default
    elif st.session_state[key] not in choices:
        st.session_state[key] = default
    if segmented:
        chosen = st.segmented_control(label, codes, key=key, format_func=choices.get, required=default is not None)
    else:
        chosen = st.selectbox(label, codes, key=key, format_func=choices.get, placeholder=placeholder)
    _write_param(key, [] if chosen is None or (chosen == default and not link_default) else [chosen])
    return chosen


def quote_block(quote: str, translation: object = None, quote_language: object = None) -> None:
    """The source's own words, as an escaped block quote, never translated in place.

    translation (a row's quote_translation) is the tracker's translation into the reader's language,
    shown after the quote and labelled as ours; without one, a quote in another language
    (quote_language, an ISO 639-1 code) says briefly that it is not translated yet.
    """
    st.markdown(quote_markdown(quote, translation=translation, quote_language=quote_language, lang=current_lang()))


def _quote_language(row: pd.Series, sources: pd.DataFrame | None) -> object:
    """The language of a row's quote: its quote_language column, else its source's language."""
    language = row.get("quote_language")
    if isinstance(language, str) and language:
        return language
    if sources is not None and "language" in sources and isinstance(row.get("source_id"), str):
        found = sources.loc[sources["source_id"] == row["source_id"], "language"]
        if len(found) and isinstance(found.iloc[0], str):
            return found.iloc[0]
    return None


def row_quote_block(row: pd.Series, sources: pd.DataFrame | None = None) -> None:
    """A row's quote with the tracker's translation beside it (quote_block with the row's quote_translation and language)."""
    quote_block(row.get("quote"), row.get("quote_translation"), _quote_language(row, sources))


def facts_list(facts: Sequence[tuple[str, str]]) -> None:
    """'Name: value' lines, the values escaped."""
    st.markdown("  \n".join(f"**{escape_markdown(name)}:** {escape_markdown(text)}" for name, text in facts))


def low_confidence_warning(confidence: object) -> None:
    """A visible mark on a row the sources support only weakly."""
    if confidence == "low":
        st.warning(escape_markdown(labels.label("confidence", "low", current_lang())), icon=":material/help:")


def chart_with_data(
    name: str, figure, table: pd.DataFrame, notes: Sequence[str], source_ids: Sequence[str], sources: pd.DataFrame, image_format: str,
    download: pd.DataFrame | None = None, chart_id: str | None = None,
) -> None:
    """A chart (exported as tren-de-aragua-<name>), then its table, CSV and notes in an expander, then its sources.

    download is the machine-friendly frame for the CSV (components.downloads); without it the table is offered.
    chart_id (a components.publishing.registry id) puts 'Download image' and 'Cite this chart' under the chart.
    """
    lang = current_lang()
    _ = i18n.gettext_for(lang)
    filename = f"tren-de-aragua-{name}"
    config = _in_lang(charts.chart_config, filename, image_format, lang=lang)
    st.plotly_chart(figure, theme=None, config=config, key=f"figures_{name}_chart", alt=_in_lang(charts.describe, figure, lang=lang))
    if chart_id is not None:
        chart_share(chart_id, figure_height=figure.layout.height)
    with st.expander(_("Data table, notes and download"), icon=":material/table:"):
        st.dataframe(table, hide_index=True)
        download_csv(table if download is None else download, f"{filename}.csv", key=f"figures_{name}_csv")
        for note in notes:
            st.markdown("- " + escape_markdown(note))
    source_note(list(source_ids), sources)


def related_events(related: pd.DataFrame) -> None:
    """Events linked to a ruling, each with its status (allegation wording) and a link to it on the map."""
    _ = i18n.gettext_for(current_lang())
    for event in related.itertuples():
        st.markdown(f"{escape_markdown(event.title)}  \n{escape_markdown(event.date)} · **{escape_markdown(event.status)}**")
        link = timeline.map_link_params(event.event_id)
        if link is not None:
            st.page_link(PAGES["map"][0], label=_("Show this event on the map"), query_params=link, icon=":material/location_on:")


def related_rulings(choices: dict[str, str]) -> None:
    """Court rulings that concern an event, each linking to its detail on the rulings page."""
    for ruling_id, text in choices.items():
        link = {"rulings_ruling": ruling_id} if timeline.SLUG.fullmatch(ruling_id) else None
        if link:  # a page link's label is markdown: the case name is data
            st.page_link(PAGES["rulings"][0], label=escape_markdown(text), query_params=link, icon=":material/gavel:")


def event_details(event: pd.Series, sources: pd.DataFrame, rulings: pd.DataFrame) -> None:
    """One event: facts with the status wording, summary, the source's words, citation and the rulings about it."""
    lang = current_lang()
    _ = i18n.gettext_for(lang)
    st.subheader(escape_markdown(event["title"]))
    low_confidence_warning(event["confidence"])
    facts_list(_in_lang(maps.event_facts, event, lang=lang))
    st.markdown(escape_markdown(event["summary"]))
    st.markdown("**" + _("What the source says:") + "**")
    row_quote_block(event, sources)
    source_note([event["source_id"]], sources)
    concerned = _in_lang(timeline.rulings_about_event, rulings, event.name, lang=lang)
    if concerned:
        st.markdown("**" + _("Court rulings about this event") + "**")
        related_rulings(concerned)


def stance_badge(stance: object, lang: str | None = None) -> str:
    """A stance as a badge: colour, icon and words (markdown; never colour alone)."""
    code = str(stance)
    words = labels.label("stance", code, current_lang() if lang is None else lang)
    return f":{claims.STANCE_BADGES.get(code, 'gray')}-badge[{claims.STANCE_ICONS.get(code, ':material/help:')} {escape_markdown(words)}]"


def site_url() -> str:
    """The dashboard's address as the reader's browser sees it (scheme and host), for absolute links in exports."""
    try:
        parts = urlsplit(st.context.url or "")
    except (AttributeError, RuntimeError):
        return claimreview.DEFAULT_SITE_URL
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return claimreview.DEFAULT_SITE_URL


def assessment_block(assessment: pd.Series, sources: pd.DataFrame, rulings: pd.DataFrame) -> None:
    """One piece of evidence on a claim: stance badge, kind, assessor and date, summary, the source's words and citation."""
    lang = current_lang()
    _ = i18n.gettext_for(lang)
    with st.container(border=True, key=f"claims_assessment_{assessment['assessment_id']}"):
        st.markdown(stance_badge(assessment["stance"], lang))
        low_confidence_warning(assessment["confidence"])
        facts_list(_in_lang(claims.assessment_facts, assessment, lang=lang))
        st.markdown(escape_markdown(assessment["summary"]))
        st.markdown("**" + _("What the source says:") + "**")
        row_quote_block(assessment, sources)
        if isinstance(assessment.get("notes"), str) and assessment["notes"].strip():
            st.markdown(f":small[{escape_markdown(assessment['notes'])}]")
        source_note([assessment["source_id"]], sources)
        ruling_id = assessment.get("ruling_id")
        if isinstance(ruling_id, str) and ruling_id in set(rulings["ruling_id"]):
            case = _in_lang(claims.related_rulings, pd.Series({"related_ruling_ids": ruling_id}), rulings, lang=lang)[ruling_id]
            # TRANSLATORS: a link to the court ruling that an assessment rests on; {ruling} is its case name and date.
            related_rulings({ruling_id: _("The ruling: {ruling}").format(ruling=case)})


def claim_links(claim: pd.Series, rulings: pd.DataFrame, events: pd.DataFrame, figures: pd.DataFrame) -> None:
    """Links from a claim to the rulings, events and figures it concerns (labels from the data, escaped)."""
    lang = current_lang()
    concerned_rulings = _in_lang(claims.related_rulings, claim, rulings, lang=lang)
    concerned_events = _in_lang(claims.related_events, claim, events, lang=lang)
    concerned_figures = _in_lang(claims.related_figures, claim, figures, lang=lang)
    if not (concerned_rulings or concerned_events or concerned_figures):
        return
    _ = i18n.gettext_for(lang)
    st.markdown("**" + _("This claim concerns") + "**")
    related_rulings(concerned_rulings)
    for event_id, text in concerned_events.items():
        link = timeline.map_link_params(event_id)
        if link is not None:
            st.page_link(PAGES["map"][0], label=escape_markdown(text), query_params=link, icon=":material/location_on:")
    for text in concerned_figures.values():
        st.page_link(PAGES["figures"][0], label=escape_markdown(text), icon=":material/bar_chart:")


def claim_block(
    claim: pd.Series,
    evidence: pd.DataFrame,
    sources: pd.DataFrame,
    rulings: pd.DataFrame,
    events: pd.DataFrame,
    figures: pd.DataFrame,
    review: bytes | None = None,
) -> None:
    """One claim: who said it, when, in what role, their words, the tracker's summary, its links, then each assessment."""
    lang = current_lang()
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    with st.container(border=True, key=f"claims_claim_{claim['claim_id']}"):
        st.markdown("### " + escape_markdown(_in_lang(claims.claim_heading, claim["claim"], lang=lang)))
        facts_list(_in_lang(claims.claim_facts, claim, lang=lang))
        low_confidence_warning(claim["confidence"])
        st.markdown("**" + _("In their words:") + "**")
        row_quote_block(claim, sources)
        if isinstance(claim.get("notes"), str) and claim["notes"].strip():
            st.markdown(f":small[{escape_markdown(claim['notes'])}]")
        source_note([claim["source_id"]], sources, prefix="Claim reported in")
        claim_links(claim, rulings, events, figures)
        count = ngettext("{n} assessment", "{n} assessments", len(evidence)).format(n=formats.number(len(evidence), lang))
        # TRANSLATORS: a heading over the evidence on a claim; keep the ** (bold) around the words; {count} is '3 assessments'.
        st.markdown(_("**What the evidence says** ({count})").format(count=count))
        if evidence.empty:
            st.caption(_("No assessment of this claim matches the chosen stances."))
        for _row_id, assessment in evidence.iterrows():
            assessment_block(assessment, sources, rulings)
        if review is not None:
            st.download_button(
                _("Download this claim as ClaimReview (JSON-LD)"), review, file_name=claimreview.filename(claim["claim_id"]),
                mime="application/ld+json", key=f"claims_jsonld_{claim['claim_id']}", icon=":material/download:",
            )


def linked_claim(choices: dict[str, str], key: str = "claims_claim") -> str | None:
    """One claim asked for by a link (?claims_claim=<id>), with a way back to all claims; an unknown id falls back with a notice."""
    _ = i18n.gettext_for(current_lang())
    if key not in st.session_state:
        wanted = next(iter(_query_values(key)), None)
        if wanted is not None and wanted not in choices:
            _url_notice(key, [wanted])
        st.session_state[key] = wanted if wanted in choices else None
    chosen = st.session_state[key] if st.session_state[key] in choices else None
    _write_param(key, [chosen] if chosen else [])
    if chosen:
        st.info(_("Showing one claim, from a link."), icon=":material/link:")
        if st.button(_("Show every claim"), key=f"{key}_clear", icon=":material/list:"):
            st.session_state[key] = None
            _write_param(key, [])
            st.rerun()
    return chosen


def claims_about(choices: dict[str, str], heading: str) -> None:
    """'Claims about this …': each claim links to its entry on the Claims page (labels from the data, escaped).

    heading comes in the reader's language.
    """
    if not choices:
        return
    st.markdown(f"**{escape_markdown(heading)}**")
    for claim_id, text in choices.items():
        link = claims.link_params(claim_id)
        if link is not None:
            st.page_link(PAGES["claims"][0], label=escape_markdown(text), query_params=link, icon=":material/fact_check:")


def claims_about_ruling(claim_rows: pd.DataFrame, assessment_rows: pd.DataFrame, ruling_id: str) -> None:
    """Claims the ruling concerns, or that its finding assesses, linked to the Claims page; nothing when there are none."""
    lang = current_lang()
    choices = _in_lang(claims.claims_about_ruling, claim_rows, assessment_rows, ruling_id, lang=lang)
    _ = i18n.gettext_for(lang)
    claims_about(choices, _("Claims about this ruling"))


def claims_about_figures(claim_rows: pd.DataFrame, figure_ids: Sequence[str]) -> None:
    """Claims that concern any of these figures, linked to the Claims page; nothing when there are none."""
    lang = current_lang()
    choices = _in_lang(claims.claims_about_figures, claim_rows, figure_ids, lang=lang)
    _ = i18n.gettext_for(lang)
    claims_about(choices, _("Claims about these figures"))


def claims_about_event(claim_rows: pd.DataFrame, event_id: str) -> None:
    """Claims that concern the event, linked to the Claims page; nothing when there are none."""
    lang = current_lang()
    choices = _in_lang(claims.claims_about_event, claim_rows, event_id, lang=lang)
    _ = i18n.gettext_for(lang)
    claims_about(choices, _("Claims about this event"))


# After a tap on the map, bring a container into view if it starts off-screen or low on it (a phone, where
# the details sit under the map). The nonce makes each tap's script a new element, so it runs again.
_SCROLL_INTO_VIEW = """<script data-nonce="{nonce}">
(() => {{
  const show = () => {{
    const target = document.querySelector(".st-key-{key}");
    if (!target) return;
    const box = target.getBoundingClientRect();
    const header = document.querySelector('[data-testid="stHeader"]');
    const covered = header ? header.getBoundingClientRect().bottom : 0;
    target.style.scrollMarginTop = `${{covered + 8}}px`;  // not under Streamlit's fixed header
    if (box.top < covered || box.top > window.innerHeight * 0.6) target.scrollIntoView({{block: "start", behavior: "instant"}});
  }};
  requestAnimationFrame(() => setTimeout(show, 150));
}})();
</script>"""


def apply_map_click(event_ids: pd.Series, selection_key: str, choice_key: str) -> int:
    """A new click on the map chooses its event (read before the map is drawn, so the map can ring it).

    Returns the number of clicks applied so far when this rerun brought a new one, else 0. After that the
    picker can choose another event: a click already applied is not applied again.
    """
    last_key, count_key = f"{selection_key}_last_click", f"{selection_key}_clicks"
    click = maps.selected_click(st.session_state.get(selection_key))
    new_click = click is not None and click != st.session_state.get(last_key) and click[1] in set(event_ids)
    st.session_state[last_key] = click
    if not new_click:
        return 0
    st.session_state[choice_key] = click[1]
    st.session_state[count_key] = st.session_state.get(count_key, 0) + 1
    return st.session_state[count_key]


def bring_into_view(container_key: str, nonce: int) -> None:
    """Scroll the container with this key into view when it starts off-screen (keys are code, never data)."""
    st.html(_SCROLL_INTO_VIEW.format(nonce=int(nonce), key=container_key), unsafe_allow_javascript=True)


# --------------------------------------------------------------------------------------------
# Sharing: image downloads, 'Cite this chart', 'Copy link' and the data version in the footer

_PENDING_CITES = "share_pending_cites"  # session key: this run's cite boxes, filled once the page has written its URL


def chart_stamp() -> str:
    """The last line inside every chart on the page: 'Tren de Aragua tracker · data version 3f2a9c' ('' without data)."""
    version = served_version()
    return citations.stamp_line(version[:6], "", current_lang()) if version else ""


def served_version() -> str:
    """The version of the data readers see: the files' own, or the last good data's while the files are being fixed."""
    return load_state().version if current_errors() else datasets.data_version()


def data_day() -> str:
    """The ISO date of the data served (its last change), for file names, the footer and the images' stamp."""
    return share.data_date(datasets.load_changes())


def page_query() -> dict[str, list[str]]:
    """The page's whole view as it is in the URL now (filters, selection, period) and the language."""
    return share.page_params({key: st.query_params.get_all(key) for key in st.query_params}, current_lang())


def _chart_tables(chart_id: str, lang: str) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    loaders = {name: getattr(datasets, f"load_{name}") for name in share.NEEDS[chart_id]}
    tables = {name: load(lang) for name, load in loaders.items()}
    english = {name: tables[name] if lang == "en" else getattr(datasets, f"load_{name}")() for name in share.ENGLISH_NEEDS.get(chart_id, ())}
    return tables, english or tables


def _run_token() -> object:
    """An object that is new on every run of the script (a box left by a stopped run is never filled)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.cursors if ctx is not None else None


def chart_share(chart_id: str, figure_height: object = None) -> None:
    """Under a chart: 'Download image' (size and format, drawn on the click only), 'Cite this chart' and 'Embed'."""
    lang = current_lang()
    _ = i18n.gettext_for(lang)
    version, day = served_version(), data_day()
    view = registry.view_of(chart_id, {key: st.query_params.get_all(key) for key in st.query_params})
    tables, english = _chart_tables(chart_id, lang)
    with st.container(horizontal=True, key=f"share_{chart_id}"):
        with st.popover(_("Download image"), icon=":material/image:", key=f"share_{chart_id}_image"):
            offered = exports.choices(lang)
            choice = st.selectbox(
                _("Size and format"), list(offered), format_func=offered.get, key=f"share_{chart_id}_choice", index=list(offered).index(share.DEFAULT_CHOICE),
            )
            st.download_button(
                _("Download"),
                data=functools.partial(share.export_chart, chart_id, tables, english, lang, view, choice, version, day),
                file_name=share.download_name(chart_id, lang, day, version, choice),
                mime=share.download_mime(choice),
                key=f"share_{chart_id}_file",
                on_click="ignore",
                icon=":material/download:",
            )
            st.caption(_("Drawn for the chosen size, with its title, sources, the data version and date inside the image."))
        with st.popover(_("Cite this chart"), icon=":material/format_quote:", key=f"share_{chart_id}_cite"):
            box = st.empty()
        with st.popover(_("Embed"), icon=":material/code:", key=f"share_{chart_id}_embed"):
            embed_box = st.empty()
    pending = st.session_state.get(_PENDING_CITES)
    token = _run_token()
    if not pending or pending[0] is not token:
        pending = [token, []]
        st.session_state[_PENDING_CITES] = pending
    pending[1].append((chart_id, box, embed_box, figure_height))


def _fill_cites(lang: str) -> None:
    """Write each chart's cite text now that the page has put every filter and selection in the URL."""
    pending = st.session_state.pop(_PENDING_CITES, None)
    if not pending or pending[0] is not _run_token():
        return
    _ = i18n.gettext_for(lang)
    version, today, query, site = served_version(), date.today(), page_query(), site_url()
    for chart_id, box, embed_box, figure_height in pending[1]:
        url = citations.permalink(site, registry.CHARTS[chart_id].page, query)
        with box.container():
            st.caption(_("Copy this text into your story (the button at the right of the box copies it):"))
            st.code(share.cite(chart_id, version, today, url, lang), language=None, wrap_lines=True)
        view = registry.view_of(chart_id, query)
        with embed_box.container():
            st.caption(_("Live: follows every update of the data."))
            st.code(embeds.snippet(site, chart_id, lang, view, figure_height), language="html", wrap_lines=True)
            st.caption(_("Frozen at data version {version}: never changes after publication (served by the tracker's static site).").format(version=version[:6]))
            st.code(embeds.snippet(site, chart_id, lang, view, figure_height, version=version), language="html", wrap_lines=True)


def stop_page(path: str) -> None:
    """End a page early (nothing to show for its filters), with its footer: the link to this view and the data version."""
    page_footer(path)
    st.stop()


def page_footer(path: str) -> None:
    """At the foot of every page: 'Copy link' (the permalink of the page's whole view) and the data version served."""
    lang = current_lang()
    _ = i18n.gettext_for(lang)
    _fill_cites(lang)
    version = served_version()
    if not version:  # no data to show: nothing to cite or link to
        return
    st.divider()
    with st.container(horizontal=True, vertical_alignment="center", key="share_footer"):
        with st.popover(_("Copy link"), icon=":material/link:", key="share_link"):
            st.caption(_("The link to this page as you see it: its filters, selection and language."))
            st.code(citations.permalink(site_url(), path, page_query()), language=None, wrap_lines=True)
        st.caption(escape_markdown(share.footer_text(version, data_day(), lang)))
