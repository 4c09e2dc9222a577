"""HSDS data packages in and out: all or nothing, with the file, row and reason for any problem."""

import csv
import io
import json
import shutil
import zipfile
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from directory.exchange.datapackage import PackageError, read_package, read_source
from directory.exchange.datapackage import import_package as import_any_phones
from directory.exchange.export import export_package
from directory.exchange.transfers import preview_import
from directory.models import Organization, Service, ServiceStatus
from tests.conftest import SAMPLE_DATA
from tests.factories import with_false_size

# The sample's (and the factories') numbers are Ofcom's drama ranges, as ACCEPT_FICTIONAL_PHONE_NUMBERS allows.
import_package = partial(import_any_phones, allow_fictional_phones=True)


def count(session, model) -> int:
    return session.exec(select(func.count(model.id))).one()


@pytest.fixture
def package(tmp_path) -> Path:
    """A writable copy of the sample package."""
    return Path(shutil.copytree(SAMPLE_DATA, tmp_path / "package"))


def rewrite_cell(package: Path, file: str, row: int, column: str, value: str) -> None:
    """Change one cell; `row` counts as a spreadsheet does (the header is row 1)."""
    path = package / file
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        fieldnames = list(rows[0].keys())
    rows[row - 2][column] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def test_the_sample_package_meets_the_brief(session):
    report = import_package(session, SAMPLE_DATA)
    session.commit()
    assert report.created["services"] >= 60
    assert report.created["organizations"] >= 35
    services = session.exec(select(Service)).all()
    assert any(s.confidential_location for s in services)
    assert any(s.immigration_status.value == "unknown" for s in services)
    assert any(s.status != ServiceStatus.ACTIVE for s in services)
    assert sum(s.national_helpline for s in services) >= 8


def test_importing_the_same_package_twice_neither_duplicates_nor_counts_what_it_left_unchanged(session):
    import_package(session, SAMPLE_DATA)
    session.commit()
    before = count(session, Service)
    report = import_package(session, SAMPLE_DATA)
    session.commit()
    assert count(session, Service) == before
    assert sum(report.created.values()) == 0 and sum(report.updated.values()) == 0


def test_only_records_whose_values_change_are_counted_as_updated(session, package):
    import_package(session, SAMPLE_DATA)
    session.commit()
    rewrite_cell(package, "services.csv", 3, "description", "Now open on Saturdays.")
    rewrite_cell(package, "phones.csv", 2, "description", "Out of hours")
    report = import_package(session, package)
    assert dict(report.created) == {}
    assert {table: n for table, n in report.updated.items() if n} == {"services": 1, "phones": 1}


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "reason"),
    [
        ("services.csv", 7, "status", "open", "status: Input should be 'active', 'inactive', 'defunct' or 'temporarily closed'"),
        ("services.csv", 12, "immigration_status", "maybe", "immigration_status"),
        ("services.csv", 3, "nrpf_support_checked_on", "31/02/2026", "nrpf_support_checked_on"),
        ("schedules.csv", 4, "opens_at", "09:30:15", "opens_at: Enter a time in 24-hour format, like 09:00"),
        ("services.csv", 5, "name", "", "name: Field required"),
        ("phones.csv", 4, "id", "not-a-uuid", "id: Input should be a valid UUID"),
        ("services.csv", 9, "organization_id", "2f0c1c66-0000-4000-8000-000000000000", "organization_id 2f0c1c66-0000-4000-8000-000000000000 does not match any organizations row"),
        ("attributes.csv", 20, "link_id", "2f0c1c66-0000-4000-8000-000000000000", "link_id 2f0c1c66-0000-4000-8000-000000000000 does not match any service"),
    ],
)
def test_a_bad_row_rejects_the_whole_package_naming_file_row_and_reason(session, package, file, row, column, value,
                                                                        reason):
    rewrite_cell(package, file, row, column, value)
    with pytest.raises(PackageError) as error:
        import_package(session, package)
    session.rollback()
    assert (error.value.file, error.value.row) == (file, row)
    assert reason in error.value.reason
    assert count(session, Service) == 0 and count(session, Organization) == 0


def test_a_duplicate_id_is_named(session, package):
    rows = (package / "organizations.csv").read_text(encoding="utf-8").splitlines()
    (package / "organizations.csv").write_text("\n".join(rows + [rows[1]]) + "\n", encoding="utf-8")
    with pytest.raises(PackageError, match=r"organizations.csv, row \d+: id .* appears twice"):
        import_package(session, package)


def test_a_listed_file_that_is_missing_is_named(session, package):
    (package / "phones.csv").unlink()
    with pytest.raises(PackageError, match="phones.csv: is listed in datapackage.json but missing"):
        import_package(session, package)


def test_a_zip_of_the_package_imports_like_the_folder(session, tmp_path):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in SAMPLE_DATA.iterdir():
            zipped.write(path, f"sussex/{path.name}")
    report = import_package(session, archive)
    assert report.created["services"] >= 60


def test_a_file_that_is_not_a_package_gets_a_clear_message(session, tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"\x00\xffnot a zip")
    with pytest.raises(PackageError, match="not a data package folder or zip file"):
        import_package(session, junk)


def test_the_preview_reports_without_writing(session):
    report = preview_import(session, SAMPLE_DATA, allow_fictional_phones=True)
    assert report.created["services"] >= 60
    assert count(session, Service) == 0


def test_public_export_leaves_out_inactive_services_and_confidential_places(session, tmp_path):
    import_package(session, SAMPLE_DATA)
    session.commit()
    out = export_package(session, tmp_path / "export", SAMPLE_DATA / "datapackage.json")
    services = list(csv.DictReader((out / "services.csv").open(encoding="utf-8")))
    assert services and all(row["status"] == "active" for row in services)
    confidential = {row["id"] for row in services if row["confidential_location"] == "true"}
    assert confidential
    links = list(csv.DictReader((out / "service_at_location.csv").open(encoding="utf-8")))
    assert not confidential & {row["service_id"] for row in links}
    hidden_postcodes = set(_confidential_postcodes(session))
    exported = (out / "addresses.csv").read_text(encoding="utf-8")
    assert hidden_postcodes and not any(postcode in exported for postcode in hidden_postcodes)
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert {r["path"] for r in descriptor["resources"]} == {p.name for p in out.glob("*.csv")}


def _confidential_postcodes(session):
    for service in session.exec(select(Service).where(Service.confidential_location)).all():
        for link in service.service_at_locations:
            for address in link.location.addresses:
                yield address.postal_code


def test_a_full_export_imports_into_an_empty_directory(session, tmp_path):
    import_package(session, SAMPLE_DATA)
    session.commit()
    out = export_package(session, tmp_path / "export", SAMPLE_DATA / "datapackage.json", public_only=False)
    total = count(session, Service)
    for table in ("attribute", "language", "service_area", "schedule", "phone", "contact", "service_at_location",
                  "accessibility", "address", "location", "service", "taxonomy_term", "taxonomy", "organization"):
        session.exec(text(f"DELETE FROM {table}"))
    session.commit()
    report = import_package(session, out)
    session.commit()
    assert report.created["services"] == total == count(session, Service)


def test_a_cell_too_big_for_the_csv_module_is_a_clear_error(tmp_path):
    (tmp_path / "organizations.csv").write_text("id,name,description\n" + "x" * 10 + ',"' + "y" * 200_000 + '",d\n')
    with pytest.raises(PackageError, match="organizations.csv, row 2: is not readable CSV"):
        read_package(tmp_path)


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_zip_that_states_a_false_size_is_refused_as_damaged_not_a_crash():
    organizations = (SAMPLE_DATA / "organizations.csv").read_text(encoding="utf-8")
    lying = with_false_size(zip_bytes({"organizations.csv": organizations}), "organizations.csv", 100)
    with pytest.raises(PackageError, match="organizations.csv: cannot be unzipped: the zip file is damaged"):
        read_source(lying)


def test_a_zip_that_unpacks_to_more_than_the_limit_is_refused_before_it_is_read():
    """A few hundred kilobytes of zip can hold tens of megabytes of rows, each kept in memory while checked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("organizations.csv", "w") as out:
        out.write(b"id,name,description\n")
        for _ in range(51):
            out.write(b"," * 1024 * 1024)
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(PackageError, match="is larger than 50 MB once unzipped"):
        read_source(buffer.getvalue())
