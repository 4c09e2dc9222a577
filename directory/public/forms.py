"""The search form: a GET form, so it works without JavaScript and needs no cookie."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovTextInput
from wtforms import Form, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from search import SearchRequest

from ..services import TermChoice

ACCESS_CHOICES = [
    SelectChoice("open_to_all", "Open regardless of immigration status"),
    SelectChoice("nrpf_support", "Supports people with no recourse to public funds (NRPF)"),
    SelectChoice("interpreters", "Interpreters available"),
    SelectChoice("self_referral", "You can contact them yourself"),
    SelectChoice("police_independent", "You do not have to report to the police"),
    SelectChoice("free", "Free of charge"),
]


def _choices(terms: list[TermChoice]) -> list[SelectChoice]:
    return [SelectChoice(term.code, term.name) for term in terms]


class SearchForm(Form):
    q = StringField("What do you need help with?", widget=GovTextInput())
    category = SelectMultipleField("Type of support", widget=GovCheckboxesInput())
    access = SelectMultipleField("Access", choices=ACCESS_CHOICES, widget=GovCheckboxesInput())
    audience = SelectMultipleField("Who it is for", widget=GovCheckboxesInput())
    delivery = SelectMultipleField("How you get help", widget=GovCheckboxesInput())
    language = SelectField("Language spoken", widget=GovSelect())

    def set_choices(self, needs: list[TermChoice], audience: list[TermChoice],
                    delivery: list[TermChoice], languages: list[TermChoice]) -> None:
        self.category.choices = _choices(needs)
        self.audience.choices = _choices(audience)
        self.delivery.choices = _choices(delivery)
        self.language.choices = [SelectChoice("", "Any language"), *_choices(languages)]

    def _chosen(self, field) -> tuple[str, ...]:
        """Only values offered as choices: anything else in the address is ignored."""
        allowed = {choice.value for choice in field.choices}
        return tuple(value for value in (field.data or []) if value in allowed)

    def to_request(self, page: int, per_page: int) -> SearchRequest:
        language = self.language.data if self.language.data in {c.value for c in self.language.choices} else ""
        return SearchRequest(
            text=self.q.data or "",
            needs=self._chosen(self.category),
            audience=self._chosen(self.audience),
            delivery=self._chosen(self.delivery),
            languages=(language,) if language else (),
            flags=self._chosen(self.access),
            page=page,
            per_page=per_page,
        )

    def has_filters(self) -> bool:
        return any(self._chosen(f) for f in (self.category, self.access, self.audience, self.delivery)) or bool(
            self.language.data
        )
