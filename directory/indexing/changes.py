"""The change log every search index follows, and how far each index has got.

Each app host keeps its own index (a cache, in its own folder) in front of the one database. An edit,
an import or a restore appends a line to the log for each service whose search entry it changes, in
the same transaction as the change, so a committed change is always logged. Every index records the
last line it applied, with its documents, and applies what is new before it answers; lines every
index has passed are pruned, and an index that fell out of the register rebuilds.

Gaps. A line's sequence number is given when the line is inserted, not when its transaction commits:
on PostgreSQL a transaction holding 10 can commit after another holding 11. An index that applied 11
and moved past 10 would miss 10 for ever. So a position is the highest line applied *and the holes
below it*, numbers the index has not seen; each catch-up asks for the holes too and applies whatever
has filled them. A hole is given up after HOLE_GRACE_SECONDS, since a rolled-back transaction leaves
one that never fills: longer than any transaction that logs changes (an import of a large package).
A hole costs one more range in one indexed query. (Ordering commits instead, by a lock taken when
logging, would make every editor wait for a long import and risk deadlocks against its row locks;
PostgreSQL's transaction ids would work on PostgreSQL only.) On SQLite, writers take turns, so holes
come only from pruning and rollbacks, and AUTOINCREMENT keeps numbers from being used twice even
after every line has been pruned.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel, delete, func, select, update

from directory.models import utc_now

# A hole not filled within this long is taken for a rolled-back transaction's and given up.
HOLE_GRACE_SECONDS = 15 * 60
# More holes than this are merged (the lines between them are then applied again, which is harmless).
MAX_HOLES = 32


class IndexChange(SQLModel, table=True):
    """One line of the change log: this service's search entry must be refreshed."""

    __tablename__ = "index_change"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(default=None, primary_key=True)
    service_id: uuid.UUID
    at: datetime = Field(default_factory=utc_now)


class IndexFollower(SQLModel, table=True):
    """An index that follows the log (one per app host's index folder), and the line it has passed."""

    __tablename__ = "index_follower"

    index_id: str = Field(primary_key=True, max_length=64)
    # Every line up to here is in that index (or was given up as a hole): lines up to here may be pruned.
    seq: int
    seen_at: datetime = Field(default_factory=utc_now)


def log_changes(session: Session, service_ids) -> None:
    """Log that these services' search entries must be refreshed, in the caller's transaction."""
    session.add_all(IndexChange(service_id=service_id) for service_id in service_ids)


Hole = tuple[int, int, float]  # the first and last number not seen, and when it was noticed (epoch seconds)


@dataclass(frozen=True)
class Position:
    """How far an index has followed the log: the highest line applied, and the holes below it."""

    seq: int = 0
    holes: tuple[Hole, ...] = field(default=())

    @classmethod
    def from_record(cls, record: dict) -> "Position":
        return cls(int(record["seq"]), tuple((int(a), int(b), float(t)) for a, b, t in record.get("holes", ())))

    def as_record(self) -> dict:
        return {"seq": self.seq, "holes": [list(hole) for hole in self.holes]}

    def open_holes(self, now: float) -> tuple[Hole, ...]:
        return tuple(hole for hole in self.holes if hole[2] + HOLE_GRACE_SECONDS > now)

    def low_water(self, now: float) -> int:
        """The last line before the first hole still awaited: every line up to here is applied."""
        return min([self.seq, *(first - 1 for first, _, _ in self.open_holes(now))])

    def advanced(self, applied: list[int], now: float) -> "Position":
        """The position once `applied` (every line `changes_since` read, in order) is in the index."""
        seen = sorted(set(applied))
        top = max([self.seq, *seen])
        holes = [(a, b, noticed) for first, last, noticed in self.open_holes(now)
                 for a, b in _unseen(first, last, seen)]
        holes += [(a, b, now) for a, b in _unseen(self.seq + 1, top, seen)]
        return Position(top, _fewer(holes))


def _unseen(first: int, last: int, seen: list[int]) -> list[tuple[int, int]]:
    """The runs of numbers from `first` to `last` not in `seen` (sorted)."""
    runs, start = [], first
    for number in seen:
        if number < start or number > last:
            continue
        if number > start:
            runs.append((start, number - 1))
        start = number + 1
    if start <= last:
        runs.append((start, last))
    return runs


def _fewer(holes: list[Hole]) -> tuple[Hole, ...]:
    holes = sorted(holes)
    while len(holes) > MAX_HOLES:
        i = min(range(len(holes) - 1), key=lambda k: holes[k + 1][0] - holes[k][1])
        (a, _, t1), (_, b, t2) = holes[i], holes[i + 1]
        holes[i:i + 2] = [(a, b, min(t1, t2))]
    return tuple(holes)


# Built once, as every search asks it: nothing new is then one cached statement on the primary key.
_LINES_AFTER = (select(IndexChange.seq, IndexChange.service_id).where(IndexChange.seq > bindparam("after"))
                .order_by(IndexChange.seq).limit(bindparam("limit")))


def changes_since(session: Session, position: Position, now: float, limit: int) -> list[tuple[int, uuid.UUID]]:
    """The log's lines past `position` or in its holes, oldest first: one query on the primary key."""
    holes = position.open_holes(now)
    if not holes:
        return session.exec(_LINES_AFTER, params={"after": position.seq, "limit": limit}).all()
    wanted = or_(IndexChange.seq > position.seq, *(IndexChange.seq.between(first, last) for first, last, _ in holes))
    return session.exec(select(IndexChange.seq, IndexChange.service_id).where(wanted)
                        .order_by(IndexChange.seq).limit(limit)).all()


def log_version(session: Session) -> tuple[int, int]:
    """What the log has been told so far: its last line and how many lines it holds.

    Any committed edit, import or restore changes it, even one whose line fills a hole below the last
    (its count moves); a pruning changes it too, which costs a cache only a page drawn again.
    """
    last, lines = session.exec(select(func.max(IndexChange.seq), func.count())).one()
    return last or 0, lines


def starting_position(session: Session, now: float) -> Position:
    """Where a rebuild that reads the database from now on stands: at the log's end, with the gaps
    below it as holes (a transaction still open may yet commit lines there)."""
    present = session.exec(select(IndexChange.seq).order_by(IndexChange.seq)).all()
    top = present[-1] if present else 0
    return Position(top, _fewer([(a, b, now) for a, b in _unseen(1, top, list(present))]))


def register(session: Session, index_id: str, low_water: int) -> None:
    """Enter (or move) an index in the register: pruning waits for it from now on."""
    if not seen(session, index_id, low_water):
        try:
            with session.begin_nested():
                session.add(IndexFollower(index_id=index_id, seq=low_water))
        except IntegrityError:  # another process of the same host registered it meanwhile
            seen(session, index_id, low_water)


def seen(session: Session, index_id: str, low_water: int) -> bool:
    """Note that an index is alive and has passed `low_water`; False if the register no longer knows it."""
    result = session.exec(update(IndexFollower).where(IndexFollower.index_id == index_id)
                          .values(seq=low_water, seen_at=utc_now()))
    return result.rowcount == 1


def prune(session: Session, forget_after: timedelta) -> int:
    """Forget indexes not seen for `forget_after`, then delete the lines every remaining index has passed,
    but the last: the log's end is then always read from the log itself (see log_version).

    A forgotten index finds itself missing from the register when it next looks, and rebuilds.
    Returns how many lines went. The caller commits.
    """
    session.exec(delete(IndexFollower).where(IndexFollower.seen_at < utc_now() - forget_after))
    horizon = session.exec(select(func.min(IndexFollower.seq))).one()
    if horizon is None:
        return 0
    last = select(func.max(IndexChange.seq)).scalar_subquery()
    return session.exec(delete(IndexChange).where(IndexChange.seq <= horizon, IndexChange.seq < last)).rowcount
