"""Open Referral HSDS tabular data packages in: read a folder, zip or HSDS JSON, check every row, import. No Flask.

Importing is all or nothing: every row of every file is checked (types, enums, required
fields, references between files) before anything is written, and the first problem is
reported with its file, row and reason. HSDS JSON (see hsds_json.py) is turned into the
same tables and goes through the same checks.

Packages follow HSDS 3's own datapackage.json: its resource names (our model's table names),
its file and column names, `time` cells as HH:MM:SS. Packages in our earlier layout (plural
resource names, `last_verified_on`, HH:MM) still import, so older exports can be restored.
"""

import csv
import io
import json
import re
import uuid
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from directory.exchange import hsds_json
from directory.exchange.cells import unquoted
from directory.exchange.refuge_places import shared_refuge_place
from directory.listings.validation import record_problem
from directory.models import (
    PROFESSIONAL_FIELDS,
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

# Our names for the tables (their CSV files' stems, as HSDS names the files) → model, in an order where
# every reference points to an earlier table.
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
# HSDS names each resource after its object, as our models name their tables: "service" is services.csv.
TABLE_FOR_RESOURCE = {model.__tablename__: name for name, model in TABLES.items()}
# HSDS column names for fields we call otherwise: a service's last verification is HSDS's assured date.
HSDS_COLUMNS: dict[type[SQLModel], dict[str, str]] = {Service: {"last_verified_on": "assured_date"}}
# Columns of HSDS type `time`, which a package writes as HH:MM:SS; the directory keeps HH:MM.
TIME_COLUMNS: dict[type[SQLModel], tuple[str, ...]] = {Schedule: ("opens_at", "closes_at")}
# Resources an export works out from other columns (cost options from the service's `free` answer), with
# the file stem that names them; reading them back would say nothing new, so they are neither imported
# nor reported as left out.
DERIVED_RESOURCES = {"cost_option": "cost_options"}
# attribute.link_entity names the kind of object a term is attached to.
LINK_ENTITIES = {"service": Service, "organization": Organization, "location": Location}
DESCRIPTOR = "datapackage.json"
# Ours, never a file's: optimistic-locking versions and unpublished drafts. (`published` is
# read when a file has it, so restoring a staff export keeps unpublished listings unpublished.)
EDITORIAL_COLUMNS: dict[type[SQLModel], frozenset[str]] = {
    Service: frozenset({"version", "draft"}),
    Organization: frozenset({"version"}),
    TaxonomyTerm: frozenset({"version"}),
}
# Only an export of everything carries these: a public package has only published listings.
STAFF_ONLY_COLUMNS = (*PROFESSIONAL_FIELDS, "published", "last_verified_by")  # the last: a staff name
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# A small zip can unpack to gigabytes, and every byte becomes checked rows held in memory. The
# sample's 104 services take 0.4 MB, so this is room for over ten thousand.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
_UNZIP_CHUNK_BYTES = 1024 * 1024
# What a damaged (or deliberately false) archive raises while unpacking, encrypted ones included.
_DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


class PackageError(ValueError):
    """A data package that cannot be imported, with where and why, for a person to fix."""

    def __init__(self, reason: str, file: str | None = None, row: int | None = None):
        self.file, self.row, self.reason = file, row, reason
        where = ", ".join(part for part in (file, f"row {row}" if row else None) if part)
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True)
class ListingChange:
    """A listing an import changes, as it reads before and after (transfers.py compares listings)."""

    name: str
    before: dict
    after: dict


@dataclass
class ImportReport:
    """What an import creates and changes: records by table (only those whose values change), and listings."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ignored_files: list[str] = field(default_factory=list)
    service_ids: list[uuid.UUID] = field(default_factory=list)
    created_services: list[str] = field(default_factory=list)
    updated_services: list[ListingChange] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class Row(NamedTuple):
    """One checked record, with the columns its file gives for it.

    An update sets only those columns, so a file without a column (a public export has no
    professional-only details) never blanks what the directory holds.
    """

    number: int  # the row number a person finds it by (for JSON, which service in the file)
    record: SQLModel
    columns: frozenset[str]
    where: str = ""  # for JSON, where in that service, e.g. "contacts[0]: "


@dataclass
class Table:
    """One table as read from a file: where it came from and its checked rows."""

    path: str
    rows: list[Row]


@dataclass
class Package:
    """Everything a source holds that this directory keeps, checked row by row, ready to import."""

    tables: dict[str, Table]
    ignored: list[str] = field(default_factory=list)


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
            if sum(info.file_size for info in self._zip.infolist()) > MAX_UNZIPPED_BYTES:  # as it claims
                raise _too_large()
            self._unzipped = 0  # as counted while reading
            names = self._zip.namelist()
            descriptor = [n for n in names if n.rsplit("/", 1)[-1] == DESCRIPTOR]
            self._prefix = descriptor[0][: -len(DESCRIPTOR)] if descriptor else ""

    def read_text(self, name: str) -> str | None:
        try:
            if self._folder is not None:
                data = (self._folder / name).read_bytes()
            else:
                data = self._unzip(self._prefix + name, name)
        except (FileNotFoundError, KeyError):
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PackageError(f"is not UTF-8 text (byte {error.start})", file=name) from error

    def _unzip(self, member: str, name: str) -> bytes:
        """A member's bytes, read a chunk at a time and counted: the sizes an archive states may be false."""
        chunks = []
        try:
            with self._zip.open(member) as stream:
                while chunk := stream.read(_UNZIP_CHUNK_BYTES):
                    self._unzipped += len(chunk)
                    if self._unzipped > MAX_UNZIPPED_BYTES:
                        raise _too_large()
                    chunks.append(chunk)
        except _DAMAGED_ZIP as error:
            raise PackageError(f"cannot be unzipped: the zip file is damaged ({error})", file=name) from error
        return b"".join(chunks)


def _too_large() -> PackageError:
    return PackageError(f"is larger than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB once unzipped")


def _resource_paths(files: _PackageFiles) -> tuple[dict[str, str], list[str]]:
    """Our table → CSV path, from datapackage.json (or the HSDS file names if it is absent), and the
    paths of the resources this directory does not keep."""
    text = files.read_text(DESCRIPTOR)
    if text is None:
        return {name: f"{name}.csv" for name in TABLES}, []
    try:
        resources = [(resource["name"], resource["path"]) for resource in json.loads(text)["resources"]]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise PackageError(f"is not a valid data package descriptor ({error})", file=DESCRIPTOR) from error
    paths, ignored = {}, []
    for name, path in resources:
        table = TABLE_FOR_RESOURCE.get(name, name if name in TABLES else None)  # HSDS's name, or our old one
        if table is not None:
            paths[table] = path
        elif name not in DERIVED_RESOURCES:
            ignored.append(path)
    return paths, ignored


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    column = ".".join(str(part) for part in first["loc"])
    value = first.get("input")
    shown = f" (got {value!r})" if isinstance(value, str) and value else ""
    return f"{column}: {first['msg']}{shown}"


def _importable_columns(model: type[SQLModel]) -> frozenset[str]:
    return frozenset(model.model_fields) - EDITORIAL_COLUMNS.get(model, frozenset())


def hsds_time(value: str) -> str:
    """A time as HSDS's `time` type writes it (HH:MM:SS): the directory keeps hours and minutes."""
    return f"{value}:00" if re.fullmatch(r"\d\d:\d\d", value) else value


def _as_kept(model: type[SQLModel], values: dict) -> dict:
    """A package's times as the directory keeps them: HH:MM:00 becomes HH:MM (any other value is left
    for the editor's rule to refuse, in the editor's words)."""
    for column in TIME_COLUMNS.get(model, ()):
        if isinstance(values.get(column), str) and re.fullmatch(r"\d\d:\d\d:00", values[column]):
            values[column] = values[column][:5]
    return values


def _validated(model: type[SQLModel], values: dict, file: str, row: int, where: str = "") -> SQLModel:
    try:
        return model.model_validate(_as_kept(model, values))
    except ValidationError as error:
        raise PackageError(f"{where}{_describe(error)}", file=file, row=row) from error


def _csv_rows(path: str, reader: csv.DictReader):
    """The rows with their line numbers; a file the csv module cannot read is a PackageError too."""
    row_number = 1
    try:
        for row_number, row in enumerate(reader, start=2):
            yield row_number, row
    except csv.Error as error:
        raise PackageError(f"is not readable CSV ({error})", file=path, row=row_number + 1) from error


def _parse_rows(path: str, text: str, model: type[SQLModel]) -> Table:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        raise PackageError(f"is not readable CSV ({error})", file=path) from error
    if not fieldnames or "id" not in fieldnames:
        raise PackageError("has no header row with an id column", file=path)
    ours = {hsds: field for field, hsds in HSDS_COLUMNS.get(model, {}).items()}
    columns = _importable_columns(model) & {ours.get(name, name) for name in fieldnames}
    rows, seen = [], set()
    for row_number, row in _csv_rows(path, reader):
        if None in row:
            raise PackageError("has more cells than the header has columns", file=path, row=row_number)
        cells = {ours.get(key, key): value for key, value in row.items()}
        values = {key: unquoted(value) for key, value in cells.items() if key in columns and value}
        record = _validated(model, values, path, row_number)
        if record.id in seen:
            raise PackageError(f"id {record.id} appears twice", file=path, row=row_number)
        seen.add(record.id)
        rows.append(Row(row_number, record, columns))
    return Table(path, rows)


def read_package(source: str | Path | io.IOBase) -> Package:
    """Parse and check every row of a data package folder or zip."""
    files = _PackageFiles(source)
    paths, ignored = _resource_paths(files)
    tables = {}
    for name in [table for table in TABLES if table in paths]:  # TABLES' order: references point backwards
        path = paths[name]
        text = files.read_text(path)
        if text is None:
            raise PackageError("is listed in datapackage.json but missing", file=path)
        tables[name] = _parse_rows(path, text, TABLES[name])
    if not tables:
        raise PackageError("contains none of the HSDS files this directory keeps")
    return Package(tables, ignored)


def _parse_json(data: bytes, name: str):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise PackageError(f"is not valid JSON ({error})", file=name) from error


def read_json(data: bytes, name: str = "services.json") -> Package:
    """Parse and check HSDS JSON services; `name` is what error messages call the file."""
    try:
        found = hsds_json.tables_from_json(_parse_json(data, name))
    except hsds_json.JsonShapeError as error:
        raise PackageError(error.reason, file=name, row=error.item) from error
    tables = {}
    for table_name, model in TABLES.items():
        if not found.rows.get(table_name):
            continue
        rows = []
        for row in found.rows[table_name]:
            values = {key: value for key, value in row.values.items() if value not in (None, "")}
            where = f"{row.where}: " if row.where else ""
            record = _validated(model, values, name, row.item, where)
            rows.append(Row(row.item, record, row.columns & _importable_columns(model), where))
        tables[table_name] = Table(name, rows)
    if not tables:
        raise PackageError("holds no services", file=name)
    return Package(tables, found.ignored)


def source_kind(data: bytes) -> str | None:
    """"zip" or "json" by what the bytes are, whatever the file is called; None for anything else."""
    if data.startswith(ZIP_SIGNATURES):
        return "zip"
    try:
        json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return "json"


def read_source(source: str | Path | bytes, name: str | None = None) -> Package:
    """A data package (folder or zip) or HSDS JSON, told apart by their content, not their names."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            return read_package(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise PackageError(f"not a data package folder or zip file ({error})") from error
        name = name or path.name
    else:
        data = source
    if data.startswith(ZIP_SIGNATURES):
        return read_package(io.BytesIO(data))
    if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"["):
        return read_json(data, name or "services.json")
    raise PackageError("is not a data package folder or zip file, nor HSDS JSON", file=name)


# -- checking references ---------------------------------------------------------------------


def _foreign_keys(model: type[SQLModel]) -> list[tuple[str, type[SQLModel]]]:
    by_table = {m.__tablename__: m for m in TABLES.values()}
    references = []
    for column in model.__table__.columns:
        for foreign_key in column.foreign_keys:
            references.append((column.name, by_table[foreign_key.column.table.name]))
    return references


def _check_references(session: Session, package: Package) -> None:
    known: dict[type[SQLModel], set] = {
        TABLES[name]: {row.record.id for row in table.rows} for name, table in package.tables.items()
    }

    def exists(model: type[SQLModel], identifier: uuid.UUID) -> bool:
        if identifier in known.setdefault(model, set()):
            return True
        return session.get(model, identifier) is not None

    for name, table in package.tables.items():
        model = TABLES[name]
        references = _foreign_keys(model)
        for row_number, record, *_ in table.rows:
            for column, target in references:
                value = getattr(record, column)
                if value is not None and not exists(target, value):
                    raise PackageError(
                        f"{column} {value} does not match any {TABLE_FOR_MODEL[target]} row",
                        file=table.path,
                        row=row_number,
                    )
            if model is Attribute:
                target = LINK_ENTITIES.get(record.link_entity)
                if target is None:
                    raise PackageError(
                        f"link_entity {record.link_entity!r} is not one of {', '.join(LINK_ENTITIES)}",
                        file=table.path,
                        row=row_number,
                    )
                if not exists(target, record.link_id):
                    raise PackageError(
                        f"link_id {record.link_id} does not match any {record.link_entity}",
                        file=table.path,
                        row=row_number,
                    )


def _check_values(package: Package, allow_fictional_phones: bool) -> None:
    """Every value the listing editor would refuse is refused here too, in the editor's words."""
    for table in package.tables.values():
        for row in table.rows:
            problem = record_problem(row.record, allow_fictional_phones)
            if problem:
                raise PackageError(f"{row.where}{problem}", file=table.path, row=row.number)


# -- importing -------------------------------------------------------------------------------


def _same(old, new) -> bool:
    """Equal values; the database may hand back naive datetimes, which are UTC."""
    if isinstance(old, datetime) and isinstance(new, datetime):
        old, new = (moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment for moment in (old, new))
    return old == new


def _update(existing: SQLModel, record: SQLModel, columns: frozenset[str]) -> bool:
    """Copy the columns the file carries; True if any value changed. A record staff edit then moves on
    a version, so an edit open since cannot overwrite it; re-importing the same file changes nothing."""
    changed = [column for column in columns - {"id"} if not _same(getattr(existing, column), getattr(record, column))]
    for column in changed:
        setattr(existing, column, getattr(record, column))
    if changed and type(existing) in EDITORIAL_COLUMNS:
        existing.version += 1
    return bool(changed)


def import_package(session: Session, source, name: str | None = None,
                   allow_fictional_phones: bool = False) -> ImportReport:
    """Check the whole package (or HSDS JSON), then create or update every record in the caller's transaction.

    Nothing is written if any row is bad; only records whose values change count as updated.
    Versions and drafts are never taken from the file; new services are published unless the file
    says otherwise. `allow_fictional_phones` is the editor's ACCEPT_FICTIONAL_PHONE_NUMBERS setting.
    The caller commits (or rolls back: transfers.preview_import does, to show what would change).
    """
    package = source if isinstance(source, Package) else read_source(source, name)
    _check_values(package, allow_fictional_phones)
    _check_references(session, package)
    refuge_place = shared_refuge_place(session, package)
    if refuge_place:
        raise PackageError(refuge_place.reason, file=refuge_place.file, row=refuge_place.row)
    report = ImportReport(ignored_files=package.ignored)
    for table_name, table in package.tables.items():
        model = TABLES[table_name]
        for _, record, columns, _ in table.rows:
            existing = session.get(model, record.id)
            if existing is None:
                report.created[table_name] += 1
                session.add(record)
            elif _update(existing, record, columns):
                report.updated[table_name] += 1
            if model is Service:
                report.service_ids.append(record.id)
                if existing is None:
                    report.created_services.append(record.name)
        session.flush()
    return report
