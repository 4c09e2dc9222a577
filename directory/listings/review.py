"""Keeping listings checked: which are due for review, and which visitors should be warned about.

A listing is due when nobody has checked it with the service for the review period;
past twice that period its public page says the details may be out of date. An access
condition is overdue by the same rule, from its own checked-on date. The review dashboard
narrows the due listings to an organisation, a district, or those whose answer to one access
condition is not known or not confirmed within the period.
"""

import calendar
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, func, select

from directory.conditions import AccessCondition, by_name
from directory.indexing.documents import service_area_code
from directory.models import Location, Organization, Service, ServiceAtLocation, ServiceStatus
from directory.places.gazetteer import Gazetteer


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, or the last day of that month when it is shorter (31 August → 28 February)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_overdue(last_verified_on: date | None, today: date, months: int) -> bool:
    """Never checked, or last checked more than `months` ago."""
    return last_verified_on is None or last_verified_on < months_before(today, months)


def conditions_overdue(saved: dict, conditions: Iterable[AccessCondition], today: date,
                       months: int) -> list[AccessCondition]:
    """The conditions of a listing (`saved`: its snapshot's fields) answered yes or no but last checked too long ago.

    "Not known" is not overdue: it claims nothing, so there is nothing to check again.
    """
    return [condition for condition in conditions
            if condition.wording_for(saved.get(condition.name)).state != "unknown"
            and is_overdue(date.fromisoformat(saved[condition.checked_on]) if saved.get(condition.checked_on) else None,
                           today, months)]


def looks_out_of_date(service: Service, today: date, review_months: int) -> bool:
    """Whether the public page should warn visitors: unchecked for twice the review period, or never."""
    return is_overdue(service.last_verified_on, today, 2 * review_months)


def _due(today: date, months: int):
    """The SQL condition for a listing due for review; closed-for-good (defunct) listings never are."""
    return sa.and_(
        Service.status != ServiceStatus.DEFUNCT,
        sa.or_(Service.last_verified_on.is_(None), Service.last_verified_on < months_before(today, months)),
    )


@dataclass(frozen=True)
class ReviewFilters:
    """What the dashboard is narrowed to; each left empty narrows nothing."""

    organisation: uuid.UUID | None = None
    district: str = ""  # an ONS district code
    condition: str = ""  # a condition's name: its answer not known, or not confirmed within the review period

    @property
    def any(self) -> bool:
        return bool(self.organisation or self.district or self.condition)


def _condition_unconfirmed(name: str, today: date, months: int):
    """The SQL condition for a listing whose answer to `name` is not known or was not confirmed within `months`."""
    condition = by_name()[name]
    checked_on = getattr(Service, condition.checked_on)
    return sa.or_(getattr(Service, condition.name) == condition.unknown, checked_on.is_(None),
                  checked_on < months_before(today, months))


def serves_district(service: Service, district: str, gazetteer: Gazetteer) -> bool:
    """Whether one of the listing's places is in the district (by its postcode) or one of its areas covers it.

    The coverage page's reading, so a listing for all of Sussex serves every district.
    """
    covering = set(gazetteer.codes_containing(district))
    if any(service_area_code(area, gazetteer) in covering for area in service.service_areas):
        return True
    outcodes = (gazetteer.outcodes.get(address.postal_code.upper().split(" ")[0])
                for link in service.service_at_locations for address in link.location.addresses)
    return any(outcode is not None and outcode.area_codes[:1] == (district,) for outcode in outcodes)


def review_due(session: Session, today: date, months: int, filters: ReviewFilters = ReviewFilters(),
               gazetteer: Gazetteer | None = None) -> list[Service]:
    """Listings, published or not, due for review: never-checked first, then the longest unchecked.

    A district filter needs the gazetteer.
    """
    query = (
        select(Service)
        .where(_due(today, months))
        .options(selectinload(Service.organization), selectinload(Service.service_areas),
                 selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location)
                 .selectinload(Location.addresses))
        .order_by(sa.nulls_first(Service.last_verified_on.asc()), Service.name)
    )
    if filters.organisation:
        query = query.where(Service.organization_id == filters.organisation)
    if filters.condition:
        query = query.where(_condition_unconfirmed(filters.condition, today, months))
    due = list(session.exec(query))
    if filters.district:
        due = [service for service in due if serves_district(service, filters.district, gazetteer)]
    return due


def due_counts_by_organisation(session: Session, today: date, months: int) -> list[tuple[str, int]]:
    """(organisation name, listings due) for each organisation with any due, the most due first."""
    due = func.count(Service.id).label("due")
    query = (
        select(Organization.name, due)
        .join(Service, Service.organization_id == Organization.id)
        .where(_due(today, months))
        .group_by(Organization.id, Organization.name)
        .order_by(due.desc(), Organization.name)
    )
    return [(name, count) for name, count in session.exec(query)]
