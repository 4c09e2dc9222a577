"""SQLModel tables aligned with Open Referral HSDS 3, plus the domain fields no standard has.

Table and column names follow HSDS so that a data package maps onto them one to one.
The service carries our own typed columns for the access conditions (immigration status, NRPF,
safe-contact facts…), made from the one list in directory/conditions.py, each with the date it
was last checked: a flag without a date is not a promise.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timezone
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from directory.conditions import CONDITIONS, AccessCondition, Answer, ImmigrationStatus  # noqa: F401 (re-exported)


class ServiceStatus(str, Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"
    TEMPORARILY_CLOSED = "temporarily closed"


class LocationType(str, Enum):
    PHYSICAL = "physical"
    POSTAL = "postal"
    VIRTUAL = "virtual"


def _enum_type(enum_class: type[Enum]) -> sa.Enum:
    """Store an enum by its value (HSDS spells `temporarily closed` with a space) as portable text."""
    return sa.Enum(
        enum_class,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        validate_strings=True,
        length=32,
    )


def _enum_column(enum_class: type[Enum], default: Enum) -> sa.Column:
    return sa.Column(_enum_type(enum_class), nullable=False, default=default)


def _enum_field(enum_class: type[Enum], default: Enum):
    return Field(default=default, sa_column=_enum_column(enum_class, default))


def condition_columns(conditions: Iterable[AccessCondition] = CONDITIONS) -> type[SQLModel]:
    """A base for the service table with every access condition's columns: its answer, its note if
    it has one, and the date it was checked. Unknown until someone checks."""
    annotations, fields = {}, {}
    for condition in conditions:
        annotations[condition.name] = condition.answers
        fields[condition.name] = Field(default=condition.unknown, sa_type=_enum_type(condition.answers),
                                       nullable=False)
        if condition.note:
            annotations[condition.note] = str | None
            fields[condition.note] = None
        annotations[condition.checked_on] = date | None
        fields[condition.checked_on] = None
    return type("ConditionColumns", (SQLModel,), {"__annotations__": annotations, **fields})


# Professional-only details of a service: shown to signed-in staff and officers, never published.
PROFESSIONAL_FIELDS = ("referral_line", "secure_email", "referral_criteria")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Organization(SQLModel, table=True):
    __tablename__ = "organization"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=255)
    alternate_name: str | None = None
    description: str
    email: str | None = None
    website: str | None = None
    legal_status: str | None = None
    # Optimistic locking: a save names the version it started from (see directory/listings/editing.py).
    version: int = 1

    services: list["Service"] = Relationship(back_populates="organization")


class Service(condition_columns(), table=True):
    __tablename__ = "service"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=255)
    alternate_name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: ServiceStatus = _enum_field(ServiceStatus, ServiceStatus.ACTIVE)
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    alert: str | None = None
    last_modified: datetime = Field(default_factory=utc_now)

    # The access conditions' columns come from directory/conditions.py (see condition_columns).
    # A support card and the page its QR code opens show this (or the organisation's name), never
    # the service's name, which can say what happened.
    card_name: str | None = Field(default=None, max_length=80)
    accessibility: str | None = None
    confidential_location: bool = False
    commissioned_by_pcc: bool = False
    national_helpline: bool = False
    last_verified_on: date | None = None
    last_verified_by: str | None = None

    # Professional-only details: shown to signed-in staff and officers, never published.
    referral_line: str | None = None
    secure_email: str | None = None
    referral_criteria: str | None = None

    # Editorial state. A listing is public only when published and active; `draft` holds
    # unpublished edits of a listing (its whole snapshot) until an editor publishes them.
    published: bool = True
    draft: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    version: int = 1

    organization: Organization = Relationship(back_populates="services")
    phones: list["Phone"] = Relationship(back_populates="service")
    contacts: list["Contact"] = Relationship(back_populates="service")
    schedules: list["Schedule"] = Relationship(back_populates="service")
    service_areas: list["ServiceArea"] = Relationship(back_populates="service")
    languages: list["Language"] = Relationship(back_populates="service")
    service_at_locations: list["ServiceAtLocation"] = Relationship(back_populates="service")
    attributes: list["Attribute"] = Relationship(
        sa_relationship_kwargs={
            "primaryjoin": "and_(Service.id == foreign(Attribute.link_id), Attribute.link_entity == 'service')",
            "viewonly": True,
        }
    )

    @property
    def is_public(self) -> bool:
        return self.published and self.status == ServiceStatus.ACTIVE

    @classmethod
    def listed(cls):
        """The SQL condition for `is_public`: what anonymous visitors, the API and the index see."""
        return sa.and_(cls.published.is_(True), cls.status == ServiceStatus.ACTIVE)


class Location(SQLModel, table=True):
    __tablename__ = "location"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    location_type: LocationType = _enum_field(LocationType, LocationType.PHYSICAL)
    organization_id: uuid.UUID | None = Field(default=None, foreign_key="organization.id", index=True)
    name: str | None = None
    description: str | None = None
    transportation: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    addresses: list["Address"] = Relationship(back_populates="location")
    accessibility: list["Accessibility"] = Relationship(back_populates="location")
    # Every listing at this place: whether it may be published depends on all of them.
    service_links: list["ServiceAtLocation"] = Relationship(sa_relationship_kwargs={"viewonly": True})


class Address(SQLModel, table=True):
    __tablename__ = "address"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    location_id: uuid.UUID = Field(foreign_key="location.id", index=True)
    address_1: str
    address_2: str | None = None
    city: str
    region: str | None = None
    state_province: str
    postal_code: str
    country: str = "GB"
    address_type: LocationType = _enum_field(LocationType, LocationType.PHYSICAL)

    location: Location = Relationship(back_populates="addresses")


class ServiceAtLocation(SQLModel, table=True):
    __tablename__ = "service_at_location"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID = Field(foreign_key="service.id", index=True)
    location_id: uuid.UUID = Field(foreign_key="location.id", index=True)
    description: str | None = None

    service: Service = Relationship(back_populates="service_at_locations")
    location: Location = Relationship()


class Phone(SQLModel, table=True):
    __tablename__ = "phone"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="service.id", index=True)
    location_id: uuid.UUID | None = Field(default=None, foreign_key="location.id")
    number: str
    extension: int | None = None
    type: str | None = None
    description: str | None = None

    service: Service | None = Relationship(back_populates="phones")


class Contact(SQLModel, table=True):
    __tablename__ = "contact"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="service.id", index=True)
    name: str | None = None
    title: str | None = None
    department: str | None = None
    email: str | None = None

    service: Service | None = Relationship(back_populates="contacts")


class Schedule(SQLModel, table=True):
    __tablename__ = "schedule"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="service.id", index=True)
    freq: str | None = None
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    description: str | None = None

    service: Service | None = Relationship(back_populates="schedules")


class ServiceArea(SQLModel, table=True):
    __tablename__ = "service_area"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="service.id", index=True)
    name: str | None = None
    description: str | None = None
    extent_type: str | None = None
    uri: str | None = None

    service: Service | None = Relationship(back_populates="service_areas")


class Language(SQLModel, table=True):
    __tablename__ = "language"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="service.id", index=True)
    location_id: uuid.UUID | None = Field(default=None, foreign_key="location.id")
    name: str | None = None
    code: str | None = None
    note: str | None = None

    service: Service | None = Relationship(back_populates="languages")


class Accessibility(SQLModel, table=True):
    __tablename__ = "accessibility"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    location_id: uuid.UUID | None = Field(default=None, foreign_key="location.id", index=True)
    description: str | None = None
    details: str | None = None

    location: Location | None = Relationship(back_populates="accessibility")


class Taxonomy(SQLModel, table=True):
    __tablename__ = "taxonomy"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    description: str
    uri: str | None = None
    version: str | None = None


class TaxonomyTerm(SQLModel, table=True):
    __tablename__ = "taxonomy_term"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str | None = Field(default=None, index=True)
    name: str
    description: str
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="taxonomy_term.id")
    taxonomy: str | None = None
    taxonomy_id: uuid.UUID | None = Field(default=None, foreign_key="taxonomy.id", index=True)
    language: str | None = None
    version: int = 1


class Attribute(SQLModel, table=True):
    """Links a taxonomy term to any object (HSDS's polymorphic link_id + link_entity)."""

    __tablename__ = "attribute"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    link_id: uuid.UUID = Field(index=True)
    taxonomy_term_id: uuid.UUID = Field(foreign_key="taxonomy_term.id", index=True)
    link_type: str | None = None
    link_entity: str
    value: str | None = None
    label: str | None = None

    taxonomy_term: TaxonomyTerm = Relationship()


class Postcode(SQLModel, table=True):
    """A full postcode's position, imported from ONSPD or OS Code-Point Open (both OGL)."""

    __tablename__ = "postcode"

    postcode: str = Field(primary_key=True, max_length=8)  # normalised: "BN1 1AA"
    latitude: float
    longitude: float
    district_code: str | None = Field(default=None, max_length=9)
    source: str = Field(max_length=16)


# -- staff, history and moderation -------------------------------------------------------------


class Role(str, Enum):
    """What a signed-in person may do; each role can do everything the ones below it can."""

    ADMIN = "admin"
    APPROVER = "approver"  # publishes the pathway rules' changes that others propose
    EDITOR = "editor"
    OFFICER = "officer"


class User(SQLModel, table=True):
    """A staff or officer account. Accounts are disabled, never deleted: history names them."""

    __tablename__ = "user_account"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=120)
    role: Role = _enum_field(Role, Role.OFFICER)
    password_hash: str
    active: bool = True
    # Part of the signed-in session's identity: rotating it signs the account out everywhere.
    session_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utc_now)
    last_signed_in_at: datetime | None = None


class ChangeRecord(SQLModel, table=True):
    """One change to a listing or account, with the whole record before and after it.

    Written in the same transaction as the change, so history and data never disagree.
    """

    __tablename__ = "change_record"

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=32, index=True)
    entity_id: uuid.UUID = Field(index=True)
    entity_name: str = Field(max_length=255)
    action: str = Field(max_length=32)
    version: int | None = None
    user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    user_name: str | None = Field(default=None, max_length=120)
    at: datetime = Field(default_factory=utc_now, index=True)
    before: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    after: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    note: str | None = None


class ReportStatus(str, Enum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class ProblemReport(SQLModel, table=True):
    """A visitor's "something is wrong on this page": no personal data is asked for or kept."""

    __tablename__ = "problem_report"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID = Field(foreign_key="service.id", index=True)
    kind: str = Field(max_length=32)
    details: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utc_now)
    status: ReportStatus = _enum_field(ReportStatus, ReportStatus.OPEN)
    handled_by: str | None = Field(default=None, max_length=120)
    handled_at: datetime | None = None


# -- the officer's referral pathway ----------------------------------------------------------------


class PathwayRule(SQLModel, table=True):
    """One rule of the referral pathway: when it applies, the steps it adds, the services it looks for.

    Rules are data (shipped in data/pathway_rules.toml, edited by editors with history), so
    policy can change without a release.
    """

    __tablename__ = "pathway_rule"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    title: str = Field(max_length=255)
    position: int = 0
    conditions: dict = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    steps: list = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    service_query: dict = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    owner: str = Field(default="", max_length=255)  # the role answerable for the policy
    policy_as_at: date | None = None
    review_by: date | None = None
    # The shipped version last read: a release changed the rule only if the shipped file now differs.
    shipped: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    version: int = 1


class ProposalStatus(str, Enum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # the rule changed, or a newer proposal came, before anyone decided


class RuleProposal(SQLModel, table=True):
    """A change to a pathway rule waiting for a policy approver: from an editor, or from a release of the
    shipped rules for a rule edited here. Police policy changes with two people, never one."""

    __tablename__ = "rule_proposal"

    id: int | None = Field(default=None, primary_key=True)
    rule_id: uuid.UUID = Field(foreign_key="pathway_rule.id", index=True)
    rule: dict = Field(sa_column=sa.Column(sa.JSON, nullable=False))  # the whole rule as it would be
    base_version: int  # the rule's version it was proposed against
    proposed_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")  # None: shipped
    proposed_by: str = Field(max_length=120)
    proposed_at: datetime = Field(default_factory=utc_now)
    status: ProposalStatus = _enum_field(ProposalStatus, ProposalStatus.PENDING)
    decided_by: str | None = Field(default=None, max_length=120)
    decided_at: datetime | None = None


class ReferralRecord(SQLModel, table=True):
    """That a referral was made: for commissioners' counts. Nothing here identifies the victim."""

    __tablename__ = "referral_record"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID = Field(foreign_key="service.id", index=True)
    referred_on: date = Field(index=True)
    crime_type: str = Field(max_length=32)
    risk: str = Field(max_length=16)
    consent: bool
    officer_id: uuid.UUID = Field(foreign_key="user_account.id")
    district_code: str | None = Field(default=None, max_length=9)
    created_at: datetime = Field(default_factory=utc_now)
