"""Who may sign in to the editor's desk, and how often a name may try.

Two ways in:
- a newsroom identity provider through Streamlit's own st.login (OIDC), when .streamlit/secrets.toml has an
  [auth] section (streamlit[auth]: Authlib and httpx are installed for it);
- else the editors listed under [editors] in .streamlit/secrets.toml, each name with an argon2id hash of its
  password (`make editor-add EDITOR=name` writes it; tools/editor_add.py).

Failed sign-ins are throttled per editor name in the desk's database (components.desk.store), so every app
server sharing it throttles alike: after each failure a growing wait (1, 2, 4, 8 s) before another password is
even checked, then a lock-out of 15 minutes after 5 failures in a row; a success resets the count. An unknown
name costs the same argon2 check as a known one. No password or hash is ever logged, returned or shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from components.i18n import N_

INACTIVITY_SECONDS = 30 * 60
FIRST_WAIT_SECONDS = 1.0  # then 2, 4, 8 … after each failure in a row
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12

# The messages of SignIn (English; the Editor page shows them in the reader's language).
SIGNED_IN = N_("Signed in.")
WRONG = N_("Wrong name or password.")
TOO_SOON = N_("Wrong name or password, or tried too soon. Wait a few seconds before trying again.")
LOCKED = N_("Too many failed sign-ins for this name. Signing in with it is locked for 15 minutes.")
NO_EDITORS = N_("No editor can sign in yet: add one with make editor-add EDITOR=name.")
MESSAGES = (SIGNED_IN, WRONG, TOO_SOON, LOCKED, NO_EDITORS)

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
_DUMMY_HASH = _hasher.hash("not a password: keeps unknown names as slow as known ones")


@dataclass(frozen=True)
class SignIn:
    ok: bool
    wait_seconds: float
    locked_until: datetime | None
    message: str


def _secrets():
    import streamlit as st

    try:
        return st.secrets
    except Exception:  # no secrets.toml at all
        return {}


def _section(name: str) -> Mapping:
    try:
        secrets = _secrets()
        if name not in secrets:
            return {}
        section = secrets[name]
        return section if isinstance(section, Mapping) else {}
    except Exception:  # a missing or unreadable secrets.toml: nothing configured
        return {}


def oidc_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section, so st.login can be used."""
    return bool(_section("auth"))


def editor_hashes() -> dict[str, str]:
    """name -> argon2 hash, from [editors] in secrets.toml ({} when none)."""
    return {str(name): str(value) for name, value in _section("editors").items() if isinstance(value, str) and value}


def editor_names() -> list[str]:
    """The names of the editors who may sign in with a password (sorted; [] when none)."""
    return sorted(editor_hashes())


def hash_password(password: str) -> str:
    """An argon2id hash of password, for [editors] in secrets.toml."""
    if not isinstance(password, str) or not password:
        raise ValueError("the password is empty")
    return _hasher.hash(password)


def _matches(stored: str | None, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored or _DUMMY_HASH, password)) and bool(stored)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    except Exception:  # a malformed hash in secrets.toml is a refusal, never a traceback with the hash in it
        return False


def verify(name: str, password: str, store, hashes: Mapping[str, str] | None = None, now: datetime | None = None) -> SignIn:
    """Check a name and password, throttled per name in store (see the module docstring)."""
    hashes = editor_hashes() if hashes is None else dict(hashes)
    name = (name or "").strip()
    now = now or datetime.now(timezone.utc)
    if not hashes:
        _matches(None, password or "")
        return SignIn(False, 0.0, None, NO_EDITORS)
    allowed, _failures, next_try, locked = store.signin_claim(name, now, FIRST_WAIT_SECONDS)
    if not allowed:
        if locked is not None:
            return SignIn(False, max(0.0, (locked - now).total_seconds()), locked, LOCKED)
        wait = max(0.0, (next_try - now).total_seconds()) if next_try is not None else FIRST_WAIT_SECONDS
        return SignIn(False, wait, None, TOO_SOON)
    ok = _matches(hashes.get(name), password or "")
    wait, locked = store.signin_result(name, ok, now, FIRST_WAIT_SECONDS, MAX_FAILURES, LOCKOUT)
    if ok:
        return SignIn(True, 0.0, None, SIGNED_IN)
    if locked is not None:
        return SignIn(False, wait, locked, LOCKED)
    return SignIn(False, wait, None, WRONG)
