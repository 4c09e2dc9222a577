"""Signed, expiring shortlist links for a victim's support card.

The link carries only the chosen services' ids and when it was made, signed with the app's
secret so it cannot be altered. Nothing about the victim or the crime is stored or encoded.
No Flask here.
"""

import base64
import uuid
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_SERVICES = 8
_SALT = "support-card-shortlist"


class ShortlistExpired(ValueError):
    pass


class ShortlistInvalid(ValueError):
    pass


def _short(service_id: uuid.UUID) -> str:
    """22 characters instead of 36: the QR code stays small enough to scan from a printed card."""
    return base64.urlsafe_b64encode(service_id.bytes).decode().rstrip("=")


def _long(text: str) -> uuid.UUID:
    return uuid.UUID(bytes=base64.urlsafe_b64decode(text + "=="))


def make_token(secret: str, service_ids: list[uuid.UUID]) -> str:
    if not 0 < len(service_ids) <= MAX_SERVICES:
        raise ShortlistInvalid(f"A shortlist has between 1 and {MAX_SERVICES} services")
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps(".".join(_short(i) for i in service_ids))


def read_token(secret: str, token: str, max_age_days: int) -> list[uuid.UUID]:
    """The service ids of a genuine, unexpired link; raises ShortlistExpired or ShortlistInvalid."""
    serializer = URLSafeTimedSerializer(secret, salt=_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age_days * 86400)
    except SignatureExpired as error:
        raise ShortlistExpired("This link has expired") from error
    except BadSignature as error:
        raise ShortlistInvalid("This link is not valid") from error
    try:
        return [_long(part) for part in payload.split(".")][:MAX_SERVICES]
    except (ValueError, AttributeError) as error:
        raise ShortlistInvalid("This link is not valid") from error


def expires_on(made_at: datetime, max_age_days: int) -> datetime:
    return made_at.astimezone(timezone.utc) + timedelta(days=max_age_days)
