"""Keeping listings checked: which are due for review, and which visitors should be warned about.

A listing is due when nobody has checked it with the service for the review period;
past twice that period its public page says the details may be out of date.
"""

import calendar
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, func, select

from directory.models import Organization, Service, ServiceStatus


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, or the last day of that month when it is shorter (31 August → 28 February)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_overdue(last_verified_on: date | None, today: date, months: int) -> bool:
    """Never checked, or last checked more than `months` ago."""
    return last_verified_on is None or last_verified_on < months_before(today, months)


def looks_out_of_date(service: Service, today: date, review_months: int) -> bool:
    """Whether the public page should warn visitors: unchecked for twice the review period, or never."""
    return is_overdue(service.last_verified_on, today, 2 * review_months)


def _due(today: date, months: int):
    """The SQL condition for a listing due for review; closed-for-good (defunct) listings never are."""
    return sa.and_(
        Service.status != ServiceStatus.DEFUNCT,
        sa.or_(Service.last_verified_on.is_(None), Service.last_verified_on < months_before(today, months)),
    )


def review_due(session: Session, today: date, months: int) -> list[Service]:
    """Listings, published or not, due for review: never-checked first, then the longest unchecked."""
    query = (
        select(Service)
        .where(_due(today, months))
        .options(selectinload(Service.organization))
        .order_by(sa.nulls_first(Service.last_verified_on.asc()), Service.name)
    )
    return list(session.exec(query))


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
