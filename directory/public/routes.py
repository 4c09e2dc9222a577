"""Thin public views: read the request, ask the domain or the search, render."""

from flask import abort, current_app, render_template, request

from ..context import get_geocoder, get_indexer, get_session
from ..services import (
    AUDIENCE_TAXONOMY,
    DELIVERY_TAXONOMY,
    NEEDS_TAXONOMY,
    parse_id,
    place_for_search,
    public_service,
    public_services_by_id,
    spoken_languages,
    terms_in,
)
from . import public
from .forms import SearchForm

MAX_PAGE = 1000


def _page_number() -> int:
    try:
        return min(max(1, int(request.args.get("page", "1"))), MAX_PAGE)
    except ValueError:
        return 1


@public.get("/")
def home():
    return render_template("public/home.html", needs=terms_in(get_session(), NEEDS_TAXONOMY), form=SearchForm())


@public.get("/search")
def search():
    session, indexer = get_session(), get_indexer()
    form = SearchForm(request.args)
    needs = terms_in(session, NEEDS_TAXONOMY)
    form.set_choices(needs, terms_in(session, AUDIENCE_TAXONOMY), terms_in(session, DELIVERY_TAXONOMY),
                     spoken_languages(session))
    resolution, place = place_for_search(session, indexer.gazetteer, form.where.data or "", form.browser_point(),
                                         get_geocoder())
    search_request = form.to_request(_page_number(), current_app.config["RESULTS_PER_PAGE"])
    results = indexer.search(session, form.near(search_request, place))
    services = public_services_by_id(session, [hit.service_id for hit in results.hits + results.national])
    return render_template("public/search.html", form=form, results=results, services=services, place=place,
                           resolution=resolution, describe_place=indexer.gazetteer.describe)


@public.get("/services/<service_id>")
def service(service_id: str):
    identifier = parse_id(service_id)
    found = public_service(get_session(), identifier) if identifier else None
    if found is None:
        abort(404)
    return render_template("public/service.html", service=found)


@public.get("/safety")
def safety():
    return render_template("public/safety.html")
