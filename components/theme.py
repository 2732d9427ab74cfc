"""One look for every page and chart: a colour-blind-safe palette (Okabe-Ito) and the fonts."""

from __future__ import annotations

# Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
)
GREY = "#767676"  # the lightest grey with 4.5:1 contrast on white
INK = "#1a1a1a"
FONT = "Source Sans, Source Sans Pro, Noto Sans, Helvetica, Arial, sans-serif"  # Streamlit serves "Source Sans"
PAPER = "#ffffff"
WATER = "#dfeaf2"  # the map's background: static/blank-style.json must use the same colour

EVENT_TYPE_COLORS = {
    "security_operation": BLUE,
    "crime": VERMILLION,
    "arrest": ORANGE,
    "indictment": GREEN,
    "conviction": BLACK,
    "deportation": PURPLE,
    "intelligence": SKY,
    "context": GREY,
}
OUTCOME_COLORS = {
    "against_government": BLUE,
    "for_government": VERMILLION,
    "mixed": PURPLE,
    "pending": GREY,
}
PRESENCE_COLORS = {
    "origin": VERMILLION,
    "confirmed": ORANGE,
    "reported": YELLOW,
}
CONFIDENCE_OPACITY = {"high": 1.0, "medium": 0.8, "low": 0.5}


def rgb(hex_color: str, alpha: int = 255) -> list[int]:
    """#RRGGBB -> [r, g, b, a] for pydeck layers."""
    value = hex_color.lstrip("#")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]
