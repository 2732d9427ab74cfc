"""How big a chart is drawn: the page's phone-first layout, or the size of an exported image.

On a page, charts wrap their titles and notes to read on a 375 px phone and leave a band at the top
for plotly's toolbar. An export (components.publishing) asks for a width and height instead:
    with chart_layout.sized(1200, 675, stamp="Tren de Aragua tracker · data version 3f2a9c"):
        figure = charts.membership_estimates(figures, sources, lang="es")
and the builders wrap to that width, fill that height, drop the toolbar band and add the stamp line.
A context variable, so sessions drawing charts at the same time never see each other's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

EDGE_PX = 12
MIN_PLOT_PX = 140
# Average character width as a share of the font size (Source Sans; bold titles are wider).
CHAR_EM = {"title": 0.6, "text": 0.56}


@dataclass(frozen=True)
class ChartLayout:
    width: int | None = None  # None: on the page
    height: int | None = None  # None: the chart's own height
    stamp: str = ""  # a last line inside the chart: the tracker and the data version

    @property
    def exporting(self) -> bool:
        return self.width is not None


_CURRENT: ContextVar[ChartLayout] = ContextVar("chart_layout", default=ChartLayout())


def current() -> ChartLayout:
    return _CURRENT.get()


@contextmanager
def sized(width: int, height: int | None = None, stamp: str = "") -> Iterator[ChartLayout]:
    """Charts built inside are laid out for an image of width x height (height None: their own)."""
    token = _CURRENT.set(ChartLayout(width, height, stamp))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


@contextmanager
def stamped(stamp: str) -> Iterator[ChartLayout]:
    """Charts built inside keep the page's layout and carry the stamp as their last note (the data version on the page)."""
    token = _CURRENT.set(ChartLayout(stamp=stamp))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def wrap_chars(phone: int, font_px: float, kind: str = "text") -> int:
    """Characters per line: the phone's on a page, as many as fit the image's width in an export."""
    layout = current()
    if not layout.exporting:
        return phone
    return max(phone, int((layout.width - 2 * EDGE_PX) / (font_px * CHAR_EM[kind])))


def toolbar_px(band: int) -> int:
    """The band kept free for plotly's toolbar on a page; an image has no toolbar."""
    return 8 if current().exporting else band


def plot_px(natural: int, top: int, bottom: int) -> int:
    """The plot's height: its own, or what the image's height leaves once titles and notes are placed."""
    layout = current()
    if layout.height is None:
        return natural
    return max(MIN_PLOT_PX, layout.height - top - bottom)


def stamp_note() -> list[tuple[str, str]]:
    """The stamp as a last footnote (none when nothing set one: a chart built outside a page or an export)."""
    stamp = current().stamp
    return [("stamp", stamp)] if stamp else []
