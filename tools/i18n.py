"""Keep the message catalogues in step with the code.

    python -m tools.i18n extract          # write components/i18n/locales/messages.pot from the code
    python -m tools.i18n update           # bring locales/es/LC_MESSAGES/messages.po in step with the code:
                                          #   new messages come in untranslated, removed ones go, translations stay
    python -m tools.i18n part AREA FILE…  # the same for a few files only, into AREA.po (parallel work; `update` folds it in)
    python -m tools.i18n fill AREA JSON   # set translations in AREA.po from a JSON object {msgid: msgstr or [3 plural forms]}
                                          #   (a message with a context: "context\u0004msgid", gettext's own separator)
    python -m tools.i18n check            # what is missing, untranslated or mismatched (exit 1 when anything is)

Translate by editing the .po file (any PO editor works); fill all three Spanish plural forms
(msgstr[0], [1] and [2]). See components/i18n/locales/GLOSSARY.md for the words the tracker uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from components.i18n import DOMAIN, LOCALES, catalogue, catalogue_files, read_catalogue

LANG = "es"
FOLDER = LOCALES / LANG / "LC_MESSAGES"
MAIN = FOLDER / f"{DOMAIN}.po"


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False, include_previous=False)


def _filled(code: Catalog, known: Catalog | None) -> Catalog:
    """The code's messages, each with its known translation (if any)."""
    out = Catalog(locale=LANG, domain=DOMAIN, project="Tren de Aragua tracker", charset="utf-8", fuzzy=False)
    for message in code:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        found = known.get(key, context=message.context) if known is not None else None
        string = found.string if found is not None else ("",) * out.num_plurals if isinstance(message.id, tuple) else ""
        if isinstance(message.id, tuple) and isinstance(string, str):
            string = (string,) + ("",) * (out.num_plurals - 1)
        out.add(message.id, string, message.locations, auto_comments=message.auto_comments, context=message.context,
                flags=[flag for flag in (found.flags if found is not None else ()) if flag != "fuzzy"] if found is not None and not found.fuzzy else ())
    return out


def extract() -> None:
    path = LOCALES / f"{DOMAIN}.pot"
    _write(path, catalogue.extract())
    print(f"wrote {path}")


def update() -> None:
    known = read_catalogue(LANG)
    filled = _filled(catalogue.extract(), known)
    for part in catalogue_files(LANG):
        if part != MAIN:
            part.unlink()
    _write(MAIN, filled)
    missing = sum(1 for m in filled if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,)))
    print(f"wrote {MAIN}: {sum(1 for m in filled if m.id)} messages, {missing} untranslated")


def part(area: str, files: list[str]) -> None:
    wanted = {str(Path(name).resolve().relative_to(catalogue.ROOT)) for name in files}
    code = catalogue.extract()
    only = Catalog(locale=LANG, domain=DOMAIN)
    for message in code:
        if message.id and any(location[0] in wanted for location in message.locations):
            only.add(message.id, None, message.locations, auto_comments=message.auto_comments, context=message.context)
    path = FOLDER / f"{area}.po"
    filled = _filled(only, read_catalogue(LANG))
    _write(path, filled)
    missing = sum(1 for m in filled if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,)))
    print(f"wrote {path}: {sum(1 for m in filled if m.id)} messages, {missing} untranslated")


def fill(area: str, source: str) -> None:
    import json

    from babel.messages.pofile import read_po

    path = FOLDER / f"{area}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=LANG, domain=DOMAIN)
    wanted = json.loads(Path(source).read_text(encoding="utf-8"))
    unknown = []
    for key, string in wanted.items():
        context, _, msgid = key.rpartition("\u0004")
        message = catalog.get(msgid, context=context or None)
        if message is None:
            unknown.append(msgid)
            continue
        message.string = tuple(string) if isinstance(string, list) else string
        if "fuzzy" in message.flags:
            message.flags.discard("fuzzy")
    _write(path, catalog)
    for msgid in unknown:  # noqa: B007
        print(f"not in {path.name}: {msgid!r}")
    print(f"filled {len(wanted) - len(unknown)} messages in {path}")


def check() -> int:
    problems = catalogue.check(LANG)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("extract", "update", "part", "fill", "check"):
        print(__doc__)
        return 2
    if argv[0] == "extract":
        extract()
    elif argv[0] == "update":
        update()
    elif argv[0] == "part":
        if len(argv) < 3:
            print(__doc__)
            return 2
        part(argv[1], argv[2:])
    elif argv[0] == "fill":
        if len(argv) != 3:
            print(__doc__)
            return 2
        fill(argv[1], argv[2])
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
