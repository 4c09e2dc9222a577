"""Full postcodes from ONSPD and Code-Point Open: streamed, terminated skipped, all or nothing."""

from pathlib import Path

import pytest
from sqlmodel import func, select

from directory.models import Postcode
from directory.places.postcodes import postcode_point
from search.distance import Point, miles_between

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postcodes"


def count(session) -> int:
    return session.exec(select(func.count(Postcode.postcode))).one()


def test_onspd_import_skips_terminated_and_unlocated_postcodes(runner, session):
    result = runner.invoke(args=["geo", "import-onspd", str(FIXTURES / "onspd_sample.csv")])
    assert result.exit_code == 0, result.output
    assert "Imported 2 postcodes; skipped 1 terminated and 1 without a location." in result.output
    assert postcode_point(session, "BN1 1AA") == Point(50.828162, -0.139326)
    assert session.get(Postcode, "RH10 1AA").district_code == "E07000226"
    assert postcode_point(session, "BN1 9ZZ") is None


def test_importing_the_same_file_twice_changes_nothing(runner, session):
    for _ in range(2):
        assert runner.invoke(args=["geo", "import-onspd", str(FIXTURES / "onspd_sample.csv")]).exit_code == 0
    assert count(session) == 2


def test_codepoint_import_converts_the_national_grid_to_latitude_and_longitude(runner, session):
    result = runner.invoke(args=["geo", "import-codepoint", str(FIXTURES / "codepoint_sample.csv")])
    assert result.exit_code == 0, result.output
    assert "Imported 2 postcodes; skipped 0 terminated and 1 without a location." in result.output
    # BN3 3AA at 528866 E, 105187 N lies in Hove, about 50.832 N, 0.172 W.
    hove = postcode_point(session, "BN3 3AA")
    assert miles_between(hove, Point(50.8317, -0.1717)) < 0.1
    assert session.get(Postcode, "RH12 1AA").district_code == "E07000227"


@pytest.mark.parametrize(
    ("command", "fixture", "line", "bad", "message"),
    [
        ("import-onspd", "onspd_sample.csv", 4, ('"51.113400"', '"north"'), "line 4: lat 'north' is not a number"),
        ("import-onspd", "onspd_sample.csv", 2, ('"BN1 1AA","198001"', '"BNX 1AA","198001"'),
         "line 2: 'BNX 1AA' is not a postcode"),
        ("import-codepoint", "codepoint_sample.csv", 2, ("517550", "east"), "line 2: eastings 'east' is not a number"),
    ],
)
def test_a_bad_line_imports_nothing_and_names_the_line(runner, session, tmp_path, command, fixture, line, bad,
                                                       message):
    broken = tmp_path / fixture
    broken.write_text((FIXTURES / fixture).read_text().replace(*bad, 1))
    result = runner.invoke(args=["geo", command, str(broken)])
    assert result.exit_code == 1
    assert f"Nothing was imported. {fixture}, {message}" in result.output
    assert count(session) == 0


def test_a_file_that_is_not_onspd_is_refused(runner, session):
    result = runner.invoke(args=["geo", "import-onspd", str(FIXTURES / "codepoint_sample.csv")])
    assert result.exit_code == 1
    assert "not an ONSPD file" in result.output
