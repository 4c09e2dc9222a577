"""The pathway rules kept in the database: installed and upgraded from data/pathway_rules.toml, changed by
two people (an editor proposes, a policy approver publishes), every change in the history.

Officers act on these steps as police policy, so no one person changes them, and a release's
fixes reach a running install without ever overwriting what was decided here: a rule nobody
edited here takes the shipped version; a rule edited here is offered it as a proposal.
No Flask here.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session
from sqlmodel import select

from directory import history
from directory.accounts import users as accounts
from directory.listings.editing import EditConflict, latest_change
from directory.models import ChangeRecord, PathwayRule, ProposalStatus, Role, RuleProposal, User, utc_now
from directory.pathway.rules import RULE_FIELDS, Rule, RuleError, read_rules_file, rule_from_dict, rule_to_dict

# Changes that make a rule "edited here": a shipped fix is then proposed, never applied.
LOCAL_EDITS = ("updated", "published")
SHIPPED = "the shipped rules file"  # who proposes a release's change to a rule edited here


# What an approver reads when a proposal changes more than the steps, in the editor's order.
_LABELS = {"title": "Title", "position": "Order", "owner": "Owner", "policy_as_at": "Policy as at",
           "review_by": "Review by", "conditions": "When it applies", "service_query": "National helplines for"}


@dataclass(frozen=True)
class Difference:
    what: str
    before: str
    after: str


class ProposalError(ValueError):
    """A proposal that cannot be published or rejected, with a message for the person."""


@dataclass
class Upgrade:
    """What bringing in the shipped rules did, by rule key."""

    installed: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)  # edited here: waiting for an approver

    @property
    def changed(self) -> int:
        return len(self.installed) + len(self.upgraded) + len(self.proposed)


def rule_data(row: PathwayRule) -> dict:
    """The rule as the shipped file, the editor and the history write it."""
    data = {"key": row.key, **{name: getattr(row, name) for name in RULE_FIELDS}}
    return {**data, **{name: data[name] and data[name].isoformat() for name in ("policy_as_at", "review_by")}}


def _apply(row: PathwayRule, data: dict) -> None:
    rule = rule_from_dict({**data, "key": row.key})
    for name, value in rule_to_dict(rule).items():
        if name in RULE_FIELDS:
            setattr(row, name, getattr(rule, name) if name in ("policy_as_at", "review_by") else value)


def current_rules(session: Session) -> list[Rule]:
    return [rule_from_dict(rule_data(row)) for row in session.exec(select(PathwayRule))]


def rule_rows(session: Session) -> list[PathwayRule]:
    return list(session.exec(select(PathwayRule).order_by(PathwayRule.position, PathwayRule.key)))


def rule_by_id(session: Session, rule_id: uuid.UUID) -> PathwayRule | None:
    return session.get(PathwayRule, rule_id)


def due_for_review(session: Session, today: date) -> list[PathwayRule]:
    """Rules past their review date, or never given one: their owners must check they are still current."""
    return [row for row in rule_rows(session) if row.review_by is None or row.review_by < today]


def _edited_here(session: Session, row: PathwayRule) -> bool:
    return session.exec(select(ChangeRecord.id).where(
        ChangeRecord.entity_type == "pathway_rule", ChangeRecord.entity_id == row.id,
        ChangeRecord.action.in_(LOCAL_EDITS)).limit(1)).first() is not None


def upgrade_rules(session: Session, path: str | Path) -> Upgrade:
    """Bring the shipped rules into the rulebook (the caller commits). Safe to run on every start.

    A rule the rulebook lacks is installed. For each rule a release changed (the shipped version
    differs from the one last seen): a rule nobody edited here takes it; a rule edited here is
    offered it as a proposal for a policy approver, once per release, so nothing decided here is
    overwritten and a rejected proposal does not come back.
    """
    rows = {row.key: row for row in session.exec(select(PathwayRule))}
    done = Upgrade()
    for rule in read_rules_file(path):
        data = rule_to_dict(rule)
        row = rows.get(rule.key)
        if row is None:
            row = PathwayRule(key=rule.key, shipped=data)
            _apply(row, data)
            session.add(row)
            session.flush()
            history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title,
                           action="installed", user=None, after=data, version=1)
            done.installed.append(rule.key)
        elif row.shipped == data:
            continue
        elif rule_data(row) == data:
            row.shipped = data
        elif not _edited_here(session, row):
            before = rule_data(row)
            _apply(row, data)
            row.version += 1
            row.shipped = data
            history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title,
                           action="upgraded", user=None, before=before, after=data, version=row.version)
            done.upgraded.append(rule.key)
        else:
            _propose(session, row, data, None)
            row.shipped = data
            done.proposed.append(rule.key)
    return done


def _propose(session: Session, row: PathwayRule, data: dict, user: User | None) -> RuleProposal:
    proposal = RuleProposal(rule_id=row.id, rule=data, base_version=row.version,
                            proposed_by_id=user.id if user else None, proposed_by=user.name if user else SHIPPED)
    session.add(proposal)
    session.flush()
    history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title, action="proposed",
                   user=user, before=rule_data(row), after=data, version=row.version,
                   note=f"Proposal {proposal.id}, for a policy approver to publish")
    return proposal


def propose_change(session: Session, row: PathwayRule, data: dict, user: User,
                   expected_version: int) -> RuleProposal | None:
    """Propose a change to a rule after checking it (RuleError) and that nobody published another change
    since the editor began (EditConflict). Officers see nothing until an approver publishes it.

    Returns None, recording nothing, when the rule would be unchanged.
    """
    after = rule_to_dict(rule_from_dict({**data, "key": row.key}))
    if after == rule_data(row):
        return None
    if row.version != expected_version:
        raise EditConflict(latest_change(session, "pathway_rule", row.id))
    return _propose(session, row, after, user)


def restore_rule(session: Session, row: PathwayRule, change: ChangeRecord, user: User,
                 expected_version: int) -> RuleProposal | None:
    """Propose the rule as an earlier change left it."""
    if change.entity_id != row.id or not change.after:
        raise RuleError("That version cannot be restored")
    return propose_change(session, row, change.after, user, expected_version)


def proposals(session: Session, status: ProposalStatus = ProposalStatus.PENDING,
              rule: PathwayRule | None = None) -> list[tuple[RuleProposal, PathwayRule]]:
    """Proposals in one state, oldest first, each with its rule."""
    query = (select(RuleProposal, PathwayRule).join(PathwayRule, PathwayRule.id == RuleProposal.rule_id)
             .where(RuleProposal.status == status))
    if rule is not None:
        query = query.where(RuleProposal.rule_id == rule.id)
    return list(session.exec(query.order_by(RuleProposal.proposed_at, RuleProposal.id)).all())


def proposal_by_id(session: Session, proposal_id: int) -> RuleProposal | None:
    return session.get(RuleProposal, proposal_id)


def _decide(session: Session, proposal: RuleProposal, approver: User, status: ProposalStatus) -> PathwayRule:
    if not accounts.can(approver.role, Role.APPROVER):
        raise ProposalError("Only a policy approver can publish or reject a change to the pathway rules.")
    if proposal.status != ProposalStatus.PENDING:
        raise ProposalError(f"This proposal was already {proposal.status.value}.")
    if status == ProposalStatus.PUBLISHED and proposal.proposed_by_id == approver.id:
        raise ProposalError("You proposed this change: another policy approver must publish it.")
    proposal.status, proposal.decided_by, proposal.decided_at = status, approver.name, utc_now()
    return session.get(PathwayRule, proposal.rule_id)


def publish(session: Session, proposal: RuleProposal, approver: User) -> bool:
    """Make a proposal the rule officers see (the caller commits). The history names who proposed and who
    published it. Returns False, setting the proposal aside, if the rule changed since it was proposed:
    publishing it would silently undo that change."""
    row = _decide(session, proposal, approver, ProposalStatus.PUBLISHED)
    if row.version != proposal.base_version:
        proposal.status = ProposalStatus.SUPERSEDED
        return False
    before = rule_data(row)
    _apply(row, proposal.rule)
    row.version += 1
    history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title, action="published",
                   user=approver, before=before, after=rule_data(row), version=row.version,
                   note=f"Proposal {proposal.id}, proposed by {proposal.proposed_by}")
    for other in session.exec(select(RuleProposal).where(RuleProposal.rule_id == row.id,
                                                         RuleProposal.status == ProposalStatus.PENDING)):
        other.status = ProposalStatus.SUPERSEDED  # proposed against the version just replaced
    return True


def reject(session: Session, proposal: RuleProposal, approver: User) -> None:
    row = _decide(session, proposal, approver, ProposalStatus.REJECTED)
    history.record(session, entity_type="pathway_rule", entity_id=row.id, entity_name=row.title, action="rejected",
                   user=approver, before=rule_data(row), after=proposal.rule, version=row.version,
                   note=f"Proposal {proposal.id}, proposed by {proposal.proposed_by}")


def _words(value) -> str:
    if isinstance(value, dict):
        return "\n".join(f"{name}: {_words(item)}" for name, item in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "not set" if value in (None, "") else str(value)


def differences(before: dict, after: dict) -> list[Difference]:
    """What a proposal would change, field by field and step by step (steps known by their words), for
    the approver to read before publishing."""
    found = [Difference(label, _words(before.get(name)), _words(after.get(name)))
             for name, label in _LABELS.items() if before.get(name) != after.get(name)]
    old, new = ({step["text"]: step for step in rule["steps"]} for rule in (before, after))
    for text, step in new.items():
        if text not in old:
            found.append(Difference("Step added", "", _words(step)))
        elif old[text] != step:
            found.append(Difference("Step changed", _words(old[text]), _words(step)))
    found += [Difference("Step removed", _words(step), "") for text, step in old.items() if text not in new]
    kept = [text for text in old if text in new], [text for text in new if text in old]
    if kept[0] != kept[1]:
        found.append(Difference("Order of the steps", "\n".join(kept[0]), "\n".join(kept[1])))
    return found
