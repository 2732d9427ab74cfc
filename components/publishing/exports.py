"""Charts as PNG and SVG files sized for a story, rendered on the server by plotly's static export.

kaleido 1.x drives the system Chromium (/usr/bin/chromium, found by choreographer). One warm export
browser serves every export of the process (about 0.2–0.7 s an image instead of 3–10 s), started
on the first export and stopped at exit; MathJax is off, so nothing is fetched from a CDN.
"""

from __future__ import annotations

import atexit
import re
import threading
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from components.i18n import N_, gettext_for


@dataclass(frozen=True)
class ImageSize:
    """A named size: the layout's width and height in CSS pixels, and the PNG scales offered."""

    name: str
    label: str  # reader-facing, marked for the catalogue
    width: int
    height: int | None  # None: the chart's own height at this width
    png_scales: tuple[int, ...]

    def pixels(self, natural_height: int, scale: int = 1) -> tuple[int, int]:
        return self.width * scale, (self.height or natural_height) * scale


# Print: A4 is 210 mm wide, 2480 px at 300 dpi; laid out at 1240 px and written at 2x.
SIZES: dict[str, ImageSize] = {
    "web": ImageSize("web", N_("Web (800 px wide)"), 800, None, (1, 2)),
    "social": ImageSize("social", N_("Social (1200 × 675)"), 1200, 675, (1, 2)),
    "square": ImageSize("square", N_("Square (1080 × 1080)"), 1080, 1080, (1, 2)),
    "print": ImageSize("print", N_("Print (A4 width, 300 dpi)"), 1240, 877, (2,)),
}
FORMATS = ("png", "svg")
MIME = {"png": "image/png", "svg": "image/svg+xml"}


def size_label(size: str, lang: str = "en") -> str:
    _ = gettext_for(lang)
    return _(SIZES[size].label)


def choices(lang: str = "en") -> dict[str, str]:
    """Every download offered, as code -> label: 'web-png-2', 'social-svg', 'print-png-2'…"""
    _ = gettext_for(lang)
    offered: dict[str, str] = {}
    for size in SIZES.values():
        for scale in size.png_scales:
            offered[f"{size.name}-png-{scale}"] = _("{size}: PNG {scale}x").format(size=_(size.label), scale=scale) if size.name != "print" else _("{size}: PNG").format(size=_(size.label))
        offered[f"{size.name}-svg"] = _("{size}: SVG").format(size=_(size.label))
    return offered


def parse_choice(code: str) -> tuple[ImageSize, str, int]:
    """'social-png-2' -> (the social size, 'png', 2); 'web-svg' -> (web, 'svg', 1)."""
    parts = code.split("-")
    size = SIZES[parts[0]]
    image_format = parts[1]
    scale = int(parts[2]) if len(parts) > 2 else 1
    if image_format not in FORMATS or (image_format == "png" and scale not in size.png_scales):
        raise ValueError(f"no such download: {code}")
    return size, image_format, scale


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")


def filename(chart: str, lang: str, data_date: str, version: str, size: str, image_format: str, scale: int = 1) -> str:
    """What and when: tren-de-aragua-membership-estimates-es-2026-11-21-3f2a9c-social@2x.png."""
    retina = f"@{scale}x" if image_format == "png" and scale != 1 else ""
    return f"tren-de-aragua-{slug(chart)}-{lang}-{data_date}-{version[:6]}-{size}{retina}.{image_format}"


class _Exporter:
    """The process's one export browser, shared by every session (exports are serialised: one Chromium)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = False

    def image(self, figure: go.Figure, image_format: str, width: int, height: int, scale: int = 1) -> bytes:
        import kaleido

        with self._lock:
            if not self._started:
                kaleido.start_sync_server(mathjax=False, silence_warnings=True)
                self._started = True
                atexit.register(self.stop)
            return pio.to_image(figure, format=image_format, width=width, height=height, scale=scale, validate=False)

    def stop(self) -> None:
        import kaleido

        with self._lock:
            if self._started:
                kaleido.stop_sync_server(silence_warnings=True)
                self._started = False


EXPORTER = _Exporter()


def render(figure: go.Figure, size: str, image_format: str, scale: int = 1) -> bytes:
    """The figure as a file at a named size; the figure must already be laid out for that width."""
    chosen = SIZES[size]
    natural = int(figure.layout.height or 500)
    width, height = chosen.width, chosen.height or natural
    return EXPORTER.image(figure, image_format, width, height, scale=scale if image_format == "png" else 1)
