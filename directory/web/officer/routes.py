"""Thin officer views: the pathway finder, the support card, the public shortlist, referral records."""

import uuid
from datetime import datetime, timezone

import click
from flask import current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from directory.clock import uk_today
from directory.db import session_scope
from directory.evidence.suppression import SMALL_CELL
from directory.evidence.unmet import count_pathway
from directory.languages import BY_CODE, LANGUAGES
from directory.listings.queries import (
    listed_service_choices,
    parse_id,
    place_for_search,
    public_services_in_order,
    spoken_languages,
)
from directory.models import Role
from directory.pathway import referrals
from directory.pathway.cards import card_entry, qr_svg, read_harm_words
from directory.pathway.rulebook import current_rules
from directory.pathway.rules import AGE_GROUPS, CRIME_TYPES, RISKS, ROLES, PolicySettings, evaluate
from directory.pathway.services import services_for_pathway
from directory.pathway.shortlists import ShortlistExpired, ShortlistInvalid, expires_on, make_token, read_token
from directory.web.context import get_geocoder, get_indexer, get_session
from directory.web.i18n import card_wording
from directory.web.officer import officer
from directory.web.officer.forms import PathwayForm, ReferralForm, SupportCardForm
from directory.web.staff.access import acting_user, requires


def _card_languages() -> list[tuple[str, str]]:
    """A card can be printed in every language the public site speaks."""
    return [(language.code, language.name) for language in LANGUAGES]


@officer.route("/pathway", methods=["GET", "POST"])
@requires(Role.OFFICER)
def pathway():
    db, indexer = get_session(), get_indexer()
    form = PathwayForm()
    form.language.choices = [("", "English")] + [(c.code, c.name) for c in spoken_languages(db) if c.code != "en"]
    if not form.validate_on_submit():
        return render_template("officer/pathway.html", form=form, result=None)
    answers, settings = form.answers(), PolicySettings.from_config(current_app.config)
    result = evaluate(current_rules(db), answers, settings)
    resolution, place = place_for_search(db, indexer.gazetteer, form.where.data or "", None, get_geocoder())
    found = services_for_pathway(db, indexer, result, answers, place)
    count_pathway(db, found, answers, place, resolution, uk_today())
    card = SupportCardForm(formdata=None, language=answers.language if answers.language in BY_CODE else "en")
    card.language.choices = _card_languages()
    district = place.area_codes[0] if place and place.area_codes else ""
    overdue = {rule.key for rule in result.applied if rule.review_overdue(uk_today())}
    return render_template("officer/pathway.html", form=form, result=result, answers=answers, found=found,
                           place=place, resolution=resolution, card=card, district=district, overdue=overdue,
                           crime_types=CRIME_TYPES, risks=RISKS, roles=ROLES, age_groups=AGE_GROUPS,
                           settings=settings)


@officer.post("/pathway/card")
@requires(Role.OFFICER)
def support_card():
    db = get_session()
    form = SupportCardForm()
    form.language.choices = _card_languages()
    # A service may be ticked under several steps: it goes on the card once.
    chosen = dict.fromkeys(value for value in request.form.getlist("services") if parse_id(value))
    listed = public_services_in_order(db, list(chosen))
    form.services.choices = [(str(service.id), service.name) for service in listed]
    if not form.validate_on_submit() or not listed:
        return render_template("officer/card_problem.html", form=form), 400
    wording = card_wording(form.language.data)
    harm_words = read_harm_words(current_app.config["HARM_WORDS_FILE"])
    entries = [card_entry(service, wording, harm_words) for service in listed]
    if form.discreet.data:
        # Names and numbers only: no link, so nothing on it leads anywhere.
        return render_template("officer/card.html", entries=entries, wording=wording, discreet=True)
    token = make_token(current_app.secret_key, [s.id for s in listed], wording.code)
    link = url_for("officer.shortlist", token=token, _external=True)
    return render_template("officer/card.html", entries=entries, link=link, qr=Markup(qr_svg(link)),
                           wording=wording, english=card_wording("en"), discreet=False,
                           expires=expires_on(datetime.now(timezone.utc), current_app.config["SHORTLIST_DAYS"]))


@officer.get("/s/<token>")
def shortlist(token: str):
    """Public: the page a support card's QR code opens, in the card's language. It never says why the card was given."""
    try:
        chosen = read_token(current_app.secret_key, token, current_app.config["SHORTLIST_DAYS"])
    except ShortlistExpired as expired:
        return render_template("officer/shortlist_expired.html", wording=card_wording(expired.language),
                               english=card_wording("en"), title="expired_title"), 410
    except ShortlistInvalid:
        return render_template("officer/shortlist_expired.html", wording=card_wording("en"),
                               english=card_wording("en"), title="invalid_title"), 404
    wording = card_wording(chosen.language)
    harm_words = read_harm_words(current_app.config["HARM_WORDS_FILE"])
    services = public_services_in_order(get_session(), [str(i) for i in chosen.service_ids])
    return render_template("officer/shortlist.html", wording=wording,
                           entries=[card_entry(service, wording, harm_words) for service in services])


def _district_choices() -> list[tuple[str, str]]:
    return [("", "Not known"), *get_indexer().gazetteer.districts()]


@officer.route("/referrals/new", methods=["GET", "POST"])
@requires(Role.OFFICER)
def new_referral():
    db = get_session()
    prefill = {key: request.args.get(key) for key in ("service_id", "crime_type", "risk", "district_code")}
    form = ReferralForm(data={**prefill, "referred_on": uk_today()})
    form.service_id.choices = [("", "Choose a service"), *listed_service_choices(db)]
    form.district_code.choices = _district_choices()
    if form.validate_on_submit():
        referrals.record_referral(
            db, service_id=uuid.UUID(form.service_id.data), referred_on=form.referred_on.data,
            crime_type=form.crime_type.data, risk=form.risk.data, consent=form.consent.data == "yes",
            officer=acting_user(), district_code=form.district_code.data or None,
            immigration_concern=form.immigration_concern.data, nrpf=form.nrpf.data)
        db.commit()
        flash("Referral recorded for the counts: no crime reference and nothing about the victim was stored.",
              "success")
        return redirect(url_for("officer.new_referral"))
    return render_template("officer/referral.html", form=form)


@officer.get("/referrals/counts")
@requires(Role.EDITOR)
def referral_counts():
    labels = {"crime_type": CRIME_TYPES, "district": dict(_district_choices()[1:])}
    counts = referrals.referral_counts(get_session(), labels)
    return render_template("officer/counts.html", counts=counts, smallest=SMALL_CELL,
                           retention=current_app.config["REFERRAL_RETENTION_MONTHS"])


@officer.cli.command("purge")
def purge_command() -> None:
    """Delete referral records older than REFERRAL_RETENTION_MONTHS (safe to run daily)."""
    months = current_app.config["REFERRAL_RETENTION_MONTHS"]
    with session_scope(current_app.extensions["database"]) as session:
        deleted = referrals.purge_expired(session, uk_today(), months)
    click.echo(f"Deleted {deleted} referral records older than {months} months.")
