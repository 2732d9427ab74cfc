"""Small streamlit pieces shared by pages: filters kept in the URL, source notes, downloads, notices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from components import charts, labels, maps, timeline, transforms
from components.datasets import current_errors, load_state
from components.safety import csv_download, escape_markdown, quote_markdown

MAX_ERRORS_SHOWN = 200


def data_notice() -> None:
    """Tell readers when they see older data, and editors what to fix (text is never rendered as HTML)."""
    if not current_errors():
        return
    state = load_state()
    if state.has_data:
        st.warning("The data files were changed and did not pass validation. You are seeing the last good data.", icon=":material/history:")
    else:
        st.error("The data files did not pass validation, and no earlier good data is available.", icon=":material/error:")
    with st.expander(f"For editors: {len(state.errors)} problems to fix (run `make validate`)"):
        rows = [error.as_dict() for error in state.errors[:MAX_ERRORS_SHOWN]]
        st.dataframe(pd.DataFrame(rows, columns=["file", "row", "column", "value", "rule", "message"]), hide_index=True)
        if len(state.errors) > MAX_ERRORS_SHOWN:
            st.caption(f"First {MAX_ERRORS_SHOWN} shown; `python -m components.validate` lists them all.")


def _url_notice(key: str, rejected: Sequence[str]) -> None:
    shown = ", ".join(rejected)
    st.info(escape_markdown(f"The link asked for {key}={shown}, which this page does not have: showing the default instead."), icon=":material/link_off:")


def _write_param(key: str, values: Sequence[str]) -> None:
    if values:
        if st.query_params.get_all(key) != list(values):
            st.query_params[key] = list(values)
    elif key in st.query_params:
        del st.query_params[key]


def multiselect_filter(label: str, options: Sequence[str], key: str, format_func: Callable[[str], str] = str, placeholder: str = "All") -> list[str]:
    """A multiselect whose choice lives in the URL (?key=a&key=b); unknown values in a link fall back with a notice."""
    options = list(options)
    if key not in st.session_state:
        wanted = st.query_params.get_all(key)
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
        wanted = st.query_params.get(key)
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


def source_note(source_ids: Sequence[str], sources: pd.DataFrame, prefix: str = "Source") -> None:
    """'Source: Publisher, “Title”, date (link)' under a chart or table, escaped."""
    cited = sources.set_index("source_id").reindex(list(dict.fromkeys(source_ids))).dropna(how="all")
    lines = []
    for _, source in cited.iterrows():
        text = escape_markdown(transforms.citation(source))
        url = source.get("url")
        lines.append(f"{text} ([link]({_safe_url(url)}))" if isinstance(url, str) else text)
    if lines:
        label = prefix if len(lines) == 1 else f"{prefix}s"
        # Small text rather than st.caption: a caption dims its links below 4.5:1 contrast.
        st.markdown(f":small[{label}: " + "; ".join(lines) + "]")


def _safe_url(url: str) -> str:
    """An http(s) URL (the schema guarantees it) with the characters that end a markdown link encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def download_csv(frame: pd.DataFrame, filename: str, key: str, label: str = "Download CSV") -> None:
    """A CSV download of exactly frame, safe to open in a spreadsheet."""
    st.download_button(label, csv_download(frame), file_name=filename, mime="text/csv", key=key, icon=":material/download:")


PAGES = {
    "overview": ("app_pages/overview.py", "Overview"),
    "map": ("app_pages/map.py", "Map of events"),
    "figures": ("app_pages/figures.py", "Figures and estimates"),
    "rulings": ("app_pages/rulings.py", "Court rulings"),
    "sources": ("app_pages/sources.py", "Sources & method"),
}


def last_updated(changes: pd.DataFrame) -> None:
    """'Data last updated …' from the change log."""
    if len(changes):
        st.caption(f"Data last updated {transforms.date_label(changes['date'].max(), 'day')}.")


def headline_cards(cards: Sequence, sources: pd.DataFrame, columns: int = 3) -> None:
    """Cards in a grid (they stack on a phone): heading, value, detail, source, link to the full picture."""
    grid = st.columns(columns)
    for position, card in enumerate(cards):
        with grid[position % columns].container(border=True):
            st.markdown(f"**{escape_markdown(card.heading)}**")
            st.markdown(f"## {escape_markdown(card.value)}")
            st.caption(escape_markdown(card.detail))
            if card.confidence == "low":
                st.caption(escape_markdown(labels.label("confidence", "low")))
            if len(card.source_ids) == 1:
                source_note(card.source_ids, sources)
            path, title = PAGES[card.page]
            st.page_link(path, label=title, icon=":material/arrow_forward:")


def change_log(changes: pd.DataFrame) -> None:
    """The change log as a table (date, file, record, change, what changed)."""
    shown = changes.assign(date=changes["date"].dt.strftime("%Y-%m-%d"), record_id=changes["record_id"].fillna(""))[["date", "file", "record_id", "change", "description"]]
    st.dataframe(shown, hide_index=True, column_config={"record_id": "record", "description": st.column_config.TextColumn("what changed", width="large")})


def page_links(current: str) -> None:
    """Links to the other pages."""
    for name, (path, title) in PAGES.items():
        if name != current:
            st.page_link(path, label=title)


def sources_table(sources: pd.DataFrame) -> None:
    """Every source with publisher, title, date, kind, the copy read and a link."""
    shown = sources.assign(published=[transforms.date_label(start, precision) for start, precision in zip(sources["published"], sources["published_precision"])])
    st.dataframe(
        shown[["source_id", "publisher", "title", "published", "kind", "language", "via", "url", "notes"]],
        hide_index=True,
        column_config={"url": st.column_config.LinkColumn("link", display_text="open"), "via": "read via"},
    )


def single_choice_filter(
    label: str,
    choices: dict[str, str],
    key: str,
    default: str | None = None,
    segmented: bool = False,
    placeholder: str = "Choose…",
    link_default: bool = True,
) -> str | None:
    """One choice kept in the URL as ?key=<code>; an unknown code in a link falls back to default with a notice.

    default None means nothing is chosen until the reader (or a link) chooses. A choice that the
    filters or the data have since removed falls back to default too. link_default=False leaves a
    fixed default out of the URL (a clean link); keep it when the default depends on the data.
    """
    codes = list(choices)
    if not codes:
        _write_param(key, [])  # a stale id would come back as a false "unknown link" notice
        return None
    if default is not None and default not in choices:
        default = codes[0]
    if key not in st.session_state:
        wanted = st.query_params.get(key)
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


def quote_block(quote: str) -> None:
    """The source's own words, as an escaped block quote."""
    st.markdown(quote_markdown(quote))


def facts_list(facts: Sequence[tuple[str, str]]) -> None:
    """'Name: value' lines, the values escaped."""
    st.markdown("  \n".join(f"**{escape_markdown(name)}:** {escape_markdown(text)}" for name, text in facts))


def low_confidence_warning(confidence: object) -> None:
    """A visible mark on a row the sources support only weakly."""
    if confidence == "low":
        st.warning(escape_markdown(labels.label("confidence", "low")), icon=":material/help:")


def chart_with_data(name: str, figure, table: pd.DataFrame, notes: Sequence[str], source_ids: Sequence[str], sources: pd.DataFrame, image_format: str) -> None:
    """A chart (exported as tren-de-aragua-<name>), then its table, CSV and notes in an expander, then its sources."""
    filename = f"tren-de-aragua-{name}"
    st.plotly_chart(figure, theme=None, config=charts.chart_config(filename, image_format), key=f"figures_{name}_chart", alt=charts.describe(figure))
    with st.expander("Data table, notes and download", icon=":material/table:"):
        st.dataframe(table, hide_index=True)
        download_csv(table, f"{filename}.csv", key=f"figures_{name}_csv")
        for note in notes:
            st.markdown("- " + escape_markdown(note))
    source_note(list(source_ids), sources)


def related_events(related: pd.DataFrame) -> None:
    """Events linked to a ruling, each with its status (allegation wording) and a link to it on the map."""
    for event in related.itertuples():
        st.markdown(f"{escape_markdown(event.title)}  \n{escape_markdown(event.date)} · **{escape_markdown(event.status)}**")
        link = timeline.map_link_params(event.event_id)
        if link is not None:
            st.page_link(PAGES["map"][0], label="Show this event on the map", query_params=link, icon=":material/location_on:")


def related_rulings(choices: dict[str, str]) -> None:
    """Court rulings that concern an event, each linking to its detail on the rulings page."""
    for ruling_id, text in choices.items():
        link = {"rulings_ruling": ruling_id} if timeline.SLUG.fullmatch(ruling_id) else None
        if link:
            st.page_link(PAGES["rulings"][0], label=text, query_params=link, icon=":material/gavel:")


def event_details(event: pd.Series, sources: pd.DataFrame, rulings: pd.DataFrame) -> None:
    """One event: facts with the status wording, summary, the source's words, citation and the rulings about it."""
    st.subheader(escape_markdown(event["title"]))
    low_confidence_warning(event["confidence"])
    facts_list(maps.event_facts(event))
    st.markdown(escape_markdown(event["summary"]))
    st.markdown("**What the source says:**")
    quote_block(event["quote"])
    source_note([event["source_id"]], sources)
    concerned = timeline.rulings_about_event(rulings, event.name)
    if concerned:
        st.markdown("**Court rulings about this event**")
        related_rulings(concerned)
