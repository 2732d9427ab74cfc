"""Places resolve offline from the GeoNames gazetteer; made-up places do not."""

import pytest

from components.geocode import geocode, resolve
from components.validation import load_package
from tests.conftest import ROOT


def test_aurora_colorado_resolves_to_the_colorado_city():
    place = geocode("Aurora", "USA", "CO")
    assert (place.geonameid, round(place.lat, 3), round(place.lon, 3)) == (5412347, 39.729, -104.832)


def test_us_state_may_be_given_by_name():
    assert geocode("Aurora", "USA", "Colorado").geonameid == 5412347


def test_state_narrows_an_ambiguous_name():
    assert geocode("Aurora", "USA", "TX").admin1code == "TX"


def test_santiago_chile_resolves_to_the_capital():
    place = geocode("Santiago", "CHL")
    assert (place.geonameid, round(place.lat, 3), round(place.lon, 3)) == (3871336, -33.457, -70.648)


def test_accents_are_optional():
    assert geocode("Maiquetia", "VEN") == geocode("Maiquetía", "VEN")


@pytest.mark.parametrize("place, country, admin1", [("Qwertyville Springs", "USA", None), ("Aurora", "USA", "Atlantis"), ("Santiago", "XXX", None)])
def test_made_up_places_do_not_resolve(place, country, admin1):
    assert geocode(place, country, admin1) is None


def test_shipped_gazetteer_points_match_a_fresh_lookup():
    events = load_package(ROOT / "data").tables["events"]
    gazetteer = events[events["geocode"] == "gazetteer"]
    assert len(gazetteer) > 0
    for event in gazetteer.itertuples():
        place = geocode(event.place, event.country, event.admin1 if isinstance(event.admin1, str) else None)
        assert place is not None, event.event_id
        assert (round(place.lat, 4), round(place.lon, 4)) == (round(event.lat, 4), round(event.lon, 4)), event.event_id


@pytest.mark.parametrize("place, states", [("Springfield", {"MO", "MA", "IL"}), ("Aurora", {"CO", "IL"})])
def test_an_ambiguous_name_gives_its_candidates_not_the_largest(place, states):
    lookup = resolve(place, "USA")
    assert lookup.ambiguous and lookup.place is None
    assert states <= {candidate.admin1code for candidate in lookup.candidates}
    assert all(candidate.population > 0 for candidate in lookup.candidates[:3])
    assert geocode(place, "USA") is None


@pytest.mark.parametrize("place, state, lat", [("Springfield", "IL", 39.8), ("Springfield", "Massachusetts", 42.1), ("Aurora", "IL", 41.76)])
def test_an_ambiguous_name_resolves_with_its_state(place, state, lat):
    found = geocode(place, "USA", state)
    assert found is not None and abs(found.lat - lat) < 0.1


@pytest.mark.parametrize("place, country, admin1", [("Santiago", "CHL", None), ("Chicago", "USA", None), ("Ituzaingó", "ARG", "Corrientes")])
def test_a_name_with_one_clear_match_still_resolves(place, country, admin1):
    assert not resolve(place, country, admin1).ambiguous
    assert geocode(place, country, admin1) is not None
