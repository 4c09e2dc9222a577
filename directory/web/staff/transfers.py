"""Importing and exporting the directory: editors import and export public data; only admins export everything."""

from pathlib import Path

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from directory.clock import uk_today
from directory.exchange.datapackage import PackageError
from directory.exchange.export import package_zip
from directory.exchange.transfers import (
    claim_upload,
    discard_upload,
    import_with_history,
    keep_upload,
    preview_import,
    services_spreadsheet,
)
from directory.models import Role
from directory.web.context import get_indexer, get_session
from directory.web.security import record_security_event
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.listing_wording import import_vocabulary
from directory.web.staff.transfer_forms import ApplyImportForm, ImportForm

# What each HSDS table holds, in words an editor uses.
TABLE_LABELS = {
    "organizations": "Organisations",
    "taxonomies": "Taxonomies",
    "taxonomy_terms": "Taxonomy terms",
    "services": "Services’ own details",
    "locations": "Locations",
    "addresses": "Addresses",
    "service_at_location": "Services at locations",
    "phones": "Phone numbers",
    "contacts": "Contacts",
    "schedules": "Opening hours",
    "service_areas": "Service areas",
    "languages": "Languages",
    "accessibility": "Accessibility details",
    "attributes": "Terms attached to records",
}


def _uploads() -> Path:
    return Path(current_app.config["IMPORT_UPLOAD_DIR"])


def _upload_limit_mb() -> int:
    return current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)


def _fictional_phones() -> bool:
    """Imports accept the same phone numbers as the listing editor."""
    return current_app.config["ACCEPT_FICTIONAL_PHONE_NUMBERS"]


def _preview(**context) -> str:
    return render_template("staff/transfers/preview.html", table_labels=TABLE_LABELS,
                           words=import_vocabulary(), **context)


@staff.route("/staff/import", methods=["GET", "POST"])
@requires(Role.EDITOR)
def import_data():
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("staff/transfers/upload.html", form=form, limit_mb=_upload_limit_mb())
    filename = secure_filename(form.file.data.filename) or "upload"
    data = form.file.data.read()
    try:
        report = preview_import(get_session(), data, filename, _fictional_phones())
    except PackageError as error:
        return _preview(filename=filename, error=error)
    if not report.total:  # nothing to apply, so nothing kept
        return _preview(filename=filename, report=report)
    token = keep_upload(_uploads(), filename, data)
    return _preview(filename=filename, report=report, apply_form=ApplyImportForm(token=token))


@staff.route("/staff/import/apply", methods=["POST"])
@requires(Role.EDITOR)
def import_data_apply():
    form = ApplyImportForm()
    source = claim_upload(_uploads(), form.token.data) if form.validate_on_submit() else None
    if source is None:
        flash("That upload has already been imported or has expired. Upload the file again.", "error")
        return redirect(url_for("staff.import_data"))
    db = get_session()
    try:
        report = import_with_history(db, source, acting_user(), _fictional_phones())
        db.commit()
    except PackageError as error:
        db.rollback()
        return _preview(filename=source.name, error=error)
    finally:
        discard_upload(source)
    record_security_event("import_applied", user=acting_user(), detail=f"{sum(report.created.values())} records "
                          f"created, {sum(report.updated.values())} updated")
    get_indexer().catch_up(db)
    flash(f"Imported {source.name}: {sum(report.created.values())} records created and "
          f"{sum(report.updated.values())} updated, including {len(report.created_services)} new and "
          f"{len(report.updated_services)} updated services.", "success")
    return redirect(url_for("staff.import_data"))


@staff.app_errorhandler(RequestEntityTooLarge)
def _upload_too_large(error):
    """Too big to read at all, so say so on the upload page (no form data can be kept)."""
    if request.endpoint == "staff.import_data" and current_user.is_authenticated and current_user.can(Role.EDITOR):
        form = ImportForm(formdata=None)
        form.file.errors = [f"The selected file must be smaller than {_upload_limit_mb()} MB"]
        return render_template("staff/transfers/upload.html", form=form, limit_mb=_upload_limit_mb()), 413
    return render_template("errors/413.html", limit_mb=_upload_limit_mb()), 413


# -- exporting -------------------------------------------------------------------------------


def _download(data: bytes, name: str, extension: str, mimetype: str) -> Response:
    """An attachment named with today's date; directory/web/__init__.py keeps it out of every cache (no-store)."""
    today = uk_today().isoformat()
    response = Response(data, mimetype=mimetype)
    filename = f"safe-space-directory-{name}-{today}.{extension}"
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


@staff.route("/staff/export")
@requires(Role.EDITOR)
def export_data():
    return render_template("staff/transfers/export.html", may_export_everything=current_user.can(Role.ADMIN))


@staff.route("/staff/export/public.zip")
@requires(Role.EDITOR)
def export_public_package():
    package = package_zip(get_session(), current_app.config["EXPORT_DESCRIPTOR"], public_only=True)
    return _download(package, "public", "zip", "application/zip")


@staff.route("/staff/export/everything.zip")
@requires(Role.ADMIN)
def export_full_package():
    # Confidential addresses leave the system in this file: the security log says who took it.
    record_security_event("full_export", user=acting_user())
    package = package_zip(get_session(), current_app.config["EXPORT_DESCRIPTOR"], public_only=False)
    return _download(package, "everything", "zip", "application/zip")


@staff.route("/staff/export/services.csv")
@requires(Role.EDITOR)
def export_spreadsheet():
    # With a byte-order mark, so spreadsheet programs read the text as UTF-8.
    return _download(services_spreadsheet(get_session()).encode("utf-8-sig"), "services", "csv", "text/csv")
