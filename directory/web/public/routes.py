"""Thin public views: read the request, ask the domain or the search, render."""


from flask import abort, current_app, redirect, render_template, request, url_for

from directory.clock import uk_now, uk_today
from directory.content.pages import PAGE_KINDS, page_text
from directory.evidence.unmet import count_search
from directory.listings.dead_ends import found_few, round_the_clock_help
from directory.listings.queries import (
    AUDIENCE_TAXONOMY,
    DELIVERY_TAXONOMY,
    NEEDS_TAXONOMY,
    parse_id,
    place_for_search,
    public_service,
    spoken_languages,
    terms_in,
)
from directory.listings.reports import create_report
from directory.listings.results import listed_services_by_id
from directory.listings.review import looks_out_of_date
from directory.models import Service
from directory.web.context import get_geocoder, get_indexer, get_session
from directory.web.i18n import current_language
from directory.web.limits import PUBLIC_FORM_LIMIT, throttle
from directory.web.page_cache import draw_afresh, kept_a_minute
from directory.web.public import page
from directory.web.public.forms import ProblemReportForm, SearchForm, search_arguments
from directory.web.staff.access import can_see_professional_details

MAX_PAGE = 1000


def _page_number() -> int:
    try:
        return min(max(1, int(request.args.get("page", "1"))), MAX_PAGE)
    except ValueError:
        return 1


@page("/")
@kept_a_minute
def home():
    return render_template("public/home.html", needs=terms_in(get_session(), NEEDS_TAXONOMY), form=SearchForm())


@page("/search")
@kept_a_minute
def search():
    session, indexer = get_session(), get_indexer()
    form = SearchForm(request.args)
    needs = terms_in(session, NEEDS_TAXONOMY)
    form.set_choices(needs, terms_in(session, AUDIENCE_TAXONOMY), terms_in(session, DELIVERY_TAXONOMY),
                     spoken_languages(session))
    form.take_postcode_from_words()
    resolution, place = place_for_search(session, indexer.gazetteer, form.where.data or "", form.browser_point(),
                                         get_geocoder())
    search_request = form.to_request(_page_number(), current_app.config["RESULTS_PER_PAGE"], uk_now())
    located = form.near(search_request, place, resolution)
    results = indexer.search(session, located)
    if count_search(session, indexer.engine.synonyms, located, place, resolution, results, uk_today()):
        draw_afresh()  # every search that found nothing is counted, so none is served from memory
    services = listed_services_by_id(session, [hit.service_id for hit in results.hits + results.national])
    return render_template("public/search.html", form=form, results=results, services=services, place=place,
                           resolution=resolution, describe_place=indexer.gazetteer.describe,
                           search_args=search_arguments(request.args), few_results=found_few(results),
                           round_the_clock=round_the_clock_help(session, indexer, search_request.text, results),
                           widenings=form.widenings(request.args.to_dict(flat=False), place))


def _public_service_or_404(service_id: str) -> Service:
    identifier = parse_id(service_id)
    found = public_service(get_session(), identifier) if identifier else None
    if found is None:
        abort(404)
    return found


@page("/services/<service_id>")
@kept_a_minute
def service(service_id: str):
    found = _public_service_or_404(service_id)
    out_of_date = looks_out_of_date(found, uk_today(), current_app.config["REVIEW_PERIOD_MONTHS"])
    search_args = search_arguments(request.args)
    return render_template("public/service.html", service=found, out_of_date=out_of_date,
                           show_professional_details=can_see_professional_details(),
                           back_to_results=url_for("public.search", **search_args) if search_args else None)


# The form carries its own signed token (exempt from the session CSRF check): no cookie is set.
@page("/services/<service_id>/report", methods=("GET", "POST"))
@throttle(PUBLIC_FORM_LIMIT)
def report_problem(service_id: str):
    found = _public_service_or_404(service_id)
    form = ProblemReportForm()
    if form.validate_on_submit():
        db = get_session()
        create_report(db, found, form.kind.data, form.details.data)
        db.commit()
        return redirect(url_for("public.report_sent", service_id=found.id))
    return render_template("public/report.html", service=found, form=form)


@page("/services/<service_id>/report/sent")
def report_sent(service_id: str):
    return render_template("public/report_sent.html", service=_public_service_or_404(service_id))


@page("/safety")
def safety():
    return render_template("public/safety.html")


@page("/<any({}):slug>".format(", ".join(f'"{kind.slug}"' for kind in PAGE_KINDS)))
def content_page(slug: str):
    text = page_text(get_session(), slug, current_language().code)
    if text is None:
        abort(404)
    return render_template("public/content_page.html", page=text)
