"""Sign-in checks: argon2 hashes, throttling per editor name in the desk's database (SQLite and PostgreSQL),
the editors and [auth] read from secrets, and tools/editor_add.py driven through a real terminal (pty)."""

from __future__ import annotations

import stat
import sys
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest
from argon2 import PasswordHasher

from components.desk import auth
from components.desk.store import Store
from tests.desk_db import desk_url, postgres_server  # noqa: F401
from tools import editor_add

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
START = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def hashes() -> dict[str, str]:
    return {"ana": auth.hash_password(PASSWORD), "bob": auth.hash_password("another long password")}


@pytest.fixture
def store(desk_url, data_copy) -> Store:
    return Store(desk_url, data_dir=data_copy)


def test_hash_password_is_argon2id_and_verifies():
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert PasswordHasher().verify(hashed, PASSWORD)
    with pytest.raises(ValueError):
        auth.hash_password("")


def test_right_and_wrong_passwords(store, hashes):
    assert auth.verify("ana", PASSWORD, store, hashes, now=START) == auth.SignIn(True, 0.0, None, auth.SIGNED_IN)
    wrong = auth.verify("bob", PASSWORD, store, hashes, now=START)
    assert not wrong.ok and wrong.message == auth.WRONG
    unknown = auth.verify("mallory", PASSWORD, store, hashes, now=START)
    assert not unknown.ok and unknown.message == auth.WRONG  # the same answer as a wrong password
    for result in (wrong, unknown):
        assert PASSWORD not in result.message and "$argon2" not in repr(result)


def test_failures_wait_longer_each_time_then_lock_the_name_and_a_success_resets(store, hashes):
    now, waits = START, []
    for _ in range(4):
        result = auth.verify("ana", "wrong password!", store, hashes, now=now)
        assert not result.ok and result.locked_until is None
        waits.append(result.wait_seconds)
        too_soon = auth.verify("ana", PASSWORD, store, hashes, now=now + timedelta(seconds=result.wait_seconds / 2))
        assert not too_soon.ok and too_soon.message == auth.TOO_SOON  # not even checked, the right password neither
        assert 0 < too_soon.wait_seconds <= result.wait_seconds / 2 + 0.001
        now += timedelta(seconds=result.wait_seconds)
    assert waits == [1.0, 2.0, 4.0, 8.0]
    fifth = auth.verify("ana", "wrong password!", store, hashes, now=now)
    assert not fifth.ok and fifth.message == auth.LOCKED and fifth.locked_until == now + auth.LOCKOUT
    later = now + timedelta(minutes=14)
    locked = auth.verify("ana", PASSWORD, store, hashes, now=later)
    assert not locked.ok and locked.locked_until == fifth.locked_until and locked.wait_seconds == pytest.approx(60)
    assert auth.verify("bob", "another long password", store, hashes, now=later).ok  # per name: bob is not throttled
    after = now + auth.LOCKOUT + timedelta(seconds=1)
    assert auth.verify("ana", PASSWORD, store, hashes, now=after).ok
    again = auth.verify("ana", "wrong password!", store, hashes, now=after + timedelta(seconds=1))
    assert again.wait_seconds == 1.0  # the success started the count again


def test_throttling_is_shared_by_every_store_on_the_database(desk_url, data_copy, hashes):
    one, other = Store(desk_url, data_dir=data_copy), Store(desk_url, data_dir=data_copy)
    first = auth.verify("ana", "wrong password!", one, hashes, now=START)
    assert auth.verify("ana", PASSWORD, other, hashes, now=START + timedelta(seconds=0.5)).message == auth.TOO_SOON
    assert auth.verify("ana", PASSWORD, other, hashes, now=START + timedelta(seconds=first.wait_seconds)).ok


def test_no_editors_means_no_password_sign_in(store):
    result = auth.verify("ana", PASSWORD, store, {}, now=START)
    assert not result.ok and result.message == auth.NO_EDITORS


def test_a_malformed_hash_is_a_refusal_without_the_hash(store):
    result = auth.verify("ana", PASSWORD, store, {"ana": "not-a-hash-at-all"}, now=START)
    assert not result.ok and "not-a-hash" not in repr(result)


def test_every_message_is_marked_for_translation():

    source = (ROOT / "components" / "desk" / "auth.py").read_text(encoding="utf-8")
    for message in auth.MESSAGES:
        assert f'N_("{message}")' in source


def test_editors_and_auth_come_from_secrets(monkeypatch, hashes):
    monkeypatch.setattr(auth, "_secrets", lambda: {"editors": {"bob": hashes["bob"], "ana": hashes["ana"]}})
    assert auth.editor_names() == ["ana", "bob"] and not auth.oidc_configured()
    assert auth.editor_hashes()["ana"] == hashes["ana"]
    monkeypatch.setattr(auth, "_secrets", lambda: {"auth": {"client_id": "x"}})
    assert auth.oidc_configured() and auth.editor_names() == []

    def missing():
        raise FileNotFoundError("no secrets.toml")

    monkeypatch.setattr(auth, "_secrets", missing)
    assert auth.editor_names() == [] and not auth.oidc_configured()


def test_the_example_secrets_file_parses_and_documents_both_ways():
    text = (ROOT / ".streamlit" / "secrets.example.toml").read_text(encoding="utf-8")
    parsed = tomllib.loads(text)
    assert set(parsed) == {"editors"} and "# [auth]" in text and "make editor-add" in text
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored and ".state/" in ignored


# ------------------------------------------------------------------ tools/editor_add.py


def _editor_add(name: str, secrets: Path, first: str, second: str | None = None) -> tuple[int, str]:
    """Run the tool in a pseudo-terminal, typing the passwords at its prompts; (exit code, everything the terminal showed)."""
    child = pexpect.spawn(sys.executable, ["-m", "tools.editor_add", name, "--secrets", str(secrets)], cwd=str(ROOT), encoding="utf-8", timeout=60)
    child.expect("Password for")
    child.sendline(first)
    if second is not None:
        child.expect("again")
        child.sendline(second)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before if isinstance(child.before, str) else ""


def test_editor_add_creates_the_secrets_file_owner_only_without_the_password(tmp_path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    code, shown = _editor_add("ana", secrets, PASSWORD, PASSWORD)
    assert code == 0, shown
    assert PASSWORD not in shown  # never echoed, never printed
    text = secrets.read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    hashed = tomllib.loads(text)["editors"]["ana"]
    assert hashed.startswith("$argon2id$") and PasswordHasher().verify(hashed, PASSWORD)


def test_editor_add_replaces_an_editor_and_keeps_every_other_line(tmp_path):
    secrets = tmp_path / "secrets.toml"
    before = '# our secrets\n[auth]\n# client_id = "x"\n\n[editors]\nana = "$argon2id$old"\n"bob.smith" = "$argon2id$bob"  # bob\n\n[other]\nkey = 1\n'
    secrets.write_text(before, encoding="utf-8")
    assert _editor_add("ana", secrets, PASSWORD, PASSWORD)[0] == 0
    assert _editor_add("cy@example.org", secrets, "a third long password", "a third long password")[0] == 0
    after = secrets.read_text(encoding="utf-8")
    parsed = tomllib.loads(after)
    assert set(parsed["editors"]) == {"ana", "bob.smith", "cy@example.org"} and parsed["other"] == {"key": 1}
    assert PasswordHasher().verify(parsed["editors"]["ana"], PASSWORD)
    assert parsed["editors"]["bob.smith"] == "$argon2id$bob"
    kept = [line for line in before.splitlines() if not line.startswith("ana =")]
    assert [line for line in after.splitlines() if line in kept] == kept  # every other line, in its order
    lines = after.splitlines()
    assert lines.index('"cy@example.org" = ' + f'"{parsed["editors"]["cy@example.org"]}"') < lines.index("[other]")


@pytest.mark.parametrize(
    ("first", "second", "words"),
    [("", "", "empty"), ("short pass", "short pass", "too short"), (PASSWORD, PASSWORD + "!", "differ")],
)
def test_editor_add_refuses_a_bad_password_and_writes_nothing(tmp_path, first, second, words):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[editors]\n", encoding="utf-8")
    code, shown = _editor_add("ana", secrets, first, second)
    assert code == 1 and words in shown and "nothing was written" in shown
    assert secrets.read_text(encoding="utf-8") == "[editors]\n"
    assert not first or first not in shown


def test_editor_add_refuses_a_secrets_file_that_is_not_toml(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[editors\nbroken", encoding="utf-8")
    child = pexpect.spawn(sys.executable, ["-m", "tools.editor_add", "ana", "--secrets", str(secrets)], cwd=str(ROOT), encoding="utf-8", timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2 and "cannot be read as TOML" in child.before
    assert secrets.read_text(encoding="utf-8") == "[editors\nbroken"


def test_with_editor_on_an_empty_or_unsectioned_file():
    assert editor_add.with_editor("", "ana", "h") == '[editors]\nana = "h"\n'
    assert editor_add.with_editor('x = 1', "ana", "h") == 'x = 1\n\n[editors]\nana = "h"\n'
    assert editor_add.toml_key("ana maría") == '"ana maría"'
