"""`flask --app app …` commands: data packages in and out, the search index, postcodes, the schema."""

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from directory.accounts import second_factor
from directory.accounts import users as accounts
from directory.content.pages import PAGE_KINDS, PAGES_DIR
from directory.db import session_scope, upgrade_database
from directory.exchange.datapackage import PackageError
from directory.exchange.export import export_package
from directory.exchange.transfers import load_package, remove_stale_uploads
from directory.indexing import database_fingerprint
from directory.languages import catalogue_digest, translation_statuses
from directory.listings.queries import OUR_TAXONOMIES, terms_in
from directory.models import Role
from directory.pathway.rulebook import upgrade_rules
from directory.pathway.rules import RuleError
from directory.places.postcodes import (
    PostcodeFileError,
    PostcodeImport,
    import_postcodes,
    read_codepoint,
    read_onspd,
)

data = AppGroup("data", help="Load and export Open Referral HSDS data packages.")
search = AppGroup("search", help="The search index (a cache rebuilt from the database).")
db = AppGroup("db", help="The database schema.")
users = AppGroup("users", help="Staff and officer accounts.")
geo = AppGroup("geo", help="Full postcodes from ONSPD or OS Code-Point Open.")
rules = AppGroup("rules", help="The referral pathway rules.")


def _engines():
    return current_app.extensions["database"], current_app.extensions["indexer"]


@data.command("load")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
def load_command(source: Path) -> None:
    """Import a data package folder or zip, or HSDS JSON: all of it, or nothing if any row is bad."""
    database, indexer = _engines()
    try:
        with session_scope(database) as session:
            report = load_package(session, indexer, source,
                                  current_app.config["ACCEPT_FICTIONAL_PHONE_NUMBERS"])
    except PackageError as error:
        raise click.ClickException(f"Nothing was imported. {error}") from error
    click.echo(f"Imported {report.total} records ({sum(report.created.values())} new, "
               f"{sum(report.updated.values())} updated).")
    for ignored in report.ignored_files:
        click.echo(f"Not imported (this directory does not keep it): {ignored}")


@data.command("export")
@click.argument("destination", type=click.Path(path_type=Path))
@click.option("--everything", is_flag=True,
              help="Include inactive services and confidential addresses (not for publication).")
def export_command(destination: Path, everything: bool) -> None:
    """Write the directory as an HSDS data package folder (public data only by default)."""
    database, _ = _engines()
    template = current_app.config["EXPORT_DESCRIPTOR"]
    with session_scope(database) as session:
        export_package(session, destination, template, public_only=not everything)
    click.echo(f"Exported to {destination}")


@data.command("purge-uploads")
def purge_uploads_command() -> None:
    """Delete import uploads checked over a day ago but never applied (they may hold refuge addresses)."""
    removed = remove_stale_uploads(Path(current_app.config["IMPORT_UPLOAD_DIR"]))
    click.echo(f"Deleted {removed} import uploads left unapplied for over a day.")


@search.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the index from the database and swap it in."""
    database, indexer = _engines()
    with session_scope(database) as session:
        count = indexer.rebuild(session)
    click.echo(f"Indexed {count} active services.")


@search.command("check")
def check_command() -> None:
    """Say whether the index matches the database (exit status 1 if it does not)."""
    database, indexer = _engines()
    with session_scope(database) as session:
        current = indexer.is_current(session)
        expected = database_fingerprint(session)
    if not current:
        raise click.ClickException(f"The index does not match the database ({expected.count} active services).")
    click.echo(f"The index matches the database ({expected.count} active services).")


@db.command("upgrade")
def upgrade_command() -> None:
    """Apply any outstanding migrations."""
    upgrade_database(current_app.extensions["database"])
    click.echo("The database schema is up to date.")


def _lines_with_progress(path: Path, label: str) -> Iterator[str]:
    """Stream a large CSV line by line, showing progress by bytes read."""
    with path.open("rb") as raw, click.progressbar(length=path.stat().st_size, label=label) as bar:
        for line in io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""):
            bar.update(len(line.encode("utf-8")))
            yield line


def _import_postcode_files(paths: tuple[Path, ...], reader, source: str) -> None:
    database, _ = _engines()
    counts = PostcodeImport()
    # One transaction for every file: a bad line anywhere rolls all of them back.
    with session_scope(database) as session:
        for path in paths:
            rows = reader(_lines_with_progress(path, path.name), counts)
            try:
                import_postcodes(session, rows, counts, source)
            except PostcodeFileError as error:
                raise click.ClickException(f"Nothing was imported. {path.name}, {error}") from error
    click.echo(f"Imported {counts.imported} postcodes; skipped {counts.terminated} terminated "
               f"and {counts.without_location} without a location.")


@geo.command("import-onspd")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_onspd_command(paths: tuple[Path, ...]) -> None:
    """Import postcodes from ONS Postcode Directory CSV files (terminated postcodes are skipped)."""
    _import_postcode_files(paths, read_onspd, "ONSPD")


@geo.command("import-codepoint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_codepoint_command(paths: tuple[Path, ...]) -> None:
    """Import postcodes from OS Code-Point Open CSV files (eastings/northings converted to WGS84)."""
    _import_postcode_files(paths, read_codepoint, "Code-Point Open")


def _read_password() -> str:
    """From a hidden prompt at a terminal, else the first line of stdin: never from an argument."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _read_name() -> str:
    """From a prompt at a terminal; piped, only --name will do: the first line of stdin is the password."""
    if sys.stdin.isatty():
        return click.prompt("The person's name, as colleagues will see it")
    raise click.ClickException("Give the person's name with --name: staff pages and the history show it.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", help="The person's name, as staff pages and the history show it (asked for at a terminal).")
def create_user_command(email: str, role: str, name: str | None) -> None:
    """Add an account; the name and password are asked for, or the password read from stdin when piped."""
    name = name if name is not None else _read_name()
    password = _read_password()
    database, _ = _engines()
    try:
        with session_scope(database) as session:
            accounts.create_user(session, email, name, Role(role), password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created the {role} account {accounts.normalise_email(email)} for {name.strip()}.")


@users.command("reset-second-factor")
@click.argument("email")
def reset_second_factor_command(email: str) -> None:
    """For an admin who has lost their phone and recovery codes (no other admin can reset it): they set up
    an authenticator app again at their next sign-in."""
    database, _ = _engines()
    with session_scope(database) as session:
        user = accounts.find_by_email(session, email)
        if user is None:
            raise click.ClickException(f"There is no account {accounts.normalise_email(email)}.")
        second_factor.reset(session, user, by=None)
    click.echo(f"Second factor reset for {user.email}; they set it up again at their next sign-in.")


@rules.command("upgrade")
def upgrade_rules_command() -> None:
    """Bring in the shipped rules: changes to rules nobody edited here are applied, changes to rules edited
    here become proposals for a policy approver. Also run on every start; safe to repeat."""
    database, _ = _engines()
    try:
        with session_scope(database) as session:
            done = upgrade_rules(session, current_app.config["PATHWAY_RULES_FILE"])
    except RuleError as error:
        raise click.ClickException(f"Nothing was changed. {error}") from error
    for keys, what in ((done.installed, "Installed"), (done.upgraded, "Upgraded"),
                       (done.proposed, "Edited here, so proposed for a policy approver to publish or reject")):
        if keys:
            click.echo(f"{what}: {', '.join(keys)}")
    if not done.changed:
        click.echo("The rulebook already has every shipped change.")


translations = AppGroup("translations", help="The public site's languages.")


@translations.command("status")
def translations_status() -> None:
    """Each language's completeness, sign-off and catalogue digest: a translator's sign-off names the digest
    of the catalogue they checked, in data/translations/sign_offs.toml."""
    database, _ = _engines()
    with session_scope(database) as session:
        codes = tuple(term.code for taxonomy in OUR_TAXONOMIES for term in terms_in(session, taxonomy))
    for status in translation_statuses(codes, tuple(kind.slug for kind in PAGE_KINDS), PAGES_DIR,
                                       Path(current_app.config["TRANSLATION_SIGN_OFFS"])):
        done = status.completeness
        state = "checked" if status.checked else "changed since checked" if status.sign_off else "draft"
        click.echo(f"{done.language.code:4} {done.translated}/{done.total} {len(done.problems)} to do, {state}, "
                   f"digest {catalogue_digest(done.language)}")


def init_app(app: Flask) -> None:
    for group in (data, search, db, geo, users, rules, translations):
        app.cli.add_command(group)
