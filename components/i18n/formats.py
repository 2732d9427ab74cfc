"""Numbers, money, ranges and dates written the way each language's readers write them (Babel).

English keeps the tracker's house style (5,000 / $10m / 23 October 2024); Spanish follows the
Spanish locale (5.000 / 10 millones de dólares / 23 de octubre de 2024). Pure functions: no streamlit.
"""

from __future__ import annotations

import math

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal

from components.i18n import babel_locale, gettext_for, normalize

# Date patterns by precision and length. Spanish puts 'de' between day, month and year.
_DATE_PATTERNS = {
    "en": {
        ("day", "long"): "d MMMM y", ("month", "long"): "MMMM y", ("year", "long"): "y",
        ("day", "short"): "d MMM y", ("month", "short"): "MMM y", ("year", "short"): "y",
    },
    "es": {
        ("day", "long"): "d 'de' MMMM 'de' y", ("month", "long"): "MMMM 'de' y", ("year", "long"): "y",
        ("day", "short"): "d MMM y", ("month", "short"): "MMM y", ("year", "short"): "y",
    },
}


def is_missing(value: object) -> bool:
    """True for None, NaN, NA and NaT (what pandas counts as missing); False for anything else, lists included."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: float, lang: str, decimals: int = 0) -> str:
    """5,000 (en) / 5.000 (es); decimals is the most shown (trailing zeros are dropped)."""
    if is_missing(value):
        return ""
    if decimals == 0:
        value = round(float(value))
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale(lang))


def percent(share: float, lang: str, decimals: int = 0) -> str:
    """A share 0..1 as '26%' (en) or '26 %' (es, with a no-break space)."""
    if is_missing(share):
        return ""
    from babel.numbers import format_percent

    if decimals:
        return format_percent(share, format="#,##0." + "#" * decimals + "%", locale=babel_locale(lang))
    return format_percent(share, locale=babel_locale(lang))  # the locale's own spacing: 26% / 26 %


def _millions(value: float) -> float | None:
    """The value in millions when it is a million or more, else None."""
    return value / 1_000_000 if abs(value) >= 1_000_000 else None


def money(value: float, lang: str) -> str:
    """$12,000 / $5m / $10.5m (en); 12.000 dólares / 5 millones de dólares (es)."""
    if is_missing(value):
        return ""
    millions = _millions(float(value))
    if normalize(lang) == "en":
        if millions is not None:
            return f"${number(millions, lang, decimals=1)}m"
        return f"${number(value, lang)}"
    _ = gettext_for(lang)
    if millions is not None:
        return _("{amount} million dollars").format(amount=number(millions, lang, decimals=1)) if millions != 1 else _("1 million dollars")
    return _("{amount} dollars").format(amount=number(value, lang))


def money_range(low: float, high: float, lang: str) -> str:
    """$10m–$15m (en); entre 10 y 15 millones de dólares (es)."""
    if normalize(lang) == "en":
        return f"{money(low, lang)}–{money(high, lang)}"
    _ = gettext_for(lang)
    low_m, high_m = _millions(float(low)), _millions(float(high))
    if low_m is not None and high_m is not None:
        return _("between {low} and {high} million dollars").format(low=number(low_m, lang, 1), high=number(high_m, lang, 1))
    return _("between {low} and {high} dollars").format(low=number(low, lang), high=number(high, lang))


def number_range(low: float, high: float, lang: str) -> str:
    """5,000–10,000 (en); entre 5.000 y 10.000 (es)."""
    if normalize(lang) == "en":
        return f"{number(low, lang)}–{number(high, lang)}"
    _ = gettext_for(lang)
    return _("between {low} and {high}").format(low=number(low, lang), high=number(high, lang))


def partial_date(start: object, precision: object, lang: str, length: str = "long") -> str:
    """A date as precise as its source: '2024', 'October 2024', '23 October 2024' (en);
    '2024', 'octubre de 2024', '23 de octubre de 2024' (es). length='short' abbreviates the month."""
    if is_missing(start):
        return ""
    day = pd.Timestamp(start).date()
    kind = str(precision) if str(precision) in ("day", "month", "year") else "day"
    return format_date(day, _DATE_PATTERNS[normalize(lang)][(kind, length)], locale=babel_locale(lang))


def day(value: object, lang: str, length: str = "long") -> str:
    """A full date: 23 October 2024 / 23 de octubre de 2024."""
    return partial_date(value, "day", lang, length)


def month_names(lang: str, length: str = "abbreviated") -> list[str]:
    """January..December (or Jan..Dec) in a language, for chart axes."""
    from babel.dates import get_month_names

    names = get_month_names(length, locale=babel_locale(lang))
    return [names[month] for month in range(1, 13)]


def plotly_separators(lang: str) -> str:
    """plotly's layout.separators: decimal mark then thousands mark ('.,' en, ',.' es)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = babel_locale(lang)
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def is_whole(value: float) -> bool:
    return not is_missing(value) and math.isclose(float(value), round(float(value)))
