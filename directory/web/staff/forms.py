"""Forms for signing in and managing accounts (Flask-WTF: every one carries a CSRF token)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from directory.accounts.users import password_problem
from directory.content.pages import MAX_BODY
from directory.models import Role

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"
ROLE_CHOICES = [
    SelectChoice(Role.OFFICER.value, "Officer: sees professional-only details and uses the officer tools"),
    SelectChoice(Role.EDITOR.value, "Editor: edits, publishes, imports and exports listings; proposes changes to "
                                    "the pathway rules"),
    SelectChoice(Role.APPROVER.value, "Policy approver: an editor who also publishes or rejects the pathway rule "
                                      "changes others propose"),
    SelectChoice(Role.ADMIN.value, "Admin: everything, including accounts"),
]


def _strong_enough(_form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    """The second step of signing in (and the first code when setting up an authenticator app)."""

    code = StringField("Code", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the code from your authenticator app"),
                                   Length(max=40)])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter a new password"), _strong_enough])
    confirm = PasswordField("Confirm the new password", widget=GovPasswordInput(),
                            validators=[InputRequired(message="Enter the new password again"),
                                        EqualTo("password", message="The passwords do not match")])
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangeOwnPasswordForm(NewPasswordForm):
    current = PasswordField("Current password", widget=GovPasswordInput(),
                            validators=[InputRequired(message="Enter your current password")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AccountDetailsForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the person's name"), Length(max=120)])
    role = RadioField("Role", choices=ROLE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message="Choose a role")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class NewAccountForm(AccountDetailsForm, NewPasswordForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter an email address"),
                                   Email(message=EMAIL_FORMAT)])
    submit = SubmitField("Add account", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A bare POST button (sign out, disable, publish…): the form exists for its CSRF token."""


class DecisionForm(FlaskForm):
    """A policy approver's decision on a proposed change to a pathway rule."""

    publish = SubmitField("Publish the change", widget=GovSubmitInput())
    reject = SubmitField("Reject it", widget=GovSubmitInput())


class PageForm(FlaskForm):
    """One language of a plain-words page: Markdown, no HTML (see directory/content/pages.py)."""

    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter a title"), Length(max=200)])
    body = TextAreaField("Text", widget=GovTextArea(),
                         description="Markdown: ## for a heading, - for a list item, [words](address) for a link.",
                         validators=[InputRequired(message="Enter the text"),
                                     Length(max=MAX_BODY,
                                            message=f"The text must be {MAX_BODY:,} characters or fewer")])
    submit = SubmitField("Save", widget=GovSubmitInput())
