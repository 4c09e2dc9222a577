"""What a list of search results shows of each service, read in a few plain queries on every request.

A results page lists twenty or more services. Loading each as a whole `Service` with its relations (every
phone, schedule and need as an ORM object, and every service at each of its places for the confidentiality
rule) cost several times the search itself. A listed service here holds only what the list shows, read
fresh from the database for each page (nothing is kept between requests), under the same rules as the
service page: only active services, badges for yes answers only, and a distance that stays coarse for a
service with a confidential place.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlmodel import select

from directory.conditions import CONDITIONS
from directory.listings.confidentiality import services_with_confidential_place
from directory.listings.hours import weekly_opening
from directory.listings.queries import TermChoice
from directory.listings.wording import badges
from directory.models import Attribute, Organization, Phone, Schedule, Service, TaxonomyTerm

# The answers a badge can come from (see wording.badges): only these are read.
_BADGE_COLUMNS = tuple(getattr(Service, c.name) for c in CONDITIONS if c.badge and not c.professional_only)


@dataclass(frozen=True)
class ListedService:
    """One service as a list of results shows it: what the `result` macro and `phone_list` read."""

    id: uuid.UUID
    name: str
    description: str
    organization_name: str
    needs: list[TermChoice]  # in the service's own order; a page names them in its language
    badges: list[str]  # msgids, as wording.badges gives them
    phones: list  # rows with description, number and type, as phone_list reads them
    opening: list[tuple[int, int]]  # weekly minute ranges (listings/hours.py)
    coarse_distance: bool  # a confidential place: the distance is given as a band only


def listed_services(session: Session, service_ids: list[str]) -> list[ListedService]:
    """The active services among `service_ids`, in that order, with what a list of results shows."""
    ids = [uuid.UUID(value) for value in service_ids]
    if not ids:
        return []
    rows = session.exec(
        select(Service.id, Service.name, Service.description, Service.national_helpline,
               Organization.name.label("organization_name"), *_BADGE_COLUMNS)
        .join(Organization, Service.organization_id == Organization.id)
        .where(Service.id.in_(ids), Service.listed())
    ).all()
    found = [row.id for row in rows]
    needs, phones, schedules = defaultdict(list), defaultdict(list), defaultdict(list)
    for link_id, code, name, description in session.exec(
        select(Attribute.link_id, TaxonomyTerm.code, TaxonomyTerm.name, TaxonomyTerm.description)
        .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
        .where(Attribute.link_id.in_(found), Attribute.link_entity == "service", Attribute.link_type == "need")
    ):
        needs[link_id].append(TermChoice(code, name, description))
    for phone in session.exec(select(Phone.service_id, Phone.description, Phone.number, Phone.type)
                              .where(Phone.service_id.in_(found))):
        phones[phone.service_id].append(phone)
    for schedule in session.exec(select(Schedule.service_id, Schedule.freq, Schedule.byday, Schedule.opens_at,
                                        Schedule.closes_at).where(Schedule.service_id.in_(found))):
        schedules[schedule.service_id].append(schedule)
    coarse = services_with_confidential_place(session, found)
    by_id = {
        row.id: ListedService(row.id, row.name, row.description or "", row.organization_name, needs[row.id],
                              badges(row), phones[row.id], weekly_opening(schedules[row.id]), row.id in coarse)
        for row in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def listed_services_by_id(session: Session, service_ids: list[str]) -> dict[str, ListedService]:
    return {str(service.id): service for service in listed_services(session, service_ids)}
