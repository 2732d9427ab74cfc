"""Add an editor, or give one a new password: python -m tools.editor_add NAME (make editor-add EDITOR=NAME).

Asks the password twice without echoing it, refuses an empty, short (under 12 characters) or mismatched one,
and writes `NAME = "<argon2id hash>"` under [editors] in .streamlit/secrets.toml: the line is replaced when the
editor is there already, every other line of the file is kept, the file is created when missing and left
readable by its owner only (chmod 600). The password itself is never printed or written.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
import tempfile
import tomllib
from pathlib import Path

from components.desk.auth import MIN_PASSWORD_LENGTH, hash_password

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ROOT / ".streamlit" / "secrets.toml"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TABLE_HEADER = re.compile(r"^\s*\[")
_EDITORS_HEADER = re.compile(r"^\s*\[\s*editors\s*\]\s*(#.*)?$")
MAX_NAME = 100


def toml_key(name: str) -> str:
    """name as a TOML key: bare when it can be, else a quoted string."""
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def _line_key(line: str) -> str | None:
    """The key a `key = value` line sets, or None."""
    try:
        parsed = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    return next(iter(parsed), None) if len(parsed) == 1 and isinstance(next(iter(parsed.values())), str) else None


def with_editor(text: str, name: str, hashed: str) -> str:
    """The secrets file's text with NAME = "hash" under [editors], every other line as it was."""
    entry = f"{toml_key(name)} = {json.dumps(hashed)}"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _EDITORS_HEADER.match(line)), None)
    if start is None:
        body = text if not text or text.endswith("\n") else text + "\n"
        separator = "\n" if body.strip() else ""
        return f"{body}{separator}[editors]\n{entry}\n"
    end = next((i for i in range(start + 1, len(lines)) if _TABLE_HEADER.match(lines[i])), len(lines))
    for i in range(start + 1, end):
        if _line_key(lines[i]) == name:
            lines[i] = entry
            break
    else:
        last = start
        for i in range(start + 1, end):
            if lines[i].strip():
                last = i
        lines.insert(last + 1, entry)
    return "\n".join(lines) + "\n"


def write_secrets(path: Path, text: str) -> None:
    """text to path atomically, owner-only (0600) from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp = tempfile.mkstemp(prefix=".secrets-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the editor's name, as they type it to sign in")
    parser.add_argument("--secrets", type=Path, default=SECRETS, help="the secrets file (default: .streamlit/secrets.toml)")
    args = parser.parse_args(argv)
    name = args.name.strip()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 or c == "\x7f" for c in name):
        print(f"error: the editor's name must be 1 to {MAX_NAME} characters, without control characters", file=sys.stderr)
        return 2
    path: Path = args.secrets
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        tomllib.loads(existing)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        print(f"error: {path} cannot be read as TOML ({type(error).__name__}); fix it first, nothing was written", file=sys.stderr)
        return 2
    try:
        password = getpass.getpass(f"Password for {name}: ")
        again = getpass.getpass("The same password again: ")
    except (EOFError, KeyboardInterrupt):
        print("\nerror: no password given; nothing was written", file=sys.stderr)
        return 1
    if not password:
        print("error: the password is empty; nothing was written", file=sys.stderr)
        return 1
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"error: the password is too short (at least {MIN_PASSWORD_LENGTH} characters); nothing was written", file=sys.stderr)
        return 1
    if password != again:
        print("error: the two passwords differ; nothing was written", file=sys.stderr)
        return 1
    hashed = hash_password(password)
    del password, again
    text = with_editor(existing, name, hashed)
    parsed = tomllib.loads(text)  # never write a file Streamlit could not read
    if parsed.get("editors", {}).get(name) != hashed:
        print("error: the secrets file could not be updated safely; nothing was written", file=sys.stderr)
        return 2
    write_secrets(path, text)
    replaced = "replaced" if _had_editor(existing, name) else "added"
    print(f"Editor {name} {replaced} in {path} (argon2id hash; the file is readable by its owner only).")
    return 0


def _had_editor(text: str, name: str) -> bool:
    try:
        return name in tomllib.loads(text).get("editors", {})
    except tomllib.TOMLDecodeError:
        return False


if __name__ == "__main__":
    sys.exit(main())
