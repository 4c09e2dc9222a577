"""Counters kept in the database, one row per combination of facets, added to without a row per event.

Each table is keyed by its facets and holds a count; `add_one` increments the row for one key with a
single INSERT … ON CONFLICT DO UPDATE SET count = count + 1 (SQLite and PostgreSQL), so two workers
counting at once never lose an increment and nothing records when, or for whom, a count was added.
No Flask here.
"""

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel

UNKNOWN = "unknown"
NOT_ASKED = "not_asked"
ANSWERS = {"yes": "Yes", "no": "No", NOT_ASKED: "Not asked"}


class UnmetNeedTally(SQLModel, table=True):
    """How many public searches or officer pathways in a month found nothing, or nothing near, for these facets.

    Never the words or the place typed, an address, a session, a user or a time finer than the month.
    """

    __tablename__ = "unmet_need_tally"

    month: str = Field(primary_key=True, max_length=7)  # "2026-11"
    source: str = Field(primary_key=True, max_length=8)  # "search" or "pathway"
    need: str = Field(primary_key=True, max_length=64)  # a needs taxonomy code, "any" or "unrecognised"
    district: str = Field(primary_key=True, max_length=16)  # an ONS district (or county) code, "unknown", "outside"
    conditions: str = Field(primary_key=True, max_length=255)  # access condition flags asked for, sorted, "+"-joined
    harm: str = Field(primary_key=True, max_length=255)  # pathways: the crime types, sorted, "+"-joined; else ""
    count: int = Field(default=0)


class ReferralTally(SQLModel, table=True):
    """Referrals recorded in a month, by district and by what the officer said of immigration and public funds.

    Kept apart from the referral record, which never holds either answer.
    """

    __tablename__ = "referral_tally"

    month: str = Field(primary_key=True, max_length=7)
    district: str = Field(primary_key=True, max_length=16)  # the referral's district code, or "" (not known)
    immigration_concern: str = Field(primary_key=True, max_length=16)  # yes, no or not_asked
    nrpf: str = Field(primary_key=True, max_length=16)  # yes, no or not_asked
    count: int = Field(default=0)


def month_of(day: date) -> str:
    """The only time a tally keeps: "2026-11"."""
    return day.strftime("%Y-%m")


def add_one(connection, model: type[SQLModel], **key: str) -> None:
    """Add one to the count of `model`'s row for `key` (all its primary key columns), creating it at 1.

    `connection` is a Session or a Connection; the caller commits.
    """
    bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
    dialect = bind.dialect.name
    if dialect not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"no atomic upsert for {dialect}")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = insert(table).values(**key, count=1).on_conflict_do_update(
        index_elements=[table.c[name] for name in key], set_={"count": table.c.count + 1})
    connection.execute(statement)
