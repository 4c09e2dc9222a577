"""The search filters' checkboxes are drawn once and kept, but never with anybody's ticks in them."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput
from werkzeug.datastructures import MultiDict

from directory.listings.queries import TermChoice
from directory.web.fields import KeptCheckbox, KeptCheckboxes
from directory.web.public.forms import SearchForm

NEEDS = [TermChoice("domestic-abuse", "Domestic abuse"), TermChoice("fraud", "Fraud and scams")]
PARAMS = {"fieldset": {"legend": {"text": "Type of support", "classes": "govuk-fieldset__legend--s"}},
          "classes": "govuk-checkboxes--small"}


def search_form(query: str) -> SearchForm:
    form = SearchForm(MultiDict([pair.split("=") for pair in query.split("&") if pair]))
    form.set_choices(NEEDS, [], [], [])
    return form


def test_kept_checkboxes_are_the_govuk_checkboxes(app):
    for query in ("", "category=fraud&open_now=y", "category=fraud&category=domestic-abuse"):
        with app.test_request_context("/pl/search"):
            form = search_form(query)
            assert KeptCheckboxes()(form.category, params=PARAMS) == GovCheckboxesInput()(form.category, params=PARAMS)
            assert KeptCheckboxes()(form.access, params=PARAMS) == GovCheckboxesInput()(form.access, params=PARAMS)
            assert KeptCheckbox()(form.open_now) == GovCheckboxInput()(form.open_now)


def test_boxes_someone_ticked_are_never_kept(app):
    KeptCheckboxes._kept.clear()
    with app.test_request_context("/search"):
        ticked = KeptCheckboxes()(search_form("category=fraud").category, params=PARAMS)
        assert "checked" in ticked and not KeptCheckboxes._kept
        blank = KeptCheckboxes()(search_form("").category, params=PARAMS)
        assert "checked" not in blank and list(KeptCheckboxes._kept.values()) == [blank]


def test_each_language_keeps_its_own_boxes(client):
    english = client.get("/search?q=help").get_data(as_text=True)
    polish = client.get("/pl/search?q=help").get_data(as_text=True)
    assert "Open now" in english and "Open now" not in polish
