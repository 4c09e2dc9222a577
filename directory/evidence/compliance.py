"""Commissioning compliance: services the Police and Crime Commissioner commissions whose immigration-status or
NRPF answer is not a confirmed yes, or whose check with the service is overdue. No Flask here."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import select

from directory.evidence.coverage import IMMIGRATION, NRPF
from directory.listings.review import is_overdue
from directory.models import Service, ServiceStatus


@dataclass(frozen=True)
class ComplianceIssue:
    id: str
    name: str
    last_verified_on: date | None
    reasons: tuple[str, ...]


_COLUMNS = ("id", "name", "last_verified_on", IMMIGRATION.name, IMMIGRATION.checked_on, NRPF.name, NRPF.checked_on)


def commissioning_compliance(session: Session, today: date, review_months: int) -> list[ComplianceIssue]:
    """Services commissioned by the PCC (published or not, but not closed for good) whose immigration status
    or NRPF answer is not a confirmed yes, or whose check with the service is overdue: never checked first."""
    query = (select(*(getattr(Service, column) for column in _COLUMNS))
             .where(Service.commissioned_by_pcc.is_(True), Service.status != ServiceStatus.DEFUNCT)
             .order_by(sa.nulls_first(Service.last_verified_on.asc()), Service.name))
    issues = []
    for service in session.exec(query):  # plain rows: a few hundred services need no ORM objects
        reasons = []
        for condition, label in ((IMMIGRATION, "Open regardless of immigration status"),
                                 (NRPF, "Supports people with no recourse to public funds")):
            answer = getattr(service, condition.name)
            if not condition.is_yes(answer):
                checked = getattr(service, condition.checked_on)
                when = f", checked {checked.isoformat()}" if checked else ", never checked"
                reasons.append(f"{label}: {condition.wording_for(answer).editor.lower()}{when}")
        if is_overdue(service.last_verified_on, today, review_months):
            reasons.append("Check with the service overdue" if service.last_verified_on else "Never checked")
        if reasons:
            issues.append(ComplianceIssue(str(service.id), service.name, service.last_verified_on, tuple(reasons)))
    return issues
