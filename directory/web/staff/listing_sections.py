"""The listing editor in sections: the long form's fields in the groups a data officer thinks in.

Each section names fields of ServiceForm, which declares them once; a section's form is ServiceForm
without the other fields, so it validates exactly as the long form does and saves through the same
snapshot conversion and domain function. The long form shows every section in turn, and the
summary page says how each one stands: errors in what is saved, access conditions overdue for a
check (by the review dashboard's rule), or nothing to do.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

from werkzeug.datastructures import MultiDict
from wtforms import DateField, FieldList, FormField, SubmitField
from wtforms.fields.core import UnboundField

from directory.conditions import AccessCondition, Section, by_name, in_section
from directory.listings.review import conditions_overdue
from directory.web.staff.listing_forms import ServiceForm

CONDITIONS_BY_NAME = by_name()


def _answers(section: Section) -> tuple[str, ...]:
    return tuple(condition.name for condition in in_section(section))


@dataclass(frozen=True)
class EditorSection:
    """A short form of the listing editor, and a row of its summary."""

    slug: str
    title: str
    names: tuple[str, ...]  # ServiceForm fields in the order shown: a condition by its answer, a part by its list
    warning: str | None = None

    @property
    def conditions(self) -> tuple[AccessCondition, ...]:
        return tuple(CONDITIONS_BY_NAME[name] for name in self.names if name in CONDITIONS_BY_NAME)

    def condition(self, name: str) -> AccessCondition | None:
        """The access condition a name answers, if it is one (it then brings its note and date)."""
        return CONDITIONS_BY_NAME.get(name)

    @property
    def field_names(self) -> frozenset[str]:
        """Every ServiceForm field the section's form keeps: a condition's note and date, a part's button too."""
        names = {"version", *self.names, *(f"add_{name}" for name in self.names)}
        for condition in self.conditions:
            names.update(filter(None, (condition.note, condition.checked_on)))
        return frozenset(names)


# The access conditions keep the headings the public service page shows them under (conditions.py).
SECTIONS = (
    EditorSection("about", "About the service",
                  ("name", "alternate_name", "card_name", "description", "status", "alert", "needs")),
    EditorSection("organisation", "Organisation and funding",
                  ("organization_id", "commissioned_by_pcc", "national_helpline")),
    EditorSection("contact", "Contact details", ("url", "email", "phones", "contacts")),
    EditorSection("where-and-when", "Where and when",
                  ("delivery", "locations", "confidential_location", "service_areas", "schedules", "accessibility")),
    EditorSection("who-it-is-for", Section.ELIGIBILITY.value,
                  ("audience", "eligibility_description", "minimum_age", "maximum_age", "fees_description",
                   *_answers(Section.ELIGIBILITY))),
    EditorSection("how-to-get-help", Section.ROUTES.value, ("application_process", *_answers(Section.ROUTES))),
    EditorSection("keeping-contact-safe", Section.SAFE_CONTACT.value, _answers(Section.SAFE_CONTACT)),
    EditorSection("languages", "Languages and interpreters", ("languages", "interpretation_services")),
    EditorSection("professionals", "For professionals only", ("referral_line", "secure_email", "referral_criteria"),
                  warning="Shown only to signed-in officers and staff. Never published, exported publicly or sent "
                          "through the API."),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


@cache
def section_form_class(section: EditorSection) -> type[ServiceForm]:
    """ServiceForm with only this section's fields (a field set to None is left out), and one button."""
    left_out = {name: None for name, value in vars(ServiceForm).items()
                if isinstance(value, UnboundField) and name not in section.field_names}
    left_out.update({name: None for name in ("save_draft", "publish")})
    return type(f"{section.slug.title().replace('-', '')}Form", (ServiceForm,),
                {**left_out, "save": SubmitField("Save")})


def _fields(form) -> Iterator:
    """Every input of a form, those inside its repeating parts too."""
    for field in form:
        if isinstance(field, FieldList | FormField):
            yield from _fields(field)
        else:
            yield field


def as_posted(form) -> MultiDict:
    """What a browser would send back for the form as it stands, so saved values are checked as a save checks them."""
    posted = MultiDict()
    for field in _fields(form):
        if field.type in ("SubmitField", "CSRFTokenField") or field.data is None or field.data is False \
                or field.data == []:
            continue
        if isinstance(field, DateField):
            posted.setlist(field.name, [str(field.data.day), str(field.data.month), str(field.data.year)])
        elif field.type in ("SelectMultipleField", "BooleanField"):
            posted.setlist(field.name, field.data if field.type == "SelectMultipleField" else ["y"])
        else:
            posted[field.name] = str(field.data)
    return posted


def checked_sections(make_form, saved: dict, sections=SECTIONS) -> dict[EditorSection, ServiceForm]:
    """Each section's form holding the saved values (`saved`: form_data's), validated as if saved unchanged now.

    `make_form` is make_service_form with the choices given. The forms carry no CSRF token of their own:
    the section page writes the session's.
    """
    posted = as_posted(make_form(data=saved))
    forms = {}
    for section in sections:
        forms[section] = make_form(formdata=posted, form_class=section_form_class(section), meta={"csrf": False})
        forms[section].validate()
    return forms


@dataclass(frozen=True)
class SectionState:
    """How a section stands, as its summary row says it: a GOV.UK task list status and a hint."""

    section: EditorSection
    status: str
    tag: str | None  # a govuk-tag colour for anything to do; None for "Completed"
    hint: str | None
    overdue: tuple[AccessCondition, ...] = ()


def section_state(section: EditorSection, form, saved: dict, today: date, months: int) -> SectionState:
    """`form`: the section's form checked against the saved values (validated); `saved`: the listing's fields."""
    overdue = tuple(conditions_overdue(saved, section.conditions, today, months))
    unknown = [c for c in section.conditions if c.wording_for(saved.get(c.name)).state == "unknown"]
    hint = f"{len(unknown)} not known" if unknown else None
    if form.errors:
        return SectionState(section, "Has errors", "red", hint, overdue)
    if overdue:
        return SectionState(section, f"{len(overdue)} not checked for over {months} months", "yellow", hint, overdue)
    return SectionState(section, "Completed", None, hint)
