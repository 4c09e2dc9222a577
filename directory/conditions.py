"""The one list of access conditions: everything that stores, shows, filters, edits or exchanges one derives from it.

A condition is a checked fact about a service that a victim or an officer relies on ("open
whatever your immigration status", "calls from a withheld number"). Each is kept as an answer
and the date it was last checked: a flag without a date is not a promise. Only the answer that
means yes ever earns a badge or matches a filter; "not known" never does.

From this list come the service table's columns and their validation, the index's flag terms,
the public filter checkboxes and result badges, the rows of a service page, the staff editor's
fields, the rule editor's choices, the API's access-condition attributes and the export columns.
Adding a condition is one entry here, one migration adding its columns (`<name>` and
`<name>_checked_on`) and its values in the sample data; nothing else.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from directory.languages import N_


class Answer(str, Enum):
    """A checked fact about a service: unknown is never shown or filtered as yes."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class ImmigrationStatus(str, Enum):
    OPEN_TO_ALL = "open_to_all"
    RESTRICTIONS = "restrictions"
    UNKNOWN = "unknown"


class SharingStance(str, Enum):
    """What a service does with what a victim tells it, as far as the Home Office is concerned."""

    NEVER_SHARES = "never_shares"
    CONSENT_OR_RISK = "consent_or_risk"
    STATUTORY = "statutory"
    HOME_OFFICE_CONTRACT = "home_office_contract"
    UNKNOWN = "unknown"


class Section(str, Enum):
    """Where a service page and the editor show a condition: the heading a person looks under."""

    ROUTES = "How to get help"
    ELIGIBILITY = "Who it is for"
    SAFE_CONTACT = "Keeping contact safe"


@dataclass(frozen=True)
class Wording:
    """One possible answer: its stored value, what it means, and how people read it."""

    value: str
    state: str  # "yes", "no" or "unknown": the tag colour, badges and filters follow this, never the words
    public: str
    editor: str


YES_NO_NOT_KNOWN = (
    Wording("yes", "yes", N_("Yes"), "Yes"),
    Wording("no", "no", N_("No"), "No"),
    Wording("unknown", "unknown", N_("Not known: ask the service"), "Not known"),
)
IMMIGRATION_WORDING = (
    Wording("open_to_all", "yes", N_("Yes, whatever your immigration status"),
            "Yes: open to everyone whatever their status"),
    Wording("restrictions", "no", N_("There are some restrictions"), "No: there are restrictions"),
    Wording("unknown", "unknown", N_("Not known: ask the service"), "Not known"),
)

SHARING_WORDING = (
    Wording("never_shares", "yes", N_("Never shares your information with the Home Office or Immigration Enforcement"),
            "Never shares with the Home Office"),
    Wording("consent_or_risk", "yes", N_("Shares your information only if you agree, or if someone's life is at risk"),
            "Only with consent, or where a life is at risk"),
    Wording("statutory", "no", N_("A public body: shares information where the law requires it"),
            "A statutory body: shares where the law requires"),
    Wording("home_office_contract", "no",
            N_("Works under a Home Office contract and shares information with the Home Office"),
            "Shares under a Home Office contract"),
    Wording("unknown", "unknown", N_("Not known: ask the service"), "Not known"),
)


@dataclass(frozen=True)
class AccessCondition:
    """One condition. Its name is the database column, the API attribute code and the CSV column."""

    name: str
    question: str  # the public wording of the question, and the editor's label
    section: Section
    answers: type[Enum] = Answer  # the stored values (tri-state by default, or an enum of our own)
    wording: tuple[Wording, ...] = YES_NO_NOT_KNOWN
    badge: str | None = None  # the label a search result shows when the answer is yes; None: no badge
    filter_label: str | None = None  # the public filter checkbox (and the rule editor's choice); None: not filterable
    flag: str | None = None  # the index term for yes, when it is not the name
    note_label: str | None = None  # a free-text `<name>_note` beside the answer, in the service's words
    professional_only: bool = False  # shown to signed-in officers and staff only: never published or filterable

    @property
    def checked_on(self) -> str:
        return f"{self.name}_checked_on"

    @property
    def note(self) -> str | None:
        return f"{self.name}_note" if self.note_label else None

    @property
    def columns(self) -> tuple[str, ...]:
        """The service columns this condition keeps, in the order exports list them."""
        return tuple(filter(None, (self.name, self.note, self.checked_on)))

    @property
    def search_flag(self) -> str:
        return self.flag or self.name

    @property
    def filterable(self) -> bool:
        return self.filter_label is not None and not self.professional_only

    @property
    def unknown(self) -> Enum:
        return self.answers("unknown")

    def wording_for(self, value: Enum | str) -> Wording:
        """The wording of a stored answer; anything unexpected reads as not known, never as yes."""
        by_value = {w.value: w for w in self.wording}  # our enums are str enums: a member finds its value
        return by_value.get(value, by_value["unknown"])

    def is_yes(self, value: Enum | str) -> bool:
        return self.wording_for(value).state == "yes"

    def api_description(self) -> str:
        values = ", ".join(w.value for w in self.wording)
        return f"{values} (unknown is never yes)" + (f"; see {self.note}" if self.note else "")


CONDITIONS: tuple[AccessCondition, ...] = (
    AccessCondition("immigration_status", N_("Helps people whatever their immigration status"), Section.ELIGIBILITY,
                    answers=ImmigrationStatus, wording=IMMIGRATION_WORDING, note_label="What the restrictions are",
                    flag="open_to_all",
                    badge=N_("Open regardless of immigration status"),
                    filter_label=N_("Open regardless of immigration status")),
    AccessCondition("data_sharing_stance", N_("What they share with the Home Office"), Section.ELIGIBILITY,
                    answers=SharingStance, wording=SHARING_WORDING, note_label="What they say, in their words",
                    filter_label=N_("Does not share with the Home Office without your consent")),
    AccessCondition("no_status_questions", N_("Does not ask about your immigration status"), Section.ELIGIBILITY),
    AccessCondition("nrpf_support", N_("Supports people with no recourse to public funds (NRPF)"), Section.ELIGIBILITY,
                    badge=N_("NRPF accepted"),
                    filter_label=N_("Supports people with no recourse to public funds (NRPF)")),
    AccessCondition("no_id_needed", N_("No ID or proof of address needed"), Section.ELIGIBILITY,
                    badge=N_("No ID needed"), filter_label=N_("No ID or proof of address needed")),
    AccessCondition("interpreters", N_("Interpreters available"), Section.ELIGIBILITY,
                    badge=N_("Interpreters"), filter_label=N_("Interpreters available")),
    AccessCondition("free", N_("Free of charge"), Section.ELIGIBILITY, badge=N_("Free"),
                    filter_label=N_("Free of charge")),
    AccessCondition("led_by_and_for", N_("Led by and for the community it serves"), Section.ELIGIBILITY,
                    note_label="Which community, in their words",
                    badge=N_("Led by and for its community"),
                    filter_label=N_("Led by and for the community it serves")),
    AccessCondition("self_referral", N_("You can contact them yourself (self-referral)"), Section.ROUTES,
                    badge=N_("Self-referral"), filter_label=N_("You can contact them yourself (self-referral)")),
    AccessCondition("professional_referral", N_("Professionals can refer you"), Section.ROUTES),
    AccessCondition("police_referral", N_("The police can refer you"), Section.ROUTES),
    AccessCondition("victim_hub_referral", N_("You can be referred through the Sussex Victim Hub"), Section.ROUTES),
    AccessCondition("police_independent", N_("You do not have to report to the police to get help"), Section.ROUTES,
                    badge=N_("No need to report"), filter_label=N_("You do not have to report to the police")),
    AccessCondition("anonymous_contact", N_("You can contact them without giving your name"), Section.ROUTES),
    AccessCondition("withheld_number_calls", N_("Calls you from a withheld number"), Section.SAFE_CONTACT),
    AccessCondition("leaves_voicemail", N_("Leaves voicemail messages"), Section.SAFE_CONTACT),
    AccessCondition("sends_texts", N_("Sends text messages"), Section.SAFE_CONTACT),
    AccessCondition("sends_letters", N_("Sends letters by post"), Section.SAFE_CONTACT),
)

# Every service column the conditions keep.
CONDITION_COLUMNS = frozenset(name for condition in CONDITIONS for name in condition.columns)


def in_section(section: Section, conditions: Iterable[AccessCondition] = CONDITIONS) -> tuple[AccessCondition, ...]:
    return tuple(c for c in conditions if c.section == section)


def filterable(conditions: Iterable[AccessCondition] = CONDITIONS) -> tuple[AccessCondition, ...]:
    """The conditions a visitor or a pathway rule can ask for: each matches only a confirmed yes."""
    return tuple(c for c in conditions if c.filterable)


def filter_choices(conditions: Iterable[AccessCondition] = CONDITIONS) -> list[tuple[str, str]]:
    """(index term, label) of each filter a visitor or a pathway rule can tick."""
    return [(c.search_flag, c.filter_label) for c in filterable(conditions)]


def confirmed_flags(service, conditions: Iterable[AccessCondition] = CONDITIONS) -> list[str]:
    """The index terms of the filterable conditions a service has confirmed: never a no or a not known."""
    return [c.search_flag for c in filterable(conditions) if c.is_yes(getattr(service, c.name))]


def by_name(conditions: Iterable[AccessCondition] = CONDITIONS) -> dict[str, AccessCondition]:
    return {c.name: c for c in conditions}
