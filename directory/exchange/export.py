"""The directory as an Open Referral HSDS tabular data package: one CSV per table and a descriptor. No Flask.

The descriptor template (data/sample/datapackage.json) is HSDS 3's own datapackage.json, cut to
the tables this directory fills, with our own columns described after HSDS's in each table; its
resources, in its order, are the files written. Cost options are worked out from the `free`
answer, as the API does. A public package holds only what anyone may see: published, active
listings, no confidential places and no professional-only or staff columns. The access-condition
columns of the services table come from the one list of conditions, whatever the template says.
"""

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session
from sqlmodel import SQLModel, select

from directory.conditions import CONDITIONS, AccessCondition
from directory.exchange.cells import package_safe
from directory.exchange.datapackage import (
    DERIVED_RESOURCES,
    DESCRIPTOR,
    HSDS_COLUMNS,
    STAFF_ONLY_COLUMNS,
    TABLE_FOR_RESOURCE,
    TABLES,
    TIME_COLUMNS,
    hsds_time,
)
from directory.exchange.openreferral import cost_options
from directory.listings.confidentiality import place_loads, public_links
from directory.models import Service


def _public_rows(session: Session) -> dict[str, list[SQLModel]]:
    """What anyone may see: active published services, without any place a confidential service uses."""
    services = session.exec(select(Service).where(Service.listed()).options(*place_loads())).all()
    service_ids = {s.id for s in services}
    links = [link for service in services for link in public_links(service)]
    location_ids = {link.location_id for link in links}

    def everything(table: str) -> list[SQLModel]:
        return list(session.exec(select(TABLES[table])))

    def of_services(table: str) -> list[SQLModel]:
        return [row for row in everything(table) if row.service_id in service_ids]

    def of_locations(table: str) -> list[SQLModel]:
        return [row for row in everything(table) if row.location_id in location_ids]

    def not_at_hidden_places(rows):
        return [row for row in rows if row.location_id is None or row.location_id in location_ids]

    organization_ids = {s.organization_id for s in services}
    shown = {"service": service_ids, "organization": organization_ids, "location": location_ids}
    return {
        "organizations": [o for o in everything("organizations") if o.id in organization_ids],
        "taxonomies": everything("taxonomies"),
        "taxonomy_terms": everything("taxonomy_terms"),
        "services": services,
        "locations": [loc for loc in everything("locations") if loc.id in location_ids],
        "addresses": of_locations("addresses"),
        "service_at_location": links,
        "phones": not_at_hidden_places(of_services("phones")),
        "contacts": of_services("contacts"),
        "schedules": of_services("schedules"),
        "service_areas": of_services("service_areas"),
        "languages": not_at_hidden_places(of_services("languages")),
        "accessibility": of_locations("accessibility"),
        "attributes": [a for a in everything("attributes")
                       if a.link_id in shown.get(a.link_entity, set())],
    }


def csv_text(value) -> str:
    """A value as a data package cell: ISO dates, enum values, true and false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "value"):
        return str(value.value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _without_fields(resource: dict, names: Iterable[str]) -> dict:
    fields = [f for f in resource["schema"]["fields"] if f["name"] not in set(names)]
    return {**resource, "schema": {**resource["schema"], "fields": fields}}


def condition_fields(conditions: Iterable[AccessCondition] = CONDITIONS) -> list[dict]:
    """Table Schema fields for the services table's access-condition columns, each described."""
    fields = []
    for condition in conditions:
        fields.append({"name": condition.name, "type": "string", "description": condition.question,
                       "constraints": {"enum": [wording.value for wording in condition.wording]}})
        if condition.note:
            fields.append({"name": condition.note, "type": "string",
                           "description": f"{condition.question}: {condition.note_label.lower()}"})
        fields.append({"name": condition.checked_on, "type": "date",
                       "description": f"When this was last checked with the service: {condition.question}"})
    return fields


def services_resource(template: dict, conditions: Iterable[AccessCondition] = CONDITIONS) -> dict:
    """The services resource with every condition's columns: where the template lists one, in its place
    (files read by position keep working); a condition it lacks, after the template's last one."""
    derived = {field["name"]: field for field in condition_fields(conditions)}
    fields = [derived.pop(field["name"], field) for field in template["schema"]["fields"]]
    names = {field["name"] for field in condition_fields(conditions)}
    ours = [i for i, field in enumerate(fields) if field["name"] in names]
    at = ours[-1] + 1 if ours else len(fields)
    fields[at:at] = derived.values()
    return {**template, "schema": {**template["schema"], "fields": fields}}


def _not_public(conditions: Iterable[AccessCondition] = CONDITIONS) -> tuple[str, ...]:
    """Service columns a public package leaves out: staff and professional details."""
    return (*STAFF_ONLY_COLUMNS, *(name for c in conditions if c.professional_only for name in c.columns))


def _tables(session: Session, public_only: bool) -> dict[str, list]:
    """Each table's rows: records, and cost options as the API's dictionaries."""
    if public_only:
        tables = _public_rows(session)
    else:
        tables = {name: list(session.exec(select(model))) for name, model in TABLES.items()}
    tables["cost_options"] = [option for service in tables["services"] for option in cost_options(service)]
    return tables


def _cell(row, column: str) -> str:
    """One cell, under HSDS's column name: HSDS's `time` is HH:MM:SS, formulas are quoted."""
    if isinstance(row, dict):
        return package_safe(csv_text(row.get(column)))
    model = type(row)
    ours = {hsds: field for field, hsds in HSDS_COLUMNS.get(model, {}).items()}
    text = csv_text(getattr(row, ours.get(column, column), None))
    if text and column in TIME_COLUMNS.get(model, ()):
        text = hsds_time(text)
    return package_safe(text)


def package_files(session: Session, descriptor_template: str | Path, public_only: bool = True) -> dict[str, str]:
    """The directory as a data package: file name → text, one CSV per table plus the descriptor.

    A public package holds only what anyone may see, and never the professional-only columns.
    """
    tables = _tables(session, public_only)
    descriptor = json.loads(Path(descriptor_template).read_text(encoding="utf-8"))
    files, written = {}, []
    for resource in descriptor["resources"]:
        name = {**TABLE_FOR_RESOURCE, **DERIVED_RESOURCES}[resource["name"]]
        if name == "services":
            resource = services_resource(resource)
            if public_only:
                resource = _without_fields(resource, _not_public())
        columns = [f["name"] for f in resource["schema"]["fields"]]
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in tables[name]:
            writer.writerow([_cell(row, column) for column in columns])
        files[resource["path"]] = out.getvalue()
        written.append(resource)
    descriptor["resources"] = written
    files[DESCRIPTOR] = json.dumps(descriptor, indent=2) + "\n"
    return files


def export_package(session: Session, destination: str | Path, descriptor_template: str | Path,
                   public_only: bool = True) -> Path:
    """Write the directory as a data package folder."""
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for path, text in package_files(session, descriptor_template, public_only).items():
        (destination / path).write_text(text, encoding="utf-8", newline="")
    return destination


def package_zip(session: Session, descriptor_template: str | Path, public_only: bool = True) -> bytes:
    """The directory as a zipped data package, built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in package_files(session, descriptor_template, public_only).items():
            archive.writestr(path, text)
    return buffer.getvalue()
