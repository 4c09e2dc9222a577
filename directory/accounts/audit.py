"""The security log: sign-ins, second factors, account and role changes, full exports, imports, refusals.

Each event is written twice: as a line on the "directory.security" logger (app.py makes INFO and above
reach the server's error stream, under gunicorn and `flask run` alike) and as a row of the append-only
security_event table, which admins read at /staff/security-log. The ORM refuses to change or delete a
row. It is not the change history (directory/history.py), which keeps the before and after of every
change to a listing or account: an account change is in both, and its event points at its change record.

Never written: a password, a search term, anything about a victim, an email typed at sign-in that
matches no account, or a whole IP address (only its network: IPv4 /24, IPv6 /48). Accounts are named
only for staff events, that is events about an account that exists.

Kinds (KINDS is the one list), for other features to use:
  sign_in_ok, sign_in_failed, sign_in_throttled    the sign-in page (throttled: a 429 there, a lockout)
  second_factor_ok, second_factor_failed           a second-factor code accepted or refused at sign-in
  second_factor_reset                              an admin (by=) cleared an account's second factor
  account_created, account_disabled, account_enabled, password_reset, role_changed   (by= the admin)
  password_changed                                 a person changed their own password
  full_export                                      everything.zip, confidential addresses included
  import_applied                                   an import written to the directory
  forbidden, throttled                             any other 403 or 429 (detail: the endpoint)

From a view, call directory.web.security.record_security_event(kind, user=..., by=..., detail=...),
which adds the caller's network and commits at once, in a session of its own. From domain code,
call security_event(session, kind, user=..., by=..., detail=...) and commit with the change.
"""

import ipaddress
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session, aliased
from sqlmodel import Field, SQLModel, func, select

from directory.models import ChangeRecord, User, utc_now

LOGGER_NAME = "directory.security"
_log = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True)
class EventKind:
    name: str
    wording: str  # what the admins' page says
    level: int  # on the log: WARNING for what may be an attack or gives away power or data


KINDS = {
    kind.name: kind
    for kind in (
        EventKind("sign_in_ok", "Signed in", logging.INFO),
        EventKind("sign_in_failed", "Sign-in failed", logging.WARNING),
        EventKind("sign_in_throttled", "Sign-in refused: too many attempts", logging.WARNING),
        EventKind("second_factor_ok", "Second factor accepted", logging.INFO),
        EventKind("second_factor_failed", "Second factor refused", logging.WARNING),
        EventKind("second_factor_reset", "Second factor reset", logging.WARNING),
        EventKind("account_created", "Account created", logging.INFO),
        EventKind("account_disabled", "Account disabled", logging.INFO),
        EventKind("account_enabled", "Account enabled", logging.INFO),
        EventKind("password_reset", "Password reset", logging.WARNING),
        EventKind("password_changed", "Password changed by its owner", logging.INFO),
        EventKind("role_changed", "Role changed", logging.WARNING),
        EventKind("full_export", "Full export (confidential addresses included)", logging.WARNING),
        EventKind("import_applied", "Import applied", logging.INFO),
        EventKind("forbidden", "Refused: not allowed (403)", logging.WARNING),
        EventKind("throttled", "Refused: too many requests (429)", logging.WARNING),
    )
}


class SecurityEvent(SQLModel, table=True):
    """One security event. Rows are added, never changed or deleted (see _append_only)."""

    __tablename__ = "security_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    kind: str = Field(max_length=40, index=True)
    # The staff account the event is about (signing in, exporting, being changed) ...
    account_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id", index=True)
    # ... and, when someone else acted on it, who (an admin).
    by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    network: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=255)
    change_id: int | None = Field(default=None, foreign_key="change_record.id")


class AppendOnlyError(RuntimeError):
    """Something tried to change or delete a security event."""


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context, _instances) -> None:
    if any(isinstance(row, SecurityEvent) for row in (*session.dirty, *session.deleted)):
        raise AppendOnlyError("The security log is append-only: events are never changed or deleted")


def network_of(address: str | None) -> str | None:
    """The network an address is in (IPv4 /24, IPv6 /48): enough to see a pattern, not to name a house."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _one_line(text: str | None) -> str | None:
    # No line breaks: a log line must not be able to forge the next one.
    return " ".join(text.split())[:255] if text else None


def log_event(kind: str, *, user: User | None = None, by: User | None = None, address: str | None = None,
              detail: str | None = None) -> EventKind:
    """Write the event's log line only (security_event also stores it)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown security event kind {kind!r}: add it to KINDS in {__name__}")
    known = KINDS[kind]
    _log.log(known.level, "security %s (%s) account=%s by=%s network=%s detail=%s", kind, known.wording,
             user.id if user else "-", by.id if by else "-", network_of(address) or "-", _one_line(detail) or "-")
    return known


def security_event(session: Session, kind: str, user: User | None = None, *, by: User | None = None,
                   address: str | None = None, detail: str | None = None,
                   change: ChangeRecord | None = None) -> SecurityEvent:
    """Log a security event and add it to the security log in the caller's transaction (the caller commits).

    `user` is the staff account the event is about; `address` is truncated to its network here.
    """
    log_event(kind, user=user, by=by, address=address, detail=detail)
    if change is not None and change.id is None:
        session.flush()
    row = SecurityEvent(kind=kind, account_id=user.id if user else None, by_id=by.id if by else None,
                        network=network_of(address), detail=_one_line(detail), change_id=change.id if change else None)
    session.add(row)
    return row


@dataclass(frozen=True)
class EventLine:
    """A security event as the admins' page shows it."""

    at: datetime
    wording: str
    account: str | None
    by: str | None
    network: str | None
    detail: str | None


def recent_events(session: Session, page: int, per_page: int) -> tuple[list[EventLine], int]:
    """One page of the security log, newest first, and how many pages there are."""
    total = session.exec(select(func.count(SecurityEvent.id))).one()
    account, by = aliased(User), aliased(User)
    rows = session.exec(
        select(SecurityEvent, account.email, by.email)
        .outerjoin(account, SecurityEvent.account_id == account.id)
        .outerjoin(by, SecurityEvent.by_id == by.id)
        .order_by(SecurityEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    lines = [EventLine(row.at, KINDS[row.kind].wording if row.kind in KINDS else row.kind, account_email,
                       by_email, row.network, row.detail) for row, account_email, by_email in rows]
    return lines, max(1, -(-total // per_page))
