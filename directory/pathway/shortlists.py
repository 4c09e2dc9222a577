"""Signed, expiring shortlist links for a victim's support card.

The link carries only the chosen services' ids, the card's language and when it was made,
signed with the app's secret so it cannot be altered. Nothing about the victim or the crime
is stored or encoded. No Flask here.
"""

import base64
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_SERVICES = 8
_SALT = "support-card-shortlist"
_LANGUAGE = re.compile(r"[a-z]{2,3}")


class Shortlist(NamedTuple):
    service_ids: list[uuid.UUID]
    language: str


class ShortlistExpired(ValueError):
    """Carries the link's language: the page saying it has expired speaks it too."""

    def __init__(self, language: str):
        super().__init__("This link has expired")
        self.language = language


class ShortlistInvalid(ValueError):
    pass


def _short(service_id: uuid.UUID) -> str:
    """22 characters instead of 36: the QR code stays small enough to scan from a printed card."""
    return base64.urlsafe_b64encode(service_id.bytes).decode().rstrip("=")


def _long(text: str) -> uuid.UUID:
    return uuid.UUID(bytes=base64.urlsafe_b64decode(text + "=="))


def make_token(secret: str, service_ids: list[uuid.UUID], language: str) -> str:
    if not 0 < len(service_ids) <= MAX_SERVICES:
        raise ShortlistInvalid(f"A shortlist has between 1 and {MAX_SERVICES} services")
    if not _LANGUAGE.fullmatch(language):
        raise ShortlistInvalid(f"Not a language code: {language!r}")
    ids = ".".join(_short(i) for i in service_ids)
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps(f"{language}:{ids}")


def _language(payload: str) -> str:
    """Links made before cards had languages carry ids only: those were English."""
    language, _, _ = payload.rpartition(":")
    if not language:
        return "en"
    if not _LANGUAGE.fullmatch(language):
        raise ValueError(language)
    return language


def read_token(secret: str, token: str, max_age_days: int) -> Shortlist:
    """The services and language of a genuine, unexpired link; raises ShortlistExpired or ShortlistInvalid."""
    serializer = URLSafeTimedSerializer(secret, salt=_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age_days * 86400)
    except SignatureExpired as error:
        # The signature is genuine, only old: its language can be trusted.
        try:
            language = _language(serializer.load_payload(error.payload))
        except (ValueError, AttributeError):
            language = "en"
        raise ShortlistExpired(language) from error
    except BadSignature as error:
        raise ShortlistInvalid("This link is not valid") from error
    try:
        ids = payload.rpartition(":")[2]
        return Shortlist([_long(part) for part in ids.split(".")][:MAX_SERVICES], _language(payload))
    except (ValueError, AttributeError) as error:
        raise ShortlistInvalid("This link is not valid") from error


def expires_on(made_at: datetime, max_age_days: int) -> datetime:
    return made_at.astimezone(timezone.utc) + timedelta(days=max_age_days)
