"""The officer's journey with a mouse: the pathway, the printed pathway and support card, the victim's link."""

import re

from playwright.sync_api import expect

from directory.pathway.rules import CRIME_TYPES
from tests.browser.accounts import OFFICER
from tests.browser.axe import accessibility_violations


def answer_the_questions(page) -> None:
    page.goto("/pathway")
    page.get_by_label("Domestic abuse").check()
    page.get_by_role("group", name=re.compile("partner, ex-partner or family member")).get_by_label("Yes").check()
    page.get_by_role("group", name="Risk level").get_by_label("High").check()
    page.get_by_label("18 to 64").check()
    page.get_by_label("Woman or girl").check()
    for question in ("immigration status", "no recourse to public funds"):
        page.get_by_role("group", name=re.compile(question)).get_by_label("Yes").check()
    for question in ("need an interpreter", "children in the household"):
        page.get_by_role("group", name=re.compile(question)).get_by_label("No").check()
    page.get_by_label("Where is the victim?").fill("Crawley")
    page.get_by_role("button", name="Show the pathway").click()


def test_an_officer_gets_the_pathway_prints_it_and_gives_the_victim_a_card(open_browser, browser, staff_server):
    page = open_browser(OFFICER, bypass_csp=True)
    answer_the_questions(page)
    steps = page.locator(".app-steps > li")
    expect(steps.first).to_be_visible()
    texts = steps.all_inner_texts()
    assert any("DASH" in text for text in texts) and any("Victim Hub" in text for text in texts)
    assert any(text.startswith("Do not share") and "Immigration Enforcement" in text for text in texts)
    assert accessibility_violations(page) == []

    # The print view keeps the steps and drops the navigation, exit button and forms.
    page.emulate_media(media="print")
    expect(page.locator(".app-steps")).to_be_visible()
    for hidden in (".app-staff-nav", ".govuk-exit-this-page", "form[action='/pathway/card'] .govuk-button"):
        expect(page.locator(hidden).first).to_be_hidden()
    page.emulate_media(media="screen")

    boxes = page.locator("input[name=services]")
    for index in range(2):
        boxes.nth(index).check()
    page.get_by_label("Card language").select_option("pl")
    page.get_by_role("button", name="Make a support card").click()
    card = page.locator(".app-card")
    expect(card).to_contain_text("Wsparcie, z którego możesz skorzystać")
    expect(card.locator("svg.app-qr")).to_be_visible()
    assert accessibility_violations(page) == []
    text = card.inner_text().lower()
    for code, label in CRIME_TYPES.items():
        assert label.lower() not in text and code not in text
    link = card.locator(".app-card__url").inner_text()

    # The victim opens the link on their own phone: in the card's language, no account, no cookies,
    # nothing about the crime.
    victim = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
    try:
        phone = victim.new_page()
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_have_text("Wsparcie, z którego możesz skorzystać")
        expect(phone.locator("html")).to_have_attribute("lang", "pl")
        assert phone.locator(".app-result").count() == 2
        assert victim.cookies() == []
        assert accessibility_violations(phone) == []
    finally:
        victim.close()


def test_an_officer_makes_a_discreet_card_with_names_and_numbers_only(open_browser):
    page = open_browser(OFFICER, bypass_csp=True)
    answer_the_questions(page)
    boxes = page.locator("input[name=services]")
    for index in range(2):
        boxes.nth(index).check()
    page.get_by_label("Discreet card: names and numbers only").check()
    page.get_by_role("button", name="Make a support card").click()

    services = page.locator(".app-card .app-card__service")
    expect(services).to_have_count(2)
    for index in range(2):
        name, *lines = services.nth(index).locator("p").all_inner_texts()
        assert name.strip() and not re.search(r"\d{3}", name)
        # Numbers, and a warning where the service shares with the Home Office; nothing else.
        numbers = [line for line in lines if re.fullmatch(r"(Phone|Text): [\d ]+", line)]
        warnings = [line for line in lines if line.startswith("! ") and "share" in line]
        assert numbers and len(numbers) + len(warnings) == len(lines), lines
    card = page.locator(".app-card")
    assert card.locator("h2, svg, .app-card__url").count() == 0
    assert card.locator("p").count() == sum(services.nth(i).locator("p").count() for i in range(2))
    assert "999" not in card.inner_text()
    assert accessibility_violations(page) == []


def test_the_pathway_form_has_no_accessibility_violations_and_works_without_javascript(open_browser):
    page = open_browser(OFFICER, bypass_csp=True)
    page.goto("/pathway")
    page.get_by_role("button", name="Show the pathway").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert accessibility_violations(page) == []

    without_script = open_browser(OFFICER, java_script_enabled=False)
    answer_the_questions(without_script)
    expect(without_script.locator(".app-steps > li").first).to_be_visible()
