"""Search latency benchmark: the Whoosh engine against an SQLite FTS5 yardstick.

Synthetic directories of victim-support services (deterministic, fixed seed) are indexed by
both engines, then the same free-text, free-text + filter and misspelt queries are timed one
by one, as the search page would run them (first page, 20 a page).

Usage, from the repo root:
    .venv/bin/python bench/search_benchmark.py [--sizes 1000,10000,100000] [--queries 200]
"""

import argparse
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from whoosh.analysis import STOP_WORDS  # noqa: E402

from directory.conditions import filter_choices  # noqa: E402
from search import SearchEngine, SearchRequest  # noqa: E402
from search.query import query_words  # noqa: E402
from search.synonyms import normalise_words  # noqa: E402

SEED = 20240611
SYNONYMS_FILE = REPO / "data" / "synonyms.txt"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
WARMUP_QUERIES = 20
PER_PAGE = 20
# Targets for Whoosh, text + filters p95 in ms, by directory size.
TARGETS_MS = {10_000: 15.0, 100_000: 60.0}

# -- vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    label: str  # the taxonomy term's name, as needs_text carries it
    name_phrases: tuple[str, ...]  # how a service name says it
    words: tuple[str, ...]  # words its descriptions lean on


NEEDS = {
    "domestic-abuse": Need("Domestic abuse", ("Domestic Abuse", "Domestic Violence", "IDVA", "Freedom Programme",
                                              "Coercive Control", "Safe Relationships"),
                           ("partner", "controlling", "coercive", "abuser", "safety", "planning", "marac", "idva",
                            "violence", "relationship", "threatening", "injunction")),
    "sexual-violence": Need("Rape and sexual violence", ("Rape Crisis", "Sexual Violence", "ISVA", "SARC",
                                                         "Survivors of Sexual Abuse"),
                            ("rape", "sexual", "assault", "survivor", "forensic", "isva", "consent", "trauma",
                             "historic", "abuse")),
    "stalking-harassment": Need("Stalking and harassment", ("Stalking", "Harassment", "Anti-Stalking"),
                                ("stalker", "following", "watching", "messages", "cyberstalking", "harassment",
                                 "protection", "order", "fixated")),
    "harmful-practices": Need("Harmful practices (FGM, forced marriage, so-called honour-based abuse)",
                              ("Forced Marriage", "FGM", "Honour Based Abuse", "Harmful Practices"),
                              ("fgm", "honour", "marriage", "forced", "cutting", "family", "community",
                               "protection")),
    "modern-slavery": Need("Modern slavery and trafficking", ("Modern Slavery", "Anti-Trafficking", "Trafficking"),
                           ("trafficking", "trafficked", "exploitation", "forced", "labour", "nrm", "slavery",
                            "debt", "bondage", "county", "lines")),
    "hate-crime": Need("Hate crime", ("Hate Crime", "Hate Incident Reporting", "Third Party Reporting"),
                       ("hate", "racist", "homophobic", "transphobic", "disability", "religion", "reporting",
                        "incident", "targeted")),
    "fraud": Need("Fraud and scams", ("Fraud Victim", "Scam Recovery", "Economic Abuse"),
                  ("fraud", "scam", "scammed", "money", "bank", "romance", "online", "identity", "theft")),
    "children-young-people": Need("Children and young people", ("Young People's", "Children's", "Youth"),
                                  ("children", "young", "people", "school", "teenager", "parents", "carers",
                                   "child", "exploitation")),
    "immigration-asylum": Need("Immigration and asylum advice", ("Asylum", "Immigration Advice", "Refugee"),
                               ("asylum", "immigration", "visa", "status", "refugee", "nrpf", "home", "office",
                                "settlement", "legal")),
    "housing-refuge": Need("Housing and refuge", ("Refuge", "Safe House", "Housing", "Sanctuary Scheme"),
                           ("refuge", "accommodation", "housing", "homeless", "emergency", "bed", "space",
                            "sanctuary", "tenancy")),
    "substance-misuse": Need("Drugs and alcohol", ("Drug and Alcohol", "Recovery", "Substance Misuse"),
                             ("drugs", "alcohol", "recovery", "addiction", "detox", "harm", "reduction")),
    "mental-health": Need("Mental health and emotional support", ("Mental Health", "Wellbeing", "Emotional Support"),
                          ("counselling", "anxiety", "depression", "wellbeing", "therapy", "listening",
                           "crisis", "emotional")),
    "general-victim-support": Need("Support after any crime", ("Victim Support", "Victim Care", "Witness Care"),
                                   ("victim", "witness", "crime", "court", "police", "reported", "practical",
                                    "restorative", "justice")),
    "bereavement": Need("Bereaved by crime", ("Bereavement", "Homicide", "Road Death"),
                        ("bereaved", "bereavement", "homicide", "murder", "manslaughter", "grief", "inquest",
                         "family")),
}

SERVICE_KINDS = ("Outreach", "Counselling", "Advocacy", "Helpline", "Support Service", "Drop-in", "Advice Line",
                 "Peer Support Group", "Casework", "Project", "Hub", "Service")
TOWNS = ("Sussex", "Brighton", "Hove", "Crawley", "Worthing", "Eastbourne", "Hastings", "Chichester", "Horsham",
         "Bognor Regis", "Lewes", "Haywards Heath", "Burgess Hill", "East Grinstead", "Littlehampton", "Seaford",
         "Newhaven", "Bexhill", "Shoreham", "Uckfield", "Crowborough", "Rye", "Midhurst", "Arundel")
ORGANISATION_WORDS = ("Women's", "Survivors", "Community", "Family", "Victims'", "Safe Futures", "Hope", "Justice",
                      "Refugee", "Recovery", "Rise", "Safer", "Together", "Citizens Advice", "Migrant")
ORGANISATION_KINDS = ("Trust", "Charity", "CIC", "Partnership", "Network", "Foundation", "Centre", "Aid",
                      "Collective", "Alliance")
SUPPORT_WORDS = ("support", "help", "advice", "confidential", "free", "independent", "specialist", "trained",
                 "workers", "volunteers", "referral", "self", "phone", "online", "appointment", "drop", "outreach",
                 "advocate", "caseworker", "group", "sessions", "weekly", "evening", "weekend", "interpreter",
                 "women", "men", "lgbt", "disabled", "older", "anyone", "sussex", "brighton", "safe", "listen",
                 "options", "plan", "rights", "court", "police", "housing", "benefits", "health", "gp", "hospital")
# Everyday English, so descriptions read like prose and stop words are exercised.
COMMON_WORDS = """the a an and or but of to in on at for with from by about after before during without within
we you they our your their it this that these those who which what when where how is are was were be been have
has had can could will would may might should must do does did not no all any each every some more most other
such only own same than too very just also into over under again further then once here there up down out off
people person time year day week month life world area place home work school family friend group service
team staff way part case help need needs want know feel find give tell ask try keep let begin seem call run move
live believe hold bring happen write provide sit stand lose pay meet include continue set learn change lead
understand watch follow stop create speak read allow add spend grow open walk win offer remember love consider
appear buy wait serve die send expect build stay fall cut reach kill remain suggest raise pass sell require
report decide pull local national small large long short good new old great high low early late young important
different possible public private able free full special clear certain personal difficult available likely
hard real best better sure whole social""".split()
LANGUAGES = ("en", "pl", "ar", "bn", "ur", "pt", "ro", "fa")
FLAGS = (*(flag for flag, _ in filter_choices()), "national_helpline")
# How often a generated service confirms each flag (others: DEFAULT_FLAG_ODDS).
FLAG_ODDS = {"open_to_all": 0.6, "nrpf_support": 0.1, "interpreters": 0.3, "self_referral": 0.7, "free": 0.8,
             "no_id_needed": 0.4, "police_independent": 0.5, "national_helpline": 0.05}
DEFAULT_FLAG_ODDS = 0.3
AUDIENCES = ("women-only", "men", "lgbtq", "young-people")
DELIVERIES = ("in-person", "phone", "online")
AREA_CODES = ("BN", "RH", "TN", "PO", "GU")
PSEUDO_WORD_COUNT = 3_000
PLACE_SUFFIXES = ("ham", "ford", "ton", "field", "hurst", "ley", "worth", "den")


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    """Pronounceable made-up words: a lexicon as large as a real directory's, without a word list."""
    onsets = "b br c ch d dr f g gr h j k l m n p pl pr r s sh sl st t tr v w".split()
    vowels = "a e i o u ai ea ee oo ou".split()
    codas = ["", "", "n", "r", "s", "t", "l", "nd", "st", "ck", "m"]
    words: set[str] = set()
    while len(words) < count:
        syllables = rng.choice((2, 2, 3, 3, 4))
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)))
    return sorted(words)


class Corpus:
    """Draws service documents; a fresh instance with the same seed yields the same directory."""

    def __init__(self, size: int, seed: int = SEED):
        self.rng = random.Random(seed)
        self.size = size
        invented = pseudo_words(self.rng, PSEUDO_WORD_COUNT)
        places = [w.title() + self.rng.choice(PLACE_SUFFIXES) for w in invented[:400]]
        self.places = list(TOWNS) * 6 + places  # real towns are the common case
        # Word frequencies in prose are Zipfian: a few words everywhere, most words rare.
        lexicon = COMMON_WORDS + list(SUPPORT_WORDS) + invented
        self.rng.shuffle(lexicon)
        self.lexicon = lexicon
        self.lexicon_weights = list(accumulate(1.0 / (rank + 1) for rank in range(len(lexicon))))
        self.organisations = [self._organisation(invented) for _ in range(max(20, size // 8))]

    def _organisation(self, invented: list[str]) -> str:
        rng = self.rng
        middle = rng.choice(ORGANISATION_WORDS) if rng.random() < 0.7 else rng.choice(invented).title()
        return f"{rng.choice(self.places)} {middle} {rng.choice(ORGANISATION_KINDS)}"

    def _description(self, needs: list[str]) -> str:
        rng = self.rng
        count = rng.randint(30, 80)
        topical = [rng.choice(NEEDS[rng.choice(needs)].words) for _ in range(count // 4)]
        general = rng.choices(self.lexicon, cum_weights=self.lexicon_weights, k=count - len(topical))
        words = topical + general
        rng.shuffle(words)
        sentences, start = [], 0
        while start < len(words):
            end = start + rng.randint(7, 14)
            sentence = " ".join(words[start:end])
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            start = end
        return " ".join(sentences)

    def document(self, number: int) -> dict:
        rng = self.rng
        needs = rng.sample(sorted(NEEDS), rng.choice((1, 1, 2, 3)))
        place = rng.choice(self.places)
        name = f"{place} {rng.choice(NEEDS[needs[0]].name_phrases)} {rng.choice(SERVICE_KINDS)}"
        organisation = rng.choice(self.organisations)
        needs_text = " ".join(NEEDS[code].label for code in needs)
        description = self._description(needs)
        flags = [flag for flag in FLAGS if rng.random() < FLAG_ODDS.get(flag, DEFAULT_FLAG_ODDS)]
        national = "national_helpline" in flags
        languages = ["en"] + [code for code in LANGUAGES[1:] if rng.random() < 0.12]
        areas = rng.sample(AREA_CODES, rng.randint(1, 2))
        return {
            "id": f"svc-{number:06d}",
            "name": name,
            "name_exact": " ".join(normalise_words(name)),
            "alternate_name": "".join(word[0] for word in name.split()).upper() if rng.random() < 0.2 else "",
            "organization": organisation,
            "needs_text": needs_text,
            "description": description,
            "details": f"Open to anyone living in {place}. {rng.choice(SERVICE_KINDS)} by appointment.",
            "spelling": " ".join([name, organisation, needs_text, description]),
            "needs": ",".join(needs),
            "audience": ",".join(a for a in AUDIENCES if rng.random() < 0.1),
            "delivery": ",".join(d for d in DELIVERIES if rng.random() < 0.6) or "phone",
            "languages": ",".join(languages),
            "flags": ",".join(flags),
            "areas": ",".join(areas),
            "name_sort": name.casefold(),
            "modified": 1_700_000_000_000 + number * 60_000,
            "latitude": None if national else round(rng.uniform(50.72, 51.15), 5),
            "longitude": None if national else round(rng.uniform(-0.95, 0.80), 5),
        }

    def documents(self) -> list[dict]:
        return [self.document(number) for number in range(self.size)]


# -- queries ---------------------------------------------------------------------------------

TEXT_QUERIES = ("domestic abuse", "rape counselling", "trafficking", "forced marriage", "refuge", "dv",
                "asylum advice", "stalking", "hate crime", "fraud", "mental health support", "children",
                "bereavement", "drug and alcohol", "brighton domestic abuse", "sexual violence helpline",
                "modern slavery", "housing", "lgbt", "independent domestic violence advisor", "fgm",
                "online scam", "counselling for men", "crawley outreach")
TYPO_QUERIES = ("domestik abuse", "trafficing", "refuje", "stalkin", "councelling", "asylumm", "harrassment",
                "bereavment", "mentle health", "sexual violance", "forsed marriage", "hate crim", "fraut",
                "eastborne refuge")
FILTERS = (
    {"flags": ("open_to_all",)},
    {"needs": ("domestic-abuse",)},
    {"languages": ("pl",)},
    {"needs": ("sexual-violence", "stalking-harassment"), "flags": ("free",)},
    {"languages": ("ar", "fa"), "delivery": ("phone",)},
    {"audience": ("women-only",), "flags": ("self_referral", "free")},
    {"needs": ("modern-slavery",), "languages": ("ro",)},
    {"flags": ("nrpf_support", "interpreters")},
    {"delivery": ("online",), "flags": ("open_to_all",)},
    {"needs": ("housing-refuge", "domestic-abuse"), "audience": ("women-only", "lgbtq")},
)


def query_sets(count: int, seed: int = SEED) -> dict[str, list[SearchRequest]]:
    """The three query sets, `count` requests each; texts cycle, filters are paired at random."""
    rng = random.Random(seed)
    text = [SearchRequest(text=TEXT_QUERIES[i % len(TEXT_QUERIES)], per_page=PER_PAGE) for i in range(count)]
    filtered = [
        SearchRequest(text=TEXT_QUERIES[i % len(TEXT_QUERIES)], per_page=PER_PAGE, **rng.choice(FILTERS))
        for i in range(count)
    ]
    typo = [SearchRequest(text=TYPO_QUERIES[i % len(TYPO_QUERIES)], per_page=PER_PAGE) for i in range(count)]
    return {"text": text, "text+filters": filtered, "typo": typo}


# -- engines ---------------------------------------------------------------------------------


class WhooshUnderTest:
    """The app's own SearchEngine; `search` returns the total so both engines are measured alike."""

    label = "Whoosh"

    def __init__(self, directory: Path):
        self.directory = directory
        self.engine = SearchEngine(directory, SYNONYMS_FILE)

    def rebuild(self, documents: list[dict]) -> None:
        self.engine.rebuild(iter(documents))

    def search(self, request: SearchRequest) -> int:
        return self.engine.search(request).total

    def reopen(self) -> None:
        """A fresh engine on the same index: nothing cached from earlier searches."""
        self.engine.close()
        self.engine = SearchEngine(self.directory, SYNONYMS_FILE)

    def size_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.directory.rglob("*") if path.is_file())

    def close(self) -> None:
        self.engine.close()


def synonym_groups(path: Path) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Each phrase of data/synonyms.txt mapped to every phrase of its group, read independently of
    search/ so the yardstick does not follow that package's internals."""
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            phrases = [tuple(normalise_words(member)) for member in line.split(",")]
            phrases = [phrase for phrase in phrases if phrase]
            for phrase in phrases:
                groups.setdefault(phrase, phrases)
    return groups


class Fts5Yardstick:
    """SQLite FTS5 over the same documents and synonyms: what the standard library alone manages.

    Synonyms are expanded at query time (a concept is an OR of quoted phrases, which FTS5 stems
    like the text). Filter values are stored as tokens in an unweighted `tags` column, so a filter
    is just more MATCH syntax. As in the app, every concept must match, falling back to any.
    """

    label = "FTS5"
    TEXT_COLUMNS = "{name organization needs_text description}"
    # bm25 weights in column order (id, name, organization, needs_text, description, tags), as the Whoosh schema.
    # Set as the table's rank function: bm25() itself may not be called beside a window function.
    RANK = "bm25(0.0, 4.0, 2.0, 3.0, 1.0, 0.0)"
    TAG_PREFIXES = {"needs": "need", "audience": "aud", "delivery": "del", "languages": "lang", "flags": "flag"}

    def __init__(self, path: Path):
        self.path = path
        self.synonyms = synonym_groups(SYNONYMS_FILE)
        self.longest_phrase = max(map(len, self.synonyms), default=1)
        self.db = sqlite3.connect(path)

    @classmethod
    def tag(cls, group: str, value: str) -> str:
        """One filter value as a single FTS token, e.g. flags/open_to_all -> flagopentoall."""
        return cls.TAG_PREFIXES[group] + "".join(ch for ch in value.lower() if ch.isalnum())

    def rebuild(self, documents: list[dict]) -> None:
        self.db.execute(
            "CREATE VIRTUAL TABLE services USING fts5(id UNINDEXED, name, organization, needs_text, description, "
            "tags, tokenize='porter unicode61 remove_diacritics 2')"
        )
        self.db.execute("INSERT INTO services(services, rank) VALUES ('rank', ?)", (self.RANK,))
        rows = (
            (d["id"], d["name"], d["organization"], d["needs_text"], d["description"],
             " ".join(self.tag(group, value) for group in self.TAG_PREFIXES for value in d[group].split(",") if value))
            for d in documents
        )
        with self.db:
            self.db.executemany("INSERT INTO services VALUES (?, ?, ?, ?, ?, ?)", rows)
            self.db.execute("INSERT INTO services(services) VALUES ('optimize')")

    def _match(self, concepts: list[str], joiner: str, request: SearchRequest) -> str:
        parts = [f"{self.TEXT_COLUMNS} : ({joiner.join(concepts)})"]
        for group in ("needs", "audience", "delivery", "languages"):
            values = getattr(request, group)
            if values:
                parts.append("tags : (" + " OR ".join(self.tag(group, v) for v in values) + ")")
        parts += [f"tags : {self.tag('flags', flag)}" for flag in request.flags]
        return " AND ".join(parts)

    def _run(self, match: str, limit: int) -> int:
        rows = self.db.execute(
            "SELECT id, count(*) OVER () FROM services WHERE services MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return rows[0][1] if rows else 0

    def _concepts(self, words: list[str]) -> list[str]:
        """Longest synonym phrase first at each position; a word with no synonyms stands alone,
        unless it is a stop word, which the app's analyser drops too."""
        concepts, position = [], 0
        while position < len(words):
            for size in range(min(self.longest_phrase, len(words) - position), 0, -1):
                phrase = tuple(words[position : position + size])
                if size == 1 or phrase in self.synonyms:
                    break
            position += size
            if phrase not in self.synonyms and phrase[0] in STOP_WORDS:
                continue
            phrases = self.synonyms.get(phrase, [phrase])
            concepts.append("(" + " OR ".join('"' + " ".join(p) + '"' for p in phrases) + ")")
        return concepts

    def search(self, request: SearchRequest) -> int:
        concepts = self._concepts(query_words(request.text))
        total = self._run(self._match(concepts, " AND ", request), request.per_page)
        if not total and len(concepts) > 1:
            total = self._run(self._match(concepts, " OR ", request), request.per_page)
        return total

    def reopen(self) -> None:
        self.db.close()
        self.db = sqlite3.connect(self.path)

    def size_bytes(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.db.close()


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Timing:
    p50_ms: float
    p95_ms: float
    answered: float  # share of queries with at least one hit


def time_warm(engine, requests: list[SearchRequest]) -> Timing:
    """Latency of each request after a warm-up: the steady state of a busy site."""
    for request in requests[:WARMUP_QUERIES]:
        engine.search(request)
    return time_each(engine.search, requests)


def time_cold(engine, requests: list[SearchRequest]) -> Timing:
    """Each distinct text once (texts cycle, so the first few requests) on a freshly opened index:
    the first searches after a rebuild or an edit, before anything cached per index has warmed."""
    engine.reopen()
    return time_each(engine.search, requests[: len({request.text for request in requests})])


def time_each(search: Callable[[SearchRequest], int], requests: list[SearchRequest]) -> Timing:
    latencies, answered = [], 0
    for request in requests:
        start = time.perf_counter()
        total = search(request)
        latencies.append((time.perf_counter() - start) * 1000)
        answered += total > 0
    p95 = statistics.quantiles(latencies, n=100, method="inclusive")[94]
    return Timing(statistics.median(latencies), p95, answered / len(requests))


@dataclass
class Row:
    size: int
    engine: str
    build_s: float
    timings: dict[str, Timing]
    cold: dict[str, Timing]
    index_mb: float


def benchmark(engine, documents: list[dict], queries: dict[str, list[SearchRequest]]) -> Row:
    start = time.perf_counter()
    engine.rebuild(documents)
    build_s = time.perf_counter() - start
    log(f"  {engine.label}: built in {build_s:.1f} s")
    cold, timings = {}, {}
    for name, requests in queries.items():
        cold[name] = time_cold(engine, requests)
        timings[name] = time_warm(engine, requests)
    row = Row(len(documents), engine.label, build_s, timings, cold, engine.size_bytes() / 1_048_576)
    engine.close()
    return row


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def markdown(rows: list[Row]) -> str:
    lines = [
        "| size | engine | build s | text p50/p95 ms | text+filters p50/p95 ms | typo p50/p95 ms | index MB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [f"{t.p50_ms:.1f} / {t.p95_ms:.1f}" for t in row.timings.values()]
        lines.append(f"| {row.size:,} | {row.engine} | {row.build_s:.1f} | {' | '.join(cells)} | {row.index_mb:.1f} |")
    lines += ["", "Cold: each distinct text once on a freshly opened index, p50/p95 ms:", "",
              "| size | engine | text | text+filters | typo |", "|---:|---|---:|---:|---:|"]
    for row in rows:
        cells = [f"{t.p50_ms:.1f} / {t.p95_ms:.1f}" for t in row.cold.values()]
        lines.append(f"| {row.size:,} | {row.engine} | {' | '.join(cells)} |")
    lines += ["", "Share of queries with at least one hit:", "",
              "| size | engine | text | text+filters | typo |", "|---:|---|---:|---:|---:|"]
    for row in rows:
        cells = [f"{t.answered:.0%}" for t in row.timings.values()]
        lines.append(f"| {row.size:,} | {row.engine} | {' | '.join(cells)} |")
    return "\n".join(lines)


def verdicts(rows: list[Row]) -> list[str]:
    lines = []
    for row in rows:
        target = TARGETS_MS.get(row.size)
        if row.engine.startswith(WhooshUnderTest.label) and target is not None:
            p95 = row.timings["text+filters"].p95_ms
            outcome = "met" if p95 <= target else "MISSED"
            lines.append(f"- {row.engine}, {row.size:,}: text+filters p95 {p95:.1f} ms against <= {target:.0f} ms: "
                         f"{outcome}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated directory sizes (default: %(default)s)")
    parser.add_argument("--queries", type=int, default=200, help="queries per set (default: %(default)s)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    queries = query_sets(args.queries)

    rows = []
    for size in sizes:
        log(f"{size:,} services: generating")
        documents = Corpus(size).documents()
        with tempfile.TemporaryDirectory(prefix="search-bench-") as scratch:
            rows.append(benchmark(WhooshUnderTest(Path(scratch) / "whoosh"), documents, queries))
            rows.append(benchmark(Fts5Yardstick(Path(scratch) / "fts5.sqlite"), documents, queries))
        log(markdown(rows[-2:]))

    print(markdown(rows))
    print()
    print("Targets (Whoosh, text + filters): p95 <= 15 ms at 10,000 services, <= 60 ms at 100,000.")
    print("\n".join(verdicts(rows)))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak RSS of the whole run: {peak_mb:.0f} MB. {args.queries} queries a set, "
          f"{WARMUP_QUERIES} warm-up queries first.")


if __name__ == "__main__":
    main()
