"""The editor for one pathway rule: when it applies, its steps, and the services it asks for."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
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

from directory.conditions import filter_choices
from directory.pathway.rules import CHOICE_CONDITIONS, YES_NO_CONDITIONS

YES_NO_LABELS = {
    "immigration_concern": "Concern about immigration status",
    "nrpf": "No recourse to public funds",
    "interpreter": "Needs an interpreter",
    "children_in_household": "Children in the household",
    "women_only": "Would prefer a women-only service",
}
ANY_YES_NO = [SelectChoice("any", "Either"), SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class StepEntry(Form):
    remove = BooleanField("Remove this step", widget=GovCheckboxInput())
    text = TextAreaField("What to do", widget=GovTextArea(), validators=[Optional()])
    why = TextAreaField("Why", widget=GovTextArea(), validators=[Optional()])
    who = StringField("Who", widget=GovTextInput(), validators=[Optional(), Length(max=255)])
    source = StringField("Source (policy, recommendation or guidance)", widget=GovTextInput(),
                         validators=[Optional(), Length(max=255)])


class RuleForm(FlaskForm):
    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired(message="Enter a title"),
                                                                   Length(max=255)])
    position = IntegerField("Order", widget=GovTextInput(), validators=[
        InputRequired(message="Enter a number for the order"), NumberRange(min=0, max=1000)])
    steps = FieldList(FormField(StepEntry), min_entries=1)
    needs = SelectMultipleField("Needs the services help with (any of these)", widget=GovCheckboxesInput())
    audience = SelectMultipleField("Audience", widget=GovCheckboxesInput())
    flags = SelectMultipleField("Services must all offer", widget=GovCheckboxesInput(),
                                choices=[SelectChoice(flag, label) for flag, label in filter_choices()])
    add_step = SubmitField("Add another step", widget=GovSubmitInput())
    submit = SubmitField("Save the rule", widget=GovSubmitInput())


for _name, _labels in CHOICE_CONDITIONS.items():
    setattr(RuleForm, _name, SelectMultipleField(_name.replace("_", " ").capitalize(), widget=GovCheckboxesInput(),
                                                 choices=[SelectChoice(k, v) for k, v in _labels.items()]))
for _name in YES_NO_CONDITIONS:
    setattr(RuleForm, _name, RadioField(YES_NO_LABELS[_name], widget=GovRadioInput(), choices=ANY_YES_NO,
                                        default="any"))


def rule_form_data(data: dict) -> dict:
    conditions = data["conditions"]
    values = {"title": data["title"], "position": data["position"], "steps": [*data["steps"], {}],
              **{name: data["service_query"].get(name, []) for name in ("needs", "audience", "flags")}}
    for name in CHOICE_CONDITIONS:
        values[name] = conditions.get(name, [])
    for name in YES_NO_CONDITIONS:
        values[name] = "any" if name not in conditions else ("yes" if conditions[name] else "no")
    return values


def rule_from_form(form: RuleForm) -> dict:
    """The rule the form describes: empty groups and "Either" leave a condition out (it always holds)."""
    conditions = {name: form[name].data for name in CHOICE_CONDITIONS if form[name].data}
    conditions.update({name: form[name].data == "yes" for name in YES_NO_CONDITIONS if form[name].data != "any"})
    steps = [{field: (entry.form[field].data or "").strip() for field in ("text", "why", "who", "source")}
             for entry in form.steps.entries if not entry.form.remove.data and (entry.form.text.data or "").strip()]
    query = {name: form[name].data for name in ("needs", "audience", "flags") if form[name].data}
    return {"title": form.title.data.strip(), "position": form.position.data, "conditions": conditions,
            "steps": steps, "service_query": query}
