"""Command line check of the curated data: python -m components.validate [DATA_DIR] [--format text|json].

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable directory. The folder checked is
DATA_DIR, else TDA_DATA_DIR, else data/; it is named on stderr (text) or as data_dir (json).

Notices are not errors and do not change the exit status: a stale translation (its cell in the
English table has changed since it was translated; readers see the current English, marked, until
an editor translates it again) is printed on stderr as ``notice: file:line:column: rule (value) message``
(json: the notices list).

Warnings do not change the exit status either: a table that lost more than a fifth of its rows (and
more than 5) against the last good data the app keeps for this folder (in its cache folder,
TDA_CACHE_DIR or .cache/: the validator names the snapshot it compared with), and a last good
snapshot that was or would be ignored, printed on stderr as ``warning: …`` (json: the warnings list,
and last_good: the snapshot compared with, {kept, data_version, manifest, saved}, or null).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from components.validation import data_dir, load_package


def _unreadable(directory: Path) -> str | None:
    """Why directory cannot be checked, or None."""
    if not directory.is_dir():
        return f"{directory} is not a readable directory"
    try:
        os.listdir(directory)
    except OSError as exc:
        return f"cannot read {directory}: {exc.strerror or type(exc).__name__}"
    return None


def _warnings(directory: Path, package) -> tuple[list[str], dict | None]:
    """The editors' warnings for directory (components.datasets.editor_warnings) and the last good data compared with (last_good_info).

    Looked up in the cache folder the app uses for the same folder (its real path); a problem there is
    a warning, never a failure of the validator.
    """
    try:
        import logging

        from streamlit.runtime.caching import cache_data_api

        # Outside a running app Streamlit logs that it caches in memory, once per cached function: true, and not for editors.
        logging.getLogger(cache_data_api.__name__).setLevel(logging.ERROR)
        from components import datasets  # the app's loader: imported only here (it brings streamlit)

        real = directory.resolve()
        return datasets.editor_warnings(real, package=package), datasets.last_good_info(real)
    except Exception as exc:  # noqa: BLE001 - the check of the files stands without them
        return [f"the last good data could not be checked ({type(exc).__name__})"], None


def main(argv: list[str] | None = None) -> int:
    """Validate a data directory and print every error, one per line (or as JSON)."""
    parser = argparse.ArgumentParser(prog="python -m components.validate", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, help="the data directory (default: TDA_DATA_DIR or data/)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="text: file:row:column: rule (value) message; json: {valid, data_dir, errors}")
    args = parser.parse_args(argv)
    directory = (args.data_dir or data_dir()).absolute()
    problem = _unreadable(directory)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        package = load_package(directory)
    except OSError as exc:  # e.g. permissions on the directory itself
        print(f"error: cannot read {directory}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - an editor gets one line, never a traceback
        print(f"error: the validator failed on {directory} ({type(exc).__name__}: {str(exc)[:200]}); please report this", file=sys.stderr)
        return 2
    warnings, compared = _warnings(directory, package)
    if args.format == "json":
        report = {
            "valid": package.valid,
            "data_dir": str(directory),
            "errors": [error.as_dict() for error in package.errors],
            "notices": [notice.as_dict() for notice in package.notices],
            "warnings": warnings,
            "last_good": compared,
        }
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for error in package.errors:
            print(error.as_text())
        for notice in package.notices:
            print(f"notice: {notice.as_text()}", file=sys.stderr)
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        files = len({error.file for error in package.errors})
        summary = f"checked {directory}: {len(package.errors)} errors in {files} files" if package.errors else f"checked {directory}: valid ({package.row_count} rows)"
        if package.notices:
            count = len(package.notices)
            summary += f"; {count} stale translation{'s' if count != 1 else ''} (notices above: readers see the English, marked, until they are translated again)"
        if warnings:
            summary += f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''} (above)"
        if package.valid:
            summary += f"; row counts compared with the last good data saved in {compared['manifest']} (data version {compared['data_version']}, saved {compared['saved'] or '?'})" if compared else "; no last good data kept for this folder yet, so row counts were not compared"
        print(summary, file=sys.stderr)
    return 0 if package.valid else 1


if __name__ == "__main__":
    sys.exit(main())
