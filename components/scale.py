"""The map page at any number of events: work done once per data version, and once per filter, for every reader.

- prepared(): per data version and language, the events' columns as arrays (type, country and status
  as codes, dates, coordinates), the order newest first and the position of each event id. It holds the
  shared events table itself (st.cache_resource: the same object for every session, never changed).
- view(): per filter (type, country, status, dates and the square zoomed into), the matching events'
  positions newest first and, above mapgrid.POINT_BUDGET located events, the squares; below it, the
  events labelled for the map. The deck (and its JSON) is kept per view, chosen event and explore mode.
- Only the rows a reader sees are labelled: the points (at most the budget), the table's first rows
  and the picker's matches. The CSV is built from every matching row when it is asked for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from components import i18n, mapgrid, maps, widgets
from components.i18n import formats
from components.safety import csv_download, escape_markdown

TABLE_ROWS = 1_000  # the events table shows at most this many rows (newest first) and says how many there are
PICKER_CHOICES = 100  # the event picker lists at most this many events (newest first, or the search's matches)
EAGER_CSV_ROWS = mapgrid.POINT_BUDGET  # up to this many rows the CSV is ready with the page; above it, built on the click


@dataclass(frozen=True)
class Prepared:
    events: pd.DataFrame  # the shared table: read only
    newest_first: np.ndarray  # row positions, newest first (stable)
    codes: dict[str, tuple[list[str], np.ndarray]]  # column -> (distinct values, each row's index among them)
    dates: np.ndarray  # datetime64[ns]
    lon: np.ndarray
    lat: np.ndarray
    kinds: pd.Categorical
    low: np.ndarray
    people: np.ndarray  # people_count as floats (NaN: none)
    sized: np.ndarray  # True where the count is of people arrested or charged (it sizes circles)
    ids: pd.Index  # event_id -> row position
    options: dict[str, list[str]]
    first: date
    last: date


def _codes(column: pd.Series) -> tuple[list[str], np.ndarray]:
    index, uniques = pd.factorize(column.astype(object).fillna(""), sort=False)
    return [str(value) for value in uniques], np.asarray(index, dtype=np.int32)


def prepare(events: pd.DataFrame, lang: str = "en") -> Prepared:
    """The arrays the map filters and counts with, computed once (pure: no caching here)."""
    dates = pd.to_datetime(events["date"]).to_numpy(dtype="datetime64[ns]")
    order = np.lexsort((np.arange(len(events)), -dates.astype("int64")))  # newest first, ties in file order
    codes = {column: _codes(events[column]) for column in ("event_type", "country", "status", "source_id")}
    type_names, type_index = codes["event_type"]
    kinds = pd.Categorical.from_codes(type_index, categories=type_names) if type_names else pd.Categorical([])
    if len(events):
        first, last = maps.date_bounds(events)
    else:
        first = last = date.today()
    return Prepared(
        events=events,
        newest_first=order.astype(np.int64),
        codes=codes,
        dates=dates,
        lon=pd.to_numeric(events["lon"], errors="coerce").to_numpy(dtype=float),
        lat=pd.to_numeric(events["lat"], errors="coerce").to_numpy(dtype=float),
        kinds=kinds,
        low=(events["confidence"].astype(object) == "low").to_numpy(dtype=bool),
        people=pd.to_numeric(events["people_count"], errors="coerce").to_numpy(dtype=float, na_value=np.nan),
        sized=(events["people_count_kind"].astype(object) == maps.SIZED_KIND).to_numpy(dtype=bool) if "people_count_kind" in events.columns else np.zeros(len(events), dtype=bool),
        ids=pd.Index(events["event_id"].astype(str)),
        options=maps.filter_options(events, lang),
        first=first,
        last=last,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _prepared(version: str, lang: str, _events: pd.DataFrame) -> Prepared:
    return prepare(_events, lang)


def prepared(version: str, lang: str, events: pd.DataFrame) -> Prepared:
    """prepare() once per data version and language, shared by every session (pass the table of that version)."""
    return _prepared(version, lang, events)


@dataclass
class View:
    """What the map page shows for one filter: computed once, shared, never changed after it is made."""

    positions: np.ndarray  # matching rows, newest first
    located: int  # of them, with coordinates
    area: str | None  # the square zoomed into, if any
    grid: mapgrid.Grid | None  # the squares, when more than the budget of located events match
    labelled: pd.DataFrame  # the points (every match, when drawn as points) or the table's first rows, labelled
    types: tuple[str, ...]  # the event types among the matches
    people_over_cap: bool  # some match has more people than the largest circle shows
    source_ids: list[str]
    decks: dict = field(default_factory=dict)  # (explore, chosen) -> Deck, filled as readers ask
    searches: dict = field(default_factory=dict)  # (picker search text, limit) -> positions

    @property
    def count(self) -> int:
        return len(self.positions)

    @property
    def aggregated(self) -> bool:
        return self.grid is not None


def _mask(prep: Prepared, column: str, chosen: tuple[str, ...]) -> np.ndarray | None:
    if not chosen:
        return None
    names, index = prep.codes[column]
    wanted = [position for position, name in enumerate(names) if name in set(chosen)]
    return np.isin(index, np.asarray(wanted, dtype=np.int32))


def matching(prep: Prepared, types=(), countries=(), statuses=(), start=None, end=None, area: str | None = None) -> np.ndarray:
    """Boolean mask of the events matching every filter (empty choices: no filter); area keeps one square's events."""
    keep = np.ones(len(prep.events), dtype=bool)
    for column, chosen in (("event_type", tuple(types)), ("country", tuple(countries)), ("status", tuple(statuses))):
        mask = _mask(prep, column, chosen)
        if mask is not None:
            keep &= mask
    if start is not None:
        keep &= prep.dates >= np.datetime64(pd.Timestamp(start).to_datetime64(), "ns")
    if end is not None:
        keep &= prep.dates <= np.datetime64(pd.Timestamp(end).to_datetime64(), "ns")
    if area:
        keep &= mapgrid.in_cell(prep.lon, prep.lat, area)
    return keep


def rows(prep: Prepared, positions: np.ndarray, lang: str = "en") -> pd.DataFrame:
    """The events at these positions, labelled for the map, picker and table (in the order given)."""
    return maps.event_labels(prep.events.iloc[np.asarray(positions, dtype=np.int64)], lang)


def make_view(prep: Prepared, lang: str, types=(), countries=(), statuses=(), start=None, end=None, area: str | None = None, budget: int = mapgrid.POINT_BUDGET) -> View:
    """The view of one filter (pure: no caching here)."""
    keep = matching(prep, types, countries, statuses, start, end, area)
    positions = prep.newest_first[keep[prep.newest_first]]
    located_mask = ~(np.isnan(prep.lon[positions]) | np.isnan(prep.lat[positions]))
    located = int(located_mask.sum())
    grid = None
    if located > budget:
        grid = mapgrid.aggregate(prep.lon[positions], prep.lat[positions], prep.kinds[positions], prep.low[positions])
        labelled = rows(prep, positions[:TABLE_ROWS], lang)
    else:
        labelled = rows(prep, positions, lang)
    kinds = prep.kinds[positions]
    present = set(pd.unique(np.asarray(kinds.codes)).tolist()) if len(positions) else set()
    types_present = tuple(str(prep.kinds.categories[code]) for code in sorted(present) if code >= 0)
    capped_at = round((maps.MAX_RADIUS_PX / maps.MIN_RADIUS_PX) ** 2)
    with np.errstate(invalid="ignore"):
        over = bool((prep.sized[positions] & (prep.people[positions] > capped_at)).any())
    source_names, source_index = prep.codes["source_id"]
    sources = [source_names[code] for code in pd.unique(source_index[positions])] if len(positions) else []  # newest first
    return View(
        positions=positions, located=located, area=area, grid=grid, labelled=labelled, types=types_present,
        people_over_cap=over, source_ids=[str(source) for source in sources],
    )


@st.cache_resource(show_spinner=False, max_entries=24)
def _view(version: str, lang: str, types: tuple, countries: tuple, statuses: tuple, start, end, area, _prep: Prepared) -> View:
    return make_view(_prep, lang, types, countries, statuses, start, end, area)


def view(version: str, lang: str, prep: Prepared, types=(), countries=(), statuses=(), start=None, end=None, area: str | None = None) -> View:
    """make_view() once per data version, language and filter, shared by every session."""
    return _view(version, lang, tuple(types), tuple(countries), tuple(statuses), start, end, area or None, prep)


def deck(shown: View, presence: pd.DataFrame, explore: bool, chosen: str | None, lang: str):
    """The view's map, made once per explore mode and chosen event (and its JSON written once)."""
    key = (bool(explore), chosen if not shown.aggregated else None)
    made = shown.decks.get(key)
    if made is None:
        if shown.aggregated:
            made = maps.cells_map(shown.grid, presence, explore=explore, area=shown.area, lang=lang)
        else:
            made = maps.events_map(shown.labelled, presence, explore=explore, chosen=chosen, lang=lang)
        if len(shown.decks) > 16:
            shown.decks.clear()
        shown.decks[key] = made
    return made


def position_of(prep: Prepared, event_id: object) -> int | None:
    """The row of an event id, or None."""
    if not isinstance(event_id, str):
        return None
    try:
        position = prep.ids.get_loc(event_id)
    except KeyError:
        return None
    return int(position) if isinstance(position, (int, np.integer)) else None


def is_shown(prep: Prepared, shown: View, event_id: object) -> bool:
    """Whether an event is among the view's matches."""
    position = position_of(prep, event_id)
    if position is None:
        return False
    return bool(np.any(shown.positions == position))


def search_positions(prep: Prepared, shown: View, text: str, limit: int = PICKER_CHOICES) -> np.ndarray:
    """The first `limit` matches (newest first) whose title, place, region, id or country code contains text (any case).

    Kept in the view per text, so a rerun with the same search costs nothing.
    """
    needle = " ".join(str(text).split())[:200]
    if not needle:
        return shown.positions[:limit]
    found = shown.searches.get((needle, limit))
    if found is None:
        hit = np.zeros(len(shown.positions), dtype=bool)
        for column in ("title", "place", "admin1", "event_id", "country"):
            if column in prep.events.columns:
                values = prep.events[column].iloc[shown.positions].astype("str")
                hit |= values.str.contains(needle, case=False, regex=False, na=False).to_numpy(dtype=bool)
        found = shown.positions[np.flatnonzero(hit)[:limit]]
        if len(shown.searches) > 32:
            shown.searches.clear()
        shown.searches[(needle, limit)] = found
    return found


def csv_rows(prep: Prepared, shown: View) -> pd.DataFrame:
    """Every matching event, newest first, as the page's table and CSV have them."""
    return prep.events.iloc[shown.positions]


# --------------------------------------------------------------------------------------------
# The page's controls (streamlit): the square zoomed into, the event picker, the caption and the CSV


def _write_url(key: str, value: str | None) -> None:
    if value:
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]


def area_choice(key: str, selection_key: str) -> str | None:
    """The square the reader zoomed into (a tap on a square, the list, or ?key= in a link), kept in the URL.

    Read before the map is drawn, so a tap on a square shows its events on this rerun.
    """
    last_key = f"{selection_key}_last_cell"
    clicked = maps.selected_cell(st.session_state.get(selection_key))
    if clicked is not None and clicked != st.session_state.get(last_key) and mapgrid.parse_cell(clicked[1]) is not None:
        st.session_state[key] = clicked[1]
    st.session_state[last_key] = clicked
    if key not in st.session_state:
        wanted = next(iter(st.query_params.get_all(key)), None)
        if wanted is not None and mapgrid.parse_cell(wanted[:40]) is None:
            widgets._url_notice(key, [wanted])
            wanted = None
        st.session_state[key] = wanted
    area = st.session_state.get(key)
    if area is not None and mapgrid.parse_cell(area) is None:
        area = st.session_state[key] = None
    _write_url(key, area)
    return area


def _whole_map(key: str) -> None:
    st.session_state[key] = None


def area_controls(shown: View, key: str, lang: str = "en") -> None:
    """'Zoom in to a square' (the busiest squares, and the one zoomed into) and 'Show the whole map'."""
    if not shown.aggregated and not shown.area:
        return
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    choices: dict[str, str] = {}
    if shown.area:
        bounds = mapgrid.cell_bounds(shown.area)
        # TRANSLATORS: the square the reader zoomed into, in the 'Zoom in to a square' list; {place} is its degrees.
        choices[shown.area] = _("Zoomed in: {place}").format(place=mapgrid.place_words(*bounds, lang=lang))
    if shown.aggregated:
        for code, west, south, east, north, count in mapgrid.busiest(shown.grid)[["code", "west", "south", "east", "north", "n"]].itertuples(index=False):
            # TRANSLATORS: a square in the 'Zoom in to a square' list: how many events it holds, then where it is.
            choices[code] = ngettext("{n} event · {place}", "{n} events · {place}", int(count)).format(
                n=formats.number(int(count), lang), place=mapgrid.place_words(west, south, east, north, lang=lang)
            )
    with st.container(horizontal=True, vertical_alignment="bottom", key="map_zoom"):
        st.selectbox(
            _("Zoom in to a square"), list(choices), key=key, format_func=choices.get,
            # TRANSLATORS: the 'Zoom in to a square' list when no square is chosen.
            placeholder=_("The whole map"),
            help=_("The squares holding the most events. Tapping a square on the map zooms in to it too."),
        )
        if shown.area:
            st.button(_("Show the whole map"), key=f"{key}_clear", on_click=_whole_map, args=(key,), icon=":material/zoom_out_map:")


def caption(prep: Prepared, shown: View, total: int, lang: str = "en") -> str:
    """'Showing 12 of 18 events, from … to ….' for the view: every matching event is counted, drawn or not."""
    _ = i18n.gettext_for(lang)
    if shown.count:
        latest, earliest = prep.events.iloc[int(shown.positions[0])], prep.events.iloc[int(shown.positions[-1])]
    else:
        latest = earliest = None
    text = maps.matches_caption(shown.count, total, earliest, latest, shown.count - shown.located, lang)
    if shown.area:
        bounds = mapgrid.cell_bounds(shown.area)
        # TRANSLATORS: after the map's caption when the reader zoomed in to one square; {place} is its degrees.
        text += " " + _("Only the square {place} is shown.").format(place=mapgrid.place_words(*bounds, lang=lang))
    return text


def event_picker(prep: Prepared, shown: View, key: str, search_key: str, lang: str = "en") -> dict[str, str]:
    """The picker's choices: the newest matches, or those a search finds, capped; a search box when there are many."""
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    text = ""
    if shown.count > PICKER_CHOICES:
        text = st.text_input(
            _("Find an event"), key=search_key, max_chars=200,
            # TRANSLATORS: the placeholder of the search box above the map's event picker.
            placeholder=_("Words of its title or place, or its ID"),
        )
    found = list(search_positions(prep, shown, text or ""))
    matches = len(found)
    chosen = st.session_state[key] if key in st.session_state else next(iter(st.query_params.get_all(key)), None)
    position = position_of(prep, chosen)
    if position is not None and position not in found and is_shown(prep, shown, chosen):
        found.append(position)  # the event chosen stays listed while it matches the filters
    if text and text.strip():
        if matches == 0:
            st.caption(escape_markdown(_("No event among those shown matches “{text}”.").format(text=" ".join(text.split()))))
        elif matches >= PICKER_CHOICES:
            st.caption(_("The first {n} events that match are listed; add words to find others.").format(n=formats.number(PICKER_CHOICES, lang)))
    elif shown.count > PICKER_CHOICES:
        st.caption(ngettext(
            "The newest {listed} of the {n} event shown are listed; type in the box to find others.",
            "The newest {listed} of the {n} events shown are listed; type in the box to find others.",
            shown.count,
        ).format(listed=formats.number(PICKER_CHOICES, lang), n=formats.number(shown.count, lang)))
    return maps.event_choices(rows(prep, found, lang), lang) if found else {}


def _csv_bytes(prep: Prepared, shown: View, sources: pd.DataFrame, lang: str) -> bytes:
    from components import downloads

    return csv_download(downloads.events(csv_rows(prep, shown), sources, lang=lang))


def download_events(prep: Prepared, shown: View, sources: pd.DataFrame, filename: str, key: str, lang: str = "en") -> None:
    """'Download CSV' of exactly the matching events: ready with the page up to EAGER_CSV_ROWS, written on the click above."""
    from components import downloads

    if shown.count <= EAGER_CSV_ROWS:
        widgets.download_csv(downloads.events(csv_rows(prep, shown), sources, lang=lang), filename, key=key)
        return
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    st.download_button(
        _("Download CSV"), data=functools.partial(_csv_bytes, prep, shown, sources, lang), file_name=filename, mime="text/csv",
        key=key, on_click="ignore", icon=":material/download:",
    )
    st.caption(ngettext(
        "The CSV holds the {n} event that matches, written when you click (a large file takes a moment).",
        "The CSV holds all {n} events that match, written when you click (a large file takes a moment).",
        shown.count,
    ).format(n=formats.number(shown.count, lang)))
