"""Support-card shortlist links: signed, expiring, carrying service ids and the card's language only."""

import time
import uuid

import pytest
from itsdangerous import URLSafeTimedSerializer

from directory.pathway import shortlists
from directory.pathway.shortlists import ShortlistExpired, ShortlistInvalid, make_token, read_token

SECRET = "test secret"


def test_a_link_carries_the_services_and_language_and_nothing_else():
    ids = [uuid.uuid4() for _ in range(3)]
    token = make_token(SECRET, ids, "ar")
    assert read_token(SECRET, token, max_age_days=30) == (ids, "ar")
    assert read_token(SECRET, token, max_age_days=30).language == "ar"
    for identifier in ids:
        assert str(identifier) not in token


def test_a_link_made_before_cards_had_languages_reads_as_english():
    ids = [uuid.uuid4(), uuid.uuid4()]
    old = URLSafeTimedSerializer(SECRET, salt=shortlists._SALT).dumps(".".join(shortlists._short(i) for i in ids))
    assert read_token(SECRET, old, max_age_days=30) == (ids, "en")


def test_only_a_language_code_can_be_carried():
    for bad in ("", "english", "p:l", "PL", "ar/../x"):
        with pytest.raises(ShortlistInvalid):
            make_token(SECRET, [uuid.uuid4()], bad)


def test_a_tampered_link_is_refused():
    token = make_token(SECRET, [uuid.uuid4()], "en")
    payload, _, signature = token.rpartition(".")
    forged = make_token("another secret", [uuid.uuid4()], "en")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "rubbish", f"{payload}x.{signature}"):
        with pytest.raises(ShortlistInvalid):
            read_token(SECRET, bad, max_age_days=30)


def _made_days_ago(monkeypatch, days: int, language: str) -> str:
    made = time.time() - days * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: made)
    token = make_token(SECRET, [uuid.uuid4()], language)
    monkeypatch.undo()
    return token


def test_a_link_expires_and_still_says_its_language(monkeypatch):
    token = _made_days_ago(monkeypatch, 31, "pl")
    with pytest.raises(ShortlistExpired) as expired:
        read_token(SECRET, token, max_age_days=30)
    assert expired.value.language == "pl"
    assert read_token(SECRET, token, max_age_days=32).language == "pl"


def test_a_shortlist_has_one_to_eight_services():
    with pytest.raises(ShortlistInvalid):
        make_token(SECRET, [], "en")
    with pytest.raises(ShortlistInvalid):
        make_token(SECRET, [uuid.uuid4() for _ in range(9)], "en")
