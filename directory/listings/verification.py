"""Checking listings with their services: which access conditions were confirmed, when, and by whom.

A listing's "last verified" date says someone checked it with the service; each access condition's
own date says when *that* answer was confirmed. So marking a listing verified dates only the
conditions the person says they confirmed: a flag is a promise, and one nobody asked about keeps
its old date. A condition whose answer is not known has nothing to confirm (it is never dated),
and one a pending draft changes is not confirmed either: the draft, once published, dates it.
The change history keeps who verified, the conditions confirmed (in its note) and their dates
(before and after). No Flask here: the staff views call these and commit.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from sqlmodel import select

from directory import history
from directory.conditions import CONDITIONS, AccessCondition, Wording
from directory.listings.editing import (
    Edit,
    claim_version,
    draft_is_outdated,
    queue_reindex,
    rebase_draft,
    service_snapshot,
)
from directory.listings.queries import SERVICE_PAGE_LOADS
from directory.models import Organization, Service, User, utc_now


@dataclass(frozen=True)
class ConditionCheck:
    """One condition of a listing as the person verifying it sees it: the live answer and when it was checked."""

    condition: AccessCondition
    answer: Wording
    checked_on: date | None
    changed_in_draft: bool  # a pending draft gives it another answer

    @property
    def confirmable(self) -> bool:
        return self.answer.state != "unknown" and not self.changed_in_draft


def condition_checks(service: Service) -> list[ConditionCheck]:
    """Every condition of the live listing, in the one list's order."""
    draft = (service.draft or {}).get("service", {})
    checks = []
    for condition in CONDITIONS:
        value = getattr(service, condition.name)
        answer = condition.wording_for(value)
        changed = condition.name in draft and condition.wording_for(draft[condition.name]).value != answer.value
        checks.append(ConditionCheck(condition, answer, getattr(service, condition.checked_on), changed))
    return checks


def unchanged_conditions(service: Service) -> list[AccessCondition]:
    """The conditions "nothing has changed" confirms: a known answer no pending draft changes."""
    return [check.condition for check in condition_checks(service) if check.confirmable]


def _confirmation_note(conditions: list[AccessCondition], service: Service) -> str:
    if not conditions:
        return "Checked with the service; no access conditions confirmed"
    answers = "; ".join(f"{c.question}: {c.wording_for(getattr(service, c.name)).editor}" for c in conditions)
    return f"Confirmed with the service: {answers}"


def verify_service(session: Session, service: Service, edit: Edit, today: date,
                   confirmed: Iterable[str] = ()) -> list[AccessCondition]:
    """Record that the listing was checked with the service today, by whom, and the conditions it confirmed.

    `confirmed` names conditions; any not confirmable (not known, or changed in a draft) is left alone.
    Returns the conditions dated today.
    """
    wanted = set(confirmed)
    dated = [c for c in unchanged_conditions(service) if c.name in wanted]
    draft_was_current = bool(service.draft) and not draft_is_outdated(service)
    claim_version(session, service, edit.expected_version, "service")
    before = service_snapshot(service)
    for condition in dated:
        setattr(service, condition.checked_on, today)
    service.last_verified_on = today
    service.last_verified_by = edit.user.name
    service.last_modified = utc_now()
    if service.draft:
        # The draft gives these the same answers: it carries the new dates, so publishing it keeps them.
        fields = {**service.draft["service"], **{c.checked_on: today.isoformat() for c in dated}}
        service.draft = {**service.draft, "service": fields}
        if draft_was_current:
            rebase_draft(service)
    history.record(session, entity_type="service", entity_id=service.id, entity_name=service.name,
                   action="verified", user=edit.user, before=before, after=service_snapshot(service),
                   version=service.version, note=_confirmation_note(dated, service))
    queue_reindex(session, service.id)
    return dated


@dataclass(frozen=True)
class BulkResult:
    verified: list[tuple[Service, list[AccessCondition]]]
    changed_meanwhile: list[Service]  # changed by someone after the confirmation page was shown: left alone


def verify_unchanged(session: Session, versions: dict[uuid.UUID, int], user: User, today: date) -> BulkResult:
    """Mark each listing's unchanged conditions as checked today, if it is still the version the person confirmed.

    `versions` maps each listing to the version its confirmation page listed. One changed since is left
    alone, as what would be marked may differ. Raises EditConflict, with nothing marked, when a listing
    changes at the very moment of marking.
    """
    result = BulkResult([], [])
    for service in services_by_id(session, list(versions)):
        if service.version != versions[service.id]:
            result.changed_meanwhile.append(service)
            continue
        dated = verify_service(session, service, Edit(user, service.version), today,
                               [c.name for c in unchanged_conditions(service)])
        result.verified.append((service, dated))
    return result


def services_by_id(session: Session, ids: Iterable[uuid.UUID]) -> list[Service]:
    """The listings named, public or not, with everything their pages show, by organisation then name."""
    wanted = list(ids)
    if not wanted:
        return []
    found = session.exec(select(Service).where(Service.id.in_(wanted)).options(*SERVICE_PAGE_LOADS)).unique().all()
    return sorted(found, key=lambda service: (service.organization.name, service.name, str(service.id)))


def by_organisation(services: list[Service]) -> list[tuple[Organization, list[Service]]]:
    """Listings grouped by their organisation, in the order given: one confirmation sheet each."""
    groups: dict[uuid.UUID, tuple[Organization, list[Service]]] = {}
    for service in services:
        groups.setdefault(service.organization_id, (service.organization, []))[1].append(service)
    return list(groups.values())
