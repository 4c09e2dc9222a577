"""Full postcodes from the ONS Postcode Directory (ONSPD) or OS Code-Point Open, streamed in.

Both are published under the Open Government Licence. ONSPD carries latitude and longitude;
Code-Point Open carries British National Grid eastings and northings, which pyproj converts
to WGS84. An import is one transaction: a bad line stops it with the line number, and
nothing is kept. Re-importing the same file changes nothing (rows are upserted).
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pyproj import Transformer
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from directory.models import Postcode
from directory.places.gazetteer import Point, normalise_postcode

BATCH_SIZE = 5000
# ONSPD marks postcodes with no grid reference with this latitude.
ONSPD_NO_LOCATION = 99.999999
# Code-Point Open's positional quality 90 means "no coordinates".
CODEPOINT_NO_LOCATION = "90"
CODEPOINT_COLUMNS = ("postcode", "quality", "eastings", "northings", "country", "nhs_region", "nhs_authority",
                     "county", "district", "ward")


class PostcodeFileError(ValueError):
    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason
        super().__init__(f"line {line}: {reason}")


@dataclass
class PostcodeImport:
    imported: int = 0
    terminated: int = 0
    without_location: int = 0


@dataclass(frozen=True)
class _Row:
    postcode: str
    point: Point
    district_code: str | None


def _postcode(value: str, line: int) -> str:
    postcode = normalise_postcode(value or "")
    if postcode is None:
        raise PostcodeFileError(line, f"{value!r} is not a postcode")
    return postcode


def _number(value: str, column: str, line: int) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise PostcodeFileError(line, f"{column} {value!r} is not a number") from None


def read_onspd(lines: Iterable[str], counts: PostcodeImport) -> Iterator[_Row]:
    """Rows of an ONSPD CSV (with its header row), skipping terminated and unlocated postcodes."""
    reader = csv.DictReader(lines)
    missing = {"pcds", "doterm", "oslaua", "lat", "long"} - set(reader.fieldnames or ())
    if missing:
        raise PostcodeFileError(1, f"not an ONSPD file: no {', '.join(sorted(missing))} column")
    for row in reader:
        line = reader.line_num
        postcode = _postcode(row["pcds"], line)
        if row["doterm"].strip():
            counts.terminated += 1
            continue
        latitude, longitude = _number(row["lat"], "lat", line), _number(row["long"], "long", line)
        if latitude == ONSPD_NO_LOCATION:
            counts.without_location += 1
            continue
        yield _Row(postcode, Point(latitude, longitude), row["oslaua"].strip() or None)


def read_codepoint(lines: Iterable[str], counts: PostcodeImport) -> Iterator[_Row]:
    """Rows of a Code-Point Open CSV (no header row), converted from the British National Grid."""
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    reader = csv.reader(lines)
    for cells in reader:
        line = reader.line_num
        if len(cells) < 4:
            raise PostcodeFileError(line, f"expected {len(CODEPOINT_COLUMNS)} columns, found {len(cells)}")
        row = dict(zip(CODEPOINT_COLUMNS, cells))
        postcode = _postcode(row["postcode"], line)
        if row["quality"].strip() == CODEPOINT_NO_LOCATION:
            counts.without_location += 1
            continue
        eastings = _number(row["eastings"], "eastings", line)
        northings = _number(row["northings"], "northings", line)
        longitude, latitude = to_wgs84.transform(eastings, northings)
        yield _Row(postcode, Point(round(latitude, 6), round(longitude, 6)), row.get("district") or None)


def _upsert(session: Session, batch: list[dict]) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Postcode).values(batch)
    statement = statement.on_conflict_do_update(
        index_elements=["postcode"],
        set_={column: statement.excluded[column] for column in ("latitude", "longitude", "district_code", "source")},
    )
    session.execute(statement)


def import_postcodes(session: Session, rows: Iterator[_Row], counts: PostcodeImport, source: str) -> PostcodeImport:
    """Upsert every row in the caller's transaction; the caller commits, or rolls back on error."""
    batch: list[dict] = []
    for row in rows:
        batch.append({"postcode": row.postcode, "latitude": row.point.latitude, "longitude": row.point.longitude,
                      "district_code": row.district_code, "source": source})
        if len(batch) == BATCH_SIZE:
            _upsert(session, batch)
            counts.imported += len(batch)
            batch = []
    if batch:
        _upsert(session, batch)
        counts.imported += len(batch)
    return counts


def postcode_point(session: Session, postcode: str) -> Point | None:
    found = session.get(Postcode, postcode)
    return Point(found.latitude, found.longitude) if found else None
