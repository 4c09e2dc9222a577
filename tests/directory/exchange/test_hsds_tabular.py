"""Our data package as HSDS 3's own datapackage.json describes it: its tables, columns and order with ours
after them, times as HH:MM:SS, cost options and assured dates as the API sends them, checked by frictionless
against both descriptors; and an export that imports and exports again unchanged."""

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from frictionless import Checklist, validate
from sqlmodel import Session, select

from directory.exchange import transfers
from directory.exchange.datapackage import TABLE_FOR_RESOURCE
from directory.exchange.export import export_package, package_zip
from directory.models import Schedule
from tests.conftest import _app

# openreferral/specification, datapackage.json at 279fd2eb (branch 3.0): see schemas/README.md.
HSDS_DESCRIPTOR = Path(__file__).parent / "schemas" / "hsds-3.0-datapackage.json"
# Our columns come after HSDS's in every table, so against HSDS's schema, which does not name them, they read
# as extra columns at the end of each row: these two errors, and no other, are what they make. An HSDS column
# missing, renamed or out of order, or one of ours put among HSDS's, is still an error ("incorrect-label").
OUR_COLUMNS_AT_THE_END = Checklist(skip_errors=["extra-label", "extra-cell"])


def hsds_resources() -> list[dict]:
    return json.loads(HSDS_DESCRIPTOR.read_text(encoding="utf-8"))["resources"]


def exported(app_, folder: Path, public_only: bool) -> Path:
    with Session(app_.extensions["database"]) as session:
        return export_package(session, folder, app_.config["EXPORT_DESCRIPTOR"], public_only=public_only)


def with_hsds_descriptor(folder: Path) -> Path:
    """HSDS's own descriptor for the files present, cut as the specification's examples/make_datapackages.py
    cuts it: frictionless stops at a listed file that is missing, or a foreign key to one."""
    resources = [r for r in hsds_resources() if (folder / r["path"]).exists()]
    present = {r["name"] for r in resources}
    for resource in resources:
        keys = resource["schema"].get("foreignKeys", [])
        resource["schema"]["foreignKeys"] = [key for key in keys if key["reference"]["resource"] in present]
    path = folder / "hsds-datapackage.json"
    path.write_text(json.dumps({**json.loads(HSDS_DESCRIPTOR.read_text()), "resources": resources}))
    return path


def problems(report) -> list[str]:
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors][:10] + [
        error.message for error in report.errors]


def csv_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open(encoding="utf-8", newline="")))


@pytest.fixture
def empty_app(tmp_path):
    return _app(tmp_path, load_sample=False)


def test_every_table_has_hsds_columns_in_hsds_order_then_ours_each_described(sample_app, tmp_path):
    descriptor = json.loads((exported(sample_app, tmp_path / "out", False) / "datapackage.json").read_text())
    hsds = {resource["name"]: resource for resource in hsds_resources()}

    names = [resource["name"] for resource in descriptor["resources"]]
    assert names == [name for name in hsds if name in names]  # HSDS's order
    assert set(names) == {"organization", "service", "attribute", "service_at_location", "location", "phone",
                          "contact", "address", "schedule", "service_area", "language", "accessibility",
                          "taxonomy_term", "cost_option", "taxonomy"}
    for resource in descriptor["resources"]:
        official = hsds[resource["name"]]["schema"]["fields"]
        assert resource["path"] == hsds[resource["name"]]["path"]
        assert resource["schema"]["fields"][:len(official)] == official, resource["name"]
        ours = resource["schema"]["fields"][len(official):]
        assert all(field.get("description") for field in ours), resource["name"]
    services = next(r for r in descriptor["resources"] if r["name"] == "service")["schema"]["fields"]
    assert "last_verified_on" not in [field["name"] for field in services]  # HSDS's assured_date carries it


@pytest.mark.parametrize("public_only", [True, False], ids=["public", "everything"])
def test_an_export_is_valid_against_our_descriptor_and_hsds_own(sample_app, tmp_path, public_only):
    folder = exported(sample_app, tmp_path / "out", public_only)

    ours = validate(str(folder / "datapackage.json"))
    assert ours.valid, problems(ours)
    hsds = validate(str(with_hsds_descriptor(folder)), checklist=OUR_COLUMNS_AT_THE_END)
    assert hsds.valid, problems(hsds)
    assert {task.name for task in hsds.tasks} == {r["name"] for r in hsds_resources()
                                                  if (folder / r["path"]).exists()}


def test_a_package_in_our_earlier_layout_fails_hsds_descriptor(sample_app, tmp_path):
    """The check above can fail: our earlier layout (columns missing, out of order, times as HH:MM) did."""
    folder = in_our_earlier_layout(exported(sample_app, tmp_path / "out", False))
    report = validate(str(with_hsds_descriptor(folder)), checklist=OUR_COLUMNS_AT_THE_END)
    assert not report.valid
    schedule = next(task for task in report.tasks if task.name == "schedule")
    assert any(error.type == "type-error" and "08:00" in error.message for error in schedule.errors)


def test_times_are_hsds_times_in_the_package_and_the_editors_in_the_directory(sample_app, tmp_path):
    schedules = csv_rows(exported(sample_app, tmp_path / "out", False) / "schedules.csv")
    times = [row[column] for row in schedules for column in ("opens_at", "closes_at") if row[column]]
    assert times and all(re.fullmatch(r"\d\d:\d\d:00", time) for time in times)
    with Session(sample_app.extensions["database"]) as session:
        kept = session.exec(select(Schedule.opens_at).where(Schedule.opens_at.is_not(None))).all()
    assert kept and all(re.fullmatch(r"\d\d:\d\d", time) for time in kept)


def test_cost_options_and_assured_dates_are_what_the_api_sends(sample_app, sample_client, tmp_path):
    folder = exported(sample_app, tmp_path / "out", True)
    options = {}
    for row in csv_rows(folder / "cost_options.csv"):
        options.setdefault(row["service_id"], []).append(row)
    services = csv_rows(folder / "services.csv")
    free = [s for s in services if s["free"] == "yes"]
    assert free and len(options) == len(free) < len(services)
    for service in free[:4] + [s for s in services if s["free"] != "yes"][:4]:
        published = sample_client.get(f"/api/services/{service['id']}").get_json()
        assert service["assured_date"] == published.get("assured_date", "")
        sent = [{key: str(value) for key, value in option.items()} for option in published.get("cost_options", [])]
        written = [{key: value for key, value in row.items() if value} for row in options.get(service["id"], [])]
        assert written == sent


def test_the_sample_exports_imports_into_an_empty_directory_and_exports_again_identically(sample_app, empty_app):
    first = unzipped(package(sample_app, public_only=False))
    with Session(empty_app.extensions["database"]) as target:
        report = transfers.import_with_history(target, package(sample_app, public_only=False), None,
                                               allow_fictional_phones=True)
        target.commit()
    assert report.ignored_files == []  # cost_options.csv is ours, worked out again from `free`
    assert unzipped(package(empty_app, public_only=False)) == first


@pytest.mark.parametrize("public_only", [True, False], ids=["public", "everything"])
def test_the_import_preview_of_an_unchanged_export_reports_no_changes(sample_app, public_only):
    with Session(sample_app.extensions["database"]) as session:
        report = transfers.preview_import(session, package(sample_app, public_only), "export.zip",
                                          allow_fictional_phones=True)
    assert report.total == 0 and report.created_services == [] and report.updated_services == []
    assert len(report.service_ids) > 60


def test_a_package_in_our_earlier_layout_still_imports(sample_app, empty_app, tmp_path):
    earlier = in_our_earlier_layout(exported(sample_app, tmp_path / "out", False))
    with Session(empty_app.extensions["database"]) as target:
        transfers.import_with_history(target, earlier, None, allow_fictional_phones=True)
        target.commit()
    assert unzipped(package(empty_app, public_only=False)) == unzipped(package(sample_app, public_only=False))


def test_hsds_tables_this_directory_does_not_keep_are_named_as_left_out(sample_app, tmp_path):
    folder = exported(sample_app, tmp_path / "out", False)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"].append(next(r for r in hsds_resources() if r["name"] == "program"))
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    (folder / "programs.csv").write_text("id,organization_id,name,alternate_name,description\n")
    with Session(sample_app.extensions["database"]) as session:
        report = transfers.preview_import(session, folder, allow_fictional_phones=True)
    assert report.ignored_files == ["programs.csv"] and report.total == 0


# -- helpers ---------------------------------------------------------------------------------


def package(app_, public_only: bool) -> bytes:
    with Session(app_.extensions["database"]) as session:
        return package_zip(session, app_.config["EXPORT_DESCRIPTOR"], public_only=public_only)


def unzipped(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def in_our_earlier_layout(folder: Path) -> Path:
    """The package as we wrote it before HSDS's names: plural resource names, the services' last verification
    as `last_verified_on`, times as HH:MM and no cost options."""
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"] = [{**r, "name": TABLE_FOR_RESOURCE[r["name"]]} for r in descriptor["resources"]
                               if r["name"] != "cost_option"]
    (folder / "cost_options.csv").unlink()
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    services = folder / "services.csv"
    services.write_text(services.read_text(encoding="utf-8").replace(",assured_date,", ",last_verified_on,", 1),
                        encoding="utf-8")
    schedules = folder / "schedules.csv"
    schedules.write_text(re.sub(r",(\d\d:\d\d):00", r",\1", schedules.read_text(encoding="utf-8")),
                         encoding="utf-8")
    return folder


def test_the_earlier_layout_helper_really_makes_the_earlier_layout(sample_app, tmp_path):
    earlier = in_our_earlier_layout(exported(sample_app, tmp_path / "out", False))
    names = {r["name"] for r in json.loads((earlier / "datapackage.json").read_text())["resources"]}
    assert "services" in names and "service" not in names and not (earlier / "cost_options.csv").exists()
    assert "last_verified_on" in csv_rows(earlier / "services.csv")[0]
    assert csv_rows(earlier / "schedules.csv")[0]["opens_at"] == "08:00"
