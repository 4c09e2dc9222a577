"""The change history of listings and accounts: who changed what, when, with the full before and after.

Records are written in the caller's transaction, so a change and its history commit together.
No Flask here.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session
from sqlmodel import select

from directory.models import ChangeRecord, User


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


def record(session: Session, *, entity_type: str, entity_id: uuid.UUID, entity_name: str, action: str,
           user: User | None, before: dict | None = None, after: dict | None = None,
           version: int | None = None, note: str | None = None) -> ChangeRecord:
    change = ChangeRecord(
        entity_type=entity_type,
        entity_id=entity_id,
        entity_name=entity_name[:255],
        action=action,
        version=version,
        user_id=user.id if user else None,
        user_name=user.name if user else "System",
        before=before,
        after=after,
        note=note,
    )
    session.add(change)
    return change


def history_of(session: Session, entity_type: str, entity_id: uuid.UUID) -> list[ChangeRecord]:
    """Every change to one record, newest first."""
    return list(
        session.exec(
            select(ChangeRecord)
            .where(ChangeRecord.entity_type == entity_type, ChangeRecord.entity_id == entity_id)
            .order_by(ChangeRecord.id.desc())
        )
    )


def change_by_id(session: Session, change_id: int) -> ChangeRecord | None:
    return session.get(ChangeRecord, change_id)


def _humanise(key: str) -> str:
    return key.replace("_", " ").capitalize()


def shown_value(value) -> str:
    """A snapshot's value as a person reads it: Yes or No, lists joined, dates in ISO form, empty as ""."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return ", ".join(shown_value(item) for item in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def flatten(snapshot: dict | None, prefix: str = "") -> dict[str, str]:
    """A snapshot as labelled lines: nested parts become "Phones 2: number"."""
    lines: dict[str, str] = {}
    for key, value in (snapshot or {}).items():
        if key == "id" and prefix:
            continue
        label = f"{prefix}{_humanise(key)}" if not prefix else f"{prefix}{key.replace('_', ' ')}"
        if isinstance(value, dict):
            lines.update(flatten(value, f"{_humanise(key)}: "))
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for number, item in enumerate(value, start=1):
                lines.update(flatten(item, f"{_humanise(key)} {number}: "))
        else:
            lines[label] = shown_value(value)
    return lines


def field_changes(before: dict | None, after: dict | None) -> list[FieldChange]:
    """What differs between two snapshots, field by field, in the order the fields appear."""
    old, new = flatten(before), flatten(after)
    keys = list(dict.fromkeys([*old, *new]))
    return [
        FieldChange(key, old.get(key, ""), new.get(key, ""))
        for key in keys
        if old.get(key, "") != new.get(key, "")
    ]
