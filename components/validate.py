"""Command line check of the curated data: python -m components.validate [DATA_DIR] [--format text|json].

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable directory.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from components.validation import data_dir, load_package


def main(argv: list[str] | None = None) -> int:
    """Validate a data directory and print every error, one per line (or as JSON)."""
    parser = argparse.ArgumentParser(prog="python -m components.validate", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, help="the data directory (default: TDA_DATA_DIR or data/)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="text: file:row:column: rule (value) message; json: {valid, errors}")
    args = parser.parse_args(argv)
    directory = args.data_dir or data_dir()
    if not directory.is_dir():
        print(f"error: {directory} is not a readable directory", file=sys.stderr)
        return 2
    try:
        package = load_package(directory)
    except OSError as exc:  # e.g. permissions on the directory itself
        print(f"error: cannot read {directory}: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump({"valid": package.valid, "errors": [error.as_dict() for error in package.errors]}, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for error in package.errors:
            print(error.as_text())
        files = len({error.file for error in package.errors})
        summary = f"{directory}: {len(package.errors)} errors in {files} files" if package.errors else f"{directory}: valid ({package.row_count} rows)"
        print(summary, file=sys.stderr)
    return 0 if package.valid else 1


if __name__ == "__main__":
    sys.exit(main())
