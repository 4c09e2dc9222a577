"""The security log's domain rules: networks not addresses, one line per event, rows never changed."""

import pytest
from sqlmodel import select

from directory.accounts import audit
from directory.accounts.audit import AppendOnlyError, SecurityEvent


@pytest.mark.parametrize("address, network", [
    ("203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:abcd:12::7", "2001:db8:abcd::/48"),
    ("::ffff:198.51.100.9", "198.51.100.0/24"),  # IPv4 seen through an IPv6 socket
    ("not an address", None),
    (None, None),
])
def test_only_the_network_of_an_address_is_kept(address, network):
    assert audit.network_of(address) == network


def test_an_event_cannot_be_changed_or_deleted(session):
    event = audit.security_event(session, "forbidden", address="203.0.113.77", detail="staff.users")
    session.commit()
    event.detail = "nothing happened"
    with pytest.raises(AppendOnlyError):
        session.commit()
    session.rollback()
    session.delete(session.exec(select(SecurityEvent)).one())
    with pytest.raises(AppendOnlyError):
        session.commit()


def test_a_detail_cannot_forge_a_second_log_line(session, caplog):
    audit.security_event(session, "import_applied", detail="3 created\nsecurity sign_in_ok account=someone")
    assert "\n" not in caplog.records[-1].getMessage()


def test_an_unknown_kind_is_refused_rather_than_logged_unread(session):
    with pytest.raises(ValueError, match="Unknown security event kind"):
        audit.security_event(session, "second_factor_skipped")
