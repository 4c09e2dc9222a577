"""Editing listings: snapshots, drafts, publishing, restore and optimistic locking.

A listing's whole state (the service with all its parts) is a JSON-able snapshot. Forms read
and write snapshots, drafts are stored snapshots, history keeps the snapshot before and after
every change, and restoring applies an old one. Every change claims the version it started
from, so two people saving the same listing cannot overwrite each other silently.
No Flask here: the staff views and the importer call these and commit.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, func, select

from directory import history
from directory.clock import in_words
from directory.conditions import CONDITION_COLUMNS
from directory.indexing.changes import log_changes
from directory.listings.queries import AUDIENCE_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY, SERVICE_PAGE_LOADS
from directory.models import (
    Accessibility,
    Address,
    Attribute,
    ChangeRecord,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    User,
    utc_now,
)

TERM_TAXONOMIES = {"need": NEEDS_TAXONOMY, "audience": AUDIENCE_TAXONOMY, "delivery": DELIVERY_TAXONOMY}
# Kept out of snapshots: identity, bookkeeping and the editorial state itself.
_NOT_CONTENT = {"id", "last_modified", "draft", "version", "published"}
# Only verifying (listings/verification.py) changes these; restoring an old version must not turn back the clock.
_VERIFICATION = {"last_verified_on", "last_verified_by"}

_CHILDREN: dict[str, type[SQLModel]] = {
    "phones": Phone,
    "contacts": Contact,
    "schedules": Schedule,
    "service_areas": ServiceArea,
    "languages": Language,
}


class EditConflict(Exception):
    """Someone else saved the record after this edit began."""

    def __init__(self, latest: ChangeRecord | None):
        self.latest = latest
        super().__init__("The record changed after you started editing it")


class NotPublishable(ValueError):
    """A change that cannot be made, with a message for the person."""


@dataclass(frozen=True)
class Edit:
    user: User
    expected_version: int


# -- snapshots -------------------------------------------------------------------------------


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, (date,)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(record: SQLModel, skip: set[str]) -> dict:
    """A record's fields; a service's own before its access conditions, so history reads name first."""
    names = sorted(type(record).model_fields, key=lambda name: name in CONDITION_COLUMNS)
    return {name: _plain(getattr(record, name)) for name in names if name not in skip}


def _location_snapshot(link: ServiceAtLocation) -> dict:
    location = link.location
    return {
        **_row(location, {"organization_id"}),
        "link_id": str(link.id),
        "addresses": [_row(address, {"location_id"}) for address in location.addresses],
        "accessibility": [_row(item, {"location_id"}) for item in location.accessibility],
    }


def service_snapshot(service: Service) -> dict:
    """The live listing as a snapshot (what the public sees when it is published)."""
    return {
        "service": _row(service, _NOT_CONTENT),
        "terms": {
            link_type: sorted(a.taxonomy_term.code for a in service.attributes
                              if a.link_type == link_type and a.taxonomy_term.code)
            for link_type in TERM_TAXONOMIES
        },
        **{name: [_row(child, {"service_id"}) for child in getattr(service, name)] for name in _CHILDREN},
        "locations": [_location_snapshot(link) for link in service.service_at_locations],
    }


_DRAFT_BASE = "based_on"  # in a stored draft: a fingerprint of the live listing it was drafted from


def working_snapshot(service: Service) -> dict:
    """What an editor works on: the pending draft if there is one, else the live listing."""
    if service.draft:
        return {k: v for k, v in service.draft.items() if k != _DRAFT_BASE}
    return service_snapshot(service)


def _live_fingerprint(service: Service) -> str:
    content = service_snapshot(service)
    content["service"] = {k: v for k, v in content["service"].items() if k not in _VERIFICATION}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def draft_is_outdated(service: Service) -> bool:
    """True when the live listing changed (an import, say) after its pending draft was saved."""
    return bool(service.draft) and service.draft.get(_DRAFT_BASE) != _live_fingerprint(service)


def rebase_draft(service: Service) -> None:
    """Count the pending draft as drafted from the live listing as it is now: for a change the draft already holds."""
    service.draft = {**service.draft, _DRAFT_BASE: _live_fingerprint(service)}


# -- applying snapshots ----------------------------------------------------------------------


def _validated(model: type[SQLModel], values: dict) -> SQLModel:
    """Values checked and converted by the model (dates, enums, UUIDs), as the importer does."""
    return model.model_validate({k: v for k, v in values.items() if v is not None})


def _sync_rows(session: Session, model: type[SQLModel], current: list, entries: list[dict], **parent) -> None:
    """Make the rows of one kind match `entries`: update by id, add new ones, delete the rest.

    Only this record's own rows are updated: an entry naming any other id becomes a new row.
    """
    by_id = {str(row.id): row for row in current}
    kept = set()
    for entry in entries:
        existing = by_id.get(str(entry.get("id") or ""))
        values = {**entry, **{k: _plain(v) for k, v in parent.items()}}
        if existing is None:
            values.pop("id", None)
        record = _validated(model, values)
        if existing is None:
            session.add(record)
            kept.add(str(record.id))
            continue
        for name in model.model_fields:
            if name != "id":
                setattr(existing, name, getattr(record, name))
        kept.add(str(existing.id))
    for key, row in by_id.items():
        if key not in kept:
            session.delete(row)


def _place_state(location: Location) -> dict:
    return {**_row(location, {"organization_id"}),
            "addresses": [_row(address, {"location_id"}) for address in location.addresses],
            "accessibility": [_row(item, {"location_id"}) for item in location.accessibility]}


def _shared(session: Session, location: Location, service: Service) -> bool:
    return session.exec(select(func.count(ServiceAtLocation.id)).where(
        ServiceAtLocation.location_id == location.id, ServiceAtLocation.service_id != service.id)).one() > 0


def _without_ids(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def _sync_locations(session: Session, service: Service, entries: list[dict]) -> None:
    """Make the listing's places match `entries`.

    A place other listings share is never changed under them: a listing that changes it gets a
    copy of its own. Only the listing's own places can be named by id; any other is a new place.
    """
    links = {str(link.location_id): link for link in service.service_at_locations}
    kept = set()
    for entry in entries:
        link = links.get(str(entry.get("id") or ""))
        location = link.location if link else None
        content = {k: v for k, v in entry.items() if k != "link_id"}
        if location is not None and _place_state(location) != content and _shared(session, location, service):
            location = None  # copy on change
        values = {k: v for k, v in entry.items() if k not in {"addresses", "accessibility", "link_id", "id"}}
        record = _validated(Location, {**values, "organization_id": str(service.organization_id)})
        addresses, accessibility = entry.get("addresses", []), entry.get("accessibility", [])
        if location is None:
            location = record
            session.add(location)
            session.flush()
            addresses, accessibility = _without_ids(addresses), _without_ids(accessibility)
            if link is None:
                link = ServiceAtLocation(service_id=service.id, location_id=location.id)
                session.add(link)
            else:
                link.location_id = location.id
            session.flush()
        else:
            for name in Location.model_fields:
                if name not in {"id", "organization_id"}:
                    setattr(location, name, getattr(record, name))
        kept.add(link.id)
        _sync_rows(session, Address, list(location.addresses), addresses, location_id=location.id)
        _sync_rows(session, Accessibility, list(location.accessibility), accessibility, location_id=location.id)
    for link in links.values():
        if link.id not in kept:
            session.delete(link)


def _term_ids(session: Session, link_type: str, codes: list[str]) -> list[uuid.UUID]:
    rows = session.exec(
        select(TaxonomyTerm.id, TaxonomyTerm.code)
        .join(Taxonomy, TaxonomyTerm.taxonomy_id == Taxonomy.id)
        .where(Taxonomy.name == TERM_TAXONOMIES[link_type], TaxonomyTerm.code.in_(codes))
    ).all()
    found = {code: term_id for term_id, code in rows}
    missing = sorted(set(codes) - set(found))
    if missing:
        raise NotPublishable(f"Unknown {link_type} terms: {', '.join(missing)}")
    return [found[code] for code in codes]


def _sync_terms(session: Session, service: Service, terms: dict[str, list[str]]) -> None:
    current = session.exec(
        select(Attribute).where(Attribute.link_id == service.id, Attribute.link_entity == "service",
                                Attribute.link_type.in_(list(TERM_TAXONOMIES)))
    ).all()
    existing = {(a.link_type, a.taxonomy_term_id): a for a in current}
    wanted = set()
    for link_type, codes in terms.items():
        for term_id in _term_ids(session, link_type, codes):
            wanted.add((link_type, term_id))
            if (link_type, term_id) not in existing:
                session.add(Attribute(link_id=service.id, link_entity="service", link_type=link_type,
                                      taxonomy_term_id=term_id))
    for key, attribute in existing.items():
        if key not in wanted:
            session.delete(attribute)


def apply_snapshot(session: Session, service: Service, snapshot: dict) -> None:
    """Make the live listing match a snapshot (verification dates excepted)."""
    fields = {k: v for k, v in snapshot["service"].items() if k not in _VERIFICATION}
    record = _validated(Service, {**fields, "id": str(service.id), "name": fields.get("name")})
    for name in fields:
        if name in Service.model_fields and name not in _NOT_CONTENT:
            setattr(service, name, getattr(record, name))
    for name, model in _CHILDREN.items():
        _sync_rows(session, model, list(getattr(service, name)), snapshot.get(name, []), service_id=service.id)
    _sync_locations(session, service, snapshot.get("locations", []))
    _sync_terms(session, service, snapshot.get("terms", {}))
    service.last_modified = utc_now()
    session.flush()
    session.expire(service)


# -- versions and history --------------------------------------------------------------------


def latest_change(session: Session, entity_type: str, entity_id: uuid.UUID) -> ChangeRecord | None:
    return session.exec(
        select(ChangeRecord)
        .where(ChangeRecord.entity_type == entity_type, ChangeRecord.entity_id == entity_id)
        .order_by(ChangeRecord.id.desc())
        .limit(1)
    ).first()


def claim_version(session: Session, record: SQLModel, expected: int, entity_type: str) -> int:
    """Move the record from `expected` to the next version, or raise EditConflict if it has moved on."""
    result = session.execute(
        update(type(record))
        .where(type(record).id == record.id, type(record).version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise EditConflict(latest_change(session, entity_type, record.id))
    record.version = expected + 1
    return expected + 1


def queue_reindex(session: Session, service_id: uuid.UUID) -> None:
    """Log, in this transaction, that the service's search entry must be refreshed in every index.

    Services sharing a place with it too: whether a place is confidential depends on every service
    there, so one listing's change can coarsen another's ranking point.
    """
    places = select(ServiceAtLocation.location_id).where(ServiceAtLocation.service_id == service_id)
    neighbours = session.exec(select(ServiceAtLocation.service_id).where(ServiceAtLocation.location_id.in_(places)))
    log_changes(session, {service_id, *neighbours})


def load_service(session: Session, service_id: uuid.UUID) -> Service | None:
    """Any service, public or not, with everything the editor shows."""
    return session.exec(select(Service).where(Service.id == service_id).options(*SERVICE_PAGE_LOADS)).first()


def _record(session: Session, service: Service, action: str, edit: Edit, before: dict | None,
            after: dict | None, note: str | None = None) -> None:
    history.record(session, entity_type="service", entity_id=service.id, entity_name=service.name,
                   action=action, user=edit.user, before=before, after=after, version=service.version, note=note)


# -- the actions an editor takes ---------------------------------------------------------------


def create_service(session: Session, snapshot: dict, user: User, publish: bool) -> Service:
    organization_id = snapshot["service"]["organization_id"]
    service = Service(name=snapshot["service"]["name"], organization_id=uuid.UUID(organization_id),
                      published=publish)
    session.add(service)
    session.flush()
    apply_snapshot(session, service, snapshot)
    session.refresh(service)
    _record(session, service, "published" if publish else "created as draft", Edit(user, 1), None,
            service_snapshot(load_service(session, service.id)))
    queue_reindex(session, service.id)
    return service


def save_service(session: Session, service: Service, snapshot: dict, edit: Edit, publish: bool) -> None:
    """Save an edit: live when publishing (or when the listing is not public anyway), else as a draft."""
    before = working_snapshot(service)
    claim_version(session, service, edit.expected_version, "service")
    if publish or not service.published:
        apply_snapshot(session, service, snapshot)
        service.draft = None
        service.published = service.published or publish
        action = "published" if publish else "saved"
        service = load_service(session, service.id)
        after = service_snapshot(service)
        queue_reindex(session, service.id)
    else:
        service.draft = {**snapshot, _DRAFT_BASE: _live_fingerprint(service)}
        action, after = "draft saved", snapshot
    _record(session, service, action, edit, before, after)


def publish_service(session: Session, service: Service, edit: Edit) -> None:
    """Make the listing public, with its pending draft if it has one.

    A draft older than the live listing's last change is refused: publishing it would quietly
    undo that change. The editor opens it, sees both, and saves or publishes from the form.
    """
    if draft_is_outdated(service):
        raise NotPublishable("The public listing changed after this draft was saved. Open the listing, check "
                             "the draft against it, then save or publish from the form.")
    before = service_snapshot(service)  # what the public saw: the history then shows what went live
    claim_version(session, service, edit.expected_version, "service")
    if service.draft:
        apply_snapshot(session, service, working_snapshot(service))
        service.draft = None
    service.published = True
    service.last_modified = utc_now()
    service = load_service(session, service.id)
    _record(session, service, "published", edit, before, service_snapshot(service))
    queue_reindex(session, service.id)


def unpublish_service(session: Session, service: Service, edit: Edit) -> None:
    claim_version(session, service, edit.expected_version, "service")
    service.published = False
    service.last_modified = utc_now()
    snapshot = service_snapshot(service)
    _record(session, service, "unpublished", edit, snapshot, snapshot)
    queue_reindex(session, service.id)


def discard_draft(session: Session, service: Service, edit: Edit) -> None:
    before = working_snapshot(service)
    claim_version(session, service, edit.expected_version, "service")
    service.draft = None
    _record(session, service, "draft discarded", edit, before, service_snapshot(service))


def restore_service(session: Session, service: Service, change: ChangeRecord, edit: Edit,
                    side: str = "after") -> None:
    """Make an earlier version live again: the listing as it was after `change`, or just before it.

    "Before" reaches the version a listing had before its first recorded change. The restore
    is itself a change in the history.
    """
    snapshot = change.before if side == "before" else change.after
    if change.entity_id != service.id or not snapshot or "service" not in snapshot:
        raise NotPublishable("That version cannot be restored")
    before = working_snapshot(service)
    claim_version(session, service, edit.expected_version, "service")
    apply_snapshot(session, service, snapshot)
    service.draft = None
    service = load_service(session, service.id)
    _record(session, service, "restored", edit, before, service_snapshot(service),
            note=f"Restored the version saved by {change.user_name} on {in_words(change.at)}")
    queue_reindex(session, service.id)


# -- organisations and taxonomy terms --------------------------------------------------------


def simple_snapshot(record: SQLModel) -> dict:
    return _row(record, {"id", "version"})


def save_simple(session: Session, record: SQLModel, values: dict, edit: Edit | None, user: User,
                entity_type: str) -> SQLModel:
    """Create (edit None) or update an organisation or taxonomy term, with history."""
    before = None
    if edit is not None:
        before = simple_snapshot(record)
        claim_version(session, record, edit.expected_version, entity_type)
    validated = _validated(type(record), {**simple_snapshot(record), **values, "id": str(record.id)})
    for name in values:
        setattr(record, name, getattr(validated, name))
    session.add(record)
    session.flush()
    history.record(session, entity_type=entity_type, entity_id=record.id, entity_name=record.name,
                   action="updated" if edit else "created", user=user, before=before,
                   after=simple_snapshot(record), version=record.version)
    # Organisation names and term names are in the services' search entries.
    if isinstance(record, Organization):
        affected = select(Service.id).where(Service.organization_id == record.id)
    else:
        affected = select(Attribute.link_id).where(Attribute.taxonomy_term_id == record.id,
                                                   Attribute.link_entity == "service")
    for service_id in session.exec(affected).all():
        queue_reindex(session, service_id)
    return record


def place_locations(snapshot: dict, locate) -> dict:
    """Give places without coordinates the position of their postcode (`locate(postcode)` → Point)."""
    for location in snapshot.get("locations", []):
        if location.get("latitude") is None and location.get("addresses"):
            point = locate(location["addresses"][0].get("postal_code") or "")
            if point is not None:
                location["latitude"], location["longitude"] = point.latitude, point.longitude
    return snapshot
