"""What a search that found little still offers: help open 24 hours for what was asked.

A person who searches at 2am and finds nothing must still leave with a number to call. Below
a search with fewer than FEW_RESULTS services, the page lists services open around the clock
for what the words ask about ("rape" → the 24-hour sexual violence lines), or, when the words
say nothing such a service offers, the national 24-hour lines anyone can call. The page always
says 999 (and 55 for the Silent Solution) beside them.
"""

from sqlalchemy.orm import Session

from directory.indexing import Indexer
from directory.listings.results import ListedService, listed_services
from search import SearchResults

FEW_RESULTS = 3
MAX_HELPLINES = 5
# The needs of the national lines offered when the words tell no need: support after any crime,
# domestic abuse (the most common reason to search here) and emotional support.
GENERAL_NEEDS = ("general-victim-support", "domestic-abuse", "mental-health")


def found_few(results: SearchResults) -> bool:
    return results.total < FEW_RESULTS


def round_the_clock_help(session: Session, indexer: Indexer, text: str, results: SearchResults) -> list[ListedService]:
    """Services open 24 hours for the words, not already on the page; none when the search found enough."""
    if not found_few(results):
        return []
    shown = {hit.service_id for hit in results.hits + results.national}
    hits = indexer.round_the_clock(session, text, GENERAL_NEEDS, MAX_HELPLINES + len(shown))
    return listed_services(session, [hit.service_id for hit in hits if hit.service_id not in shown])[:MAX_HELPLINES]
