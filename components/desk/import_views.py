"""The Editor page's import tabs: a new event placed with the gazetteer, a CBP release, an ACLED export, a plain CSV.

Each tab is one function the page calls inside its own tab, with the desk's store, the signed-in
editor's name and the language: new_event_tab, cbp_tab, acled_tab, plain_csv_tab. The work is done
by the pure functions of components.desk.imports; here are only the widgets. Nothing is written until
the editor saves, a save goes through Store.save (validated, atomic, logged) one table at a time, and
an upload that fails its checks is refused with its file, line and column.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st

from components import i18n, labels, maps
from components.desk import editing, imports
from components.i18n import N_, formats
from components.safety import escape_markdown
from components.schemas import CONFIDENCE, EVENT_STATUSES, EVENT_TYPES, GEOCODE_METHODS, ISO3_CODES, PEOPLE_COUNT_KINDS, SOURCE_KINDS, TABLES
from components.validation import data_dir as default_data_dir
from components.validation import load_package

KEY = "desk_imp"  # every widget key of these tabs starts with it
CHECKED_KEY = f"{KEY}_checked"  # (what, digest of the candidate tables) -> validator errors
SAVED_KEY = f"{KEY}_saved"  # the last import's outcome, shown once
MAX_LISTED = 100
CANDIDATE = [200, 80, 20]
CHOSEN = [220, 30, 30]


# --------------------------------------------------------------------------------------------
# Shared pieces


def _data_dir(store) -> Path:
    return Path(getattr(store, "data_dir", None) or default_data_dir())


def _state_dir() -> Path:
    return Path(os.environ.get("TDA_STATE_DIR") or ".state")


def _problem_box(problems, lang: str) -> None:
    """The upload's problems, one line each, file, line and column first; nothing was written."""
    if not problems:
        return
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    head = ngettext("{count} problem, so nothing was imported:", "{count} problems, so nothing was imported:", len(problems)).format(count=formats.number(len(problems), lang))
    lines = [f"- {escape_markdown(problem.text(lang))}" for problem in list(problems)[:MAX_LISTED]]
    st.error(escape_markdown(head) + "\n\n" + "\n".join(lines), icon=":material/block:")
    del _


def _validator_box(placed: list[tuple[int | None, editing.Problem]], upload_name: str, lang: str) -> None:
    """The validator's errors on the tables as they would be saved, named by the upload's line where they are in a new row."""
    if not placed:
        return
    _ = i18n.gettext_for(lang)
    lines = []
    for line, problem in placed[:MAX_LISTED]:
        if line == 0:
            where = _("The new event, column “{column}”").format(column=problem.column) if problem.column else _("The new event")
        elif line is not None:
            where = _("{file}, line {line}, column “{column}”").format(file=upload_name, line=line, column=problem.column) if problem.column else _("{file}, line {line}").format(file=upload_name, line=line)
        else:
            where = f"{problem.file}:{problem.line}" + (f" ({problem.column})" if problem.column else "")
        words = editing.rule_words(problem.rule, lang)
        value = f" “{imports._short(problem.value)}”" if problem.value else ""
        lines.append(f"- {escape_markdown(where)}: {escape_markdown(words)}{escape_markdown(value)}. {escape_markdown(editing.message_text(problem.message, lang))}")
    st.error(escape_markdown(_("The validator refuses these rows, so nothing can be saved yet:")) + "\n\n" + "\n".join(lines), icon=":material/rule:")


def _upload(label: str, key: str, lang: str, numeric=()) -> imports.Upload | None:
    """An uploaded CSV, checked (size, type, UTF-8, rows, formulas); its problems shown; None before an upload."""
    _ = i18n.gettext_for(lang)
    limit = imports.max_upload_bytes()
    uploaded = st.file_uploader(label, type=["csv"], key=key, help=_("A .csv file in UTF-8, at most {size} MB.").format(size=formats.number(limit / (1024 * 1024), lang)))
    if uploaded is None:
        return None
    upload = imports.check_upload(uploaded.name, uploaded.getvalue(), max_bytes=limit, numeric=numeric)
    _problem_box(upload.problems, lang)
    return upload


def _frames_digest(frames: Mapping[str, pd.DataFrame]) -> str:
    digest = hashlib.sha256()
    for name in sorted(frames):
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frames[name].fillna("").astype(str), index=False).to_numpy().tobytes())
        digest.update(",".join(frames[name].columns).encode())
    return digest.hexdigest()


def _csv_bytes(table: str, frame: pd.DataFrame) -> bytes:
    try:
        from components.desk.store import csv_bytes

        return csv_bytes(table, frame)
    except ImportError:  # pragma: no cover - the store ships with the desk
        from components.desk import csvfile

        return csvfile.write(frame)


def check_tables(store, frames: Mapping[str, pd.DataFrame]) -> list:
    """The validator's errors for the whole package with these tables replaced (text frames); [] when valid.

    One table: Store.check. Several (a new source and the rows citing it): the same validator on a
    temporary copy of the package, so the rows can cite a source that is saved with them. Writes nothing
    in the data folder.
    """
    if len(frames) == 1:
        (table, frame), = frames.items()
        return list(store.check(table, frame))
    directory = _data_dir(store)
    with tempfile.TemporaryDirectory(prefix="tda-import-") as folder:
        target = Path(folder)
        for name, table in TABLES.items():
            source = directory / table.filename
            if name in frames:
                (target / table.filename).write_bytes(_csv_bytes(name, frames[name]))
            elif source.is_file():
                (target / table.filename).write_bytes(source.read_bytes())
        return list(load_package(target).errors)


def _checked(what: str, store, frames: Mapping[str, pd.DataFrame]) -> list:
    """check_tables, computed once per content of the candidate tables in this session."""
    key = (what, _frames_digest(frames))
    cache = st.session_state.setdefault(CHECKED_KEY, {})
    if key not in cache:
        if len(cache) > 6:
            cache.clear()
        cache[key] = check_tables(store, frames)
    return cache[key]


def _generation(prefix: str) -> str:
    """The tab's widget-key prefix for this round: a successful save starts a new round, so every field starts empty."""
    return f"{prefix}{st.session_state.get(f'{prefix}_round', 0)}"


def _next_round(prefix: str) -> None:
    st.session_state[f"{prefix}_round"] = st.session_state.get(f"{prefix}_round", 0) + 1


def _saved_message(lang: str) -> None:
    outcome = st.session_state.pop(SAVED_KEY, None)
    if outcome:
        st.success(escape_markdown(outcome), icon=":material/check_circle:")


def _refusal(result, table: str, lang: str) -> str:
    """Why a save was refused, in one sentence."""
    _ = i18n.gettext_for(lang)
    file = TABLES[table].filename
    if getattr(result, "conflict", None) is not None:
        return _("Another editor saved {file} meanwhile, so nothing was written: check again and import on the current version.").format(file=file)
    errors = list(getattr(result, "errors", []) or [])
    if errors:
        first = errors[0]
        sentence = getattr(first, "message", str(first))
        return _("{file} was not saved: {problem}").format(file=file, problem=editing.message_text(sentence, lang))
    return _("{file} was not saved.").format(file=file)


def _source_choice(store, prefix: str, lang: str, *, default_kind: str, suggestion: Mapping[str, str] | None = None) -> tuple[str, dict | None]:
    """The source rows cite: one already in sources.csv, or a new row typed here (returned to be saved first)."""
    _ = i18n.gettext_for(lang)
    sources = store.open_table("sources").frame
    ids = sorted(sources["source_id"].astype(str))
    new_label, old_label = _("A new source"), _("A source already in sources.csv")
    mode = st.radio(_("Source of these rows"), ["new", "existing"], format_func=lambda code: new_label if code == "new" else old_label, key=f"{prefix}_source_mode", horizontal=True)
    if mode == "existing":
        chosen = st.selectbox(_("Source"), ids, index=None, key=f"{prefix}_source_id", placeholder=_("Choose a source id"))
        return chosen or "", None
    suggestion = dict(suggestion or {})
    columns = TABLES["sources"].columns
    row = {column: suggestion.get(column, "") for column in columns}
    left, right = st.columns(2)
    with left:
        row["source_id"] = st.text_input(_("Source id"), value=suggestion.get("source_id", ""), key=f"{prefix}_new_id", help=_("Lowercase letters, digits and hyphens; unique in sources.csv."))
        row["publisher"] = st.text_input(_("Publisher"), value=suggestion.get("publisher", ""), key=f"{prefix}_new_publisher")
        row["title"] = st.text_input(_("Title"), value=suggestion.get("title", ""), key=f"{prefix}_new_title")
        title_kinds = ["description", "headline"]
        row["title_kind"] = st.selectbox(_("The title is"), title_kinds, index=title_kinds.index(suggestion.get("title_kind") or "description"),
                                         format_func=lambda code: _("our description") if code == "description" else _("the publisher's headline"), key=f"{prefix}_new_title_kind")
        row["url"] = st.text_input(_("Link to the original"), value=suggestion.get("url", ""), key=f"{prefix}_new_url")
    with right:
        row["published"] = st.text_input(_("Published (YYYY-MM-DD, YYYY-MM or YYYY)"), value=suggestion.get("published", ""), key=f"{prefix}_new_published")
        kind = suggestion.get("kind") or default_kind
        row["kind"] = st.selectbox(_("Kind"), SOURCE_KINDS, index=SOURCE_KINDS.index(kind), key=f"{prefix}_new_kind")
        row["language"] = st.text_input(_("Language of the quoted text (ISO 639-1)"), value=suggestion.get("language", "en"), key=f"{prefix}_new_language")
        row["via"] = st.text_input(_("Copy read, if not the original (publisher or mirror)"), value=suggestion.get("via", ""), key=f"{prefix}_new_via")
        row["via_url"] = st.text_input(_("Link to the copy read"), value=suggestion.get("via_url", ""), key=f"{prefix}_new_via_url")
    row["notes"] = st.text_area(_("Notes for readers"), value=suggestion.get("notes", ""), key=f"{prefix}_new_notes")
    row["access"] = "copy" if (row["via"].strip() or row["via_url"].strip()) else "original"
    row = {column: str(row.get(column, "") or "").strip() for column in columns}
    if row["source_id"] in ids:
        st.error(escape_markdown(_("The source id {source_id} is taken: choose another, or pick that source above.").format(source_id=row["source_id"])), icon=":material/error:")
        return "", None
    return row["source_id"], row


def _sources_with(store, new_source: Mapping[str, str] | None) -> pd.DataFrame | None:
    if new_source is None:
        return None
    sources = store.open_table("sources").frame
    return imports.with_new_rows(sources, pd.DataFrame([new_source], columns=sources.columns, dtype=object).astype(str))


def _save_source_then(store, editor: str, reason: str, new_source: Mapping[str, str] | None, lang: str) -> tuple[bool, list[str]]:
    """Save the new source row first (valid on its own: nothing cites it yet); True when there is none or it saved."""
    _ = i18n.gettext_for(lang)
    if new_source is None:
        return True, []
    opened = store.open_table("sources")
    frame = imports.with_new_rows(opened.frame, pd.DataFrame([new_source], columns=opened.frame.columns, dtype=object).astype(str))
    result = store.save("sources", frame, base_digest=opened.digest, editor=editor, reason=reason)
    if not result.ok:
        return False, [_refusal(result, "sources", lang)]
    return True, [_("sources.csv: source {source_id} added (version {version}).").format(source_id=new_source["source_id"], version=result.version_id)]


# --------------------------------------------------------------------------------------------
# New event


def candidates_map(candidates: list[imports.PlaceCandidate], chosen: int | None, lang: str = "en") -> pdk.Deck:
    """The candidates on a small map (the shipped country shapes, no tiles), numbered as in the list, the chosen one red."""
    _ = i18n.gettext_for(lang)
    points = pd.DataFrame([
        {"number": str(number), "name": candidate.name, "region": candidate.region or candidate.admin1code, "lat": candidate.lat, "lon": candidate.lon,
         "population": formats.number(candidate.population, lang), "color": CHOSEN if number - 1 == chosen else CANDIDATE, "radius": 9 if number - 1 == chosen else 6}
        for number, candidate in enumerate(candidates, start=1)
    ], columns=["number", "name", "region", "lat", "lon", "population", "color", "radius"])
    layers = [
        maps.land_layer(),
        pdk.Layer("ScatterplotLayer", id="candidates", data=points.to_dict("records"), get_position="[lon, lat]", get_fill_color="color", get_radius="radius",
                  radius_units="'pixels'", stroked=True, get_line_color=[255, 255, 255], line_width_min_pixels=1, pickable=True),
        pdk.Layer("TextLayer", id="numbers", data=points.to_dict("records"), get_position="[lon, lat]", get_text="number", get_size=13, get_color=[20, 20, 20],
                  get_pixel_offset=[0, -16], pickable=False),
    ]
    view = maps.initial_view(points, width_px=600, height_px=320)
    if len(points) == 1:
        view.zoom = 6
    tooltip = {"text": "{number}. {name} · " + _("region") + " {region} · " + _("population") + " {population}"}
    return maps.CompactDeck(layers=layers, views=[pdk.View(type="MapView", controller=True)], initial_view_state=view, map_style=maps.MAP_STYLE, tooltip=tooltip)


def candidate_words(candidate: imports.PlaceCandidate, number: int, lang: str) -> str:
    """'1. Aurora, Colorado (CO) · population 359,407 · 39.72943, -104.83192'."""
    _ = i18n.gettext_for(lang)
    if candidate.region:
        region = f"{candidate.region} ({candidate.admin1code})"
    elif candidate.admin1code:
        region = _("region {code}, largest town {town}").format(code=candidate.admin1code, town=candidate.region_town) if candidate.region_town else _("region {code}").format(code=candidate.admin1code)
    else:
        region = _("no region")
    words = _("{number}. {name}, {region} · population {population} · {lat}, {lon}").format(
        number=number, name=candidate.name, region=region, population=formats.number(candidate.population, lang), lat=imports._coordinate(candidate.lat), lon=imports._coordinate(candidate.lon))
    if candidate.match != "name":
        words += f" · {_(imports.MATCH_KINDS[candidate.match])}"
    return words


def _country_label(code: str, lang: str) -> str:
    return f"{code} · {labels.country_name(code, lang)}"


def _duplicates_box(duplicates, events: pd.DataFrame, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    titles = dict(zip(events["event_id"].astype(str), events["title"].astype(str)))
    dates = dict(zip(events["event_id"].astype(str), events["date"].astype(str)))
    lines = [f"- {escape_markdown(duplicate.text(lang))}: {escape_markdown(dates.get(duplicate.event_id, ''))} · {escape_markdown(titles.get(duplicate.event_id, ''))}" for duplicate in duplicates]
    st.warning(escape_markdown(_("This may be an event the tracker already has:")) + "\n\n" + "\n".join(lines), icon=":material/content_copy:")


def new_event_tab(store, editor: str, lang: str) -> None:
    """A new event: the place chosen among the gazetteer's towns on a small map, the rest typed, duplicates flagged, validated, saved."""
    _ = i18n.gettext_for(lang)
    base = f"{KEY}_new"
    prefix = _generation(base)
    _saved_message(lang)
    st.markdown(escape_markdown(_("Type the place and its country, choose the town among the gazetteer's candidates, then describe the event. Its coordinates come from the town you choose.")))
    left, middle, right = st.columns([2, 2, 1])
    with left:
        place = st.text_input(_("Place"), key=f"{prefix}_place", placeholder=_("Town or city, e.g. Aurora"))
    with middle:
        country = st.selectbox(_("Country"), ISO3_CODES, index=None, format_func=lambda code: _country_label(code, lang), key=f"{prefix}_country", placeholder=_("Choose a country"))
    with right:
        admin1 = st.text_input(_("Region or state (optional)"), key=f"{prefix}_admin1", help=_("In the US the two-letter state code or its name; elsewhere it only sorts the candidates."))
    if not place.strip() or not country:
        st.caption(escape_markdown(_("The candidates appear when the place and the country are given.")))
        return
    candidates = imports.place_candidates(place, country, admin1)
    chosen_candidate = None
    manual = None
    if candidates:
        options = list(range(len(candidates))) + [-1]
        choice = st.radio(
            _("Which {place}?").format(place=place.strip()), options,
            format_func=lambda index: escape_markdown(candidate_words(candidates[index], index + 1, lang)) if index >= 0 else _("None of these: I will type the coordinates"),
            key=f"{prefix}_choice_{imports.slugify(place)}_{country}", index=0,
        )
        st.pydeck_chart(candidates_map(candidates, choice if choice >= 0 else None, lang), height=320, key=f"{prefix}_map",
                        alt=_("Map of the {count} candidate towns, numbered as in the list").format(count=len(candidates)))
        if choice >= 0:
            chosen_candidate = candidates[choice]
    else:
        st.info(escape_markdown(_("The gazetteer has no town called {place} in {country}. Check the spelling, or type the coordinates.").format(place=place.strip(), country=labels.country_name(country, lang))), icon=":material/travel_explore:")
    if chosen_candidate is None:
        one, two = st.columns(2)
        lat = one.text_input(_("Latitude (WGS84 degrees)"), key=f"{prefix}_lat")
        lon = two.text_input(_("Longitude (WGS84 degrees)"), key=f"{prefix}_lon")
        manual = (lat.strip(), lon.strip())

    opened = store.open_table("events")
    events = opened.frame
    sources = store.open_table("sources").frame
    event_label = lambda code: labels.label("event_type", code, lang)  # noqa: E731
    status_label = lambda code: labels.label("event_status", code, lang)  # noqa: E731
    with st.container(border=True):
        one, two, three = st.columns(3)
        when = one.text_input(_("Date"), key=f"{prefix}_date", placeholder="2025-03-15", help=_("As precise as the source: YYYY-MM-DD, YYYY-MM or YYYY."))
        event_type = two.selectbox(_("Type"), EVENT_TYPES, index=None, format_func=event_label, key=f"{prefix}_type", placeholder=_("Choose"))
        status = three.selectbox(_("Status"), EVENT_STATUSES, index=None, format_func=status_label, key=f"{prefix}_status", placeholder=_("Choose"),
                                 help=_("How established the claim is; people are alleged members unless convicted."))
        title = st.text_input(_("Title"), key=f"{prefix}_title", help=_("A short neutral headline."))
        summary = st.text_area(_("Summary"), key=f"{prefix}_summary", help=_("One or two sentences on what happened."))
        one, two = st.columns(2)
        source_id = one.selectbox(_("Source"), sorted(sources["source_id"].astype(str)), index=None, key=f"{prefix}_source", placeholder=_("Choose a source id"),
                                  help=_("Add a new source in the sources table first."))
        confidence = two.selectbox(_("Confidence"), CONFIDENCE, index=None, format_func=lambda code: labels.label("confidence", code, lang), key=f"{prefix}_confidence", placeholder=_("Choose"))
        quote = st.text_area(_("Quote (the source's exact words)"), key=f"{prefix}_quote")
        one, two, three = st.columns(3)
        people_count = one.text_input(_("People counted (optional)"), key=f"{prefix}_people")
        people_kind = two.selectbox(_("What the count counts"), PEOPLE_COUNT_KINDS, index=None, key=f"{prefix}_people_kind", placeholder=_("Choose"))
        people_label = three.text_input(_("Count in the source's words"), key=f"{prefix}_people_label")
        location_note = st.text_input(_("What the point stands for, when approximate (optional)"), key=f"{prefix}_location_note")
        notes = st.text_area(_("Notes for readers (optional)"), key=f"{prefix}_notes")
        editor_notes = st.text_area(_("Notes for editors (optional, never shown to readers)"), key=f"{prefix}_editor_notes")
        suggested = imports.suggest_event_id(chosen_candidate.name if chosen_candidate else place, event_type or "", when, events["event_id"].astype(str))
        event_id = st.text_input(_("Event id"), value=suggested, key=f"{prefix}_id_{suggested}", help=_("Lowercase letters, digits and hyphens; rulings link to it."))

    fields = {
        "event_id": event_id, "date": when, "title": title, "summary": summary, "event_type": event_type or "", "status": status or "", "place": place,
        "admin1": admin1, "country": country, "location_note": location_note, "people_count": people_count, "people_count_kind": people_kind or "",
        "people_count_label": people_label, "source_id": source_id or "", "quote": quote, "confidence": confidence or "", "notes": notes, "editor_notes": editor_notes,
    }
    if manual is not None:
        fields.update({"lat": manual[0], "lon": manual[1], "geocode": "manual" if any(manual) else ""})
    row = imports.new_event_row(fields, chosen_candidate, list(events.columns))
    new = pd.DataFrame([row], columns=events.columns, dtype=object).astype(str)
    duplicates = imports.probable_duplicates(new, events)
    if duplicates:
        _duplicates_box(duplicates, events, lang)
    different = st.checkbox(_("This is a different event: add it anyway"), key=f"{prefix}_different") if duplicates else True
    combined = imports.with_new_rows(events, new)
    ready = bool(title.strip() and when.strip() and event_type and status and source_id and quote.strip() and confidence)
    if not ready:
        st.caption(escape_markdown(_("Date, type, status, title, summary, source, quote and confidence are needed before the event can be checked.")))
        return
    errors = _checked("new_event", store, {"events": combined})
    _validator_box(imports.upload_lines_of(errors, len(events), combined, [0]), "events.csv", lang)
    if not errors:
        st.success(escape_markdown(_("The event is valid. It will be saved as {event_id} at {lat}, {lon} ({geocode}).").format(
            event_id=row["event_id"], lat=row.get("lat") or "?", lon=row.get("lon") or "?", geocode=row.get("geocode") or "gazetteer")), icon=":material/check:")
    reason = st.text_input(_("Reason for the change log"), key=f"{prefix}_reason", placeholder=_("e.g. New arrest reported by EFE"))
    if st.button(_("Add the event"), type="primary", key=f"{prefix}_save", icon=":material/add_location_alt:", disabled=bool(errors) or not different or not reason.strip()):
        result = store.save("events", combined, base_digest=opened.digest, editor=editor, reason=reason.strip())
        if result.ok:
            st.session_state[SAVED_KEY] = _("events.csv: event {event_id} added (version {version}).").format(event_id=row["event_id"], version=result.version_id)
            _next_round(base)
            st.rerun()
        st.error(escape_markdown(_refusal(result, "events", lang)), icon=":material/error:")


# --------------------------------------------------------------------------------------------
# CBP release


def _raw_path(store) -> Path:
    return _data_dir(store) / imports.RAW_FILE


def write_raw(store, data: bytes) -> Path | None:
    """Replace the raw CBP file atomically (temp file in its folder, fsync, rename, fsync the folder), keeping
    the bytes it had under the state folder (source-versions/); returns where they were kept."""
    path = _raw_path(store)
    kept = None
    if path.is_file():
        old = path.read_bytes()
        if old == data:
            return None
        folder = Path(getattr(store, "state_dir", None) or _state_dir()) / "source-versions"
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"{path.stem}-{hashlib.sha256(old).hexdigest()[:12]}{path.suffix}"
        if not kept.exists():
            kept.write_bytes(old)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return kept


def _series_label(series_id: str, lang: str) -> str:
    _ = i18n.gettext_for(lang)
    words = {
        "cbp_venezuela_nationwide": N_("Venezuelans, nationwide"),
        "cbp_venezuela_southwest": N_("Venezuelans, Southwest border"),
        "cbp_all_nationwide": N_("All citizenships, nationwide"),
        "cbp_all_southwest": N_("All citizenships, Southwest border"),
    }
    return _(words[series_id]) if series_id in words else series_id


def comparison_table(comparison: pd.DataFrame, lang: str, changed_only: bool = True) -> pd.DataFrame:
    """The months and fiscal years side by side for the page: series, period, now, with the release, difference, what happens."""
    _ = i18n.gettext_for(lang)
    shown = comparison[comparison["status"] != "unchanged"] if changed_only else comparison
    number = lambda text: formats.number(int(text), lang) if str(text).strip() else ""  # noqa: E731
    return pd.DataFrame({
        _("Series"): [_series_label(value, lang) for value in shown["series_id"]],
        _("Period"): shown["period"].tolist(),
        _("Now"): [number(value) for value in shown["current"]],
        _("With this release"): [number(value) for value in shown["new"]],
        _("Difference"): shown["difference"].tolist(),
        _("What happens"): [_(imports.SERIES_STATUS[value]) for value in shown["status"]],
        _("Source now"): shown["source_before"].tolist(),
        _("Source then"): shown["source_after"].tolist(),
    })


def correction_suggestion(comparison: pd.DataFrame, release_name: str) -> str:
    """A public correction note for revised counts: which periods, what they were and are (English; editors may rewrite it)."""
    revised = comparison[comparison["status"] == "revised"]
    resourced = int((comparison["status"] == "resourced").sum())
    parts = [f"{row.period} ({row.series_id.replace('cbp_', '').replace('_', ' ')}) was {int(row.current):,}, now {int(row.new):,}" for row in revised.head(12).itertuples()]
    more = len(revised) - len(parts)
    text = f"CBP's release {release_name} revised {len(revised)} count{'s' if len(revised) != 1 else ''}"
    text += (": " + "; ".join(parts) + (f"; and {more} more" if more > 0 else "")) if parts else ""
    if resourced:
        text += f". {resourced} other period{'s' if resourced != 1 else ''} now cite this release, with the same counts"
    return text + "."


@st.cache_data(max_entries=8, show_spinner=False)
def _disagreement(raw: bytes, series: bytes, sources: bytes) -> int:
    series_frame = imports.read_text_csv(series)
    computed, problems = imports.series_from_raw(imports.read_text_csv(raw), imports.read_text_csv(sources))
    if problems:
        return -1
    comparison = imports.compare_series(series_frame, imports.merge_series(series_frame, computed))
    return int((comparison["status"] != "unchanged").sum())


def raw_disagreement(store) -> int:
    """How many Venezuelan series rows differ from a recomputation of the raw CBP file (0 when they agree,
    -1 when the raw file cannot be summed): a release saved into series.csv whose raw rows were not written.
    Computed once per content of the three files."""
    path = _raw_path(store)
    if not path.is_file():
        return 0
    folder = _data_dir(store)
    return _disagreement(path.read_bytes(), (folder / "series.csv").read_bytes(), (folder / "sources.csv").read_bytes())


def _raw_agreement(store, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    ngettext = i18n.ngettext_for(lang)
    differing = raw_disagreement(store)
    if differing < 0:
        st.warning(escape_markdown(_("The raw CBP file {file} cannot be summed into the series: an import may have been interrupted. Upload the latest release again.").format(file=str(imports.RAW_FILE))), icon=":material/sync_problem:")
    elif differing:
        st.warning(escape_markdown(ngettext(
            "The raw CBP file {file} and series.csv disagree on {count} period: an import may have been interrupted. Upload the latest release again to bring them back in step.",
            "The raw CBP file {file} and series.csv disagree on {count} periods: an import may have been interrupted. Upload the latest release again to bring them back in step.", differing,
        ).format(file=str(imports.RAW_FILE), count=formats.number(differing, lang))), icon=":material/sync_problem:")


def cbp_tab(store, editor: str, lang: str) -> None:
    """A CBP Nationwide Encounters release: checked, recomputed into the Venezuelan series, compared with the current one, saved."""
    _ = i18n.gettext_for(lang)
    base = f"{KEY}_cbp"
    prefix = _generation(base)
    _saved_message(lang)
    st.markdown(escape_markdown(_("Upload CBP's Nationwide Encounters file by state (the CSV from cbp.gov). The desk sums the Venezuelan rows by month and fiscal year exactly as the published series were built, and shows what changes before anything is saved.")))
    _raw_agreement(store, lang)
    upload = _upload(_("CBP release (CSV)"), f"{prefix}_file", lang, numeric=["Encounter Count"])
    if upload is None or not upload.ok:
        return
    release, problems = imports.read_cbp(upload)
    if release is None:
        _problem_box(problems, lang)
        return
    ngettext = i18n.ngettext_for(lang)
    st.info(escape_markdown(ngettext(
        "{file}: {rows} row for fiscal years {first} to {last}, data through {through}; {venezuelan} of them for Venezuelans.",
        "{file}: {rows} rows for fiscal years {first} to {last}, data through {through}; {venezuelan} of them for Venezuelans.", len(release.rows),
    ).format(file=release.name, rows=formats.number(len(release.rows), lang), first=release.fiscal_years[0], last=release.fiscal_years[-1],
             through=formats.partial_date(pd.Timestamp(release.last_period + "-01"), "month", lang), venezuelan=formats.number(len(release.venezuela), lang))), icon=":material/description:")
    sources = store.open_table("sources").frame
    suggested_id = imports.suggested_source_id(release.name, sources["source_id"].astype(str))
    source_id, new_source = _source_choice(store, prefix, lang, default_kind="dataset", suggestion=imports.release_source_row(release, suggested_id))
    if not source_id:
        st.caption(escape_markdown(_("Choose or describe the source to see what the release changes.")))
        return
    series_opened = store.open_table("series")
    raw_path = _raw_path(store)
    current_raw = imports.read_text_csv(raw_path.read_bytes()) if raw_path.is_file() else pd.DataFrame(columns=imports.RAW_COLUMNS, dtype=str)
    prepared = imports.prepare_cbp(upload, current_raw, series_opened.frame, sources, source_id, new_source)
    if not prepared.ok:
        _problem_box(prepared.problems, lang)
        return
    counts = prepared.counts()
    one, two, three = st.columns(3)
    one.metric(_("New periods"), formats.number(counts["new"], lang))
    two.metric(_("Revised counts"), formats.number(counts["revised"], lang))
    three.metric(_("Same count, new source"), formats.number(counts["resourced"], lang))
    show_all = st.toggle(_("Show the unchanged periods too"), key=f"{prefix}_all")
    st.dataframe(comparison_table(prepared.comparison, lang, changed_only=not show_all), hide_index=True, width="stretch")
    if not (counts["new"] or counts["revised"] or counts["resourced"]):
        st.success(escape_markdown(_("The series already holds exactly these counts: nothing to save.")), icon=":material/check_circle:")
        return
    frames = {"series": prepared.series}
    if prepared.sources is not None:
        frames["sources"] = prepared.sources
    errors = _checked("cbp", store, frames)
    _validator_box([(None, problem) for problem in editing.problems(errors, "series", frames)], release.name, lang)
    changes = store.diff("series", series_opened.frame, prepared.series)
    needs = store.needs_correction("series", changes)
    reason = st.text_input(_("Reason for the change log"), value=_("CBP release {file}").format(file=release.name), key=f"{prefix}_reason")
    correction = ""
    if needs:
        correction = st.text_area(_("Public correction note (shown on the Sources page, in changes.csv)"), value=correction_suggestion(prepared.comparison, release.name), key=f"{prefix}_correction",
                                  help=_("Published counts change, so readers are told what they were."))
    disabled = bool(errors) or not reason.strip() or (needs and not correction.strip())
    if st.button(_("Save the release"), type="primary", key=f"{prefix}_save", icon=":material/save:", disabled=disabled):
        done: list[str] = []
        ok, said = _save_source_then(store, editor, reason.strip(), new_source, lang)
        done += said
        if ok:
            result = store.save("series", prepared.series, base_digest=series_opened.digest, editor=editor, reason=reason.strip(), correction=correction.strip() or None)
            if result.ok:
                try:
                    kept = write_raw(store, imports.raw_csv_bytes(prepared.raw))
                except OSError as error:
                    st.error(escape_markdown(_("series.csv was saved (version {version}), but the raw CBP file could not be written ({problem}): upload the release again once the folder is writable.").format(
                        version=result.version_id, problem=error.strerror or str(error))), icon=":material/error:")
                    return
                done.append(_("series.csv saved (version {version}): {new} new periods, {revised} revised counts, {resourced} periods citing the new release.").format(
                    new=counts["new"], revised=counts["revised"], resourced=counts["resourced"], version=result.version_id))
                done.append(_("The raw CBP file {file} now holds the release's Venezuelan rows.").format(file=str(imports.RAW_FILE)) + (" " + _("Its previous bytes are kept in {path}.").format(path=str(kept)) if kept else ""))
                st.session_state[SAVED_KEY] = " ".join(done)
                _next_round(base)
                st.rerun()
            done.append(_refusal(result, "series", lang))
            st.error(escape_markdown(" ".join(done)), icon=":material/error:")
        else:
            st.error(escape_markdown(" ".join(done)), icon=":material/error:")


# --------------------------------------------------------------------------------------------
# ACLED exports and plain CSVs


def _mapping_editor(frame: pd.DataFrame, key: str, config: dict, disabled: list[str], height: int | None = None) -> pd.DataFrame:
    edited = st.data_editor(frame, key=key, hide_index=True, width="stretch", column_config=config, disabled=disabled, num_rows="fixed", **({"height": height} if height else {}))
    return edited.fillna("").astype(str)


def _preview_editor(prepared: imports.EventsImport, existing: pd.DataFrame, key: str, lang: str) -> tuple[pd.DataFrame, list[int]]:
    """The new rows for the editor to look over: keep or drop each (probable duplicates start dropped), retitle; returns the rows kept."""
    _ = i18n.gettext_for(lang)
    duplicates: dict[int, list[str]] = {}
    for duplicate in prepared.duplicates:
        duplicates.setdefault(duplicate.position, []).append(duplicate.text(lang))
    rows = prepared.rows
    shown = pd.DataFrame({
        "import": [position not in duplicates for position in range(len(rows))],
        "line": [str(line) for line in prepared.lines],
        "event_id": rows["event_id"], "date": rows["date"], "title": rows["title"], "event_type": rows["event_type"], "status": rows["status"],
        "place": rows["place"], "country": rows["country"], "lat": rows["lat"], "lon": rows["lon"],
        "duplicate": ["; ".join(duplicates.get(position, [])) for position in range(len(rows))],
    })
    config = {
        "import": st.column_config.CheckboxColumn(_("Import")),
        "line": st.column_config.TextColumn(_("Line")),
        "event_id": st.column_config.TextColumn(_("Event id")),
        "date": st.column_config.TextColumn(_("Date")),
        "title": st.column_config.TextColumn(_("Title"), max_chars=300),
        "event_type": st.column_config.SelectboxColumn(_("Type"), options=EVENT_TYPES),
        "status": st.column_config.SelectboxColumn(_("Status"), options=EVENT_STATUSES),
        "place": st.column_config.TextColumn(_("Place")),
        "country": st.column_config.TextColumn(_("Country")),
        "lat": st.column_config.TextColumn(_("Latitude")),
        "lon": st.column_config.TextColumn(_("Longitude")),
        "duplicate": st.column_config.TextColumn(_("Probable duplicate of")),
    }
    edited = st.data_editor(shown, key=key, hide_index=True, width="stretch", column_config=config, num_rows="fixed",
                            disabled=["line", "event_id", "date", "place", "country", "lat", "lon", "duplicate"])
    keep = edited["import"].fillna(False).astype(bool).to_numpy()
    out = rows.copy()
    for column in ("title", "event_type", "status"):
        out[column] = edited[column].fillna("").astype(str).to_numpy()
    return out[keep].reset_index(drop=True), [line for line, kept in zip(prepared.lines, keep) if kept]


def _events_import(store, editor: str, lang: str, kind: str) -> None:
    _ = i18n.gettext_for(lang)
    base = f"{KEY}_{kind}"
    prefix = _generation(base)
    _saved_message(lang)
    if kind == "acled":
        st.markdown(escape_markdown(_("Upload an ACLED export (its own columns: event_id_cnty, event_date, event_type, sub_event_type, location, latitude, longitude, geo_precision, time_precision, notes…). The tables below say how ACLED's types and precision codes become this tracker's columns; change any of them.")))
    else:
        st.markdown(escape_markdown(_("Upload a CSV of events with any columns, and say which of its columns fill each column of events.csv. A place without coordinates is looked up in the gazetteer.")))
    numeric = ["latitude", "longitude", "fatalities", "timestamp", "year", "iso"] if kind == "acled" else []
    upload = _upload(_("ACLED export (CSV)") if kind == "acled" else _("Events (CSV)"), f"{prefix}_file", lang, numeric=numeric)
    if upload is None or not upload.ok:
        return
    frame = upload.frame
    ngettext = i18n.ngettext_for(lang)
    st.caption(escape_markdown(ngettext("{file}: {count} row.", "{file}: {count} rows.", len(frame)).format(file=upload.name, count=formats.number(len(frame), lang))))
    digest = upload.sha256[:10]
    types = times = geos = None
    values: dict[str, pd.DataFrame] = {}
    text_config = {"column": st.column_config.TextColumn(_("events.csv column")), "template": st.column_config.TextColumn(_("Filled with"), help=_("Column names of the file in braces, e.g. {sub_event_type} in {location}; other text is kept as typed.")),
                   "required": st.column_config.TextColumn(_("Required"))}
    if kind == "acled":
        with st.expander(_("Event types: ACLED's type and sub-type → type and status"), expanded=False):
            table = imports.acled_type_table()
            present = sorted(set(zip(frame.get("event_type", pd.Series(dtype=str)).str.strip(), frame.get("sub_event_type", pd.Series(dtype=str)).str.strip())))
            known = set(zip(table["acled_event_type"], table["acled_sub_event_type"]))
            extra = [(kind_, sub, "", "reported") for kind_, sub in present if (kind_, sub) not in known]
            if extra:
                table = pd.concat([table, pd.DataFrame(extra, columns=table.columns, dtype=object).astype(str)], ignore_index=True)
            types = _mapping_editor(table, f"{prefix}_types_{digest}", {
                "acled_event_type": st.column_config.TextColumn(_("ACLED event type")), "acled_sub_event_type": st.column_config.TextColumn(_("ACLED sub-event type")),
                "event_type": st.column_config.SelectboxColumn(_("Type"), options=EVENT_TYPES), "status": st.column_config.SelectboxColumn(_("Status"), options=EVENT_STATUSES),
            }, ["acled_event_type", "acled_sub_event_type"])
        with st.expander(_("Date precision: ACLED's time_precision → how precise the date is"), expanded=False):
            times = _mapping_editor(imports.acled_time_table(lang), f"{prefix}_times_{digest}", {
                "time_precision": st.column_config.TextColumn("time_precision"), "date_precision": st.column_config.SelectboxColumn(_("Date kept to the"), options=imports.DATE_PRECISIONS),
                "meaning": st.column_config.TextColumn(_("Meaning")),
            }, ["time_precision", "meaning"])
        with st.expander(_("Location precision: ACLED's geo_precision → geocode and location note"), expanded=False):
            geos = _mapping_editor(imports.acled_geo_table(lang), f"{prefix}_geos_{digest}", {
                "geo_precision": st.column_config.TextColumn("geo_precision"), "geocode": st.column_config.SelectboxColumn(_("Point"), options=GEOCODE_METHODS, help=_("manual keeps ACLED's coordinates; gazetteer looks the location up offline.")),
                "location_note": st.column_config.TextColumn(_("Location note"), help=_("What the point stands for; column names in braces.")), "meaning": st.column_config.TextColumn(_("Meaning")),
            }, ["geo_precision", "meaning"])
    with st.expander(_("Columns: what fills each column of events.csv"), expanded=kind != "acled"):
        st.caption(escape_markdown(_("The file's columns: {columns}").format(columns=", ".join(frame.columns))))
        columns = _mapping_editor(imports.column_table(kind, list(frame.columns)), f"{prefix}_columns_{digest}", text_config, ["column", "required"])
    if kind == "plain":
        rendered = {target: [imports.render(template, record) for record in frame.to_dict("records")]
                    for target, template in zip(columns["column"], columns["template"]) if target in ("event_type", "status") and template.strip()}
        for target, allowed, label in (("event_type", EVENT_TYPES, _("Types: the file's values → type")), ("status", EVENT_STATUSES, _("Statuses: the file's values → status"))):
            if target in rendered:
                with st.expander(label, expanded=True):
                    values[target] = _mapping_editor(imports.value_table(rendered[target], allowed), f"{prefix}_values_{target}_{digest}", {
                        "value": st.column_config.TextColumn(_("In the file")), "maps_to": st.column_config.SelectboxColumn(_("In events.csv"), options=allowed)}, ["value"])
    suggestion = {"source_id": f"acled-export-{pd.Timestamp.today():%Y-%m-%d}", "publisher": "ACLED (Armed Conflict Location & Event Data)", "title": f"ACLED export ({upload.name})",
                  "title_kind": "description", "url": "https://acleddata.com/", "kind": "dataset", "language": "en"} if kind == "acled" else {"kind": "news", "language": "en", "title_kind": "headline"}
    source_id, new_source = _source_choice(store, prefix, lang, default_kind="dataset" if kind == "acled" else "news", suggestion=suggestion)
    if not source_id:
        st.caption(escape_markdown(_("Choose or describe the source to preview the import.")))
        return
    opened = store.open_table("events")
    prepared = imports.prepare_events(upload, kind, columns, opened.frame, source_id, types=types, times=times, geos=geos, values=values)
    if prepared.problems:
        _problem_box(prepared.problems, lang)
        return
    if prepared.duplicates:
        count = len(prepared.duplicate_positions())
        st.warning(escape_markdown(ngettext("{count} row is probably an event the tracker already has (or another row of this file): it starts unticked.",
                                            "{count} rows are probably events the tracker already has (or other rows of this file): they start unticked.", count).format(count=count)), icon=":material/content_copy:")
    st.subheader(_("Preview"))
    kept, lines = _preview_editor(prepared, opened.frame, f"{prefix}_preview_{digest}", lang)
    if kept.empty:
        st.info(escape_markdown(_("No row is ticked for import.")), icon=":material/info:")
        return
    st.pydeck_chart(_points_map(kept, lang), height=320, key=f"{prefix}_map", alt=_("Map of the {count} events to import").format(count=len(kept)))
    combined = imports.with_new_rows(opened.frame, kept)
    frames = {"events": combined}
    with_source = _sources_with(store, new_source)
    if with_source is not None:
        frames["sources"] = with_source
    errors = _checked(kind, store, frames)
    _validator_box(imports.upload_lines_of(errors, len(opened.frame), combined, lines), upload.name, lang)
    if not errors:
        st.success(escape_markdown(ngettext("{count} event is valid and ready to import.", "{count} events are valid and ready to import.", len(kept)).format(count=formats.number(len(kept), lang))), icon=":material/check:")
    reason = st.text_input(_("Reason for the change log"), value=_("Import of {file}").format(file=upload.name), key=f"{prefix}_reason")
    if st.button(_("Import the events"), type="primary", key=f"{prefix}_save", icon=":material/upload:", disabled=bool(errors) or not reason.strip()):
        ok, done = _save_source_then(store, editor, reason.strip(), new_source, lang)
        if not ok:
            st.error(escape_markdown(" ".join(done)), icon=":material/error:")
            return
        result = store.save("events", combined, base_digest=opened.digest, editor=editor, reason=reason.strip())
        if result.ok:
            done.append(ngettext("events.csv: {count} event imported (version {version}).", "events.csv: {count} events imported (version {version}).", len(kept)).format(count=len(kept), version=result.version_id))
            st.session_state[SAVED_KEY] = " ".join(done)
            _next_round(base)
            st.rerun()
        done.append(_refusal(result, "events", lang))
        st.error(escape_markdown(" ".join(done)), icon=":material/error:")


def _points_map(rows: pd.DataFrame, lang: str) -> pdk.Deck:
    points = rows.assign(lat=pd.to_numeric(rows["lat"], errors="coerce"), lon=pd.to_numeric(rows["lon"], errors="coerce")).dropna(subset=["lat", "lon"])
    points = points[["event_id", "title", "lat", "lon"]]
    layer = pdk.Layer("ScatterplotLayer", id="imported", data=points.to_dict("records"), get_position="[lon, lat]", get_fill_color=CANDIDATE, get_radius=6,
                      radius_units="'pixels'", stroked=True, get_line_color=[255, 255, 255], line_width_min_pixels=1, pickable=True)
    return maps.CompactDeck(layers=[maps.land_layer(), layer], views=[pdk.View(type="MapView", controller=True)], initial_view_state=maps.initial_view(points, 600, 320),
                            map_style=maps.MAP_STYLE, tooltip={"text": "{event_id}: {title}"})


def acled_tab(store, editor: str, lang: str) -> None:
    """An ACLED export mapped onto events.csv (types, precision codes and columns in editable tables), previewed, validated, deduplicated, imported."""
    _events_import(store, editor, lang, "acled")


def plain_csv_tab(store, editor: str, lang: str) -> None:
    """A CSV of events with the editor's column mapping, handled like an ACLED export."""
    _events_import(store, editor, lang, "plain")
