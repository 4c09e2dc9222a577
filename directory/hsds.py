"""Open Referral HSDS tabular data packages in and out (a folder or zip of CSVs with datapackage.json).

Importing is all or nothing: every row of every file is checked (types, enums, required
fields, references between files) before anything is written, and the first problem is
reported with its file, row and reason. No Flask here.
"""

import csv
import io
import json
import shutil
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, select

from .models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

# Resource name → model, in an order where every reference points to an earlier table.
TABLES: dict[str, type[SQLModel]] = {
    "organizations": Organization,
    "taxonomies": Taxonomy,
    "taxonomy_terms": TaxonomyTerm,
    "services": Service,
    "locations": Location,
    "addresses": Address,
    "service_at_location": ServiceAtLocation,
    "phones": Phone,
    "contacts": Contact,
    "schedules": Schedule,
    "service_areas": ServiceArea,
    "languages": Language,
    "accessibility": Accessibility,
    "attributes": Attribute,
}
TABLE_FOR_MODEL = {model: name for name, model in TABLES.items()}
# attribute.link_entity names the kind of object a term is attached to.
LINK_ENTITIES = {"service": Service, "organization": Organization, "location": Location}
DESCRIPTOR = "datapackage.json"


class PackageError(ValueError):
    """A data package that cannot be imported, with where and why, for a person to fix."""

    def __init__(self, reason: str, file: str | None = None, row: int | None = None):
        self.file, self.row, self.reason = file, row, reason
        where = ", ".join(part for part in (file, f"row {row}" if row else None) if part)
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ignored_files: list[str] = field(default_factory=list)
    service_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


# -- reading ---------------------------------------------------------------------------------


class _PackageFiles:
    """Reads named files from a package folder or zip archive alike."""

    def __init__(self, source: str | Path | io.IOBase):
        self._zip = None
        self._folder = None
        if isinstance(source, (str, Path)) and Path(source).is_dir():
            self._folder = Path(source)
        else:
            try:
                self._zip = zipfile.ZipFile(source)
            except (zipfile.BadZipFile, FileNotFoundError, IsADirectoryError) as error:
                raise PackageError(f"not a data package folder or zip file ({error})") from error
            names = self._zip.namelist()
            descriptor = [n for n in names if n.rsplit("/", 1)[-1] == DESCRIPTOR]
            self._prefix = descriptor[0][: -len(DESCRIPTOR)] if descriptor else ""

    def read_text(self, name: str) -> str | None:
        try:
            if self._folder is not None:
                data = (self._folder / name).read_bytes()
            else:
                data = self._zip.read(self._prefix + name)
        except (FileNotFoundError, KeyError):
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PackageError(f"is not UTF-8 text (byte {error.start})", file=name) from error


def _resource_paths(files: _PackageFiles) -> dict[str, str]:
    """Resource name → CSV path, from datapackage.json (or the HSDS file names if it is absent)."""
    text = files.read_text(DESCRIPTOR)
    if text is None:
        return {name: f"{name}.csv" for name in TABLES}
    try:
        descriptor = json.loads(text)
        return {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise PackageError(f"is not a valid data package descriptor ({error})", file=DESCRIPTOR) from error


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    column = ".".join(str(part) for part in first["loc"])
    value = first.get("input")
    shown = f" (got {value!r})" if isinstance(value, str) and value else ""
    return f"{column}: {first['msg']}{shown}"


def _parse_rows(path: str, text: str, model: type[SQLModel]) -> list[SQLModel]:
    columns = set(model.model_fields)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "id" not in reader.fieldnames:
        raise PackageError("has no header row with an id column", file=path)
    rows, seen = [], set()
    for row_number, row in enumerate(reader, start=2):
        if None in row:
            raise PackageError("has more cells than the header has columns", file=path, row=row_number)
        values = {key: (value if value != "" else None) for key, value in row.items() if key in columns}
        values = {key: value for key, value in values.items() if value is not None}
        try:
            record = model.model_validate(values)
        except ValidationError as error:
            raise PackageError(_describe(error), file=path, row=row_number) from error
        if record.id in seen:
            raise PackageError(f"id {record.id} appears twice", file=path, row=row_number)
        seen.add(record.id)
        rows.append((row_number, record))
    return rows


def read_package(source: str | Path | io.IOBase) -> tuple[dict[str, list], list[str]]:
    """Parse and check every row; returns rows by table (with their row numbers) and ignored files."""
    files = _PackageFiles(source)
    paths = _resource_paths(files)
    parsed, ignored = {}, []
    for name, path in paths.items():
        if name not in TABLES:
            ignored.append(path)
            continue
        text = files.read_text(path)
        if text is None:
            raise PackageError("is listed in datapackage.json but missing", file=path)
        parsed[name] = (path, _parse_rows(path, text, TABLES[name]))
    if not parsed:
        raise PackageError("contains none of the HSDS files this directory keeps")
    return parsed, ignored


# -- checking references ---------------------------------------------------------------------


def _foreign_keys(model: type[SQLModel]) -> list[tuple[str, type[SQLModel]]]:
    by_table = {m.__tablename__: m for m in TABLES.values()}
    references = []
    for column in model.__table__.columns:
        for foreign_key in column.foreign_keys:
            references.append((column.name, by_table[foreign_key.column.table.name]))
    return references


def _check_references(session: Session, parsed: dict) -> None:
    known: dict[type[SQLModel], set] = {
        TABLES[name]: {record.id for _, record in rows} for name, (_, rows) in parsed.items()
    }

    def exists(model: type[SQLModel], identifier: uuid.UUID) -> bool:
        if identifier in known.setdefault(model, set()):
            return True
        return session.get(model, identifier) is not None

    for name, (path, rows) in parsed.items():
        model = TABLES[name]
        references = _foreign_keys(model)
        for row_number, record in rows:
            for column, target in references:
                value = getattr(record, column)
                if value is not None and not exists(target, value):
                    raise PackageError(
                        f"{column} {value} does not match any {TABLE_FOR_MODEL[target]} row",
                        file=path,
                        row=row_number,
                    )
            if model is Attribute:
                target = LINK_ENTITIES.get(record.link_entity)
                if target is None:
                    raise PackageError(
                        f"link_entity {record.link_entity!r} is not one of {', '.join(LINK_ENTITIES)}",
                        file=path,
                        row=row_number,
                    )
                if not exists(target, record.link_id):
                    raise PackageError(
                        f"link_id {record.link_id} does not match any {record.link_entity}",
                        file=path,
                        row=row_number,
                    )


# -- importing -------------------------------------------------------------------------------


def import_package(session: Session, source, dry_run: bool = False) -> ImportReport:
    """Check the whole package, then create or update every record in the caller's transaction.

    Nothing is written if any row is bad. With dry_run, the report says what would change
    and the session is left untouched. The caller commits.
    """
    parsed, ignored = read_package(source)
    _check_references(session, parsed)
    report = ImportReport(ignored_files=ignored)
    for name, (_, rows) in parsed.items():
        model = TABLES[name]
        for _, record in rows:
            existing = session.get(model, record.id)
            (report.updated if existing is not None else report.created)[name] += 1
            if model is Service:
                report.service_ids.append(record.id)
            if not dry_run:
                session.merge(record)
        if not dry_run:
            session.flush()
    return report


# -- exporting -------------------------------------------------------------------------------


def _public_rows(session: Session) -> dict[str, list[SQLModel]]:
    """What anyone may see: active services, without the places of confidential ones."""
    services = session.exec(select(Service).where(Service.listed())).all()
    service_ids = {s.id for s in services}
    hidden_services = {s.id for s in services if s.confidential_location}
    links = [
        link
        for link in session.exec(select(ServiceAtLocation)).all()
        if link.service_id in service_ids and link.service_id not in hidden_services
    ]
    location_ids = {link.location_id for link in links}

    def of_services(model):
        return [row for row in session.exec(select(model)).all() if row.service_id in service_ids]

    def of_locations(model):
        return [row for row in session.exec(select(model)).all() if row.location_id in location_ids]

    organization_ids = {s.organization_id for s in services}
    return {
        "organizations": [o for o in session.exec(select(Organization)).all() if o.id in organization_ids],
        "taxonomies": session.exec(select(Taxonomy)).all(),
        "taxonomy_terms": session.exec(select(TaxonomyTerm)).all(),
        "services": services,
        "locations": [loc for loc in session.exec(select(Location)).all() if loc.id in location_ids],
        "addresses": of_locations(Address),
        "service_at_location": links,
        "phones": [p for p in of_services(Phone) if p.location_id is None or p.location_id in location_ids],
        "contacts": of_services(Contact),
        "schedules": of_services(Schedule),
        "service_areas": of_services(ServiceArea),
        "languages": of_services(Language),
        "accessibility": of_locations(Accessibility),
        "attributes": [
            a
            for a in session.exec(select(Attribute)).all()
            if a.link_entity != "service" or a.link_id in service_ids
        ],
    }


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "value"):
        return str(value.value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def export_package(session: Session, destination: str | Path, descriptor_template: str | Path,
                   public_only: bool = True) -> Path:
    """Write the directory as a data package folder: one CSV per table and a trimmed descriptor."""
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    if public_only:
        tables = _public_rows(session)
    else:
        tables = {name: session.exec(select(model)).all() for name, model in TABLES.items()}
    descriptor = json.loads(Path(descriptor_template).read_text(encoding="utf-8"))
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    written = []
    for name, rows in tables.items():
        columns = [f["name"] for f in resources[name]["schema"]["fields"]]
        with (destination / resources[name]["path"]).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv_value(getattr(row, column, None)) for column in columns])
        written.append(resources[name])
    descriptor["resources"] = written
    (destination / DESCRIPTOR).write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return destination
