"""The editor for one pathway rule: when it applies, its steps, and the services it asks for."""

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from directory.pathway.rules import CHOICE_CONDITIONS, SETTING_CONDITIONS, YES_NO_CONDITIONS
from directory.web.fields import DayMonthYearField

# List conditions: the officer's answers, then the force's settings (the same checkboxes; empty always holds).
LIST_CONDITIONS = {**CHOICE_CONDITIONS, **SETTING_CONDITIONS}
STEP_WORDS = ("text", "why", "who", "source", "shares")
ANY_YES_NO = [SelectChoice("any", "Either"), SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class StepEntry(Form):
    remove = BooleanField("Remove this step", widget=GovCheckboxInput())
    text = TextAreaField("What to do", widget=GovTextArea(), validators=[Optional()])
    why = TextAreaField("Why", widget=GovTextArea(), validators=[Optional()])
    who = StringField("Who", widget=GovTextInput(), validators=[Optional(), Length(max=255)])
    source = StringField("Source (policy, recommendation or guidance)", widget=GovTextInput(),
                         validators=[Optional(), Length(max=255)])
    shares = TextAreaField("What is shared (if the step passes information on): what, to whom, on what basis, "
                           "and whether the victim can say no", widget=GovTextArea(), validators=[Optional()])
    refers_needs = SelectMultipleField("Refers to services that help with all of", widget=GovCheckboxesInput())
    refers_words = StringField("And whose listing mentions (optional)", widget=GovTextInput(),
                               validators=[Optional(), Length(max=100)])
    refers_accommodation = BooleanField("A place to stay or money: no recourse to public funds matters here",
                                        widget=GovCheckboxInput())
    refers_for_children = BooleanField("Services for the children of the household, not the victim",
                                       widget=GovCheckboxInput())

    def referral(self) -> dict | None:
        """The step's `refers`, or None when the step refers nowhere."""
        refers = {"needs": self.refers_needs.data or [], "words": (self.refers_words.data or "").strip(),
                  "accommodation": bool(self.refers_accommodation.data),
                  "for_children": bool(self.refers_for_children.data)}
        return {key: value for key, value in refers.items() if value} if refers["needs"] or refers["words"] else None


class RuleForm(FlaskForm):
    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired(message="Enter a title"),
                                                                   Length(max=255)])
    position = IntegerField("Order", widget=GovTextInput(), validators=[
        InputRequired(message="Enter a number for the order"), NumberRange(min=0, max=1000)])
    owner = StringField("Owner", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the role that owns this policy"), Length(max=255)])
    policy_as_at = DayMonthYearField("Policy as at", widget=GovDateInput(), format="%d %m %Y", validators=[
        InputRequired(message="Enter the date the policy is stated as at")])
    review_by = DayMonthYearField("Review by", widget=GovDateInput(), format="%d %m %Y", validators=[
        InputRequired(message="Enter the date by which the owner must review the rule")])
    steps = FieldList(FormField(StepEntry), min_entries=1)
    needs = SelectMultipleField("Needs of the harm: the national helplines shown help with any of these",
                                widget=GovCheckboxesInput())
    add_step = SubmitField("Add another step", widget=GovSubmitInput())
    # The condition fields, in the order the page shows them (each added below).
    choice_conditions = tuple(LIST_CONDITIONS)
    yes_no_conditions = tuple(YES_NO_CONDITIONS)
    submit = SubmitField("Propose the change", widget=GovSubmitInput())


for _name, _labels in LIST_CONDITIONS.items():
    _label = _name.replace("_", " ").capitalize() + (" (force setting)" if _name in SETTING_CONDITIONS else "")
    setattr(RuleForm, _name, SelectMultipleField(_label, widget=GovCheckboxesInput(),
                                                 choices=[SelectChoice(k, v) for k, v in _labels.items()]))
for _name, _label in YES_NO_CONDITIONS.items():
    setattr(RuleForm, _name, RadioField(_label, widget=GovRadioInput(), choices=ANY_YES_NO, default="any"))


def _step_values(step: dict) -> dict:
    refers = step.get("refers") or {}
    return {**step, "refers_needs": refers.get("needs", []), "refers_words": refers.get("words", ""),
            "refers_accommodation": refers.get("accommodation", False),
            "refers_for_children": refers.get("for_children", False)}


def rule_form_data(data: dict) -> dict:
    conditions = data["conditions"]
    values = {"title": data["title"], "position": data["position"], "owner": data.get("owner", ""),
              **{name: data.get(name) and date.fromisoformat(data[name]) for name in ("policy_as_at", "review_by")},
              "steps": [*(_step_values(step) for step in data["steps"]), {}],
              "needs": data["service_query"].get("needs", [])}
    for name in LIST_CONDITIONS:
        values[name] = conditions.get(name, [])
    for name in YES_NO_CONDITIONS:
        values[name] = "any" if name not in conditions else ("yes" if conditions[name] else "no")
    return values


def rule_from_form(form: RuleForm) -> dict:
    """The rule the form describes: empty groups and "Either" leave a condition out (it always holds)."""
    conditions = {name: form[name].data for name in LIST_CONDITIONS if form[name].data}
    conditions.update({name: form[name].data == "yes" for name in YES_NO_CONDITIONS if form[name].data != "any"})
    steps = []
    for entry in form.steps.entries:
        if entry.form.remove.data or not (entry.form.text.data or "").strip():
            continue
        step = {field: (entry.form[field].data or "").strip() for field in STEP_WORDS}
        if not step["shares"]:
            del step["shares"]  # a step that shares nothing has no shares field, as in the rules file
        referral = entry.form.referral()
        steps.append({**step, "refers": referral} if referral else step)
    query = {"needs": form.needs.data} if form.needs.data else {}
    return {"title": form.title.data.strip(), "position": form.position.data, "conditions": conditions,
            "steps": steps, "service_query": query, "owner": form.owner.data.strip(),
            "policy_as_at": form.policy_as_at.data.isoformat(), "review_by": form.review_by.data.isoformat()}
