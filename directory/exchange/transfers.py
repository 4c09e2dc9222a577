"""Importing with history, uploads kept between a dry run and its import, and the staff spreadsheet export.

An import records every listing it creates or changes (the snapshot before and after, by
whoever imported it, or "System" from the command line) in the same transaction as the
change, and asks for those listings' search entries to be refreshed once it commits.
It joins the package reader (datapackage.py) and the listing domain (directory/listings/), so
neither needs to know the other. No Flask here.
"""

import csv
import io
import re
import secrets
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session, selectinload
from sqlmodel import select

from directory import history
from directory.clock import in_words
from directory.conditions import CONDITIONS, AccessCondition
from directory.exchange import datapackage
from directory.exchange.cells import spreadsheet_safe
from directory.exchange.export import csv_text
from directory.exchange.openreferral import access_terms
from directory.indexing import Indexer
from directory.listings import editing as listings
from directory.listings.queries import SERVICE_PAGE_LOADS
from directory.models import Attribute, Location, Organization, Service, ServiceAtLocation, User

IMPORT_ACTION = "imported"
# Uploads wait here between their dry run and being applied; one never applied is removed after a day.
UPLOADS_KEPT_FOR_SECONDS = 24 * 60 * 60
_UPLOAD_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _listings_touched(session: Session, package: datapackage.Package) -> set[uuid.UUID]:
    """Services whose own row, parts (phones, terms…) or places the package holds."""
    touched, places = set(), set()
    for table in package.tables.values():
        for _, row, *_ in table.rows:
            if isinstance(row, Service):
                touched.add(row.id)
            elif isinstance(row, Attribute):
                if row.link_entity == "service":
                    touched.add(row.link_id)
            elif getattr(row, "service_id", None):
                touched.add(row.service_id)
            elif isinstance(row, Location):
                places.add(row.id)
            elif getattr(row, "location_id", None):
                places.add(row.location_id)
    if places:
        touched.update(session.exec(
            select(ServiceAtLocation.service_id).where(ServiceAtLocation.location_id.in_(places))).all())
    return touched


def _ids_in(package: datapackage.Package, table_name: str) -> set[uuid.UUID]:
    table = package.tables.get(table_name)
    return {row.record.id for row in table.rows} if table else set()


def _listings_shown_with(session: Session, package: datapackage.Package) -> set[uuid.UUID]:
    """Services whose search entries show an organisation or term the package holds."""
    organization_ids, term_ids = _ids_in(package, "organizations"), _ids_in(package, "taxonomy_terms")
    found = set()
    if organization_ids:
        found.update(session.exec(select(Service.id).where(Service.organization_id.in_(organization_ids))).all())
    if term_ids:
        found.update(session.exec(select(Attribute.link_id).where(
            Attribute.link_entity == "service", Attribute.taxonomy_term_id.in_(term_ids))).all())
    return found


def _load_listings(session: Session, service_ids: set[uuid.UUID]) -> list[Service]:
    if not service_ids:
        return []
    return list(session.exec(select(Service).where(Service.id.in_(service_ids)).options(*SERVICE_PAGE_LOADS)))


def _as_compared(service: Service) -> dict:
    """A listing as an import preview shows it: the editor's snapshot with names where it keeps ids
    (organisation, terms), and whether it is published and when it last changed, which a file sets too."""
    snapshot = listings.service_snapshot(service)
    own = {key: value for key, value in snapshot["service"].items() if key != "organization_id"}
    terms = {link_type: sorted(a.taxonomy_term.name for a in service.attributes if a.link_type == link_type)
             for link_type in snapshot["terms"]}
    return {**snapshot, "service": {"organization": service.organization.name, **own,
                                    "published": service.published, "last_modified": in_words(service.last_modified)},
            "terms": terms}


def _import(session: Session, package: datapackage.Package, user: User | None,
            allow_fictional_phones: bool) -> tuple[datapackage.ImportReport, set[uuid.UUID]]:
    """Import with a history record for each listing created or changed; the report lists the changed
    listings as they read before and after. Returns the report and every listing the package touches."""
    touched = _listings_touched(session, package)
    loaded = _load_listings(session, touched)
    before = {service.id: listings.service_snapshot(service) for service in loaded}
    shown_before = {service.id: _as_compared(service) for service in loaded}
    report = datapackage.import_package(session, package, allow_fictional_phones=allow_fictional_phones)
    in_file = set(report.service_ids)
    session.expire_all()
    for service in _load_listings(session, touched):
        shown = _as_compared(service)
        if service.id in shown_before and shown_before[service.id] != shown:
            report.updated_services.append(datapackage.ListingChange(service.name, shown_before[service.id], shown))
        after = listings.service_snapshot(service)
        if before.get(service.id) == after:
            continue  # the file said what the directory already held
        if service.id not in in_file:
            service.version += 1  # changed through its parts only: hsds bumped the rows it updated
        history.record(session, entity_type="service", entity_id=service.id, entity_name=service.name,
                       action=IMPORT_ACTION, user=user, before=before.get(service.id), after=after,
                       version=service.version)
    report.created_services.sort(key=str.casefold)
    report.updated_services.sort(key=lambda change: change.name.casefold())
    return report, touched


def preview_import(session: Session, source, name: str | None = None,
                   allow_fictional_phones: bool = False) -> datapackage.ImportReport:
    """What an import would create and change, writing nothing (raises PackageError if it cannot import).

    The import itself runs, in a savepoint that is then rolled back: what the preview counts and
    shows is what applying the file does, no more (a row that changes nothing is not counted).
    """
    package = datapackage.read_source(source, name)
    savepoint = session.begin_nested()
    try:
        report, _ = _import(session, package, None, allow_fictional_phones)
    finally:
        savepoint.rollback()
    return report


def import_with_history(session: Session, source, user: User | None,
                        allow_fictional_phones: bool = False) -> datapackage.ImportReport:
    """Import all or nothing, with a history record for each listing created or changed. The caller commits.

    Every changed listing moves on a version, so an edit begun before the import cannot
    silently overwrite it.
    """
    package = datapackage.read_source(source)
    report, touched = _import(session, package, user, allow_fictional_phones)
    for service_id in touched | _listings_shown_with(session, package):
        listings.queue_reindex(session, service_id)
    session.flush()
    return report


def load_package(session: Session, indexer: Indexer, source,
                 allow_fictional_phones: bool = False) -> datapackage.ImportReport:
    """Import as "System" with history (all or nothing), commit, then rebuild the index from the database."""
    try:
        report = import_with_history(session, source, None, allow_fictional_phones)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    indexer.rebuild(session)
    session.commit()
    return report


# -- uploads kept between the dry run and the import ------------------------------------------


def keep_upload(folder: Path, filename: str, data: bytes) -> str:
    """Keep a checked upload until someone applies it; returns the unguessable token that finds it."""
    remove_stale_uploads(folder)
    token = secrets.token_urlsafe(32)
    place = folder / token
    place.mkdir(parents=True, mode=0o700)
    (place / (Path(filename).name or "upload")).write_bytes(data)
    return token


def claim_upload(folder: Path, token: str | None) -> Path | None:
    """Take the file kept under a token, once: applying the same upload twice finds nothing the second time.

    None for a token that is malformed, unknown or already claimed.
    """
    if not _UPLOAD_TOKEN.fullmatch(token or ""):
        return None
    claimed = folder / f"{token}.applying"
    try:
        (folder / token).rename(claimed)  # atomic: of two simultaneous claims, one fails
    except OSError:
        return None
    files = sorted(claimed.iterdir())
    return files[0] if files else None


def discard_upload(kept: Path) -> None:
    shutil.rmtree(kept.parent, ignore_errors=True)


def remove_stale_uploads(folder: Path) -> int:
    """Remove uploads checked but never applied, so copies of the directory do not pile up; returns how many.

    Run on start, daily by `flask data purge-uploads`, and before each new upload is kept.
    """
    if not folder.is_dir():
        return 0
    cutoff = time.time() - UPLOADS_KEPT_FOR_SECONDS
    stale = [place for place in folder.iterdir() if place.is_dir() and place.stat().st_mtime < cutoff]
    for place in stale:
        shutil.rmtree(place, ignore_errors=True)
    return len(stale)


# -- the spreadsheet export ------------------------------------------------------------------


def spreadsheet_access_columns(conditions: Iterable[AccessCondition] = CONDITIONS) -> list[tuple[str, str]]:
    """(column, heading) of each published access condition followed by the date it was checked."""
    headings = {code: name for code, name, _ in access_terms(conditions)}
    columns = []
    for code in headings:
        if not code.endswith("_checked_on"):
            columns.append(code)
            if f"{code}_checked_on" in headings:
                columns.append(f"{code}_checked_on")
    return [(code, headings[code]) for code in columns]


def _cell(value) -> str:
    """As in a data package, except that yes and no read better than true and false in a spreadsheet."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return csv_text(value)


def services_spreadsheet(session: Session) -> str:
    """Every listing, published or not, as one flat CSV row for a spreadsheet (no places or professional details)."""
    services = session.exec(
        select(Service)
        .join(Organization, Service.organization_id == Organization.id)
        .order_by(Organization.name, Service.name)
        .options(selectinload(Service.organization), selectinload(Service.phones),
                 selectinload(Service.service_areas),
                 selectinload(Service.attributes).selectinload(Attribute.taxonomy_term))
    ).all()
    access = [code for code, _ in spreadsheet_access_columns()]
    headings = [heading for _, heading in spreadsheet_access_columns()]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["ID", "Organisation", "Service", "Status", "Published", "Needs", "Phones", "Email", "Website",
                     "Areas", *headings, "Last verified on", "Last verified by"])
    for service in services:
        needs = sorted(a.taxonomy_term.name for a in service.attributes if a.link_type == "need")
        row = [service.id, service.organization.name, service.name, service.status, service.published,
               "; ".join(needs), "; ".join(p.number for p in service.phones), service.email, service.url,
               "; ".join(a.name for a in service.service_areas if a.name),
               *(getattr(service, code) for code in access), service.last_verified_on, service.last_verified_by]
        writer.writerow([spreadsheet_safe(_cell(value)) for value in row])
    return out.getvalue()
