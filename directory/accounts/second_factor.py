"""The second factor at sign-in: a code from an authenticator app (TOTP, RFC 6238, by pyotp), or a recovery code.

A password alone is not enough for the accounts that can change what victims are told or download
refuge addresses. The secret is made here and shown once, as a QR code and as text; recovery codes
are hashed like passwords and each works once. A code is refused a second time (its time step is
remembered), so one seen over a shoulder cannot be used again. No Flask here.
"""

import secrets
import time
import uuid
from datetime import datetime

import pyotp
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from directory import history
from directory.accounts import audit
from directory.accounts import users as accounts
from directory.models import Role, User, utc_now

ISSUER = "Safe Space Directory"
RECOVERY_CODE_COUNT = 10
# Unambiguous letters and digits (no 0/o, 1/l/i) for codes people copy from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
# A phone's clock may be up to one 30-second step out either way.
_STEP_DRIFT = (-1, 0, 1)


class SecondFactor(SQLModel, table=True):
    """An account's authenticator app: unconfirmed until the person enters a code from it."""

    __tablename__ = "second_factor"

    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    secret: str = Field(max_length=64)  # base32, as authenticator apps take it
    confirmed_at: datetime | None = None
    # The newest time step a code was accepted for: that code, and older ones, are spent.
    last_used_step: int | None = None
    recovery_code_hashes: list = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))


def required(role: Role, officers_too: bool) -> bool:
    """Whether this role must use a second factor (officers unless the deployment says otherwise)."""
    return role != Role.OFFICER or officers_too


def confirmed_factor(session: Session, user: User) -> SecondFactor | None:
    factor = session.get(SecondFactor, user.id)
    return factor if factor is not None and factor.confirmed_at is not None else None


def next_step(session: Session, user: User, officers_too: bool) -> str | None:
    """After the right password: "code" (enter one), "set up" (enrol first) or None (signed in already)."""
    if confirmed_factor(session, user) is not None:
        return "code"
    return "set up" if required(user.role, officers_too) else None


def pending_secret(session: Session, user: User) -> str:
    """The secret being set up for this account, made on first asking (kept, so a reload shows the same QR code)."""
    factor = session.get(SecondFactor, user.id)
    if factor is None:
        factor = SecondFactor(user_id=user.id, secret=pyotp.random_base32())
        session.add(factor)
        session.flush()
    return factor.secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _normalise(answer: str) -> str:
    return "".join(answer.split()).replace("-", "").lower()


def _matching_step(factor: SecondFactor, code: str, at: float) -> int | None:
    """The time step `code` belongs to, if it is current and newer than the last one used."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(factor.secret)
    now = int(at // totp.interval)
    for step in (now + drift for drift in _STEP_DRIFT):
        if factor.last_used_step is not None and step <= factor.last_used_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _new_recovery_codes() -> list[str]:
    return ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
            for _ in range(RECOVERY_CODE_COUNT)]


def show_recovery_code(code: str) -> str:
    """Two groups of five, easier to copy by hand."""
    return f"{code[:5]}-{code[5:]}"


def confirm(session: Session, user: User, answer: str, at: float | None = None) -> list[str] | None:
    """Finish setting up with a first code from the app: the new recovery codes (shown once), or None."""
    factor = session.get(SecondFactor, user.id)
    if factor is None or factor.confirmed_at is not None:
        return None
    step = _matching_step(factor, _normalise(answer), time.time() if at is None else at)
    if step is None:
        return None
    codes = _new_recovery_codes()
    factor.last_used_step = step
    factor.confirmed_at = utc_now()
    factor.recovery_code_hashes = [accounts.hash_secret(code) for code in codes]
    history.record(session, entity_type="user", entity_id=user.id, entity_name=user.email,
                   action="second factor set up", user=user, before={"second_factor": "Not set up"},
                   after={"second_factor": "Set up"})
    return [show_recovery_code(code) for code in codes]


def check(session: Session, user: User, answer: str, at: float | None = None) -> str | None:
    """The second step of signing in: "code" or "recovery code" for what was accepted, or None.

    A recovery code is spent as it is used; the caller commits.
    """
    factor = confirmed_factor(session, user)
    if factor is None:
        return None
    answer = _normalise(answer)
    step = _matching_step(factor, answer, time.time() if at is None else at)
    if step is not None:
        factor.last_used_step = step
        return "code"
    if len(answer) != _RECOVERY_LENGTH:
        return None  # not shaped like a recovery code: spare ten Argon2 checks
    for hashed in factor.recovery_code_hashes:
        if accounts.secret_matches(hashed, answer):
            factor.recovery_code_hashes = [h for h in factor.recovery_code_hashes if h != hashed]
            return "recovery code"
    return None


def recovery_codes_left(session: Session, user: User) -> int:
    factor = confirmed_factor(session, user)
    return len(factor.recovery_code_hashes) if factor else 0


def reset(session: Session, user: User, by: User | None) -> None:
    """An admin's reset (a lost phone): the person sets up again at their next sign-in, signed out everywhere now."""
    factor = session.get(SecondFactor, user.id)
    before = "Set up" if factor is not None and factor.confirmed_at is not None else "Not set up"
    if factor is not None:
        session.delete(factor)
    accounts.end_sessions(user)
    change = history.record(session, entity_type="user", entity_id=user.id, entity_name=user.email,
                            action="second factor reset", user=by, before={"second_factor": before},
                            after={"second_factor": "Not set up"})
    audit.security_event(session, "second_factor_reset", user, by=by, change=change)
