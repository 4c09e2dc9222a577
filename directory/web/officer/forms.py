"""The pathway questions, the support card choices and the referral record (Flask-WTF, CSRF on each)."""


from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from directory.clock import uk_today
from directory.evidence.tallies import NOT_ASKED
from directory.pathway.rules import AGE_GROUPS, CRIME_TYPES, GENDERS, RISKS, ROLES, Answers
from directory.web.fields import DayMonthYearField

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
YES_NO_NOT_KNOWN = [*YES_NO, SelectChoice("not_known", "Not known")]
YES_NO_NOT_ASKED = [*YES_NO, SelectChoice(NOT_ASKED, "Not asked")]


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _required(message: str) -> list:
    return [InputRequired(message=message)]


class PathwayForm(FlaskForm):
    crime_types = SelectMultipleField("What has happened?", choices=_choices(CRIME_TYPES),
                                      widget=GovCheckboxesInput(), validators=_required("Choose what has happened"))
    role = RadioField("Is the person you are helping the victim or a witness?", choices=_choices(ROLES),
                      widget=GovRadioInput(), default="victim", validators=_required("Say victim or witness"))
    personally_connected = RadioField(
        "Is the suspect a partner, ex-partner or family member?", choices=YES_NO_NOT_KNOWN, widget=GovRadioInput(),
        validators=_required("Say whether the suspect is a partner, ex-partner or family member, or not known"))
    risk = RadioField("Risk level", choices=_choices(RISKS), widget=GovRadioInput(),
                      validators=_required("Choose the risk level"))
    age_group = RadioField("The victim's age", choices=_choices(AGE_GROUPS), widget=GovRadioInput(),
                           validators=_required("Choose the victim's age group"))
    gender = RadioField("The victim's gender", choices=_choices(GENDERS), widget=GovRadioInput(),
                        validators=_required("Choose the victim's gender, or not said"))
    immigration_concern = RadioField("Is there any concern or uncertainty about the victim's immigration status?",
                                     choices=YES_NO, widget=GovRadioInput(),
                                     validators=_required("Say whether there is any concern about immigration status"))
    nrpf = RadioField("Does the victim have no recourse to public funds (or might they)?", choices=YES_NO,
                      widget=GovRadioInput(), validators=_required("Say whether the victim may have no recourse "
                                                                   "to public funds"))
    language = SelectField("Language the victim prefers", widget=GovSelect(), validators=[Optional()])
    interpreter = RadioField("Does the victim need an interpreter?", choices=YES_NO, widget=GovRadioInput(),
                             validators=_required("Say whether an interpreter is needed"))
    children_in_household = RadioField("Are there children in the household?", choices=YES_NO,
                                       widget=GovRadioInput(),
                                       validators=_required("Say whether there are children in the household"))
    care_and_support_needs = RadioField(
        "Might the victim have care and support needs?", choices=YES_NO, widget=GovRadioInput(), default="no",
        validators=_required("Say whether the victim might have care and support needs"))
    # These three start at "no", shown checked: few cases are any of them, and a long form of unanswered questions
    # is rushed. The officer changes one when it applies.
    spiking_suspected = RadioField("Might the victim have been spiked?", choices=YES_NO, widget=GovRadioInput(),
                                   default="no",
                                   validators=_required("Say whether the victim might have been spiked"))
    in_immigration_detention = RadioField(
        "Is the victim in immigration detention?", choices=YES_NO, widget=GovRadioInput(), default="no",
        validators=_required("Say whether the victim is in immigration detention"))
    women_only = BooleanField("The victim would prefer a women-only service", widget=GovCheckboxInput())
    all_genders = BooleanField("Also show services for other genders", widget=GovCheckboxInput())
    where = StringField("Where is the victim?", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    submit = SubmitField("Show the pathway", widget=GovSubmitInput())

    def answers(self) -> Answers:
        return Answers(crime_types=tuple(self.crime_types.data), risk=self.risk.data, age_group=self.age_group.data,
                       gender=self.gender.data, role=self.role.data,
                       personally_connected=self.personally_connected.data == "yes",
                       immigration_concern=self.immigration_concern.data == "yes",
                       nrpf=self.nrpf.data == "yes", interpreter=self.interpreter.data == "yes",
                       language=self.language.data or None,
                       children_in_household=self.children_in_household.data == "yes",
                       care_and_support_needs=self.care_and_support_needs.data == "yes",
                       spiking_suspected=self.spiking_suspected.data == "yes",
                       in_immigration_detention=self.in_immigration_detention.data == "yes",
                       women_only=bool(self.women_only.data), all_genders=bool(self.all_genders.data))


class SupportCardForm(FlaskForm):
    services = SelectMultipleField("Services for the card", widget=GovCheckboxesInput(),
                                   validators=_required("Choose at least one service for the card"))
    language = SelectField("Card language", widget=GovSelect())
    discreet = BooleanField("Discreet card: names and numbers only", widget=GovCheckboxInput())
    submit = SubmitField("Make a support card", widget=GovSubmitInput())

    def validate_services(self, field) -> None:
        if len(set(field.data or [])) > 8:
            raise ValidationError("Choose up to 8 services: a card has room for 8")


class ReferralForm(FlaskForm):
    service_id = SelectField("Service referred to", widget=GovSelect(), validators=_required("Choose the service"))
    referred_on = DayMonthYearField("Date of the referral", widget=GovDateInput(), format="%d %m %Y",
                            validators=_required("Enter the date of the referral"))
    crime_type = RadioField("Type of crime or harm", choices=_choices(CRIME_TYPES), widget=GovRadioInput(),
                            validators=_required("Choose the type of crime or harm"))
    risk = RadioField("Risk level", choices=_choices(RISKS), widget=GovRadioInput(),
                      validators=_required("Choose the risk level"))
    consent = RadioField("Did the victim consent to the referral?", choices=YES_NO, widget=GovRadioInput(),
                         validators=_required("Say whether the victim consented"))
    district_code = SelectField("District where the victim is", widget=GovSelect(), validators=[Optional()])
    # Counted in monthly tallies only, never kept on the record (directory/evidence/tallies.py).
    immigration_concern = RadioField("Was there any concern about the victim's immigration status?",
                                     choices=YES_NO_NOT_ASKED, widget=GovRadioInput(), default=NOT_ASKED,
                                     validators=_required("Say whether there was a concern, or not asked"))
    nrpf = RadioField("Might the victim have no recourse to public funds?", choices=YES_NO_NOT_ASKED,
                      widget=GovRadioInput(), default=NOT_ASKED,
                      validators=_required("Say whether the victim might have no recourse to public funds, "
                                           "or not asked"))
    submit = SubmitField("Record the referral", widget=GovSubmitInput())

    def validate_referred_on(self, field) -> None:
        if field.data and field.data > uk_today():
            raise ValidationError("The date of the referral must be today or in the past")
