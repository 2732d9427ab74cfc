"""Build the static site: python -m tools.build_site [--site-dir DIR] [--data-dir DIR] (make site SITE_DIR=...).

Writes v/<data version>/, refreshes latest/ and the top index, then prints the build time and the
site's size. Exits non-zero when the data does not validate or a chart cannot be exported, so CI fails.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from components.publishing import exports, registry, site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default="site", help="where to write the site (default: site/)")
    parser.add_argument("--data-dir", default=None, help="the data package (default: TDA_DATA_DIR, else data/)")
    parser.add_argument("--chart", action="append", choices=list(registry.CHARTS), help="only this chart (repeatable)")
    parser.add_argument("--lang", action="append", choices=list(site.LANGS), help="only this language (repeatable)")
    parser.add_argument("--rebuild-version", action="store_true", help="write the data version's folder again even if it is already published (frozen)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="The kopts argument is ignored")
    print(f"Building the static site in {Path(args.site_dir).resolve()}")
    try:
        result = site.build(args.site_dir, args.data_dir, charts_wanted=args.chart, langs=args.lang, rebuild=args.rebuild_version)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        exports.EXPORTER.stop()
    print(f"Data version {result.version}: v/{result.version}/ and latest/")
    print(f"Built in {result.seconds:.1f} s; the site holds {result.files} files, {result.bytes / 1_000_000:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
