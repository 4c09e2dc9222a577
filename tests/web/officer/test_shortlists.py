"""Support-card shortlist links: signed, expiring, carrying service ids only."""

import time
import uuid

import pytest

from directory.pathway.shortlists import ShortlistExpired, ShortlistInvalid, make_token, read_token

SECRET = "test secret"


def test_a_link_carries_the_services_and_nothing_else():
    ids = [uuid.uuid4() for _ in range(3)]
    token = make_token(SECRET, ids)
    assert read_token(SECRET, token, max_age_days=30) == ids
    for identifier in ids:
        assert str(identifier) not in token


def test_a_tampered_link_is_refused():
    token = make_token(SECRET, [uuid.uuid4()])
    payload, _, signature = token.rpartition(".")
    forged = make_token("another secret", [uuid.uuid4()])
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "rubbish", f"{payload}x.{signature}"):
        with pytest.raises(ShortlistInvalid):
            read_token(SECRET, bad, max_age_days=30)


def test_a_link_expires(monkeypatch):
    made = time.time() - 31 * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: made)
    token = make_token(SECRET, [uuid.uuid4()])
    monkeypatch.undo()
    with pytest.raises(ShortlistExpired):
        read_token(SECRET, token, max_age_days=30)
    assert read_token(SECRET, token, max_age_days=32)


def test_a_shortlist_has_one_to_eight_services():
    with pytest.raises(ShortlistInvalid):
        make_token(SECRET, [])
    with pytest.raises(ShortlistInvalid):
        make_token(SECRET, [uuid.uuid4() for _ in range(9)])
