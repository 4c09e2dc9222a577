"""The listing editor's forms, and the conversions between a form and a listing snapshot.

ServiceForm holds every field of a listing: its details, every access condition with its
checked-on date, contact routes, opening hours, places, areas, languages, needs and the
professional-only details. The editor's sections (listing_sections.py) are this form with some
fields left out, and the conversions work on whichever fields a form has. Repeating parts
(phones, opening hours…) show the saved entries plus a blank one; "Add another" buttons add
more without JavaScript.
"""

from collections.abc import Iterable
from datetime import date
from typing import ClassVar

from flask import current_app
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import UUID, InputRequired, Optional, Regexp, ValidationError

from directory.conditions import CONDITIONS, AccessCondition
from directory.listings import validation as rules
from directory.listings.hours import DAY_NAMES, WEEK
from directory.models import ServiceStatus
from directory.places.gazetteer import normalise_postcode
from directory.web.fields import DayMonthYearField

REPEATING = ("phones", "contacts", "schedules", "service_areas", "languages", "locations")
DAYS = [SelectChoice(code, name) for code, name in zip(WEEK, DAY_NAMES, strict=True)]
# The version a form was opened at: required, or a save could skip the check that someone else saved first.
_RELOAD = "Reload the page and try again"
_VERSION = [InputRequired(message=_RELOAD), Regexp(r"^\d{1,9}$", message=_RELOAD)]
_RECORD_ID = [Optional(), UUID(message=_RELOAD)]
ADDRESS_FIELDS = ("address_1", "address_2", "city", "state_province", "postal_code")


def _rule(check):
    """A WTForms validator from one of the domain's rules (listings/validation.py), which imports run too."""
    def validate(_form, field) -> None:
        if field.data is not None and field.data != "":
            problem = check(field.data)
            if problem:
                raise ValidationError(problem)
    return validate


def _uk_phone(form, field) -> None:
    _rule(rules.phone_rule(current_app.config["ACCEPT_FICTIONAL_PHONE_NUMBERS"]))(form, field)


def _at_most(limit: int):
    return _rule(rules.at_most(limit))


_TIME = _rule(rules.time_problem)
_EMAIL = [Optional(), _rule(rules.email_problem)]
_WEB_ADDRESS = [Optional(), _rule(rules.web_address_problem)]
_AGE = [Optional(), _rule(rules.age_problem)]


def _checked_on() -> DateField:
    return DayMonthYearField("Checked on", widget=GovDateInput(), format="%d %m %Y", validators=[Optional()])


class _Entry(Form):
    """One of a repeating part; ticking "remove" drops it when the listing is saved."""

    noun: ClassVar[str]  # what one is called: "Add another phone number"; "Phone number 01632 960001: Number"
    id = HiddenField(validators=_RECORD_ID)
    remove = BooleanField("Remove this", widget=GovCheckboxInput())

    def is_blank(self) -> bool:
        return not any(value for name, value in self.data.items() if name not in {"id", "remove", "link_id"})


class PhoneEntry(_Entry):
    noun = "phone number"
    number = StringField("Number", widget=GovTextInput(), validators=[Optional(), _uk_phone])
    description = StringField("What it is for", widget=GovTextInput(), validators=[Optional(), _at_most(255)])


class ContactEntry(_Entry):
    noun = "contact"
    name = StringField("Name or team", widget=GovTextInput(), validators=[Optional(), _at_most(255)])
    title = StringField("Job title", widget=GovTextInput(), validators=[Optional(), _at_most(255)])
    email = StringField("Email address", widget=GovTextInput(), validators=_EMAIL)


class ScheduleEntry(_Entry):
    noun = "set of hours"
    byday = SelectMultipleField("Days", choices=DAYS, widget=GovCheckboxesInput(), validate_choice=True)
    opens_at = StringField("Opens at", widget=GovTextInput(), validators=[Optional(), _TIME])
    closes_at = StringField("Closes at", widget=GovTextInput(), validators=[Optional(), _TIME])
    description = StringField("Or describe the hours", widget=GovTextInput(), validators=[Optional(), _at_most(255)])

    def validate_closes_at(self, field) -> None:
        problem = rules.hours_problem(self.opens_at.data, field.data)
        if problem:
            raise ValidationError(problem)

    def validate_byday(self, field) -> None:
        if (self.opens_at.data or self.closes_at.data) and not field.data:
            raise ValidationError("Choose the days these hours apply to")


class AreaEntry(_Entry):
    noun = "area"
    name = StringField("Area", widget=GovTextInput(), validators=[Optional(), _at_most(255)])


class LanguageEntry(_Entry):
    noun = "language"
    name = StringField("Language", widget=GovTextInput(), validators=[Optional(), _at_most(100)])
    # ISO 639-3 where 639-1 has no code for the language people speak: Sorani (ckb), Kurmanji (kmr), Dari (prs).
    code = StringField("Code (ISO 639-1, or ISO 639-3 like ckb for Sorani)", widget=GovTextInput(),
                       validators=[Optional(), _rule(rules.language_code_problem)])
    note = StringField("Note", widget=GovTextInput(), validators=[Optional(), _at_most(255)])


class LocationEntry(_Entry):
    noun = "place"
    link_id = HiddenField(validators=_RECORD_ID)
    name = StringField("Place name", widget=GovTextInput(), validators=[Optional(), _at_most(255)])
    address_1 = StringField("Address line 1", widget=GovTextInput(), validators=[Optional(), _at_most(255)])
    address_2 = StringField("Address line 2", widget=GovTextInput(), validators=[Optional(), _at_most(255)])
    city = StringField("Town or city", widget=GovTextInput(), validators=[Optional(), _at_most(100)])
    state_province = StringField("County", widget=GovTextInput(), validators=[Optional(), _at_most(100)])
    postal_code = StringField("Postcode", widget=GovTextInput(), validators=[Optional(), _rule(rules.postcode_problem)])
    transportation = StringField("Getting there", widget=GovTextInput(), validators=[Optional(), _at_most(255)])
    accessibility = StringField("Accessibility", widget=GovTextInput(), validators=[Optional(), _at_most(255)])

    def has_address(self) -> bool:
        return any(self[name].data for name in ADDRESS_FIELDS)

    def validate_address_1(self, field) -> None:
        if self.has_address() and not self.remove.data:
            missing = [f.label.text.lower() for f in (self.address_1, self.city, self.state_province,
                                                      self.postal_code) if not f.data]
            if missing:
                raise ValidationError(f"Enter the {', '.join(missing)} of this place")


class ServiceForm(FlaskForm):
    version = HiddenField(validators=_VERSION)
    organization_id = SelectField("Organisation", widget=GovSelect(), validators=[InputRequired()])
    name = StringField("Service name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the service name"), _at_most(255)])
    alternate_name = StringField("Other name (optional)", widget=GovTextInput(),
                                 validators=[Optional(), _at_most(255)])
    description = TextAreaField("Description", widget=GovTextArea(),
                                validators=[InputRequired(message="Describe the service")])
    status = RadioField("Status", widget=GovRadioInput(), choices=[
        SelectChoice(ServiceStatus.ACTIVE.value, "Active"),
        SelectChoice(ServiceStatus.TEMPORARILY_CLOSED.value, "Temporarily closed"),
        SelectChoice(ServiceStatus.INACTIVE.value, "Inactive"),
        SelectChoice(ServiceStatus.DEFUNCT.value, "Closed for good (defunct)")],
        validators=[InputRequired(message="Choose the status")])
    alert = StringField("Alert shown on the page (optional)", widget=GovTextInput(), validators=[Optional()])
    url = StringField("Website", widget=GovTextInput(),
                      validators=_WEB_ADDRESS)
    email = StringField("Email address", widget=GovTextInput(), validators=_EMAIL)
    application_process = TextAreaField("How to get help", widget=GovTextArea(), validators=[Optional()])
    eligibility_description = TextAreaField("Who it is for, in words", widget=GovTextArea(), validators=[Optional()])
    minimum_age = IntegerField("Youngest age", widget=GovTextInput(), validators=_AGE)
    maximum_age = IntegerField("Oldest age", widget=GovTextInput(), validators=_AGE)
    fees_description = StringField("Fees", widget=GovTextInput(), validators=[Optional()])
    interpretation_services = StringField("Interpreting", widget=GovTextInput(), validators=[Optional()])
    accessibility = StringField("Accessibility", widget=GovTextInput(), validators=[Optional()])

    card_name = StringField("Name on a support card (optional)", widget=GovTextInput(),
                            description="A neutral name a victim can carry safely. Left blank, the card shows the "
                                        "organisation's name.", validators=[Optional(), _at_most(80)])

    needs = SelectMultipleField("Needs it helps with", widget=GovCheckboxesInput(), validate_choice=True)
    audience = SelectMultipleField("Groups it is for", widget=GovCheckboxesInput(), validate_choice=True)
    delivery = SelectMultipleField("How it is delivered", widget=GovCheckboxesInput(), validate_choice=True)

    confidential_location = BooleanField("The address is confidential (a refuge or safe house)",
                                         widget=GovCheckboxInput())
    commissioned_by_pcc = BooleanField("Commissioned by the Police and Crime Commissioner", widget=GovCheckboxInput())
    national_helpline = BooleanField("A national helpline", widget=GovCheckboxInput())

    referral_line = StringField("Referral line for professionals", widget=GovTextInput(),
                                validators=[Optional(), _uk_phone])
    secure_email = StringField("Secure email for referrals", widget=GovTextInput(),
                               validators=[Optional(), _rule(rules.secure_email_problem)])
    referral_criteria = TextAreaField("Referral criteria", widget=GovTextArea(), validators=[Optional()])

    phones = FieldList(FormField(PhoneEntry), "Phone numbers", min_entries=1)
    contacts = FieldList(FormField(ContactEntry), "Contacts", min_entries=1)
    schedules = FieldList(FormField(ScheduleEntry), "Opening hours", min_entries=1)
    service_areas = FieldList(FormField(AreaEntry), "Areas covered", min_entries=1)
    languages = FieldList(FormField(LanguageEntry), "Languages spoken", min_entries=1)
    locations = FieldList(FormField(LocationEntry), "Places", min_entries=1)

    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    publish = SubmitField("Publish", widget=GovSubmitInput())

    def validate_maximum_age(self, field) -> None:
        problem = rules.ages_problem(self.minimum_age.data, field.data)
        if problem:
            raise ValidationError(problem)


def add_condition_fields(form_class: type[FlaskForm], conditions: Iterable[AccessCondition] = CONDITIONS) -> None:
    """An answer, a note where the condition has one, and a checked-on date for every access condition."""
    for condition in conditions:
        setattr(form_class, condition.name, RadioField(
            condition.question, widget=GovRadioInput(), validators=[InputRequired()],
            choices=[SelectChoice(wording.value, wording.editor) for wording in condition.wording]))
        if condition.note:
            setattr(form_class, condition.note, StringField(condition.note_label, widget=GovTextInput(),
                                                            validators=[Optional()]))
        setattr(form_class, condition.checked_on, _checked_on())


add_condition_fields(ServiceForm)
for _part in REPEATING:
    setattr(ServiceForm, f"add_{_part}", SubmitField("Add another", widget=GovSubmitInput()))


def make_service_form(organisations: list[tuple[str, str]], terms: dict[str, list], formdata=None,
                      data: dict | None = None, form_class: type[ServiceForm] = ServiceForm, **options) -> ServiceForm:
    """The long form, or a section's (`form_class`), with today's organisations and terms to choose from."""
    form = form_class(formdata=formdata, data=data, **options)
    if "organization_id" in form:
        form.organization_id.choices = [SelectChoice("", "Choose an organisation"),
                                        *(SelectChoice(value, label) for value, label in organisations)]
    for link_type, name in TERM_FIELDS.items():
        if name in form:
            form[name].choices = [SelectChoice(choice.code, choice.name) for choice in terms[link_type]]
    return form


def added_part(form: ServiceForm) -> str | None:
    """The repeating part whose "Add another" button was pressed, if any."""
    return next((part for part in REPEATING if part in form and form[f"add_{part}"].data), None)


def entry_noun(part: FieldList) -> str:
    return part.unbound_field.args[0].noun


def add_entry(form: ServiceForm, part: str) -> None:
    getattr(form, part).append_entry()


# -- snapshot ⇄ form -------------------------------------------------------------------------

_SCALARS = ("organization_id", "name", "alternate_name", "description", "status", "alert", "url", "email",
            "application_process", "eligibility_description", "minimum_age", "maximum_age", "fees_description",
            "interpretation_services", "accessibility", "card_name", "confidential_location",
            "commissioned_by_pcc", "national_helpline", "referral_line", "secure_email", "referral_criteria",
            *(name for c in CONDITIONS for name in (c.name, c.note) if name))
# Each checked-on date, and the answer it dates.
_CHECKED = {c.checked_on: c.name for c in CONDITIONS}
_DATES = tuple(_CHECKED)
# Each kind of taxonomy term a listing links to, and the field that chooses them.
TERM_FIELDS = {"need": "needs", "audience": "audience", "delivery": "delivery"}
_ENTRY_FIELDS = {
    "phones": ("number", "description"),
    "contacts": ("name", "title", "email"),
    "schedules": ("byday", "opens_at", "closes_at", "description"),
    "service_areas": ("name",),
    "languages": ("name", "code", "note"),
}


def form_data(snapshot: dict, version: int) -> dict:
    """The form's initial values from a snapshot."""
    service = snapshot["service"]
    data = {name: service.get(name) for name in _SCALARS}
    for name in _DATES:
        data[name] = date.fromisoformat(service[name]) if service.get(name) else None
    data["version"] = str(version)
    for link_type, field in TERM_FIELDS.items():
        data[field] = snapshot["terms"].get(link_type, [])
    for part, fields in _ENTRY_FIELDS.items():
        data[part] = [{"id": entry.get("id"), **{f: entry.get(f) for f in fields}} for entry in snapshot[part]]
    for schedule in data["schedules"]:
        schedule["byday"] = [day for day in (schedule["byday"] or "").split(",") if day]
    data["locations"] = [
        {
            "id": entry.get("id"), "link_id": entry.get("link_id"), "name": entry.get("name"),
            "transportation": entry.get("transportation"),
            **{f: (entry["addresses"][0].get(f) if entry.get("addresses") else None) for f in ADDRESS_FIELDS},
            "accessibility": entry["accessibility"][0].get("description") if entry.get("accessibility") else None,
        }
        for entry in snapshot["locations"]
    ]
    for part in REPEATING:
        data[part].append({})  # room for one more
    return data


def _kept_entries(field: FieldList) -> list:
    return [entry.form for entry in field.entries if not entry.form.remove.data and not entry.form.is_blank()]


def _entry_value(value):
    """Form value → snapshot value: blank is None, chosen days are HSDS's "MO,WE"."""
    if isinstance(value, list):
        return ",".join(day.value for day in DAYS if day.value in value) or None
    return value or None


def _merge(previous: list[dict], entry_form, fields: tuple[str, ...]) -> dict:
    """Form values over what the snapshot held for the same id (keeping fields the form does not show)."""
    old = next((item for item in previous if item.get("id") and item["id"] == entry_form.id.data), {})
    return {**old, "id": entry_form.id.data or None, **{f: _entry_value(entry_form[f].data) for f in fields}}


def _location(previous: list[dict], entry_form) -> dict:
    old = next((item for item in previous if item.get("id") and item["id"] == entry_form.id.data), {})
    old_address = (old.get("addresses") or [{}])[0]
    old_access = (old.get("accessibility") or [{}])[0]
    postcode = normalise_postcode(entry_form.postal_code.data or "")
    moved = postcode != old_address.get("postal_code")
    location = {
        **old,
        "id": entry_form.id.data or None,
        "link_id": entry_form.link_id.data or None,
        "name": entry_form.name.data or None,
        "transportation": entry_form.transportation.data or None,
        # A new postcode means the old coordinates are wrong: the place is found again from it.
        "latitude": None if moved else old.get("latitude"),
        "longitude": None if moved else old.get("longitude"),
        "addresses": [{**old_address, **{f: entry_form[f].data or None for f in ADDRESS_FIELDS},
                       "postal_code": postcode}] if entry_form.has_address() else [],
        "accessibility": [{**old_access, "description": entry_form.accessibility.data}]
        if entry_form.accessibility.data else [],
    }
    return location


def snapshot_from_form(form: ServiceForm, previous: dict, today: date) -> dict:
    """The listing the form describes, built over the previous snapshot: a section's form changes only its fields.

    A condition whose answer changed while its checked-on date did not is dated today: the
    editor has just checked it. "Not known" carries no date.
    """
    old = previous["service"]
    service = {**old, **{name: form[name].data for name in _SCALARS if name in form}}
    for name in ("name", "alternate_name", "description", "alert", "url", "email", "application_process",
                 "eligibility_description", "fees_description", "interpretation_services", "accessibility",
                 "card_name", "referral_line", "secure_email", "referral_criteria",
                 *(c.note for c in CONDITIONS if c.note)):
        if name in form:
            service[name] = (service[name] or "").strip() or None
    for name in (name for name in _DATES if name in form):
        value = form[name].data
        answer = _CHECKED[name]
        changed = service[answer] != old.get(answer)
        if changed and (value.isoformat() if value else None) == old.get(name):
            value = today
        if service[answer] in (None, "unknown"):
            value = None
        service[name] = value.isoformat() if value else None
    snapshot = {
        **previous,
        "service": service,
        "terms": {**previous["terms"], **{link_type: sorted(form[name].data or [])
                                          for link_type, name in TERM_FIELDS.items() if name in form}},
        **{part: [_merge(previous.get(part, []), entry, fields) for entry in _kept_entries(form[part])]
           for part, fields in _ENTRY_FIELDS.items() if part in form},
    }
    if "locations" in form:
        snapshot["locations"] = [_location(previous.get("locations", []), entry)
                                 for entry in _kept_entries(form.locations)]
    return snapshot


class VersionForm(FlaskForm):
    """Publish, unpublish, verify, discard or restore: a CSRF token and the version the page showed."""

    version = HiddenField(validators=_VERSION)


class OrganisationForm(FlaskForm):
    version = HiddenField(validators=_VERSION)
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the organisation's name"), _at_most(255)])
    alternate_name = StringField("Other name (optional)", widget=GovTextInput(),
                                 validators=[Optional(), _at_most(255)])
    description = TextAreaField("Description", widget=GovTextArea(),
                                validators=[InputRequired(message="Describe the organisation")])
    email = StringField("Email address", widget=GovTextInput(), validators=_EMAIL)
    website = StringField("Website", widget=GovTextInput(),
                          validators=_WEB_ADDRESS)
    legal_status = StringField("Legal status (optional)", widget=GovTextInput(), validators=[Optional()])
    submit = SubmitField("Save", widget=GovSubmitInput())


class TermForm(FlaskForm):
    version = HiddenField(validators=_VERSION)
    taxonomy = RadioField("List", widget=GovRadioInput(), validators=[InputRequired(message="Choose a list")])
    code = StringField("Code", widget=GovTextInput(), validators=[
        InputRequired(message="Enter a code"),
        Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
               message="Use lower-case letters, numbers and hyphens, like forced-marriage")])
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter a name"), _at_most(255)])
    description = TextAreaField("Description", widget=GovTextArea(),
                                validators=[InputRequired(message="Enter a description")])
    submit = SubmitField("Save", widget=GovSubmitInput())


def form_values(form: FlaskForm, names: tuple[str, ...]) -> dict:
    """The named fields' values, blank text as None."""
    return {name: (form[name].data.strip() or None) if isinstance(form[name].data, str) else form[name].data
            for name in names}
