"""Problem reports: visitors say a listing is wrong, editors resolve or dismiss what they said.

A report holds what is wrong and the visitor's optional words; nothing about who sent it.
"""

import uuid

from sqlalchemy.orm import selectinload
from sqlmodel import Session, func, select

from directory.languages import N_
from directory.models import ProblemReport, ReportStatus, Service, User, utc_now

# What a visitor can say is wrong, in the order the form offers it (the key is what is stored).
REPORT_KINDS = {
    "contact_details": N_("The phone number or email is wrong"),
    "address_or_hours": N_("The address or opening hours are wrong"),
    "closed_or_moved": N_("The service has closed or moved"),
    "who_it_is_for": N_("Who the service is for is wrong"),
    "something_else": N_("Something else"),
}


class ReportAlreadyHandled(ValueError):
    """Someone else resolved or dismissed the report first."""


def create_report(session: Session, service: Service, kind: str, details: str | None) -> ProblemReport:
    if kind not in REPORT_KINDS:
        raise ValueError(f"Unknown kind of problem: {kind}")
    report = ProblemReport(service_id=service.id, kind=kind, details=details or None)
    session.add(report)
    session.flush()
    return report


def report_by_id(session: Session, report_id: uuid.UUID) -> ProblemReport | None:
    return session.get(ProblemReport, report_id)


def _with_services(session: Session, query) -> list[tuple[ProblemReport, Service]]:
    query = query.join(Service, Service.id == ProblemReport.service_id).options(
        selectinload(Service.organization)
    )
    return [(report, service) for report, service in session.exec(query)]


def open_reports(session: Session) -> list[tuple[ProblemReport, Service]]:
    """Reports waiting for an editor, oldest first, each with the listing it is about."""
    query = select(ProblemReport, Service).where(ProblemReport.status == ReportStatus.OPEN)
    return _with_services(session, query.order_by(ProblemReport.created_at, ProblemReport.id))


def handled_reports(session: Session, status: ReportStatus) -> list[tuple[ProblemReport, Service]]:
    """Resolved or dismissed reports, the most recently handled first."""
    query = select(ProblemReport, Service).where(ProblemReport.status == status)
    return _with_services(session, query.order_by(ProblemReport.handled_at.desc(), ProblemReport.id))


def report_counts(session: Session) -> dict[ReportStatus, int]:
    """How many reports there are in each state (every state is present, zero or not)."""
    rows = session.exec(select(ProblemReport.status, func.count()).group_by(ProblemReport.status))
    return {status: 0 for status in ReportStatus} | dict(rows.all())


def _close(report: ProblemReport, status: ReportStatus, by: User) -> None:
    if report.status != ReportStatus.OPEN:
        raise ReportAlreadyHandled(f"This report was already {report.status.value} by {report.handled_by}.")
    report.status = status
    report.handled_by = by.name
    report.handled_at = utc_now()


def resolve_report(session: Session, report: ProblemReport, by: User) -> None:
    """The listing has been put right (or was right): the report leaves the queue."""
    _close(report, ReportStatus.RESOLVED, by)
    session.add(report)


def dismiss_report(session: Session, report: ProblemReport, by: User) -> None:
    """The report needs no change (spam, a mistake, a duplicate): it leaves the queue."""
    _close(report, ReportStatus.DISMISSED, by)
    session.add(report)
