"""Public forms: search is a GET form, so it works without JavaScript and needs no cookie.

Reporting a problem is the one public POST form: its CSRF token travels in the form, not in a cookie.
"""

from dataclasses import replace
from datetime import datetime

from flask_babel import LazyString, format_number, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import (
    BooleanField,
    FloatField,
    Form,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.csrf.core import CSRF
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from directory.conditions import filter_choices
from directory.listings.hours import minute_of_week
from directory.listings.queries import TermChoice
from directory.listings.reports import REPORT_KINDS
from directory.places.gazetteer import Place, Resolution, postcode_in_words
from directory.web.fields import KeptCheckbox, KeptCheckboxes
from directory.web.i18n import language_name, term_name
from search import SearchRequest
from search.distance import Point

RADIUS_CHOICES = [
    SelectChoice("1", lazy_ngettext("%(num)d mile", "%(num)d miles", 1)),
    *(SelectChoice(str(miles), lazy_ngettext("%(num)d mile", "%(num)d miles", miles)) for miles in (3, 5, 10, 25)),
    SelectChoice("any", _l("Any distance")),
]
DEFAULT_RADIUS = "10"
# Roughly the British Isles: a browser position outside it is a mistake, not a place to search.
UK_BOUNDS = (49.0, 61.0, -9.0, 2.5)


def _choices(terms: list[TermChoice]) -> list[SelectChoice]:
    return [SelectChoice(term.code, term_name(term)) for term in terms]


class SearchForm(Form):
    q = StringField(_l("What do you need help with?"), widget=GovTextInput())
    category = SelectMultipleField(_l("Type of support"), widget=KeptCheckboxes())
    access = SelectMultipleField(_l("Access"), widget=KeptCheckboxes(),
                                 choices=[SelectChoice(flag, _l(label)) for flag, label in filter_choices()])
    audience = SelectMultipleField(_l("Who it is for"), widget=KeptCheckboxes())
    delivery = SelectMultipleField(_l("How you get help"), widget=KeptCheckboxes())
    language = SelectField(_l("Language spoken"), widget=GovSelect())
    open_now = BooleanField(_l("Open now"), widget=KeptCheckbox())
    where = StringField(_l("Where?"), description=_l("A postcode, or a town or village in Sussex"),
                        widget=GovTextInput())
    radius = SelectField(_l("Distance"), choices=RADIUS_CHOICES, default=DEFAULT_RADIUS, widget=GovSelect())
    # Filled by "Use my location" (rounded in the browser first); never stored or logged.
    lat = FloatField(widget=HiddenField.widget)
    lon = FloatField(widget=HiddenField.widget)

    def set_choices(self, needs: list[TermChoice], audience: list[TermChoice],
                    delivery: list[TermChoice], languages: list[TermChoice]) -> None:
        self.category.choices = _choices(needs)
        self.audience.choices = _choices(audience)
        self.delivery.choices = _choices(delivery)
        self.language.choices = [SelectChoice("", _l("Any language")),
                                 *(SelectChoice(term.code, language_name(term.code, term.name)) for term in languages)]

    def _chosen(self, field) -> tuple[str, ...]:
        """Only values offered as choices: anything else in the address is ignored."""
        allowed = {choice.value for choice in field.choices}
        return tuple(value for value in (field.data or []) if value in allowed)

    def take_postcode_from_words(self) -> None:
        """A postcode typed in the words box ("domestic abuse BN1 1AA") is the place, when no place was given."""
        if (self.where.data or "").strip() or self.browser_point() is not None:
            return
        words, postcode = postcode_in_words(self.q.data or "")
        if postcode:
            self.q.data, self.where.data = words, postcode

    def to_request(self, page: int, per_page: int, now: datetime) -> SearchRequest:
        """The search asked for; `now` (UK time) is when "open now" is judged."""
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
            open_at_minute=minute_of_week(now) if self.open_now.data else None,
        )

    def radius_miles(self) -> float | None:
        value = self.radius.data if self.radius.data in {c.value for c in RADIUS_CHOICES} else DEFAULT_RADIUS
        return None if value == "any" else float(value)

    def browser_point(self) -> Point | None:
        """The position "Use my location" sent, rounded again here: the server never sees it finer."""
        latitude, longitude = self.lat.data, self.lon.data
        if latitude is None or longitude is None or self.lat.errors or self.lon.errors:
            return None
        south, north, west, east = UK_BOUNDS
        if not (south <= latitude <= north and west <= longitude <= east):
            return None
        return Point(latitude, longitude).rounded()

    def near(self, request: SearchRequest, place: Place | None, resolution: Resolution | None = None) -> SearchRequest:
        """The request, narrowed to a place when there is one; to national helplines for a place outside Sussex."""
        if resolution is not None and resolution.is_outside:
            return replace(request, national_only=True)
        if place is None:
            return request
        return replace(request, point=place.point, radius_miles=self.radius_miles(), area_codes=place.area_codes)

    def has_filters(self) -> bool:
        return any(self._chosen(f) for f in (self.category, self.access, self.audience, self.delivery)) or bool(
            self.language.data or self.open_now.data
        )

    def widenings(self, args: dict, place: Place | None) -> list[tuple[str, dict]]:
        """Ways to find more, each as (kind, the search's address arguments with it applied), keeping the words:
        "filters" (drop them), "distance" (any distance), "place" (all of Sussex), "everything" (all services)."""
        args = {key: value for key, value in args.items() if key != "page"}
        # The words and place as searched: a postcode moved from the words to the place stays moved.
        args.update(q=self.q.data or "", where=self.where.data or "")
        filters = {"category", "access", "audience", "delivery", "language", "open_now"}
        ways = []
        if self.has_filters():
            ways.append(("filters", {k: v for k, v in args.items() if k not in filters}))
        if place is not None and self.radius_miles() is not None:
            ways.append(("distance", {**args, "radius": "any"}))
        if place is not None or (self.where.data or "").strip():
            ways.append(("place", {k: v for k, v in args.items() if k not in {"where", "lat", "lon", "radius"}}))
        ways.append(("everything", {}))
        return ways


SEARCH_ARGUMENTS = ("q", "where", "radius", "lat", "lon", "category", "access", "audience", "delivery", "language",
                    "open_now", "page")


def search_arguments(args) -> dict[str, list[str]]:
    """The search a service page was opened from (its address carries it), so "Back to results" keeps it."""
    return {name: args.getlist(name) for name in SEARCH_ARGUMENTS if args.getlist(name)}


MAX_REPORT_DETAILS = 1000


def _plain_text(text: str | None) -> str | None:
    """Trimmed, each line break one character (browsers send two), as the character count shows it."""
    return text.replace("\r\n", "\n").strip() if text else text


class SignedFormToken(CSRF):
    """A CSRF token that the form itself carries, signed and timed, so opening the form sets no cookie.

    Flask-WTF keeps its token in the session, and so in a cookie a visitor who abandons the form
    takes away with them. This token proves the post comes from a form this site gave out within
    the time limit; a bad or old one is refused with a 400, as Flask-WTF refuses its own.
    """

    def setup_form(self, form):
        self._serializer = URLSafeTimedSerializer(form.meta.csrf_secret, salt="public-form")
        self._time_limit = form.meta.csrf_time_limit
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field) -> str:
        return self._serializer.dumps("form")

    def validate_csrf_token(self, form, field) -> None:
        try:
            self._serializer.loads(field.data or "", max_age=self._time_limit)
        except BadData:
            raise CSRFError(_l("The form has expired or did not come from this site. Open it again.")) from None


class ProblemReportForm(FlaskForm):
    """What is wrong with a listing. Nothing here asks who the visitor is."""

    class Meta:
        csrf_class = SignedFormToken

    max_details = MAX_REPORT_DETAILS
    kind = RadioField(_l("What is wrong?"),
                      choices=[SelectChoice(kind, _l(text)) for kind, text in REPORT_KINDS.items()],
                      widget=GovRadioInput(), validators=[InputRequired(message=_l("Select what is wrong"))])
    details = TextAreaField(
        _l("Tell us more (optional)"),
        description=_l("Do not include your name or any personal details."),
        widget=GovCharacterCount(),
        filters=[_plain_text],
        validators=[Length(max=MAX_REPORT_DETAILS,
                           message=_l("Details must be %(num)s characters or fewer",
                                      num=LazyString(format_number, MAX_REPORT_DETAILS)))],
    )
    submit = SubmitField(_l("Send report"), widget=GovSubmitInput())
