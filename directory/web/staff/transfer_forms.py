"""Forms for importing listings: the upload, and the button that applies a checked upload."""

from pathlib import Path

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from directory.exchange.datapackage import source_kind

WRONG_TYPE = "The selected file must be a ZIP data package or an HSDS JSON file"


def _zip_or_json(_form, field) -> None:
    """Judged by what the file holds as well as its name: a renamed file is still refused."""
    upload = field.data
    data = upload.stream.read()
    upload.stream.seek(0)
    if not data:
        raise ValidationError("The selected file is empty")
    extension = Path(upload.filename or "").suffix.lower().lstrip(".")
    if extension not in ("zip", "json") or source_kind(data) != extension:
        raise ValidationError(WRONG_TYPE)


class ImportForm(FlaskForm):
    file = FileField("Upload a file", widget=GovFileInput(),
                     validators=[FileRequired(message="Select a file to import"), _zip_or_json])
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ApplyImportForm(FlaskForm):
    """Applies an upload that has been checked: the token names the kept file."""

    token = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Apply import", widget=GovSubmitInput())
