"""Editors see each language's state and keep the plain-words pages, each language on its own, with history."""

import re
from html import unescape

from sqlmodel import select

from directory.content.pages import ContentPage
from directory.languages import TRANSLATED
from directory.models import ChangeRecord, Role
from tests.factories import csrf_token, make_user, sign_in

EDIT_POLISH = "/staff/pages/if-you-tell-the-police/pl"


def signed_in_editor(client, session, role=Role.EDITOR):
    user = make_user(session, role, "editor@example.org", "Edie Editor")
    session.commit()
    sign_in(client, user)
    return user


def test_editors_see_every_language_as_a_draft_with_its_completeness(client, session):
    signed_in_editor(client, session)
    html = unescape(client.get("/staff/languages").get_data(as_text=True))
    table = html.split('id="translations"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="govuk-table__row">\s*<th scope="row"', table)
    assert len(rows) == len(TRANSLATED)
    assert table.count("Draft: not yet checked") == len(TRANSLATED)
    assert re.search(r"Polish .*?(\d+) of \1", table, re.S), "every interface string of a shipped language"


def test_officers_cannot_edit_pages(client, session):
    signed_in_editor(client, session, role=Role.OFFICER)
    assert client.get("/staff/languages").status_code == 403
    assert client.get(EDIT_POLISH).status_code == 403


def test_an_editors_text_replaces_one_language_only_with_its_history(client, session):
    signed_in_editor(client, session)
    english_title = "<h1 class=\"govuk-heading-xl\">If you tell the police: what happens to your information</h1>"
    form = client.get(EDIT_POLISH).get_data(as_text=True)
    assert 'lang="pl" dir="ltr"' in form
    response = client.post(EDIT_POLISH, data={"csrf_token": csrf_token(client, EDIT_POLISH),
                                              "title": "Jeśli powiesz policji",
                                              "body": "## Nowy tekst\n\n- pierwszy punkt\n\n<script>alert(1)</script>\n\n"
                                                      "[link](javascript:alert(1))"})
    assert response.status_code == 302
    public = client.get("/pl/if-you-tell-the-police").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">Jeśli powiesz policji</h1>" in public
    assert "<h2>Nowy tekst</h2>" in public and "<li>pierwszy punkt</li>" in public
    assert "<script>alert(1)</script>" not in public and "&lt;script&gt;" in public
    assert 'href="javascript' not in public
    assert english_title in client.get("/if-you-tell-the-police").get_data(as_text=True)
    change = session.exec(select(ChangeRecord).where(ChangeRecord.entity_type == "page")).one()
    assert change.user_name == "Edie Editor" and change.after["title"] == "Jeśli powiesz policji"
    assert change.before["title"] != change.after["title"]
    listing = unescape(client.get("/staff/languages").get_data(as_text=True))
    assert "Edited by Edie Editor" in listing


def test_a_page_without_a_title_is_refused_and_nothing_is_saved(client, session):
    signed_in_editor(client, session)
    response = client.post(EDIT_POLISH, data={"csrf_token": csrf_token(client, EDIT_POLISH), "title": "",
                                              "body": "Tekst"})
    assert response.status_code == 200 and "Enter a title" in response.get_data(as_text=True)
    assert session.exec(select(ContentPage)).first() is None


def test_an_unknown_page_or_language_is_not_found(client, session):
    signed_in_editor(client, session)
    assert client.get("/staff/pages/no-such-page/pl").status_code == 404
    assert client.get("/staff/pages/if-you-tell-the-police/xx").status_code == 404
