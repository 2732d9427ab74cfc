"""Debian's Chromium as the tests and benchmarks start it: where it is and the flags it runs with.

Verified on these machines (docs: TECH-NOTES section 3): Debian's build runs headless as root with these flags and
makes no calls home. CHROMIUM=/path/to/chromium in the environment points everything at another build.
"""

from __future__ import annotations

import os

PATH = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
