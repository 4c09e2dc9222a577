"""An import may not put a public service at a place a refuge uses. No Flask here.

HSDS lets services share a location, and a file can link any service to any location. Public
outputs already hide every place a confidential service uses (directory/listings/confidentiality.py),
but a link like that is almost always a mistake that would otherwise pass unnoticed, so the whole
import is refused with the row that makes it and the names of both services.
"""

import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy.orm import Session
from sqlmodel import select

from directory.models import Service, ServiceAtLocation

if TYPE_CHECKING:
    from directory.exchange.datapackage import Package, Row


class Problem(NamedTuple):
    reason: str
    file: str
    row: int


def _rows(package: "Package", table: str) -> tuple[str, list["Row"]]:
    found = package.tables.get(table)
    return (found.path, found.rows) if found else ("", [])


def shared_refuge_place(session: Session, package: "Package") -> Problem | None:
    """The first row that would leave a confidential and a public service at one location, once imported.

    Looks at the places the file's links and services touch, as they will be after the import
    (the file's rows over the database's), whether both services are in the file or one is
    already in the directory.
    """
    links_path, link_rows = _rows(package, "service_at_location")
    services_path, service_rows = _rows(package, "services")
    if not link_rows and not service_rows:
        return None
    in_file = {row.record.id: row for row in service_rows}
    places = {row.record.location_id for row in link_rows}
    if in_file:
        places.update(session.exec(select(ServiceAtLocation.location_id)
                                   .where(ServiceAtLocation.service_id.in_(list(in_file)))).all())
    links = {link.id: (link.service_id, link.location_id) for link in session.exec(
        select(ServiceAtLocation).where(ServiceAtLocation.location_id.in_(list(places))))}
    links.update({row.record.id: (row.record.service_id, row.record.location_id) for row in link_rows})
    services_at: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for service_id, location_id in links.values():
        services_at[location_id].add(service_id)
    stored = {service_id: (name, confidential) for service_id, name, confidential in session.exec(
        select(Service.id, Service.name, Service.confidential_location)
        .where(Service.id.in_(list({service_id for service_id, _ in links.values()}))))}

    def name_and_confidential(service_id: uuid.UUID) -> tuple[str, bool]:
        row = in_file.get(service_id)
        if row is None:
            return stored[service_id]
        keeps_stored = service_id in stored and "confidential_location" not in row.columns
        return row.record.name, stored[service_id][1] if keeps_stored else row.record.confidential_location

    def problem_at(location_id: uuid.UUID, service_id: uuid.UUID, path: str, row: "Row") -> Problem | None:
        there = sorted((name_and_confidential(other), str(other)) for other in services_at[location_id])
        refuges = [name for (name, confidential), _ in there if confidential]
        public = [name for (name, confidential), _ in there if not confidential]
        if not refuges or not public:
            return None
        name, confidential = name_and_confidential(service_id)
        refuge, shown = (name, public[0]) if confidential else (refuges[0], name)
        return Problem(f"{row.where}this would put the public service \"{shown}\" at the confidential address of "
                       f"\"{refuge}\" (location {location_id}). A place a refuge uses cannot be shared with a "
                       f"service whose address is published: give \"{shown}\" a location of its own.",
                       path, row.number)

    # The row to name: a link bringing a public service to the place, else a service row (one made confidential).
    for row in link_rows:
        if name_and_confidential(row.record.service_id)[1]:
            continue
        found = problem_at(row.record.location_id, row.record.service_id, links_path, row)
        if found:
            return found
    for row in service_rows:
        for location_id in sorted((loc for service_id, loc in links.values() if service_id == row.record.id), key=str):
            found = problem_at(location_id, row.record.id, services_path, row)
            if found:
                return found
    return None
