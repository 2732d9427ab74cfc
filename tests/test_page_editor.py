"""The Editor page with AppTest: a sign-in form and nothing else for anyone not signed in; for editors, edits checked
before saving, saved exactly, logged, seen by readers on the next run; history and restore."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from components.desk import auth, page
from components.desk.store import Store
from tests.conftest import ROOT
from tests.helpers import APP, read_rows, write_rows

EDITOR_PAGE = "app_pages/editor.py"  # relative to the repository
NAME, PASSWORD = "ana", "correct horse battery staple"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return auth.hash_password(PASSWORD)


@pytest.fixture
def desk(data_copy, tmp_path, monkeypatch) -> Path:
    """A private data copy and state folder for the desk (its database, versions and sign-in throttling)."""
    monkeypatch.setenv("TDA_DATA_DIR", str(data_copy))
    monkeypatch.setenv("TDA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("TDA_DATABASE_URL", raising=False)
    return data_copy


def app(password_hash: str, script: str = APP) -> AppTest:
    at = AppTest.from_file(str(ROOT / script) if script != APP else APP, default_timeout=90)
    at.secrets["editors"] = {NAME: password_hash}
    return at


def signed_in(password_hash: str, table: str | None = None, lang: str | None = None) -> AppTest:
    """The Editor page for a signed-in editor (the session state the sign-in form sets)."""
    at = app(password_hash)
    if lang:
        at.query_params["lang"] = lang
    at.session_state[page.EDITOR_KEY] = NAME
    at.session_state[page.OWNER_KEY] = NAME
    at.run()
    at.switch_page(EDITOR_PAGE).run()
    assert not at.exception, at.exception
    if table:
        at.selectbox(key="desk_table").set_value(table).run()
        assert not at.exception, at.exception
    return at


def edit(at: AppTest, table: str, state: dict) -> AppTest:
    """What the grid sends when the editor types: its edit state, written to the widget's key (tech notes, section 2)."""
    grid = at.session_state[page.OPEN_KEY][table]["grid"]
    at.session_state[grid] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **state}
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [element.value for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "subheader") for element in at.get(kind)]
    return "\n".join(str(part) for part in parts)


def unescaped(text: str) -> str:
    return text.replace("\\", "")


def save_button(at: AppTest):
    return next(button for button in at.button if button.label == "Save")


def fill_and_save(at: AppTest, reason: str, correction: str | None = None) -> AppTest:
    at.text_area(key=[area.key for area in at.text_area if area.key.startswith("desk_reason_")][0]).input(reason)
    corrections = [area.key for area in at.text_area if area.key.startswith("desk_correction_")]
    if correction is not None:
        assert corrections, "a correction note was expected"
    if corrections:
        at.text_area(key=corrections[0]).input(correction or "A public note on the correction.")
    save_button(at).click().run()
    assert not at.exception, at.exception
    return at


def assert_only_the_form(at: AppTest, data_copy: Path) -> None:
    assert not at.exception, at.exception
    assert [box.label for box in at.text_input] == ["Editor name", "Password"]
    assert at.text_input[1].proto.type == at.text_input[1].proto.PASSWORD
    for kind in ("data_editor", "dataframe", "file_uploader", "plotly_chart", "deck_gl_json_chart", "table", "tabs", "download_button"):
        assert len(at.get(kind)) == 0, f"an anonymous visitor sees a {kind}"
    shown = unescaped(texts(at))
    _, events = read_rows(data_copy / "events.csv")
    _, figures = read_rows(data_copy / "figures.csv")
    for row in events[:10]:
        assert row["title"] not in shown and row["event_id"] not in shown
    for row in figures[:10]:
        assert row["label"] not in shown
    assert "events.csv" not in shown


# --------------------------------------------------------------------------------------------
# Anonymous


@pytest.fixture
def navigation_pages(monkeypatch) -> list:
    """The pages the dashboard gave st.navigation on its last run (filled as the app runs)."""
    pages: list = []
    real = streamlit.navigation

    def recording(entries, *args, **kwargs):
        pages[:] = list(entries)
        return real(entries, *args, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording)
    return pages


def test_anonymous_by_navigation_sees_only_the_sign_in_form(desk, password_hash, navigation_pages):
    pages = navigation_pages
    at = app(password_hash).run()
    editor = next(entry for entry in pages if entry.url_path == "editor")
    assert editor.visibility == "hidden"  # not in the navigation
    at.switch_page(EDITOR_PAGE).run()
    assert_only_the_form(at, desk)


def test_anonymous_running_the_page_script_directly_sees_only_the_form(desk, password_hash):
    at = app(password_hash, EDITOR_PAGE).run()
    assert_only_the_form(at, desk)


def test_the_editor_page_is_in_the_navigation_once_signed_in(desk, password_hash, navigation_pages):
    pages = navigation_pages
    signed_in(password_hash)
    assert next(entry for entry in pages if entry.url_path == "editor").visibility == "visible"


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="desk_signin_name").input(name)
    at.text_input(key="desk_signin_password").input(password)
    next(button for button in at.button if button.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def test_a_wrong_password_is_refused_and_throttled_without_echoing_it(desk, password_hash, monkeypatch):
    monkeypatch.setattr(auth, "FIRST_WAIT_SECONDS", 60.0)  # the delay after a failure outlasts the test's next try
    at = app(password_hash, EDITOR_PAGE).run()
    sign_in(at, NAME, "not the password")
    refused = unescaped(texts(at))
    assert "Wrong name or password" in refused
    assert "not the password" not in refused and password_hash not in refused
    assert "Wait 1 minute" not in refused and "Wait 60 seconds" in refused
    sign_in(at, NAME, PASSWORD)  # the right password, but before the delay is over: refused unchecked
    assert "too soon after a failed sign-in" in unescaped(texts(at))
    assert len(at.get("data_editor")) == 0
    assert_only_the_form(at, desk)


def test_repeated_failures_lock_the_name_out(desk, password_hash, monkeypatch):
    monkeypatch.setattr(auth, "FIRST_WAIT_SECONDS", 0.0)  # no delay between tries: only the lock-out counts
    at = app(password_hash, EDITOR_PAGE).run()
    for _ in range(auth.MAX_FAILURES):
        sign_in(at, NAME, "still not the password")
    assert "locked for 15 more minutes" in unescaped(texts(at))
    sign_in(at, NAME, PASSWORD)
    assert "locked for" in unescaped(texts(at)) and len(at.get("data_editor")) == 0


def test_the_right_password_opens_the_desk(desk, password_hash):
    at = app(password_hash, EDITOR_PAGE).run()
    sign_in(at, NAME, PASSWORD)
    assert at.session_state[page.EDITOR_KEY] == NAME
    assert len(at.get("data_editor")) == 1
    assert PASSWORD not in unescaped(texts(at))


def test_a_session_signs_out_after_inactivity_and_keeps_the_unsaved_edit(desk, password_hash, monkeypatch):
    at = signed_in(password_hash, "events")
    edit(at, "events", {"edited_rows": {0: {"title": "Kept while signed out"}}})
    later = page._clock() + auth.INACTIVITY_SECONDS + 5
    monkeypatch.setattr(page, "_clock", lambda: later)
    at.run()
    assert_only_the_form(at, desk)
    assert "signed out after" in unescaped(texts(at))
    at.session_state[page.EDITOR_KEY] = NAME  # signs in again
    at.run()
    at.selectbox(key="desk_table").set_value("events").run()
    assert at.session_state[page.OPEN_KEY]["events"]["candidate"].loc[0, "title"] == "Kept while signed out"


OIDC = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test", "client_id": "desk", "client_secret": "test", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def test_with_a_newsroom_identity_provider_the_form_is_its_sign_in_button(desk, password_hash):
    at = app(password_hash, EDITOR_PAGE)
    at.secrets["auth"] = OIDC
    at.run()
    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in with your newsroom account"]
    assert len(at.text_input) == 0 and len(at.get("data_editor")) == 0


def test_an_editor_signed_in_with_the_identity_provider_sees_the_desk(desk, password_hash):
    at = app(password_hash, EDITOR_PAGE)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": "ana@newsroom.example"}
    at.run()
    assert not at.exception
    assert "Signed in as ana@newsroom.example" in unescaped(texts(at))
    assert len(at.get("data_editor")) == 1


def test_sign_out_shows_the_form_again(desk, password_hash):
    at = signed_in(password_hash)
    next(button for button in at.button if button.label == "Sign out").click().run()
    assert page.EDITOR_KEY not in at.session_state
    assert len(at.get("data_editor")) == 0


# --------------------------------------------------------------------------------------------
# Editing


def test_the_signed_in_editor_sees_the_files_status_and_the_grid(desk, password_hash):
    at = signed_in(password_hash, "events")
    grid = at.get("data_editor")[0]
    assert len(grid.value) == len(read_rows(desk / "events.csv")[1])
    assert "The files on disk are valid" in unescaped(texts(at))
    assert [tab.label for tab in at.tabs][:7] == ["Edit a table", "New event", "CBP release", "ACLED export", "Events from a CSV", "Change log", "Versions and restore"]


def test_editors_see_the_problems_of_the_files_on_disk_that_readers_do_not(desk, password_hash):
    header, rows = read_rows(desk / "events.csv")
    rows[0]["date"] = "2023-02-30"
    write_rows(desk / "events.csv", header, rows)
    reader = AppTest.from_file(APP, default_timeout=90).run()
    assert "2023-02-30" not in unescaped(texts(reader))  # readers get a neutral notice only
    at = signed_in(password_hash)
    shown = unescaped(texts(at))
    assert "The files on disk have 1 problem" in shown
    problems = next(frame.value for frame in at.dataframe if "line" in frame.value.columns and "value" in frame.value.columns)
    assert problems.iloc[0]["file"] == "events.csv" and problems.iloc[0]["line"] == 2 and problems.iloc[0]["value"] == "2023-02-30"


def test_editors_see_a_table_that_lost_many_rows_and_can_confirm_it(desk, password_hash):
    AppTest.from_file(APP, default_timeout=90).run()  # the shipped data becomes the last good data
    header, rows = read_rows(desk / "translations.csv")  # nothing refers to a translation: still valid with half of them
    write_rows(desk / "translations.csv", header, rows[: len(rows) // 2])
    at = signed_in(password_hash)
    shown = unescaped(texts(at))
    assert "translations.csv has" in shown and "fewer" in shown
    next(button for button in at.button if button.label.startswith("These rows were removed on purpose")).click().run()
    assert not at.exception
    assert "fewer" not in unescaped(texts(at))


def test_a_bad_edit_shows_its_row_and_column_and_changes_no_file(desk, password_hash):
    before = {path.name: path.read_bytes() for path in desk.glob("*.csv")}
    at = signed_in(password_hash, "events")
    _, rows = read_rows(desk / "events.csv")
    edit(at, "events", {"edited_rows": {2: {"date": "2024-13-45"}}})
    shown = unescaped(texts(at))
    assert "1 problem to fix before saving" in shown
    assert f"events.csv · line 4 · record {rows[2]['event_id']} · column date" in shown  # header is line 1, no line breaks above
    assert save_button(at).disabled
    assert any(frame.value.shape[0] == 1 for frame in at.dataframe)  # the row with the problem, highlighted
    assert {path.name: path.read_bytes() for path in desk.glob("*.csv")} == before


def test_removing_a_referenced_event_names_the_ruling_that_points_to_it(desk, password_hash):
    _, rulings = read_rows(desk / "rulings.csv")
    linked = next(row for row in rulings if row["related_event_ids"])
    _, events = read_rows(desk / "events.csv")
    position = next(index for index, row in enumerate(events) if row["event_id"] == linked["related_event_ids"].split(";")[0])
    at = signed_in(password_hash, "events")
    edit(at, "events", {"deleted_rows": [position]})
    shown = unescaped(texts(at))
    assert "rulings.csv" in shown and f"record {linked['ruling_id']} · column related_event_ids" in shown
    assert save_button(at).disabled


def csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_a_good_edit_changes_exactly_that_cell_is_logged_and_readers_see_it(desk, password_hash):
    before = csv_cells(desk / "figures.csv")
    header = before[0]
    position = next(index for index, row in enumerate(before[1:]) if row[header.index("metric")] == "aea_removals")
    record = before[1 + position][header.index("figure_id")]
    at = signed_in(password_hash, "figures")
    edit(at, "figures", {"edited_rows": {position: {"value": 4321}}})
    shown = unescaped(texts(at))
    assert "The edited data is valid" in shown
    assert "4,321" in shown  # the overview card in the preview
    fill_and_save(at, "Count corrected from the court filing", "The count of removals was corrected to 4,321.")
    shown = unescaped(texts(at))
    assert "Saved figures.csv as version" in shown
    after = csv_cells(desk / "figures.csv")
    assert len(after) == len(before)
    different = [(row, column) for row in range(len(before)) for column in range(len(header)) if before[row][column] != after[row][column]]
    assert different == [(1 + position, header.index("value"))] and after[1 + position][header.index("value")] == "4321"
    log = Store().history(table="figures")
    assert record in set(log["record_id"].astype(str))
    _, changes = read_rows(desk / "changes.csv")
    assert any(row["record_id"] == record and row["change"] == "corrected" for row in changes)  # the public correction
    reader = AppTest.from_file(APP, default_timeout=90).run()
    assert not reader.exception
    assert "4,321" in "\n".join(element.value for element in reader.markdown)


def test_added_row_needs_its_required_cells(desk, password_hash):
    at = signed_in(password_hash, "milestones")
    edit(at, "milestones", {"added_rows": [{}, {"milestone_id": "new-milestone"}]})
    shown = unescaped(texts(at))
    assert "record new-milestone" in shown and "column title" in shown
    assert save_button(at).disabled


def test_unsaved_edits_survive_switching_tables(desk, password_hash):
    at = signed_in(password_hash, "events")
    edit(at, "events", {"edited_rows": {0: {"title": "Kept across tables"}}})
    at.selectbox(key="desk_table").set_value("figures").run()
    assert "Unsaved changes in: events.csv" in unescaped(texts(at))
    at.selectbox(key="desk_table").set_value("events").run()
    assert not at.exception
    assert at.session_state[page.OPEN_KEY]["events"]["candidate"].loc[0, "title"] == "Kept across tables"
    assert "Cells changed" in unescaped(texts(at))


def test_a_save_needs_a_reason(desk, password_hash):
    before = (desk / "events.csv").read_bytes()
    at = signed_in(password_hash, "events")
    edit(at, "events", {"edited_rows": {0: {"editor_notes": "checked again"}}})
    save_button(at).click().run()
    assert "Say why you made this change" in unescaped(texts(at))
    assert (desk / "events.csv").read_bytes() == before


def test_a_conflicting_save_shows_their_change_and_reapplies_mine(desk, password_hash):
    at = signed_in(password_hash, "events")
    edit(at, "events", {"edited_rows": {0: {"editor_notes": "mine"}}})
    store = Store()
    opened = store.open_table("events")
    theirs = opened.frame.copy()
    theirs.loc[1, "editor_notes"] = "theirs"
    assert store.save("events", theirs, base_digest=opened.digest, editor="bea", reason="their edit").ok
    fill_and_save(at, "my edit")
    shown = unescaped(texts(at))
    assert "Another editor saved events.csv after you opened it" in shown
    assert csv_cells(desk / "events.csv")[2][-1] == "theirs"
    next(button for button in at.button if button.label == "Load their version and reapply my changes").click().run()
    assert not at.exception
    fill_and_save(at, "my edit, reapplied")
    assert "Saved events.csv as version" in unescaped(texts(at))
    rows = csv_cells(desk / "events.csv")
    assert rows[1][-1] == "mine" and rows[2][-1] == "theirs"


# --------------------------------------------------------------------------------------------
# History and restore


def history_shown(at: AppTest):
    """The change log table on the page (its first column is the time of the change)."""
    return next(frame.value for frame in at.dataframe if "when (UTC)" in frame.value.columns)


def test_history_filters_by_table_and_record(desk, password_hash):
    store = Store()
    for table, column in (("events", "editor_notes"), ("figures", "editor_notes")):
        opened = store.open_table(table)
        frame = opened.frame.copy()
        frame.loc[0, column] = f"{table} note"
        assert store.save(table, frame, base_digest=opened.digest, editor="bea", reason=f"{table} reason").ok
    at = signed_in(password_hash)
    log = history_shown(at)
    assert {"events", "figures"} <= set(log["table"].astype(str))
    assert set(log["editor"].astype(str)) == {"bea"}
    at.selectbox(key="desk_history_table").set_value("events").run()
    log = history_shown(at)
    assert set(log["table"].astype(str)) == {"events"} and set(log["reason"].astype(str)) == {"events reason"}
    record = str(log["record"].iloc[0])
    at.selectbox(key="desk_history_table").set_value("All").run()
    at.text_input(key="desk_history_record").input(record).run()
    assert set(history_shown(at)["record"].astype(str)) == {record}
    at.text_input(key="desk_history_editor").input("nobody").run()
    assert len(history_shown(at)) == 0
    at.text_input(key="desk_history_editor").input("bea").run()
    tomorrow = date.today() + timedelta(days=1)
    at.date_input(key="desk_history_since").set_value(tomorrow).run()
    assert len(history_shown(at)) == 0  # nothing saved from tomorrow on


def test_restore_puts_the_exact_earlier_bytes_back_and_logs_it(desk, password_hash):
    original = (desk / "presence.csv").read_bytes()
    store = Store()
    opened = store.open_table("presence")
    frame = opened.frame.copy()
    frame.loc[0, "editor_notes"] = "changed for the test"
    assert store.save("presence", frame, base_digest=opened.digest, editor="bea", reason="test").ok
    assert (desk / "presence.csv").read_bytes() != original
    at = signed_in(password_hash)
    at.selectbox(key="desk_versions_table").set_value("presence").run()
    versions = store.versions("presence")
    shipped = next(version for version in versions if version.digest == hashlib.sha256(original).hexdigest())
    at.selectbox(key="desk_version_presence").set_value(shipped.id).run()
    at.text_area(key="desk_restore_reason_presence").input("Back to the shipped version")
    at.checkbox(key="desk_restore_sure_presence").check()
    next(button for button in at.button if button.label == "Restore this version").click().run()
    assert not at.exception, at.exception
    assert "Restored presence.csv to an earlier version" in unescaped(texts(at))
    assert (desk / "presence.csv").read_bytes() == original
    assert "Back to the shipped version" in set(store.history(table="presence")["reason"].astype(str))


def test_the_desk_speaks_spanish(desk, password_hash):
    at = signed_in(password_hash, "events", lang="es")
    shown = unescaped(texts(at))
    assert "Los archivos en disco son válidos" in shown
    labels = [tab.label for tab in at.tabs]
    assert labels[0] == "Editar una tabla" and "Registro de cambios" in labels and "Versiones y restauración" in labels
    edit(at, "events", {"edited_rows": {0: {"date": "2024-13-45"}}})
    assert "problema que corregir antes de guardar" in unescaped(texts(at))
