"""Staff and officer accounts: creating, signing in, changing and disabling them. No Flask here.

Passwords are hashed with Argon2id (argon2-cffi). Accounts are disabled, never deleted, so
history keeps naming who did what. New passwords are refused when they are easy to guess:
zxcvbn (Dropbox's estimator) knows the 30,000 most common passwords of the Xato breach corpus,
English words, names, keyboard rows, sequences and repeats, whatever their letter case.
"""

import secrets
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session
from sqlmodel import func, select
from zxcvbn import zxcvbn

from directory import history
from directory.accounts.audit import security_event
from directory.models import Role, User, utc_now

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified when no account matches, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
# zxcvbn's "safely unguessable" (10^8 guesses and more). It reads up to 72 characters, which keeps
# it fast; a longer password is judged by its start, which must then be good enough on its own.
_MIN_GUESS_SCORE = 3
_GUESS_CHECK_LENGTH = 72
_RANK = {Role.OFFICER: 1, Role.EDITOR: 2, Role.APPROVER: 3, Role.ADMIN: 4}


class AccountError(ValueError):
    """A request about an account that cannot be met, with a message for the person."""


def can(role: Role, needed: Role) -> bool:
    """Each role can do what the roles below it can: admins what policy approvers can, approvers what
    editors can, editors what officers can."""
    return _RANK[role] >= _RANK[needed]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    """Why a new password is not good enough, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(set(password)) < 5:
        return "Password must not repeat the same few characters"
    if zxcvbn(password[:_GUESS_CHECK_LENGTH])["score"] < _MIN_GUESS_SCORE:
        return ("Password is too easy to guess: it is a common password, or a word or pattern with numbers. "
                "Try three or four unrelated words")
    return None


def hash_secret(secret: str) -> str:
    """An Argon2id hash, as for passwords (also used for second-factor recovery codes)."""
    return _hasher.hash(secret)


def secret_matches(hashed: str, secret: str) -> bool:
    try:
        return _hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


def _account_snapshot(user: User) -> dict:
    return {"email": user.email, "name": user.name, "role": user.role.value, "active": user.active}


def find_by_id(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(session: Session, email: str, name: str, role: Role, password: str,
                by: User | None = None) -> User:
    """Add an account; the caller commits."""
    if not name.strip() or len(name.strip()) > 120:
        # Staff pages and every history entry show the name: an email address there would not say who.
        raise AccountError("Enter the person's name, in 120 characters or fewer")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    if find_by_email(session, email) is not None:
        raise AccountError("An account with this email address already exists")
    user = User(email=normalise_email(email), name=name.strip(), role=role, password_hash=_hasher.hash(password),
                session_token=secrets.token_hex(16))
    session.add(user)
    session.flush()
    change = history.record(session, entity_type="user", entity_id=user.id, entity_name=user.email,
                            action="created", user=by, after=_account_snapshot(user))
    security_event(session, "account_created", user, by=by, detail=f"role {role.value}", change=change)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account these credentials belong to, or None (whatever the reason)."""
    user = find_by_email(session, email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_signed_in_at = utc_now()
    return user


def signed_in_user(session: Session, identity: str) -> User | None:
    """The account a session identity ("<id>:<token>") names, if it is still active and current."""
    user_id, _, token = identity.partition(":")
    try:
        user = session.get(User, uuid.UUID(user_id))
    except ValueError:
        return None
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def session_identity(user: User) -> str:
    return f"{user.id}:{user.session_token}"


def _change(session: Session, user: User, by: User, action: str, apply, security_kind: str | None) -> None:
    """Apply a change, record it in the history and, if it is one (`security_kind`), in the security log."""
    before = _account_snapshot(user)
    apply()
    change = history.record(session, entity_type="user", entity_id=user.id, entity_name=user.email,
                            action=action, user=by, before=before, after=_account_snapshot(user))
    if security_kind:
        detail = f"{before['role']} to {user.role.value}" if security_kind == "role_changed" else None
        security_event(session, security_kind, user, by=by, detail=detail, change=change)


def _new_password(session: Session, user: User, password: str, by: User | None, action: str, kind: str) -> None:
    """Check a new password, set it and sign the account out of every session, recorded as `action`."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)

    def apply():
        user.password_hash = _hasher.hash(password)
        user.session_token = secrets.token_hex(16)

    _change(session, user, by, action, apply, kind)


def set_password(session: Session, user: User, password: str, by: User | None) -> None:
    """An admin's reset: a new password, and the account signed out of every session."""
    _new_password(session, user, password, by, "password reset", "password_reset")


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """A person's own change: the current password first. Signs out every session; the caller starts a new one."""
    if not secret_matches(user.password_hash, current):
        raise AccountError("Enter your current password correctly")
    _new_password(session, user, new, user, "password changed", "password_changed")


def end_sessions(user: User) -> None:
    """Sign the account out of every browser (on sign-out: a copied cookie must not outlive it)."""
    user.session_token = secrets.token_hex(16)


def _active_admins(session: Session) -> int:
    return session.exec(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    ).one()


def set_active(session: Session, user: User, active: bool, by: User) -> None:
    """Disable (signing out everywhere) or re-enable an account; the last admin stays."""
    if not active and user.role == Role.ADMIN and user.active and _active_admins(session) <= 1:
        raise AccountError("This is the only active admin account: add another admin first")

    def apply():
        user.active = active
        user.session_token = secrets.token_hex(16)

    action = "enabled" if active else "disabled"
    _change(session, user, by, action, apply, f"account_{action}")


def set_details(session: Session, user: User, name: str, role: Role, by: User) -> None:
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active and _active_admins(session) <= 1:
        raise AccountError("This is the only active admin account: add another admin first")

    def apply():
        user.name = name.strip()
        user.role = role

    _change(session, user, by, "updated", apply, "role_changed" if role != user.role else None)


def all_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.active.desc(), User.name)))
