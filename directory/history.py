"""The change history of listings and accounts: who changed what, when, with the full before and after.

Records are written in the caller's transaction, so a change and its history commit together, and
read back field by field in a record's own words (a Vocabulary). No Flask here.
"""

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session
from sqlmodel import select

from directory.listings.wording import long_date
from directory.models import ChangeRecord, User

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str
    in_list: bool = False  # an entry or item added to or removed from a list: one side is blank, not emptied


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


@dataclass(frozen=True)
class Vocabulary:
    """How one kind of record reads to a person: its fields' labels and the names behind stored values.

    Keys are paths through a snapshot, list positions left out: "service.organization_id",
    "phones" (what one entry is called: "Phone number"), "phones.number", "terms.need". `names`
    turns stored values (ids, codes, choices) into what the editor showed. A path it does not
    name reads as its key, after its parent's label when the parent has one ("Service: version").
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def label(self, path: str, in_entry: bool = False) -> str:
        """`in_entry`: the field of an entry, whose own name already leads its lines ("Place Harbour House: ")."""
        if path in self.labels:
            return self.labels[path]
        parent, _, key = path.rpartition(".")
        prefix = self.labels.get(parent, _humanise(parent.rpartition(".")[2])) if parent and not in_entry else ""
        return f"{prefix}: {key.replace('_', ' ')}" if prefix else _humanise(key)

    def shown(self, path: str, value) -> str:
        names = self.names.get(path, {})
        if isinstance(value, str) and value in names:
            return names[value]
        if isinstance(value, str) and names and "," in value and all(part in names for part in value.split(",")):
            return ", ".join(names[part] for part in value.split(","))  # HSDS days, "MO,WE"
        return shown_value(value)


PLAIN = Vocabulary()
# Identity, not content: entries are matched by these and they are never shown.
_IDENTITY = ("link_id", "id")


def shown_value(value) -> str:
    """A snapshot's value as a person reads it: Yes or No, lists joined, dates in words, empty as ""."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return ", ".join(shown_value(item) for item in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        return long_date(date.fromisoformat(value))
    return str(value)


def _is_entries(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _identity(entry: dict):
    return next((entry[key] for key in _IDENTITY if entry.get(key)), None)


def _name(entry: dict, path: str, words: Vocabulary) -> str:
    """What an entry is called in its lines: its first value the editor shows (a number, a place's name or street)."""
    for key, value in entry.items():
        if _is_entries(value):
            named = _name(value[0], f"{path}.{key}", words)
            if named:
                return named
        elif key not in _IDENTITY and isinstance(value, str) and value and f"{path}.{key}" in words.labels:
            return words.shown(f"{path}.{key}", value)
    return _summary(entry, path, words).split(", ")[0]


def _summary(entry: dict, path: str, words: Vocabulary) -> str:
    """An entry in one line: its own words, and those of the entries inside it (a place's address)."""
    parts = []
    for key, value in entry.items():
        if key in _IDENTITY:
            continue
        if _is_entries(value):
            parts.extend(_summary(item, f"{path}.{key}", words) for item in value)
        elif isinstance(value, str) and value and (f"{path}.{key}" in words.labels or not words.labels):
            parts.append(words.shown(f"{path}.{key}", value))  # what the editor shows, not HSDS's bookkeeping
    return ", ".join(part for part in parts if part)


def _entry_changes(old: list[dict], new: list[dict], path: str, prefix: str, words: Vocabulary,
                   nested: bool) -> Iterator[FieldChange]:
    """What changed in a list of entries: entries are matched by id, so only what changed is shown.

    Unmatched entries inside another one (a place's address, copied under a new id when the place
    is shared) and entries with no ids at all are paired by position.
    """
    noun = f"{prefix}{words.label(path)}"
    by_identity = {_identity(entry): entry for entry in old if _identity(entry)}
    pairs, added = [], []
    for entry in new:
        match = by_identity.pop(_identity(entry), None) if _identity(entry) else None
        (pairs.append((match, entry)) if match else added.append(entry))
    removed = [entry for entry in old if not _identity(entry) or _identity(entry) in by_identity]
    if nested or not any(map(_identity, [*removed, *added])):
        paired = min(len(removed), len(added))
        pairs += zip(removed[:paired], added[:paired], strict=True)
        removed, added = removed[paired:], added[paired:]
    if nested and len(old) == len(new) == 1:
        noun = None  # a place's one address: the place's name already says whose
    for before, after in pairs:
        name = _name(before, path, words)
        inner = prefix if noun is None else f"{noun} {name}: " if name else f"{noun}: "
        yield from _changes(before, after, path, inner, words, True)
    for entry in removed:
        yield FieldChange(noun, f"Removed: {_summary(entry, path, words)}", "", in_list=True)
    for entry in added:
        yield FieldChange(noun, "", f"Added: {_summary(entry, path, words)}", in_list=True)


def _changes(old: dict, new: dict, path: str, prefix: str, words: Vocabulary, nested: bool) -> Iterator[FieldChange]:
    for key in dict.fromkeys([*old, *new]):
        if nested and key in _IDENTITY:
            continue
        before, after = old.get(key), new.get(key)
        here = f"{path}.{key}" if path else key
        if isinstance(before, dict) or isinstance(after, dict):
            yield from _changes(before or {}, after or {}, here, prefix, words, nested)
        elif _is_entries(before) or _is_entries(after):
            yield from _entry_changes(before or [], after or [], here, prefix, words, nested)
        elif isinstance(before, list) or isinstance(after, list):
            gone = [words.shown(here, item) for item in before or [] if item not in (after or [])]
            came = [words.shown(here, item) for item in after or [] if item not in (before or [])]
            if gone or came:
                yield FieldChange(f"{prefix}{words.label(here, nested)}", f"Removed: {', '.join(gone)}" if gone else "",
                                  f"Added: {', '.join(came)}" if came else "", in_list=True)
        elif words.shown(here, before) != words.shown(here, after):
            yield FieldChange(f"{prefix}{words.label(here, nested)}", words.shown(here, before),
                              words.shown(here, after))


def field_changes(before: dict | None, after: dict | None, words: Vocabulary | None = None) -> list[FieldChange]:
    """What differs between two snapshots, field by field, in the order the fields appear.

    Within lists only what changed: the entries added or removed, and the fields changed in the rest.
    """
    return list(_changes(before or {}, after or {}, "", "", words or PLAIN, nested=False))
