"""The Editor page: sign-in, the state of the files, editing a table with validation and a preview, saving, history, restore.

The page is for signed-in editors only. Anyone may open /editor, but without a sign-in it shows a
sign-in form and stops: no table, no uploader, no data. The desk's back end is components.desk.store
(the CSVs, versions and the change log) and components.desk.auth (who may sign in); the pure parts of
the table editor are in components.desk.editing.

What a session keeps (st.session_state):
- the signed-in editor's name and the time of their last run (signed out after auth.INACTIVITY_SECONDS
  without one; unsaved edits stay in the session, for the same editor to find after signing in again);
- per table: the text as opened (with its digest, the base of the conflict check), the working copy
  the grid shows, and the table with the grid's edits as of the last run.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from datetime import date, datetime, time as clock, timezone
from pathlib import Path

import pandas as pd
import streamlit as st

from components import datadocs, datasets, i18n, widgets
from components.desk import auth, editing, import_views
from components.desk import store as desk_store
from components.i18n import N_, formats
from components.safety import escape_markdown
from components.schemas import DATA_FILES, TABLES
from components.validation import data_dir

EDITOR_KEY = "desk_editor"  # the editor signed in with a password (OIDC sign-ins live in st.user)
ACTIVE_KEY = "desk_last_active"  # time.time() of the signed-in editor's last run
OWNER_KEY = "desk_owner"  # whose unsaved edits the session holds
SIGNED_OUT_KEY = "desk_signed_out"  # why the editor was signed out, shown once on the form
OPEN_KEY = "desk_open"  # table -> what the editor opened and edits (see _Entry)
SAVED_KEY = "desk_saved"  # the last successful save or restore, shown once
CHECKS_KEY = "desk_checks"  # (table, digest of the candidate bytes) -> errors and preview, computed once
MAX_CHECKS = 8
MAX_LISTED = 100  # problems listed one by one; the rest are counted

_clock = time.time  # the tests move time forward


# --------------------------------------------------------------------------------------------
# Sign-in


def _oidc_user() -> str | None:
    """The identity provider's user, when st.login is configured and someone signed in with it."""
    if not auth.oidc_configured():
        return None
    user = st.user
    if not user.get("is_logged_in", False):
        return None
    return str(user.get("email") or user.get("name") or user.get("sub") or "editor")


def signed_in_editor() -> str | None:
    """The editor signed in in this session, or None. Each run counts as activity; a run after
    auth.INACTIVITY_SECONDS without one signs the session out first."""
    name = st.session_state.get(EDITOR_KEY) or _oidc_user()
    if not name:
        return None
    now = _clock()
    last = st.session_state.get(ACTIVE_KEY)
    if last is not None and now - last > auth.INACTIVITY_SECONDS:
        sign_out(expired=True)
        return None
    st.session_state[ACTIVE_KEY] = now
    return name


def sign_out(expired: bool = False) -> None:
    """End the sign-in. A manual sign-out also drops unsaved edits; an automatic one keeps them for the same editor."""
    st.session_state.pop(EDITOR_KEY, None)
    st.session_state.pop(ACTIVE_KEY, None)
    if expired:
        st.session_state[SIGNED_OUT_KEY] = "expired"
    else:
        for key in (OPEN_KEY, OWNER_KEY, CHECKS_KEY, SAVED_KEY):
            st.session_state.pop(key, None)
    if _oidc_user():
        st.logout()


def _store_key() -> tuple[str, str, str]:
    return os.environ.get("TDA_DATABASE_URL", ""), os.environ.get("TDA_STATE_DIR", ""), str(data_dir())


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_store(database_url: str, state_dir: str, directory: str) -> tuple[desk_store.Store, list[str]]:
    """One store per database and data folder, shared by every session; an interrupted save is repaired when it is made."""
    store = desk_store.Store(data_dir=Path(directory))
    return store, list(store.recover())


def get_store() -> desk_store.Store:
    return _cached_store(*_store_key())[0]


def _recovered() -> list[str]:
    return _cached_store(*_store_key())[1]


def _wait_words(seconds: float, lang: str) -> str:
    ngettext = i18n.ngettext_for(lang)
    whole = max(1, int(seconds + 0.999))
    return ngettext("{n} second", "{n} seconds", whole).format(n=formats.number(whole, lang))


def _sign_in_refused(result: auth.SignIn, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    if result.message == auth.NO_EDITORS:
        st.error(_("No editor can sign in yet: add one on the server with make editor-add EDITOR=name."), icon=":material/person_off:")
    elif result.locked_until is not None:
        minutes = max(1, math.ceil(result.wait_seconds / 60))
        ngettext = i18n.ngettext_for(lang)
        st.error(ngettext(
            "Too many failed sign-ins for this name. Signing in with it is locked for {n} more minute.",
            "Too many failed sign-ins for this name. Signing in with it is locked for {n} more minutes.",
            minutes,
        ).format(n=formats.number(minutes, lang)), icon=":material/lock:")
    elif result.message == auth.TOO_SOON:
        st.error(_("That was too soon after a failed sign-in. Wait {wait} before trying again.").format(wait=_wait_words(result.wait_seconds, lang)), icon=":material/timer:")
    elif result.wait_seconds > 0:
        st.error(_("Wrong name or password. Wait {wait} before trying again.").format(wait=_wait_words(result.wait_seconds, lang)), icon=":material/timer:")
    else:
        st.error(_("Wrong name or password."), icon=":material/error:")


def sign_in_form(lang: str) -> None:
    """The sign-in form and nothing else: a newsroom account (st.login) when configured, else name and password."""
    _ = i18n.gettext_for(lang)
    st.title(_("Editor"))
    if st.session_state.pop(SIGNED_OUT_KEY, None) == "expired":
        minutes = auth.INACTIVITY_SECONDS // 60
        st.info(_("You were signed out after {minutes} minutes without activity. Sign in again to go on: your unsaved edits are kept in this browser tab.").format(minutes=minutes), icon=":material/schedule:")
    st.markdown(_("This page is for the tracker's editors. Sign in to edit the data."))
    if auth.oidc_configured():
        if st.button(_("Sign in with your newsroom account"), key="desk_oidc", type="primary", icon=":material/login:"):
            st.login()
        return
    with st.form("desk_signin", clear_on_submit=True, enter_to_submit=True):
        name = st.text_input(_("Editor name"), key="desk_signin_name", autocomplete="username", max_chars=100)
        password = st.text_input(_("Password"), key="desk_signin_password", type="password", autocomplete="current-password", max_chars=1000)
        submitted = st.form_submit_button(_("Sign in"), type="primary", icon=":material/login:")
    if not submitted:
        return
    name = (name or "").strip()
    if not name or not password:
        st.error(_("Enter your editor name and your password."))
        return
    result = auth.verify(name, password, get_store())
    del password
    if not result.ok:
        _sign_in_refused(result, lang)
        return
    if st.session_state.get(OWNER_KEY) not in (None, name):  # another editor's unsaved edits never pass to this one
        for key in (OPEN_KEY, CHECKS_KEY, SAVED_KEY):
            st.session_state.pop(key, None)
    st.session_state[EDITOR_KEY] = name
    st.session_state[OWNER_KEY] = name
    st.session_state[ACTIVE_KEY] = _clock()
    st.rerun()


# --------------------------------------------------------------------------------------------
# The state of the files on disk


def _error_rows(errors, lang: str) -> pd.DataFrame:
    pgettext = i18n.pgettext_for(lang)
    rows = [
        {
            pgettext("problem list header", "file"): error.file,
            pgettext("problem list header", "line"): error.row,
            pgettext("problem list header", "column"): error.column or "",
            pgettext("problem list header", "value"): "" if error.value is None else error.value,
            pgettext("problem list header", "problem"): editing.rule_words(error.rule, lang),
            pgettext("problem list header", "details"): editing.message_text(error.message, lang),
        }
        for error in errors
    ]
    return pd.DataFrame(rows)


def files_status(lang: str) -> None:
    """For editors: whether the files on disk are valid, their problems, shrunken tables and snapshot or recovery notes."""
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    state = datasets.load_state()
    for sentence in _recovered():
        st.info(escape_markdown(editing.message_text(sentence, lang)), icon=":material/build:")
    if state.errors:
        count = state.error_count or len(state.errors)
        st.error(
            ngettext(
                "The files on disk have {n} problem. Readers see the last checked version (data version {version}) until it is fixed.",
                "The files on disk have {n} problems. Readers see the last checked version (data version {version}) until they are fixed.",
                count,
            ).format(n=formats.number(count, lang), version=state.version[:6] or "—"),
            icon=":material/report:",
        )
        with st.expander(_("Problems in the files on disk"), expanded=True):
            st.dataframe(_error_rows(state.errors, lang), hide_index=True, key="desk_disk_errors")
    else:
        st.success(_("The files on disk are valid; readers see them (data version {version}).").format(version=state.version[:6]), icon=":material/check_circle:")
    # Shrunken tables and problems with the last good copy on disk (the same sentences make validate prints).
    for warning in datasets.editor_warnings():
        st.warning(escape_markdown(editing.message_text(warning, lang)), icon=":material/warning:")
    if datasets.row_loss_warnings() and st.button(_("These rows were removed on purpose: make the shorter tables the last good data"), key="desk_confirm_rows"):
        if datasets.confirm_current_data():
            st.rerun()
    stale = datasets.stale_translations()
    if stale:
        with st.expander(ngettext("{n} translation is older than the cell it translates", "{n} translations are older than the cells they translate", len(stale)).format(n=formats.number(len(stale), lang))):
            st.dataframe(_error_rows(stale, lang), hide_index=True, key="desk_stale")


# --------------------------------------------------------------------------------------------
# Editing one table


def _file_digest(table: str) -> str:
    path = data_dir() / TABLES[table].filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _text_frames(store: desk_store.Store) -> dict[str, pd.DataFrame]:
    """The tables on disk as text, for reference choices and to name the rows of errors in other files."""
    frames = {}
    for name in DATA_FILES:
        try:
            frames[name] = store.open_table(name).frame
        except Exception:  # noqa: BLE001 - a missing or unreadable file is one of the errors listed
            continue
    return frames


def _open(store: desk_store.Store, table: str, lang: str, frame: pd.DataFrame | None = None, opened=None) -> dict:
    """A fresh entry for table: as opened now (or as given), the working copy, the grid's column editors."""
    opened = opened or store.open_table(table)
    working = opened.frame if frame is None else frame
    frames = _text_frames(store)
    specs = editing.column_specs(table, lang, working, editing.reference_choices(frames, table))
    generation = st.session_state.get("desk_generation", 0) + 1
    st.session_state["desk_generation"] = generation
    return {
        "table": table,
        "digest": opened.digest,
        "opened": opened.frame,
        "working": working,
        "candidate": working,
        "specs": specs,
        "lang": lang,
        "grid": f"desk_grid_{table}_{generation}",
        "conflict": None,
        "overlaps": [],
    }


def _entries() -> dict[str, dict]:
    return st.session_state.setdefault(OPEN_KEY, {})


def _entry(store: desk_store.Store, table: str, lang: str) -> dict:
    """The table's entry; the other tables' edits are folded into their working copies (their grids are not drawn this run)."""
    entries = _entries()
    for name, other in entries.items():
        if name != table and not editing.same_text(other["candidate"], other["working"]):
            entries[name] = {**_open(store, name, other["lang"], other["candidate"], _Opened(name, other["digest"], other["opened"])), "conflict": other["conflict"]}
    entry = entries.get(table)
    if entry is None:
        entry = entries[table] = _open(store, table, lang)
    elif entry["lang"] != lang or (entry["grid"] not in st.session_state and not editing.same_text(entry["candidate"], entry["working"])):
        # new words for the column help (or a grid not drawn last run): keep the edits, draw the grid afresh
        entry = entries[table] = {**_open(store, table, lang, entry["candidate"], _Opened(table, entry["digest"], entry["opened"])), "conflict": entry["conflict"], "overlaps": entry["overlaps"]}
    return entry


class _Opened:
    """A table as opened earlier, kept in the session (the shape of store.Opened)."""

    def __init__(self, table: str, digest: str, frame: pd.DataFrame):
        self.table, self.digest, self.frame = table, digest, frame


def _checked(store: desk_store.Store, table: str, candidate: pd.DataFrame, changes: list, lang: str) -> dict:
    """The validator's errors for the package with candidate, and (when valid) what readers would see: once per content."""
    data = desk_store.csv_bytes(table, candidate)
    key = (table, hashlib.sha256(data).hexdigest(), lang, datasets.data_version())
    checks = st.session_state.setdefault(CHECKS_KEY, {})
    if key in checks:
        return checks[key]
    errors = list(store.check(table, candidate))
    preview = None
    if not errors:
        after = editing.package_with(data_dir(), table, data)
        state = datasets.load_state()
        if after.valid and state.has_data:
            drawn = _drawn_now(state.version, table, editing.preview_lang(table, lang))
            preview = editing.preview(table, state.package.tables, after.tables, lang, {change.record_id for change in changes}, drawn)
    while len(checks) >= MAX_CHECKS:
        checks.pop(next(iter(checks)))
    checks[key] = {"errors": errors, "preview": preview}
    return checks[key]


@st.cache_data(show_spinner=False, max_entries=32)
def _drawn_now(version: str, table: str, lang: str) -> dict:
    """The charts of table as readers see them now (the data version served), drawn once for every edit and editor."""
    return editing.draw_charts(editing.CHARTS_BY_TABLE.get(table, ()), datasets.load_state().package.tables, lang)


def _problem_list(found: list[editing.Problem], table: str, lang: str) -> None:
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    here = [problem for problem in found if problem.file == TABLES[table].filename]
    elsewhere = [problem for problem in found if problem.file != TABLES[table].filename]
    st.error(
        ngettext("{n} problem to fix before saving:", "{n} problems to fix before saving:", len(found)).format(n=formats.number(len(found), lang)),
        icon=":material/error:",
    )
    lines = []
    for problem in (here + elsewhere)[:MAX_LISTED]:
        where = [problem.file]
        if problem.line:
            where.append(_("line {line}").format(line=problem.line))
        if problem.record_id:
            where.append(_("record {record}").format(record=problem.record_id))
        if problem.column:
            where.append(_("column {column}").format(column=problem.column))
        value = "" if problem.value in (None, "") else " " + _("(value: {value})").format(value=problem.value)
        detail = editing.message_text(problem.message, lang)
        lines.append(f"- **{escape_markdown(' · '.join(where))}**: {escape_markdown(editing.rule_words(problem.rule, lang))}{escape_markdown(value)}: {escape_markdown(detail)}")
    if len(found) > MAX_LISTED:
        lines.append("- " + escape_markdown(_("…and {n} more.").format(n=formats.number(len(found) - MAX_LISTED, lang))))
    st.markdown("\n".join(lines))


def _card_value(card) -> str:
    return "—" if card is None else card.value


def _preview(preview: editing.Preview | None, changes: list, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    st.subheader(_("What readers will see"))
    if preview is None:
        st.info(_("The preview appears when the edited data is valid."))
    else:
        for card in preview.cards:
            heading = card.heading
            st.markdown(
                escape_markdown(_("Overview card “{heading}”: {before} → {after}").format(heading=heading, before=_card_value(card.before), after=_card_value(card.after)))
            )
        for chart in preview.charts:
            st.markdown(f"**{escape_markdown(chart.title)}**")
            after_tab, before_tab = st.tabs([_("With your change"), _("As readers see it now")])
            with after_tab:
                if chart.after is not None:
                    st.plotly_chart(chart.after, key=f"desk_after_{chart.chart_id}", config={"displayModeBar": False})
            with before_tab:
                if chart.before is not None:
                    st.plotly_chart(chart.before, key=f"desk_before_{chart.chart_id}", config={"displayModeBar": False})
        if not preview.cards and not preview.charts:
            st.caption(_("No chart and no overview card changes."))
        if preview.rows is not None and len(preview.rows):
            st.markdown("**" + escape_markdown(_("The changed rows as the pages get them")) + "**")
            st.dataframe(preview.rows, hide_index=True, key="desk_reader_rows")
    st.markdown("**" + escape_markdown(_("Cells changed")) + "**")
    st.dataframe(editing.changes_frame(changes, lang), hide_index=True, key="desk_changes")


def _conflict(store: desk_store.Store, entry: dict, candidate: pd.DataFrame, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    conflict = entry["conflict"]
    st.warning(_("Another editor saved {file} after you opened it, so nothing was written. Their changes:").format(file=TABLES[entry["table"]].filename), icon=":material/merge_type:")
    st.dataframe(editing.changes_frame(conflict.theirs, lang), hide_index=True, key="desk_theirs")
    left, right = st.columns(2)
    if left.button(_("Load their version and reapply my changes"), key="desk_reapply", type="primary"):
        current = store.open_table(entry["table"])
        merged, overlaps = editing.reapply(entry["opened"], candidate, current.frame, entry["table"])
        _entries()[entry["table"]] = {**_open(store, entry["table"], lang, merged, current), "overlaps": overlaps}
        st.rerun()
    if right.button(_("Discard my changes and load their version"), key="desk_discard_mine"):
        _entries()[entry["table"]] = _open(store, entry["table"], lang)
        st.rerun()


def _overlaps(entry: dict, lang: str) -> None:
    if not entry["overlaps"]:
        return
    _, pgettext = i18n.gettext_for(lang), i18n.pgettext_for(lang)
    st.warning(_("You and the other editor changed the same cells or rows. The table now holds your values; theirs are listed here, check them before saving."), icon=":material/call_merge:")
    rows = [
        {
            pgettext("overlap header", "record"): overlap.record_id,
            pgettext("overlap header", "column"): overlap.column or _("(whole row)"),
            pgettext("overlap header", "when you opened it"): overlap.opened or "",
            pgettext("overlap header", "theirs"): overlap.theirs if overlap.theirs is not None else _("(removed)"),
            pgettext("overlap header", "yours"): overlap.mine if overlap.mine is not None else _("(removed)"),
        }
        for overlap in entry["overlaps"]
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="desk_overlaps")


def _save_form(store: desk_store.Store, entry: dict, candidate: pd.DataFrame, changes: list, valid: bool, editor: str, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    table = entry["table"]
    correction_needed = bool(changes) and store.needs_correction(table, changes)
    with st.form(f"desk_save_{entry['grid']}", clear_on_submit=False, enter_to_submit=False):
        reason = st.text_area(_("Why this change? (for the change log)"), key=f"desk_reason_{entry['grid']}", max_chars=2000, placeholder=_("e.g. Date corrected from the court's docket"))
        correction = None
        if correction_needed:
            st.caption(_("Readers have already seen these rows: the change is a correction, logged in public on the Sources page."))
            correction = st.text_area(_("Public correction note"), key=f"desk_correction_{entry['grid']}", max_chars=2000, placeholder=_("e.g. The date of the raid was 20 September 2023, not 21 September."))
        submitted = st.form_submit_button(_("Save"), type="primary", icon=":material/save:", disabled=not (valid and changes))
    if not changes:
        st.caption(_("Nothing to save yet: edit a cell, add a row at the bottom of the table or select rows to delete them."))
    elif not valid:
        st.caption(_("Saving is possible once every problem is fixed."))
    if not submitted:
        return
    if not (reason or "").strip():
        st.error(_("Say why you made this change: the reason goes into the change log."))
        return
    if correction_needed and not (correction or "").strip():
        st.error(_("Write the public correction note: readers see it on the Sources page."))
        return
    started = time.perf_counter()
    result = store.save(table, candidate, base_digest=entry["digest"], editor=editor, reason=reason.strip(), correction=(correction or "").strip() or None)
    seconds = time.perf_counter() - started
    if result.ok:
        st.session_state[SAVED_KEY] = {"table": table, "version": result.version_id, "changes": list(result.changes), "seconds": seconds, "kind": "save"}
        _entries()[table] = _open(store, table, lang)
        st.session_state.pop(CHECKS_KEY, None)
        st.rerun()
    elif result.conflict is not None:
        entry["conflict"] = result.conflict
        st.rerun()
    elif result.errors:
        st.error(_("The save was refused: the data is not valid (the files on disk may have changed)."))
        st.session_state.pop(CHECKS_KEY, None)
    else:
        st.error(escape_markdown(_store_message(result.message, lang)))


def _store_message(message: str, lang: str) -> str:
    """A refusal of the store in the editor's language (its fixed sentences are in the catalogue), else marked English."""
    _ = i18n.gettext_for(lang)
    if not message:
        return _("Nothing was written.")
    translated = _(message)
    return translated if translated != message else editing.message_text(message, lang)


# The store's fixed refusals, for the catalogue (components/desk/store.py says them in English).
STORE_MESSAGES = (
    N_("Say why you made this change: the reason goes into the change log."),
    N_("Write the public correction note: readers have already seen these rows."),
    N_("Nothing changed: there is nothing to save."),
    N_("The file on disk is already this version: there is nothing to restore."),
    N_("There is no such version of this table."),
)


def _saved_notice(lang: str) -> None:
    saved = st.session_state.pop(SAVED_KEY, None)
    if not saved:
        return
    _, ngettext = i18n.gettext_for(lang), i18n.ngettext_for(lang)
    count = len(saved["changes"])
    if saved["kind"] == "restore":
        text = _("Restored {file} to an earlier version; saved as version {version}.")
    else:
        text = _("Saved {file} as version {version}.")
    cells = ngettext("{n} cell changed.", "{n} cells changed.", count).format(n=formats.number(count, lang))
    st.success(escape_markdown(text.format(file=TABLES[saved["table"]].filename, version=saved["version"]) + " " + cells + " " + _("Readers see it on their next page load.")), icon=":material/check_circle:")
    if saved["changes"]:
        with st.expander(_("What was saved")):
            st.dataframe(editing.changes_frame(saved["changes"], lang), hide_index=True, key="desk_saved_changes")


def _table_words(table: str, lang: str) -> str:
    return f"{TABLES[table].filename}: {datadocs.row_is(TABLES[table], lang)}"


def edit_tab(store: desk_store.Store, editor: str, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    _saved_notice(lang)
    table = st.selectbox(_("Table"), DATA_FILES, key="desk_table", format_func=lambda name: _table_words(name, lang))
    entry = _entry(store, table, lang)
    if entry["digest"] != _file_digest(table) and entry["conflict"] is None:
        st.info(_("{file} has changed on disk since you opened it. Saving will show you what changed, to reapply your edits on it.").format(file=TABLES[table].filename), icon=":material/sync_problem:")
    st.caption(
        _("Click a cell to edit it; add rows at the bottom; select rows by their left edge to delete them. Columns marked * are required; hover a column's name for what it holds and its rules.")
    )
    st.data_editor(
        editing.editor_frame(entry["working"], entry["specs"]),
        key=entry["grid"],
        num_rows="dynamic",
        hide_index=True,
        column_config=editing.column_config(entry["specs"]),
        width="stretch",
        height=420,
    )
    candidate = editing.apply_edit_state(entry["working"], st.session_state.get(entry["grid"]), entry["specs"])
    entry["candidate"] = candidate
    changes = list(store.diff(table, entry["opened"], candidate))
    if entry["conflict"] is not None:
        _conflict(store, entry, candidate, lang)
    _overlaps(entry, lang)
    checked = _checked(store, table, candidate, changes, lang) if changes else {"errors": [], "preview": None}
    found = editing.problems(checked["errors"], table, {**_text_frames(store), table: candidate}) if checked["errors"] else []
    if found:
        _problem_list(found, table, lang)
        styled = editing.highlighted(candidate, found, table, lang)
        if styled is not None:
            st.markdown("**" + escape_markdown(_("Rows with problems (wrong cells marked ⚠)")) + "**")
            st.dataframe(styled, hide_index=True, key="desk_problem_rows")
    elif changes:
        st.success(_("The edited data is valid."), icon=":material/check:")
    if changes:
        _preview(checked["preview"], changes, lang)
    _save_form(store, entry, candidate, changes, not found, editor, lang)
    if changes and st.button(_("Discard my unsaved changes to this table"), key=f"desk_discard_{entry['grid']}"):
        _entries()[table] = _open(store, table, lang)
        st.rerun()


# --------------------------------------------------------------------------------------------
# History and restore


def _day_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, clock.min, tzinfo=timezone.utc)


def _day_end(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, clock.max, tzinfo=timezone.utc)


def history_tab(store: desk_store.Store, lang: str) -> None:
    _ = i18n.gettext_for(lang)
    everything = _("All")
    left, middle, right = st.columns(3)
    table = left.selectbox(_("Table"), [everything, *DATA_FILES], key="desk_history_table", format_func=lambda name: name if name == everything else TABLES[name].filename)
    record = middle.text_input(_("Record id"), key="desk_history_record", max_chars=200).strip()
    editor = right.text_input(_("Editor"), key="desk_history_editor", max_chars=100).strip()
    start_column, end_column = st.columns(2)
    since = start_column.date_input(_("From"), value=None, key="desk_history_since", format="YYYY-MM-DD")
    until = end_column.date_input(_("To"), value=None, key="desk_history_until", format="YYYY-MM-DD")
    if since and until and since > until:
        st.error(_("The start date is after the end date."))
        return
    log = store.history(
        table=None if table == everything else table, record_id=record or None, editor=editor or None, since=_day_start(since), until=_day_end(until)
    )
    ngettext = i18n.ngettext_for(lang)
    st.caption(ngettext("{n} change", "{n} changes", len(log)).format(n=formats.number(len(log), lang)))
    st.dataframe(history_frame(log, lang), hide_index=True, key="desk_history")
    if len(log):
        widgets.download_csv(log, "change-log.csv", key="desk_history_csv")


def history_frame(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The change log as the page shows it: times in UTC, kinds in words, headers in the editor's language."""
    pgettext = i18n.pgettext_for(lang)
    kinds = {
        "changed": pgettext("cell change", "changed"),
        "added": pgettext("cell change", "added"),
        "removed": pgettext("cell change", "removed"),
        "restored": pgettext("cell change", "restored"),
    }
    headers = {
        "at": pgettext("desk history header", "when (UTC)"),
        "editor": pgettext("desk history header", "editor"),
        "table": pgettext("desk history header", "table"),
        "record_id": pgettext("desk history header", "record"),
        "column": pgettext("desk history header", "column"),
        "before": pgettext("desk history header", "before"),
        "after": pgettext("desk history header", "after"),
        "kind": pgettext("desk history header", "change"),
        "reason": pgettext("desk history header", "reason"),
        "version_id": pgettext("desk history header", "version"),
    }
    shown = log.drop(columns=[column for column in ("change_id",) if column in log.columns]).copy()
    if "at" in shown:
        shown["at"] = pd.to_datetime(shown["at"], utc=True).dt.strftime("%Y-%m-%d %H:%M:%S")
    if "kind" in shown:
        shown["kind"] = [kinds.get(str(kind), str(kind)) for kind in shown["kind"]]
    return shown.rename(columns={key: value for key, value in headers.items() if key in shown.columns})


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if hasattr(moment, "strftime") else str(moment or "")


def _version_kind(kind: str, lang: str) -> str:
    pgettext = i18n.pgettext_for(lang)
    words = {
        "first_seen": pgettext("version kind", "as the desk first found it"),
        "found_on_disk": pgettext("version kind", "changed outside the desk"),
        "save": pgettext("version kind", "saved"),
        "restore": pgettext("version kind", "restored"),
        "recovered": pgettext("version kind", "recovered after an interrupted save"),
    }
    return words.get(kind, kind)


def _version_reason(version, lang: str) -> str:
    """The editor's reason as typed; the desk's own words for the versions it recorded itself."""
    if getattr(version, "kind", "save") in ("first_seen", "found_on_disk"):
        return ""
    return version.reason or ""


def _version_words(version, lang: str) -> str:
    reason = _version_reason(version, lang) or _version_kind(getattr(version, "kind", "save"), lang)
    return f"#{version.id} · {_when(version.saved_at)} UTC · {version.editor or '—'} · {reason[:60]}"


def versions_tab(store: desk_store.Store, editor: str, lang: str) -> None:
    _, pgettext = i18n.gettext_for(lang), i18n.pgettext_for(lang)
    table = st.selectbox(_("Table"), DATA_FILES, key="desk_versions_table", format_func=lambda name: TABLES[name].filename)
    versions = list(store.versions(table))
    if not versions:
        st.info(_("No earlier version of this table is kept yet."))
        return
    rows = [
        {
            pgettext("version header", "version"): version.id,
            pgettext("version header", "saved (UTC)"): _when(version.saved_at),
            pgettext("version header", "how"): _version_kind(getattr(version, "kind", "save"), lang),
            pgettext("version header", "editor"): version.editor or "",
            pgettext("version header", "reason"): _version_reason(version, lang),
            pgettext("version header", "bytes"): version.size,
            pgettext("version header", "digest"): (version.digest or "")[:12],
        }
        for version in versions
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="desk_versions")
    by_id = {version.id: version for version in versions}
    chosen = st.selectbox(_("Version"), list(by_id), key=f"desk_version_{table}", format_func=lambda number: _version_words(by_id[number], lang))
    data = store.version_bytes(chosen)
    st.download_button(_("Download this version"), data, file_name=f"{table}-version-{chosen}.csv", mime="text/csv", key=f"desk_version_csv_{table}", icon=":material/download:")
    with st.form(f"desk_restore_{table}"):
        st.markdown(escape_markdown(_("Restoring puts these exact bytes back as {file}, after checking that the whole data is valid with them. It is logged as a change, and can itself be undone.").format(file=TABLES[table].filename)))
        reason = st.text_area(_("Why restore this version? (for the change log)"), key=f"desk_restore_reason_{table}", max_chars=2000)
        sure = st.checkbox(_("Yes, restore version {version}").format(version=chosen), key=f"desk_restore_sure_{table}")
        submitted = st.form_submit_button(_("Restore this version"), icon=":material/restore:")
    if not submitted:
        return
    if not sure:
        st.error(_("Tick the box to confirm the restore."))
        return
    if not (reason or "").strip():
        st.error(_("Say why you restore this version: the reason goes into the change log."))
        return
    result = store.restore(table, chosen, editor=editor, reason=reason.strip())
    if result.ok:
        st.session_state[SAVED_KEY] = {"table": table, "version": result.version_id, "changes": list(result.changes), "seconds": 0.0, "kind": "restore"}
        _entries().pop(table, None)
        st.session_state.pop(CHECKS_KEY, None)
        st.rerun()
    elif result.errors:
        st.error(_("This version cannot be restored: the data would not be valid with it."))
        st.dataframe(_error_rows(result.errors, lang), hide_index=True, key="desk_restore_errors")
    else:
        st.error(escape_markdown(_store_message(result.message, lang)))


# --------------------------------------------------------------------------------------------
# The page


def render() -> None:
    """The whole page: the sign-in form (then stop) for anyone not signed in, else the desk."""
    lang = widgets.current_lang()
    _ = i18n.gettext_for(lang)
    editor = signed_in_editor()
    if editor is None:
        sign_in_form(lang)
        st.stop()
    store = get_store()
    st.title(_("Editor"))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(escape_markdown(_("Signed in as {name}.").format(name=editor)))
        if st.button(_("Sign out"), key="desk_sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
    unsaved = [TABLES[name].filename for name, entry in _entries().items() if not editing.same_text(entry["candidate"], entry["opened"])]
    if unsaved:
        st.caption(escape_markdown(_("Unsaved changes in: {files}. Signing out discards them.").format(files=", ".join(unsaved))))
    files_status(lang)
    edit, new_event, cbp, acled, plain, history, versions = st.tabs(
        [_("Edit a table"), _("New event"), _("CBP release"), _("ACLED export"), _("Events from a CSV"), _("Change log"), _("Versions and restore")]
    )
    with edit:
        edit_tab(store, editor, lang)
    with new_event:
        import_views.new_event_tab(store, editor, lang)
    with cbp:
        import_views.cbp_tab(store, editor, lang)
    with acled:
        import_views.acled_tab(store, editor, lang)
    with plain:
        import_views.plain_csv_tab(store, editor, lang)
    with history:
        history_tab(store, lang)
    with versions:
        versions_tab(store, editor, lang)
