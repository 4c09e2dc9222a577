"""The search form: a GET form, so it works without JavaScript and needs no cookie."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovTextInput
from wtforms import Form, SelectField, SelectMultipleField, StringField

from search import SearchRequest

from ..services import TermChoice

ACCESS_CHOICES = [
    ("open_to_all", "Open regardless of immigration status"),
    ("nrpf_support", "Supports people with no recourse to public funds (NRPF)"),
    ("interpreters", "Interpreters available"),
    ("self_referral", "You can contact them yourself"),
    ("police_independent", "You do not have to report to the police"),
    ("free", "Free of charge"),
]


class SearchForm(Form):
    q = StringField("What do you need help with?", widget=GovTextInput())
    category = SelectMultipleField("Type of support", widget=GovCheckboxesInput())
    access = SelectMultipleField("Access", choices=ACCESS_CHOICES, widget=GovCheckboxesInput())
    audience = SelectMultipleField("Who it is for", widget=GovCheckboxesInput())
    delivery = SelectMultipleField("How you get help", widget=GovCheckboxesInput())
    language = SelectField("Language spoken", widget=GovSelect())

    def set_choices(self, needs: list[TermChoice], audience: list[TermChoice],
                    delivery: list[TermChoice], languages: list[TermChoice]) -> None:
        self.category.choices = [(t.code, t.name) for t in needs]
        self.audience.choices = [(t.code, t.name) for t in audience]
        self.delivery.choices = [(t.code, t.name) for t in delivery]
        self.language.choices = [("", "Any language")] + [(t.code, t.name) for t in languages]

    def _chosen(self, field) -> tuple[str, ...]:
        """Only values offered as choices: anything else in the address is ignored."""
        allowed = {value for value, _ in field.choices}
        return tuple(value for value in (field.data or []) if value in allowed)

    def to_request(self, page: int, per_page: int) -> SearchRequest:
        language = self.language.data if self.language.data in dict(self.language.choices) else ""
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
