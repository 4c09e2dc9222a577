"""The services beside a pathway: the rule engine's query run through the public search layer.

Safety filters (open regardless of immigration status, NRPF support…) are never relaxed.
Preferences (a language, women-only) are dropped one at a time only when nothing matches,
and the officer is told which. No Flask here.
"""

from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from directory.indexing import Indexer
from directory.listings.queries import public_services_by_id
from directory.models import Service
from directory.pathway.rules import ServiceQuery
from directory.places.gazetteer import Place
from search import SearchRequest
from search.query import Hit

OFFICER_RADIUS_MILES = 25
SHOWN = 10
_PREFERENCES = (("languages", "the language"), ("audience", "women-only"))


@dataclass
class PathwayServices:
    local: list[tuple[Service, Hit]] = field(default_factory=list)
    national: list[Service] = field(default_factory=list)
    relaxed: list[str] = field(default_factory=list)  # the preferences dropped to find anything


def _request(query: ServiceQuery, place: Place | None) -> SearchRequest:
    return SearchRequest(needs=query.needs, flags=query.flags, audience=query.audience, languages=query.languages,
                         per_page=SHOWN, point=place.point if place else None,
                         radius_miles=OFFICER_RADIUS_MILES if place else None,
                         area_codes=place.area_codes if place else ())


def services_for_pathway(session: Session, indexer: Indexer, query: ServiceQuery,
                         place: Place | None) -> PathwayServices:
    relaxed = []
    results = indexer.search(session, _request(query, place))
    for attribute, description in _PREFERENCES:
        if results.hits or results.national or not getattr(query, attribute):
            continue
        query = replace(query, **{attribute: ()})
        relaxed.append(description)
        results = indexer.search(session, _request(query, place))
    services = public_services_by_id(session, [hit.service_id for hit in results.hits + results.national])
    return PathwayServices(
        local=[(services[hit.service_id], hit) for hit in results.hits if hit.service_id in services],
        national=[services[hit.service_id] for hit in results.national if hit.service_id in services],
        relaxed=relaxed,
    )
