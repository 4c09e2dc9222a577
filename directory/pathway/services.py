"""The services beside a pathway: under each step that refers somewhere, and the national helplines.

Designed for the hardest case first: a high-risk victim with no recourse to public funds and
an insecure status must be offered at least as much as anyone else. So:
- each step has its own search, nearest first, and its own share of the page;
- a condition applies only where it matters: open regardless of immigration status to who a
  service helps, no recourse to public funds to a place to stay, interpreters to services the
  victim will speak to; never to the 24-hour national helplines, which are always shown;
- "not known" never hides a service: it follows the confirmed ones, marked to check before
  referring; only a confirmed "no", or an age or gender the service does not take, leaves a
  service out, and the officer is told how many and why, and can see them;
- a preference (the victim's language, women-only) orders a step's services, never hides one: a
  single service in her language must not hide the refuge she needs. The officer is told which
  preference no service of the step meets.
No Flask here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from directory.conditions import SharingStance, by_name
from directory.indexing import Indexer
from directory.listings.queries import public_services_in_order
from directory.listings.wording import open_around_the_clock
from directory.models import Service
from directory.pathway.rules import AGE_RANGES, Answers, Pathway, Referral, Step
from directory.places.gazetteer import Place
from search import SearchRequest
from search.query import Hit

OFFICER_RADIUS_MILES = 25
SHOWN_PER_STEP = 5
SHOWN_HELPLINES = 10
CANDIDATES = 60  # local and national services kept per search, before conditions and eligibility apply
CHILDREN = (0, 17)
_CONDITIONS = by_name()


def _state(service: Service, name: str) -> str:
    """The service's answer to one access condition, as yes, no or unknown."""
    return _CONDITIONS[name].wording_for(getattr(service, name)).state


def _only(states: list[str]) -> str:
    return states[0]


def _any_yes(states: list[str]) -> str:
    """A place to stay takes someone of insecure status if it is open to all, or has spaces for people
    with no recourse to public funds (a refuge with some NRPF spaces counts)."""
    return "yes" if "yes" in states else "no" if set(states) == {"no"} else "unknown"


def _yes_or_check(states: list[str]) -> str:
    """A place to stay's restrictions are usually about public funds: for someone who has recourse to
    them, restrictions are something to check, never a reason to leave the refuge out."""
    return "yes" if states == ["yes"] else "unknown"


@dataclass(frozen=True)
class Requirement:
    """A condition a step's services must meet: its label, the access conditions it reads and how their
    answers combine into yes, no or unknown. Read when a service is judged, never ahead of time."""

    label: str
    conditions: tuple[str, ...]
    combine: Callable[[list[str]], str] = _only

    def check(self, service: Service) -> str:
        return self.combine([_state(service, name) for name in self.conditions])

    def checked_on(self, service: Service) -> date | None:
        """When the answers were last checked: the latest of them."""
        dates = [getattr(service, _CONDITIONS[name].checked_on) for name in self.conditions]
        return max((checked for checked in dates if checked), default=None)


OPEN_TO_ALL = Requirement("Open regardless of immigration status", ("immigration_status",))
TAKES_ANYONE = Requirement("Takes people whatever their immigration status (open to all, or has spaces for "
                           "people with no recourse to public funds)", ("immigration_status", "nrpf_support"),
                           _any_yes)
STATUS_TO_CHECK = Requirement("Open regardless of immigration status (restrictions are usually about public "
                              "funds: check)", ("immigration_status",), _yes_or_check)
NRPF = Requirement("Supports people with no recourse to public funds", ("nrpf_support",))
INTERPRETERS = Requirement("Interpreters available", ("interpreters",))


def requirements(answers: Answers, referral: Referral) -> list[Requirement]:
    """What the services of one step must confirm, given the victim's circumstances."""
    needed = []
    if referral.accommodation:
        if answers.nrpf:
            needed += [TAKES_ANYONE, NRPF]
        elif answers.immigration_concern:
            needed.append(STATUS_TO_CHECK)
    else:
        if answers.immigration_concern or answers.nrpf:
            needed.append(OPEN_TO_ALL)
        # Interpreters matter where the victim will talk to someone, not for a place to stay.
        if answers.interpreter and not referral.for_children:
            needed.append(INTERPRETERS)
    return needed


def _codes(service: Service, link_type: str) -> set[str]:
    return {a.taxonomy_term.code for a in service.attributes if a.link_type == link_type}


def not_eligible(service: Service, answers: Answers, for_children: bool = False) -> str | None:
    """Why a service cannot take this person (their age or gender), or None. Data facts, not preferences."""
    youngest, oldest = CHILDREN if for_children else AGE_RANGES[answers.age_group]
    low, high = service.minimum_age or 0, service.maximum_age if service.maximum_age is not None else 150
    ages = f"{low} and over" if service.maximum_age is None else f"{low} to {high}"
    if high < youngest or low > oldest:
        return f"Not for {'children' if for_children else 'this age'}: ages {ages}"
    if not for_children and youngest >= 18 and high <= 18:  # a service up to 18 is a children's service
        return f"For children and young people: ages {ages}"
    if not for_children and not answers.all_genders:
        audience = _codes(service, "audience")
        if answers.gender == "woman" and "men" in audience:
            return "For men only"
        if answers.gender == "man" and "women-only" in audience:
            return "For women only"
    return None


@dataclass
class Offered:
    """A service under a step: whether each condition it must meet is confirmed, and any caution."""

    service: Service
    hit: Hit | None
    not_confirmed: list[tuple[str, date | None]] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)  # the victim's preferences it does not meet
    excluded_because: str | None = None
    caution: str | None = None  # said beside the service, e.g. what it shares with the Home Office
    unsafe_first_contact: bool = False  # shares with the Home Office under contract: listed last

    @property
    def confirmed(self) -> bool:
        return not self.not_confirmed and not self.unsafe_first_contact


@dataclass
class StepServices:
    step: Step
    offered: list[Offered] = field(default_factory=list)  # confirmed first, then those to check
    more: list[Offered] = field(default_factory=list)  # found beyond the first few: listed apart, never dropped
    left_out: list[Offered] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)  # preferences no service of this step meets
    requirements: list[str] = field(default_factory=list)


@dataclass
class PathwayServices:
    steps: list[StepServices] = field(default_factory=list)
    helplines: list[Offered] = field(default_factory=list)
    more_helplines: list[Offered] = field(default_factory=list)  # beyond the first few: listed apart, never dropped
    left_out_helplines: list[Offered] = field(default_factory=list)

    def for_step(self, step: Step) -> StepServices | None:
        return next((found for found in self.steps if found.step is step), None)

    @property
    def anything(self) -> bool:
        return bool(self.helplines) or any(found.offered for found in self.steps)


def _judge(service: Service, hit: Hit | None, needed: list[Requirement], answers: Answers,
           for_children: bool) -> Offered:
    item = Offered(service, hit)
    reason = not_eligible(service, answers, for_children)
    if reason:
        item.excluded_because = reason
        return item
    for requirement in needed:
        state = requirement.check(service)
        if state == "no":
            item.excluded_because = f"Confirmed not: {requirement.label.lower()}"
            return item
        if state == "unknown":
            item.not_confirmed.append((requirement.label, requirement.checked_on(service)))
    if answers.immigration_concern or answers.nrpf:
        stance = SharingStance(service.data_sharing_stance)
        if stance == SharingStance.UNKNOWN:
            item.caution = "What they share with the Home Office is not known: ask before you pass on details"
        elif stance == SharingStance.HOME_OFFICE_CONTRACT:
            item.caution = "Shares information with the Home Office under contract: not a safe first contact"
            item.unsafe_first_contact = True
        elif stance == SharingStance.STATUTORY:
            item.caution = "A statutory body: shares information where the law requires it"
    return item


def _request(referral: Referral, place: Place | None) -> SearchRequest:
    """Every service for the step's first need (the radius counts only from a place)."""
    return SearchRequest(text=referral.words, needs=referral.needs[:1], point=place.point if place else None,
                         radius_miles=OFFICER_RADIUS_MILES, area_codes=place.area_codes if place else ())


def _candidates(session: Session, indexer: Indexer, request: SearchRequest, needs: tuple[str, ...] = (),
                national_only: bool = False) -> list[tuple[Service, Hit]]:
    """Services for a request, local ones (nearest first) before national ones, helping with all of `needs`.

    The search takes needs as alternatives; every further need narrows by its own (cheap, id-only) search.
    """
    hits = indexer.all_matching(session, request)
    for need in needs[1:]:
        helping = {hit.service_id for hit in indexer.all_matching(session, SearchRequest(needs=(need,)))}
        hits = [hit for hit in hits if hit.service_id in helping]
    placed = [hit.distance_miles is not None or hit.covers_area for hit in hits]
    hits = ([hit for hit, near in zip(hits, placed) if near][:CANDIDATES]
            + [hit for hit, near in zip(hits, placed) if not near][:CANDIDATES])
    services = {str(s.id): s for s in public_services_in_order(session, [hit.service_id for hit in hits])}
    found = [(services[hit.service_id], hit) for hit in hits if hit.service_id in services]
    found.sort(key=lambda pair: pair[0].national_helpline)  # stable: local first, in their order
    return [(s, hit) for s, hit in found if s.national_helpline or not national_only]


def preferences(answers: Answers, referral: Referral) -> list[tuple[str, Callable[[Service], bool]]]:
    """The victim's preferences that matter to a step's services, each with how a service meets it."""
    chosen = []
    if answers.language:
        chosen.append(("the language", lambda s: answers.language in {language.code for language in s.languages}))
    if answers.women_only and not referral.for_children:
        chosen.append(("women-only", lambda s: "women-only" in _codes(s, "audience")))
    return chosen


def _services_for_step(session: Session, indexer: Indexer, step: Step, answers: Answers,
                       place: Place | None) -> StepServices:
    referral = step.refers
    needed = requirements(answers, referral)
    judged = [_judge(s, hit, needed, answers, referral.for_children)
              for s, hit in _candidates(session, indexer, _request(referral, place), referral.needs)]
    kept = [item for item in judged if item.excluded_because is None]
    # A step that names what it asks for ("Victim Hub", "IDVA") lists the services so named, not every
    # listing that mentions the words (unless none is so named).
    named = [item for item in kept if referral.words.casefold() in item.service.name.casefold()]
    kept = named or kept
    wanted = preferences(answers, referral)
    for item in kept:
        item.unmet = [words for words, meets in wanted if not meets(item.service)]
    kept.sort(key=lambda item: (not item.confirmed, len(item.unmet)))  # stable: nearest first within each
    return StepServices(step, offered=kept[:SHOWN_PER_STEP], more=kept[SHOWN_PER_STEP:],
                        left_out=[item for item in judged if item.excluded_because],
                        unmet=[words for words, _ in wanted if kept and all(words in item.unmet for item in kept)],
                        requirements=[r.label for r in needed])


def _helplines(session: Session, indexer: Indexer, pathway: Pathway, answers: Answers) -> list[Offered]:
    """National helplines for the harm, no condition applied: those for the main harm first, 24-hour first."""
    if not pathway.harm_needs:
        return []
    found = _candidates(session, indexer, SearchRequest(needs=pathway.harm_needs), national_only=True)

    def rank(item: Offered):
        needs = _codes(item.service, "need")
        first = min(i for i, need in enumerate(pathway.harm_needs) if need in needs)
        return item.unsafe_first_contact, first, not open_around_the_clock(item.service), item.service.name

    judged = [_judge(s, None, [], answers, for_children=False) for s, _ in found]  # no distance to show
    for item in judged:  # always shown, but never a confirmed "no" passed off as fine
        if answers.interpreter and INTERPRETERS.check(item.service) == "no":
            item.caution = "; ".join(filter(None, [item.caution, "Has no interpreters"]))
    return sorted(judged, key=rank)


def services_for_pathway(session: Session, indexer: Indexer, pathway: Pathway, answers: Answers,
                         place: Place | None) -> PathwayServices:
    """The services under each step that refers somewhere, and the national helplines for the harm."""
    found = PathwayServices()
    for step in pathway.steps:
        if step.refers is not None:
            found.steps.append(_services_for_step(session, indexer, step, answers, place))
    helplines = _helplines(session, indexer, pathway, answers)
    shown = [item for item in helplines if item.excluded_because is None]
    found.helplines, found.more_helplines = shown[:SHOWN_HELPLINES], shown[SHOWN_HELPLINES:]
    found.left_out_helplines = [item for item in helplines if item.excluded_because]
    return found
