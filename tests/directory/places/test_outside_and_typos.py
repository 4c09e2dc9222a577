"""Places people type that are misspelt, or outside Sussex: a suggestion, or a clear "outside", never a dead end."""

from pathlib import Path

import pytest

from directory.places.gazetteer import Gazetteer, postcode_in_words

GAZETTEER = Path(__file__).resolve().parents[3] / "data" / "gazetteer"


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_folder(GAZETTEER)


@pytest.mark.parametrize(("typed", "meant"), [
    ("Crawly", "Crawley"), ("Brigton", "Brighton"), ("Hastngs", "Hastings"), ("Worthng", "Worthing"),
    ("Eastborne", "Eastbourne"), ("Chichster", "Chichester"), ("Horshma", "Horsham"), ("Lewis", "Lewes"),
])
def test_a_misspelt_sussex_town_is_not_found_but_suggested(gazetteer, typed, meant):
    resolution = gazetteer.resolve(typed)
    assert not resolution.found and not resolution.is_outside
    assert resolution.suggestions[0].label == meant


def test_suggestions_are_few_and_only_near_misses(gazetteer):
    assert len(gazetteer.resolve("Brigton").suggestions) <= 3
    assert gazetteer.resolve("Zzzzzzz").suggestions == ()
    assert gazetteer.resolve("Rye").suggestions == ()  # found, so nothing to suggest


@pytest.mark.parametrize(("typed", "where"), [
    ("London", "London"), ("Kent", "Kent"), ("Manchester", "Greater Manchester"), ("birmingham", "the West Midlands"),
    ("Tunbridge Wells", "Kent"), ("Horley", "Surrey"), ("Emsworth", "Hampshire"), ("Glasgow", "Scotland"),
])
def test_places_outside_sussex_are_said_to_be_outside(gazetteer, typed, where):
    resolution = gazetteer.resolve(typed)
    assert (resolution.found, resolution.outside) == (False, where)


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "ME1 1AA", "m1 1ae", "EH1 1YZ"])
def test_postcodes_in_areas_with_no_sussex_postcode_are_outside(gazetteer, postcode):
    resolution = gazetteer.resolve(postcode)
    assert resolution.is_outside and not resolution.found


@pytest.mark.parametrize("postcode", ["BN1 1AA", "RH10 1AA", "TN34 1AA", "PO19 1AA", "RH6 0AA"])
def test_postcodes_in_areas_sussex_shares_are_searched_by_distance(gazetteer, postcode):
    resolution = gazetteer.resolve(postcode)
    assert resolution.found and not resolution.is_outside


def test_a_sussex_name_wins_over_the_outside_list(gazetteer):
    assert gazetteer.resolve("Crawley").found


@pytest.mark.parametrize(("text", "expected"), [
    ("domestic abuse BN1 1AA", ("domestic abuse", "BN1 1AA")),
    ("BN11 1AA", ("", "BN11 1AA")),
    ("rape bn21 3ab help", ("rape help", "BN21 3AB")),
    ("rape", ("rape", None)),
    ("BN1", ("BN1", None)),
])
def test_a_postcode_among_the_words_is_taken_out(text, expected):
    assert postcode_in_words(text) == expected
