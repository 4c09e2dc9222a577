"""The one list of access conditions: a condition added to it appears everywhere a condition is used.

The fixture registry adds "accepts pets" to the real list; each place that stores, shows, filters,
edits or exchanges conditions is asked for its view of that registry.
"""

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from wtforms import Form

from directory.conditions import (
    CONDITION_COLUMNS,
    CONDITIONS,
    AccessCondition,
    Answer,
    Section,
    confirmed_flags,
    filter_choices,
    in_section,
)
from directory.exchange.export import services_resource
from directory.exchange.openreferral import access_terms
from directory.exchange.transfers import spreadsheet_access_columns
from directory.indexing import document_shape
from directory.listings.wording import answers_in, badges
from directory.models import Service, condition_columns
from directory.web.staff.listing_forms import add_condition_fields

DESCRIPTOR = Path(__file__).resolve().parents[2] / "data" / "sample" / "datapackage.json"
PETS = AccessCondition("accepts_pets", "You can bring your pets", Section.ELIGIBILITY,
                       badge="Pets welcome", filter_label="Pets welcome")
REGISTRY = (*CONDITIONS, PETS)


def a_service(registry=REGISTRY, **answers) -> SimpleNamespace:
    """A stand-in service with every condition of a registry not known, unless given."""
    values = {name: None for condition in registry for name in condition.columns}
    values.update({condition.name: condition.unknown for condition in registry})
    return SimpleNamespace(national_helpline=False, **{**values, **answers})


def test_a_new_condition_gets_model_columns_unknown_until_checked():
    fields = condition_columns(REGISTRY).model_fields
    assert fields["accepts_pets"].annotation is Answer
    assert fields["accepts_pets"].default is Answer.UNKNOWN
    assert fields["accepts_pets_checked_on"].default is None


@pytest.mark.parametrize(("answer", "flagged"), [(Answer.YES, True), (Answer.NO, False), (Answer.UNKNOWN, False)])
def test_a_new_condition_is_an_index_flag_only_when_confirmed(answer, flagged):
    assert ("accepts_pets" in confirmed_flags(a_service(accepts_pets=answer), REGISTRY)) is flagged


@pytest.mark.parametrize(("answer", "badged"), [(Answer.YES, True), (Answer.NO, False), (Answer.UNKNOWN, False)])
def test_a_new_condition_earns_a_result_badge_only_when_confirmed(answer, badged):
    assert ("Pets welcome" in badges(a_service(accepts_pets=answer), REGISTRY)) is badged


def test_a_new_filterable_condition_changes_the_document_shape_so_the_index_is_rebuilt():
    assert document_shape(REGISTRY) != document_shape()
    unfilterable = AccessCondition("accepts_pets", "You can bring your pets", Section.ELIGIBILITY)
    assert document_shape((*CONDITIONS, unfilterable)) == document_shape()


def test_a_new_condition_is_a_public_filter_and_a_rule_editor_choice():
    assert ("accepts_pets", "Pets welcome") in filter_choices(REGISTRY)
    assert ("accepts_pets", "Pets welcome") not in filter_choices()


def test_a_new_condition_is_a_row_on_the_service_page_with_its_checked_on_date():
    service = a_service(accepts_pets=Answer.NO, accepts_pets_checked_on=date(2026, 5, 1))
    rows = {row.question: row for row in answers_in(service, Section.ELIGIBILITY, conditions=REGISTRY)}
    row = rows["You can bring your pets"]
    assert (row.answer, row.state, row.checked_on) == ("No", "no", date(2026, 5, 1))


def test_a_new_condition_is_a_field_of_the_listing_editor():
    class ListingForm(Form):
        pass

    add_condition_fields(ListingForm, REGISTRY)
    form = ListingForm()
    assert [(value, label) for value, label, *_ in form.accepts_pets.iter_choices()] == [
        ("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
    assert form.accepts_pets.label.text == "You can bring your pets"
    assert "accepts_pets_checked_on" in form._fields


def test_a_new_condition_is_an_api_attribute_with_its_date():
    codes = {code: name for code, name, _ in access_terms(REGISTRY)}
    assert codes["accepts_pets"] == "You can bring your pets"
    assert "accepts_pets_checked_on" in codes


def test_a_new_condition_is_an_export_column_with_its_date():
    template = next(r for r in json.loads(DESCRIPTOR.read_text())["resources"] if r["name"] == "service")
    names = [field["name"] for field in services_resource(template, REGISTRY)["schema"]["fields"]]
    assert names.index("accepts_pets_checked_on") == names.index("accepts_pets") + 1
    assert len(names) == len(set(names))
    assert ("accepts_pets", "You can bring your pets") in spreadsheet_access_columns(REGISTRY)


def test_the_export_keeps_every_column_where_the_template_has_it():
    template = next(r for r in json.loads(DESCRIPTOR.read_text())["resources"] if r["name"] == "service")
    before = [field["name"] for field in template["schema"]["fields"]]
    assert [field["name"] for field in services_resource(template)["schema"]["fields"]] == before
    without_free = {**template, "schema": {"fields": [f for f in template["schema"]["fields"]
                                                      if not f["name"].startswith("free")]}}
    reduced = [field["name"] for field in without_free["schema"]["fields"]]
    at = max(i for i, name in enumerate(reduced) if name in CONDITION_COLUMNS) + 1
    after = [field["name"] for field in services_resource(without_free)["schema"]["fields"]]
    assert after == reduced[:at] + ["free", "free_checked_on"] + reduced[at:]


def test_a_professional_only_condition_is_never_public():
    secret = AccessCondition("works_with_police_liaison", "Has a police liaison officer", Section.ROUTES,
                             badge="Police liaison", filter_label="Police liaison", professional_only=True)
    registry = (*CONDITIONS, secret)
    service = a_service(registry, works_with_police_liaison=Answer.YES)
    assert "works_with_police_liaison" not in [flag for flag, _ in filter_choices(registry)]
    assert "Police liaison" not in badges(service, registry)
    assert "works_with_police_liaison" not in {code for code, _, _ in access_terms(registry)}
    public_rows = answers_in(service, Section.ROUTES, conditions=registry)
    professional_rows = answers_in(service, Section.ROUTES, professional=True, conditions=registry)
    assert "Has a police liaison officer" not in [row.question for row in public_rows]
    assert "Has a police liaison officer" in [row.question for row in professional_rows]


def test_every_condition_is_a_column_of_the_service_table():
    columns = set(Service.__table__.columns.keys())
    for condition in CONDITIONS:
        assert set(condition.columns) <= columns, condition.name


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: c.name)
def test_no_condition_words_not_known_as_yes(condition):
    unknown = condition.wording_for(condition.unknown)
    assert unknown.state == "unknown"
    assert not unknown.public.lower().startswith("yes")
    assert not condition.is_yes(condition.unknown)
    assert not condition.is_yes("something unexpected")
    assert "yes" in [w.state for w in condition.wording]


def test_each_section_holds_its_own_conditions_in_order():
    for section in Section:
        assert in_section(section) == tuple(c for c in CONDITIONS if c.section == section)
    assert in_section(Section.ROUTES, REGISTRY) == in_section(Section.ROUTES)
    assert in_section(Section.ELIGIBILITY, REGISTRY)[-1] is PETS


@pytest.mark.parametrize(("condition", "description"), [
    (CONDITIONS[0], "open_to_all, restrictions, unknown (unknown is never yes); see immigration_status_note"),
    (PETS, "yes, no, unknown (unknown is never yes)"),
])
def test_the_api_describes_each_condition_s_answers(condition, description):
    assert condition.api_description() == description

