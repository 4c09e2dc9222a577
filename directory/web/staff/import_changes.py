"""What an import changes in each listing, field by field, in the listing editor's own words.

The preview shows an editor each changed field as the editor page labels it ("Youngest age",
"Phone number 2: What it is for"), with answers as the editor offers them, names where the
listing keeps ids, and no record ids at all: they say nothing to a person.
"""

from wtforms.fields.core import UnboundField

from directory.conditions import CONDITIONS
from directory.exchange.datapackage import ListingChange
from directory.history import FieldChange, shown_value
from directory.web.staff.listing_forms import (
    AreaEntry,
    ContactEntry,
    LanguageEntry,
    LocationEntry,
    PhoneEntry,
    ScheduleEntry,
    ServiceForm,
)

# A listing's repeating parts: the noun the editor page uses for one of them, and the form that edits it.
_PARTS = {
    "phones": ("Phone number", PhoneEntry),
    "contacts": ("Contact", ContactEntry),
    "schedules": ("Set of hours", ScheduleEntry),
    "service_areas": ("Area", AreaEntry),
    "languages": ("Language", LanguageEntry),
    "locations": ("Place", LocationEntry),
}
# What the editor page does not show as a field of its own, in words.
_OWN_WORDS = {
    "organization": "Organisation",
    "published": "Published",
    "last_modified": "Last changed",
    "last_verified_on": "Last verified on",
    "last_verified_by": "Last verified by",
    "need": "Needs it helps with",
    "audience": "Groups it is for",
    "delivery": "How it is delivered",
    "location_type": "Kind of place",
    "address_type": "Kind of address",
}
# A place's own parts: its addresses read by the editor's address labels, its accessibility details so.
_PLACE_PARTS = {"accessibility": {"description": "Accessibility", "details": "Accessibility details"}}
_CONDITION_PARTS = {
    **{c.note: f"{c.question}: {c.note_label.lower()}" for c in CONDITIONS if c.note},
    **{c.checked_on: f"{c.question}: checked on" for c in CONDITIONS},
}


def _fields(form_class) -> dict[str, UnboundField]:
    return {name: value for name, value in vars(form_class).items() if isinstance(value, UnboundField)}


def _label(name: str, fields: dict[str, UnboundField]) -> str:
    if name in _CONDITION_PARTS:
        return _CONDITION_PARTS[name]
    if name in _OWN_WORDS:
        return _OWN_WORDS[name]
    if name in fields:
        return fields[name].args[0].removesuffix(" (optional)")
    return name.replace("_", " ").capitalize()


def _value(name: str, value, fields: dict[str, UnboundField]) -> str:
    """An answer as the editor offers it ("Temporarily closed", not "temporarily closed")."""
    choices = fields[name].kwargs.get("choices") or [] if name in fields else []
    return next((choice.label for choice in choices if choice.value == value), shown_value(value))


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def _lines(record: dict, fields: dict[str, UnboundField], prefix: str = "", words: dict | None = None) -> dict:
    lines = {}
    for name, value in record.items():
        if _is_id(name):
            continue
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for number, item in enumerate(value, start=1):  # a place's addresses and accessibility details
                within = prefix if len(value) == 1 else f"{prefix}{_label(name, fields)} {number}: "
                lines.update(_lines(item, fields, within, _PLACE_PARTS.get(name)))
        else:
            label = (words or {}).get(name) or _label(name, fields)
            lines[prefix + label] = _value(name, value, fields)
    return lines


def _read(snapshot: dict) -> dict[str, str]:
    """A listing as labelled lines: its own details, its terms, then its parts one by one."""
    service_fields = _fields(ServiceForm)
    lines = _lines(snapshot["service"], service_fields)
    lines.update({_OWN_WORDS[link_type]: ", ".join(names) for link_type, names in snapshot["terms"].items()})
    for part, (noun, form_class) in _PARTS.items():
        for number, entry in enumerate(snapshot[part], start=1):
            lines.update(_lines(entry, _fields(form_class), f"{noun} {number}: "))
    return lines


def listing_changes(change: ListingChange) -> list[FieldChange]:
    """Each field the import changes in one listing: what it is now and what it will be."""
    before, after = _read(change.before), _read(change.after)
    return [FieldChange(label, before.get(label, ""), after.get(label, ""))
            for label in dict.fromkeys([*before, *after]) if before.get(label, "") != after.get(label, "")]
