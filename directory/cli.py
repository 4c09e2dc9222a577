"""`flask --app app …` commands: data packages in and out, the search index, the database schema."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .db import session_scope, upgrade_database
from .hsds import PackageError, export_package
from .indexing import database_fingerprint, index_is_current, rebuild_index
from .services import load_package

data = AppGroup("data", help="Load and export Open Referral HSDS data packages.")
search = AppGroup("search", help="The search index (a cache rebuilt from the database).")
db = AppGroup("db", help="The database schema.")


def _engines():
    return current_app.extensions["database"], current_app.extensions["search"]


@data.command("load")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
def load_command(source: Path) -> None:
    """Import a data package folder or zip: all of it, or nothing if any row is bad."""
    database, search_engine = _engines()
    try:
        with session_scope(database) as session:
            report = load_package(session, search_engine, source)
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
    template = Path(current_app.config["SAMPLE_DATA_DIR"]) / "datapackage.json"
    with session_scope(database) as session:
        export_package(session, destination, template, public_only=not everything)
    click.echo(f"Exported to {destination}")


@search.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the index from the database and swap it in."""
    database, search_engine = _engines()
    with session_scope(database) as session:
        count = rebuild_index(session, search_engine)
    click.echo(f"Indexed {count} active services.")


@search.command("check")
def check_command() -> None:
    """Say whether the index matches the database (exit status 1 if it does not)."""
    database, search_engine = _engines()
    with session_scope(database) as session:
        current = index_is_current(session, search_engine)
        expected = database_fingerprint(session)
    if not current:
        raise click.ClickException(f"The index does not match the database ({expected.count} active services).")
    click.echo(f"The index matches the database ({expected.count} active services).")


@db.command("upgrade")
def upgrade_command() -> None:
    """Apply any outstanding migrations."""
    upgrade_database(current_app.extensions["database"])
    click.echo("The database schema is up to date.")


def init_app(app: Flask) -> None:
    for group in (data, search, db):
        app.cli.add_command(group)
