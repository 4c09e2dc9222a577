"""Every access condition, answered each way it can be, as the service page, the results and the API say it.

A flag is a promise: only the answer that means yes is worded as yes, tagged green or earns a badge;
each row says its own field's answer and the date it was checked; no section goes missing.
"""

from datetime import date

import pytest

from directory.conditions import CONDITIONS, Section
from tests.factories import make_service
from tests.pages import AnswerRows, Badges

TAGS = {"yes": "govuk-tag--green", "no": "govuk-tag--grey", "unknown": "govuk-tag--yellow"}
CHECKED = date(2026, 3, 7)
CASES = [pytest.param((condition, wording), id=f"{condition.name}={wording.value}")
         for condition in CONDITIONS for wording in condition.wording]


@pytest.fixture
def answered(session, reindex, request):
    """A service answering one condition one way, checked on a known date; every other condition not known."""
    condition, wording = request.param
    fields = {condition.name: condition.answers(wording.value), condition.checked_on: CHECKED}
    if condition.note:
        fields[condition.note] = "Only on Tuesdays."
    service = make_service(session, "Harbour advice", **fields)
    reindex()
    return condition, wording, service


@pytest.mark.parametrize("answered", CASES, indirect=True)
def test_each_answer_is_said_as_itself_on_the_page_in_the_results_and_in_the_api(client, answered):
    condition, wording, service = answered

    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    rows = AnswerRows(html).rows
    assert set(rows) >= {c.question for c in CONDITIONS}, "a condition's row is missing"
    for section in Section:
        assert f">{section.value}</h2>" in html
    row = rows[condition.question]
    assert (row["answer"], row["tag"], row["checked"]) == (wording.public, TAGS[wording.state], "Checked on 7 March 2026")
    assert row.get("note") == ("Only on Tuesdays." if condition.note else None)
    for other in CONDITIONS:
        if other is not condition:
            assert (rows[other.question]["answer"], rows[other.question]["tag"], rows[other.question]["checked"]) == (
                "Not known: ask the service", TAGS["unknown"], "Not yet checked"), other.name

    # Only a yes earns a badge, and only a yes matches the filter.
    badges = Badges(client.get("/search", query_string={"q": "harbour"}).get_data(as_text=True)).by_service
    assert badges["Harbour advice"] == ([condition.badge] if wording.state == "yes" and condition.badge else [])
    if condition.filterable:
        filtered = client.get("/search", query_string={"access": condition.search_flag}).get_data(as_text=True)
        assert ("Harbour advice" in filtered) == (wording.state == "yes")

    attributes = {a["taxonomy_term"]["code"]: a["value"] for a in client.get(f"/api/services/{service.id}").json[
        "attributes"] if a.get("link_type") == "access_condition"}
    assert attributes[condition.name] == wording.value
    assert attributes[condition.checked_on] == "2026-03-07"
    for other in CONDITIONS:
        if other is not condition:
            assert attributes[other.name] == "unknown" and other.checked_on not in attributes
