"""Turning words and filters into results: synonyms, typos, exact names, filters, pages, bad input."""

import pytest

from search import SearchEngine, SearchRequest
from search.query import query_words
from search.synonyms import SynonymTable

from .documents import document


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = SearchEngine(tmp_path_factory.mktemp("index"), "data/synonyms.txt")
    engine.rebuild(
        [
            document("outreach", "Domestic Abuse Outreach", needs="domestic-abuse", needs_text="Domestic abuse",
                     description="Independent domestic violence advisers (IDVAs) for anyone at risk.",
                     flags="open_to_all,nrpf_support", languages="en,pl"),
            document("karma", "Forced Marriage and Honour Helpline", needs="harmful-practices",
                     needs_text="Harmful practices", description="Advice if you are being forced to marry.",
                     flags="open_to_all", audience="women-only"),
            document("refuge", "Women's Refuge", needs="housing-refuge", needs_text="Housing and refuge",
                     description="Safe emergency accommodation.", audience="women-only"),
            document("advice", "Citizens Advice", description="Debt, benefits and housing advice. Refuge referrals.",
                     flags=""),
            document("cafe", "Café Mañana", description="A community café and drop-in."),
        ]
        + [document(f"general-{n:02d}", f"General support {n:02d}", needs="general-victim-support") for n in range(25)]
    )
    yield engine
    engine.close()


def ids(engine, text="", **kwargs):
    return [hit.service_id for hit in engine.search(SearchRequest(text=text, **kwargs)).hits]


@pytest.mark.parametrize("text", ["dv", "DA", "domestic violence", "IDVA", "domestik abuse"])
def test_abbreviations_synonyms_and_typos_find_domestic_abuse_services(engine, text):
    assert ids(engine, text)[0] == "outreach"


def test_a_synonym_phrase_finds_services_that_use_the_abbreviation(engine):
    assert ids(engine, "independent domestic violence adviser")[0] == "outreach"


def test_exact_name_comes_first_even_when_another_service_mentions_it_more(engine):
    assert ids(engine, "womens refuge")[0] == "refuge"


def test_name_matches_rank_above_description_matches(engine):
    assert ids(engine, "refuge")[:2] == ["refuge", "advice"]


def test_accents_are_folded_both_ways(engine):
    assert ids(engine, "cafe manana") == ["cafe"]
    assert ids(engine, "Café") == ["cafe"]


def test_filters_are_exact_and_groups_must_all_hold(engine):
    assert set(ids(engine, flags=("open_to_all",))) == {"outreach", "karma"}
    assert ids(engine, flags=("open_to_all", "nrpf_support")) == ["outreach"]
    assert set(ids(engine, audience=("women-only",))) == {"karma", "refuge"}
    assert ids(engine, audience=("women-only",), needs=("housing-refuge",)) == ["refuge"]
    assert ids(engine, languages=("pl",)) == ["outreach"]


def test_values_within_a_filter_group_are_alternatives(engine):
    assert set(ids(engine, needs=("housing-refuge", "harmful-practices"))) == {"refuge", "karma"}


def test_words_that_match_nothing_together_fall_back_to_any_word(engine):
    assert ids(engine, "refuge xylophone")[0] == "refuge"


def test_results_are_paged(engine):
    first = engine.search(SearchRequest(needs=("general-victim-support",), per_page=10))
    third = engine.search(SearchRequest(needs=("general-victim-support",), per_page=10, page=3))
    assert (first.total, first.page_count, len(first.hits), len(third.hits)) == (25, 3, 10, 5)
    assert first.hits[0].service_id == "general-00"


def test_a_page_past_the_end_is_empty_not_an_error(engine):
    results = engine.search(SearchRequest(per_page=10, page=99))
    assert results.hits == [] and results.total == 30


@pytest.mark.parametrize(
    "text",
    ['"*?:()[]{}^~', "refuge AND OR NOT", "'; DROP TABLE service; --", "a\x00b", "\udcff\ufffd", "x" * 10_000,
     "refuge~2^5", "name:refuge", "*"],
)
def test_hostile_input_is_just_text(engine, text):
    results = engine.search(SearchRequest(text=text))
    plain = engine.search(SearchRequest(text=" ".join(query_words(text))))
    assert results.total >= 0
    assert [h.service_id for h in results.hits] == [h.service_id for h in plain.hits]


def test_query_length_is_bounded():
    assert len(query_words("word " * 5000)) == 16


def test_synonym_table_prefers_the_longest_phrase():
    table = SynonymTable([["nrpf", "no recourse to public funds"], ["public", "state"]])
    concepts = table.split(["no", "recourse", "to", "public", "funds", "help"])
    assert concepts[0].words == ("no", "recourse", "to", "public", "funds")
    assert concepts[0].group == table.split(["nrpf"])[0].group
    assert (concepts[1].words, concepts[1].group) == (("help",), None)


def test_documents_are_tagged_with_every_group_they_mention_on_stems():
    table = SynonymTable([["refuge", "safe house"], ["dv", "domestic abuse"], ["fgm"]])
    refuge, dv = table.split(["refuge"])[0].group, table.split(["dv"])[0].group
    assert table.groups_in("Two refuges and a safe-house for survivors of Domestic Abuse") == {refuge, dv}
    assert table.groups_in("Abuse that is domestic") == set()


def test_an_index_built_with_another_synonym_table_is_rebuilt(tmp_path):
    old = SearchEngine(tmp_path / "index", "data/synonyms.txt")
    old.rebuild([document("a", "Advice line")])
    edited = tmp_path / "synonyms.txt"
    edited.write_text("advice, guidance\n")
    assert not SearchEngine(tmp_path / "index", edited).is_usable()


def test_an_index_built_for_another_document_shape_is_rebuilt(tmp_path):
    SearchEngine(tmp_path / "index", "data/synonyms.txt", "flags-a").rebuild([document("a", "Advice line")])
    assert SearchEngine(tmp_path / "index", "data/synonyms.txt", "flags-a").is_usable()
    assert not SearchEngine(tmp_path / "index", "data/synonyms.txt", "flags-b").is_usable()


def test_when_no_allowed_service_has_every_word_any_word_will_do(tmp_path):
    engine = SearchEngine(tmp_path / "index", "data/synonyms.txt")
    engine.rebuild([document("a", "Refuge advice line", needs="housing-refuge"),
                    document("b", "Money advice centre", needs="fraud")])
    assert ids(engine, "refuge advice") == ["a"]
    assert ids(engine, "refuge advice", needs=("fraud",)) == ["b"]
    engine.close()


def test_a_corrected_typo_brings_its_synonyms(tmp_path):
    engine = SearchEngine(tmp_path / "index", "data/synonyms.txt")
    engine.rebuild([document("said", "Trafficking advocacy"), document("synonym", "Modern slavery support"),
                    document("other", "Debt advice")])
    assert set(ids(engine, "trafficing")) == {"said", "synonym"}
    engine.close()


@pytest.fixture(scope="module")
def weighed(tmp_path_factory):
    """One word, each time in one field only: the ranking says how much each field counts."""
    engine = SearchEngine(tmp_path_factory.mktemp("weights"), "data/synonyms.txt")
    placed = {"in-name": {"name": "Marigold"}, "in-alternate": {"alternate_name": "Marigold"},
              "in-needs": {"needs_text": "Marigold"}, "in-organisation": {"organization": "Marigold"},
              "in-description": {"description": "Marigold"}, "in-details": {"details": "Marigold"}}
    documents = []
    for identifier, fields in placed.items():
        doc = document(identifier, f"Service {identifier}", delivery="online" if identifier == "in-name" else "phone")
        doc.update(fields)
        doc["spelling"] = " ".join(filter(None, [doc["name"], doc["organization"], doc["needs_text"],
                                                 doc["description"], doc["alternate_name"], doc["details"]]))
        documents.append(doc)
    documents += [document("puffin", "Puffin Club"), document("owl", "Owl Watch"), document("lark", "Lark Rise"),
                  document("kestrel", "Kestrel Trust"), document("stalking", "Stalking Advocacy")]
    engine.rebuild(documents)
    yield engine
    engine.close()


def test_names_and_needs_count_above_prose(weighed):
    order = ids(weighed, "marigold")
    assert order[0] == "in-name"
    assert set(order[1:3]) == {"in-alternate", "in-needs"}
    assert order[3:] == ["in-organisation", "in-description", "in-details"]


def test_the_delivery_filter_keeps_only_that_way_of_getting_help(weighed):
    assert ids(weighed, "marigold", delivery=("online",)) == ["in-name"]
    assert "in-name" not in ids(weighed, "marigold", delivery=("phone",))


@pytest.mark.parametrize(("typed", "found"), [
    ("owl", ["owl"]), ("ow1", []), ("oel", []),  # under four letters: never corrected
    ("lurk", ["lark"]),  # four letters: corrected
    ("pufin", ["puffin"]), ("puffn", ["puffin"]), ("pffn", []),  # up to six: one edit
    ("kastrol", ["kestrel"]),  # seven letters: two edits
    ("stelkinq", ["stalking"]), ("stelkonq", []),  # longer: two edits
    ("stlkng", []),  # six letters typed, two edits: too far
    ("xtalking", []),  # the first letter is kept
])
def test_typos_are_corrected_by_how_long_the_word_is(weighed, typed, found):
    assert ids(weighed, typed) == found


def test_the_exact_name_wins_over_a_service_that_says_the_words_more_often(tmp_path):
    engine = SearchEngine(tmp_path / "index", "data/synonyms.txt")
    engine.rebuild([
        document("richer", "Harbour Advice Line", organization="Harbour Advice Trust", needs_text="Harbour advice",
                 description="Harbour advice for anyone: harbour advice by phone."),
        document("exact", "Harbour Advice"),
    ])
    results = engine.search(SearchRequest(text="harbour advice"))
    assert [hit.service_id for hit in results.hits] == ["exact", "richer"]
    assert results.hits[0].score > results.hits[1].score > 0
    engine.close()


def test_a_page_says_which_page_it_is_and_the_words_searched_for(engine):
    results = engine.search(SearchRequest(text="General support", per_page=1, page=2))
    assert (results.page, results.per_page, len(results.hits)) == (2, 1, 1)
    assert results.words == ["general", "support"]
    assert all(hit.score == 0.0 for hit in engine.search(SearchRequest(needs=("general-victim-support",))).hits)
