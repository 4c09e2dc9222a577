"""A listing in the editor's own words: the summary page's answers, and the history's labels and names.

Both are read off the editor's form, built with today's organisations and terms, so a field reads
the same on the form, on the summary and in the history: "Organisation: Downs Trust", never an id.
"""

from wtforms import BooleanField, DateField, FieldList

from directory.conditions import CONDITIONS
from directory.history import Vocabulary
from directory.listings.wording import long_date
from directory.web.staff.listing_forms import ADDRESS_FIELDS, TERM_FIELDS, ServiceForm, entry_noun, make_service_form
from directory.web.staff.listing_sections import CONDITIONS_BY_NAME, SectionState

_NOT_SHOWN = ("SubmitField", "CSRFTokenField", "HiddenField")
_ENTRY_CONTROLS = ("id", "link_id", "remove")
_TERM_PATHS = {name: f"terms.{link_type}" for link_type, name in TERM_FIELDS.items()}


def _choices(field) -> dict[str, str]:
    return {str(value): str(label) for value, label, *_ in field.iter_choices() if value} \
        if hasattr(field, "iter_choices") else {}


def _entry_path(part: str, name: str) -> str:
    """Where a part's field sits in a snapshot: a place keeps its address and accessibility in lists of their own."""
    if part == "locations" and name in ADDRESS_FIELDS:
        return f"locations.addresses.{name}"
    if part == "locations" and name == "accessibility":
        return "locations.accessibility.description"
    return f"{part}.{name}"


def vocabulary(form: ServiceForm) -> Vocabulary:
    """How a listing's snapshots read in its history: the long form's labels, and names for ids, codes and choices."""
    labels = {"service": "", "terms": "", "locations.addresses": "Address", "locations.accessibility": "Accessibility"}
    names = {}
    for field in form:
        if field.type in _NOT_SHOWN:
            continue
        if isinstance(field, FieldList):
            labels[field.short_name] = entry_noun(field).capitalize()
            for inner in field.entries[0].form:
                if inner.short_name not in _ENTRY_CONTROLS:
                    path = _entry_path(field.short_name, inner.short_name)
                    labels[path], names[path] = inner.label.text, _choices(inner)
            continue
        path = _TERM_PATHS.get(field.short_name, f"service.{field.short_name}")
        labels[path], names[path] = field.label.text, _choices(field)
    for condition in CONDITIONS:
        labels[f"service.{condition.checked_on}"] = f"{condition.question}: checked on"
        if condition.note:
            labels[f"service.{condition.note}"] = f"{condition.question}: {condition.note_label.lower()}"
    return Vocabulary(labels, names)


# What an import preview compares besides the editor's fields (directory/exchange/transfers.py): the
# organisation and terms by name, as an organisation the file brings is not among the form's choices,
# and what a file sets itself.
_IMPORT_LABELS = {"service.organization": "Organisation", "service.published": "Published",
                  "service.last_modified": "Last changed"}


def import_vocabulary() -> Vocabulary:
    """How an import preview reads the listings it changes: in their history's words, already named."""
    words = vocabulary(make_service_form([], {link_type: [] for link_type in TERM_FIELDS}))
    return Vocabulary({**words.labels, **_IMPORT_LABELS}, words.names)


def _shown(field) -> str:
    if isinstance(field, BooleanField):
        return "Yes" if field.data else "No"
    if isinstance(field, DateField):
        return long_date(field.data) if field.data else ""
    if hasattr(field, "iter_choices"):
        return ", ".join(str(label) for value, label, selected, *_ in field.iter_choices() if selected and value)
    return "" if field.data is None else str(field.data).strip()


def _entry_line(entry_form) -> str:
    return ", ".join(shown for field in entry_form if field.short_name not in _ENTRY_CONTROLS
                     for shown in [_shown(field)] if shown)


def answer_rows(form: ServiceForm, state: SectionState) -> list[tuple[str, list[str]]]:
    """(label, lines) for each question of a section, as GOV.UK's "check answers" summary list shows them.

    An access condition overdue for a check says so under its date, so the summary's count can be found.
    """
    section, rows = state.section, []
    for name in section.names:
        field = form[name]
        if name in CONDITIONS_BY_NAME:
            condition = CONDITIONS_BY_NAME[name]
            checked = form[condition.checked_on].data
            lines = [_shown(field), _shown(form[condition.note]) if condition.note else "",
                     f"Checked on {long_date(checked)}" if checked else "",
                     "Due to be checked again" if condition in state.overdue else ""]
        elif isinstance(field, FieldList):
            lines = [_entry_line(entry.form) for entry in field if not entry.form.is_blank()]
        else:
            lines = [_shown(field)]
        rows.append((field.label.text, [line for line in lines if line] or ["Not given"]))
    return rows
