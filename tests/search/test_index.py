"""The index is a cache built aside and swapped in: it never half-exists."""

import json

import pytest
from whoosh.util.filelock import FileLock

from search import SearchEngine, SearchRequest
from search.index import SCHEMA_VERSION
from search.query import term_masks

from .documents import document

SYNONYMS = "data/synonyms.txt"


@pytest.fixture
def engine(tmp_path):
    engine = SearchEngine(tmp_path / "index", SYNONYMS)
    yield engine
    engine.close()


def found(engine, text="", **filters):
    return [hit.service_id for hit in engine.search(SearchRequest(text=text, **filters)).hits]


def test_a_missing_index_is_not_usable(engine):
    assert not engine.is_usable()


def test_an_index_of_another_schema_version_is_not_usable(engine):
    engine.rebuild([document("a", "Advice line")])
    current = engine.index.root / "CURRENT"
    data = json.loads(current.read_text())
    current.write_text(json.dumps({**data, "schema_version": SCHEMA_VERSION - 1}))
    assert not engine.is_usable()


def test_a_crash_mid_rebuild_leaves_the_previous_index_answering(engine):
    engine.rebuild([document("a", "Advice line")])

    def documents_then_crash():
        yield document("b", "Befriending service")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        engine.rebuild(documents_then_crash())
    assert engine.is_usable()
    assert found(engine, "advice") == ["a"]
    assert found(engine, "befriending") == []
    assert len(list(engine.index.root.glob("gen-*"))) == 1


def test_a_rebuild_is_seen_by_a_searcher_opened_before_it(engine):
    engine.rebuild([document("a", "Advice line")])
    assert found(engine, "advice") == ["a"]
    engine.rebuild([document("b", "Advice centre")])
    assert found(engine, "advice") == ["b"]


def test_old_generations_are_removed_but_the_previous_one_is_kept(engine):
    for name in ("One", "Two", "Three", "Four"):
        engine.rebuild([document(name.lower(), f"{name} service")])
    assert len(list(engine.index.root.glob("gen-*"))) == 2


def test_updates_and_deletions_show_in_the_next_search(engine):
    engine.rebuild([document("a", "Advice line")])
    assert found(engine, "advice") == ["a"]
    engine.upsert(document("a", "Counselling service"))
    engine.upsert(document("b", "Advice centre"))
    assert found(engine, "advice") == ["b"]
    assert found(engine, "counselling") == ["a"]
    engine.delete("b")
    assert found(engine, "advice") == []


def test_the_callers_position_is_kept_with_the_documents(engine):
    engine.rebuild([document("a", "Advice line")], {"seq": 1})
    assert engine.position() == {"seq": 1}
    engine.apply([document("b", "Advice centre")], ["a"], {"seq": 3})
    assert engine.position() == {"seq": 3} and found(engine, "advice") == ["b"]
    engine.rebuild([document("a", "Advice line")])
    assert engine.position() is None  # a generation built without one has none


def test_only_one_process_at_a_time_brings_one_folder_up_to_date(engine):
    engine.rebuild([document("a", "Advice line")], {"seq": 1})
    other_process = FileLock(str(engine.index.root / "FOLLOW"))
    assert other_process.acquire()
    try:
        with engine.following(wait_seconds=0.1) as held:
            assert not held
    finally:
        other_process.release()
    with engine.following(wait_seconds=0) as held:
        assert held and not other_process.acquire()
    assert other_process.acquire()
    other_process.release()


def test_a_folder_keeps_its_identity_across_rebuilds(engine):
    identity = engine.identity()
    engine.rebuild([document("a", "Advice line")])
    assert engine.identity() == identity and len(identity) == 32


def test_fingerprint_counts_documents_and_keeps_the_newest_change(engine):
    engine.rebuild([document("a", "Advice", modified=1000), document("b", "Befriending", modified=5000)])
    fingerprint = engine.fingerprint()
    assert (fingerprint.count, fingerprint.last_modified_ms) == (2, 5000)


def test_term_masks_stay_bounded_whatever_is_typed(engine, monkeypatch):
    from search import masks as masks_module

    monkeypatch.setattr(masks_module, "CACHE_BYTES", 0)
    engine.rebuild([document(f"s{n}", f"Service {n}", description=f"word{n}") for n in range(200)])
    for n in range(200):
        found(engine, f"word{n}")
        found(engine, f"nonsense{n}")
    masks = term_masks(engine.index, engine.index.searcher())
    assert 0 < len(masks) <= 64
    assert found(engine, "word7") == ["s7"]  # a forgotten mask is simply made again


def test_a_rebuild_in_several_processes_answers_as_one_in_this_process(tmp_path):
    """Big directories are rebuilt by Whoosh's multiprocess writer: the same documents, the same answers."""
    documents = [document(f"s{number:03}", f"Service {number}", description=f"{word} support", needs="fraud")
                 for number, word in enumerate(["debt advice", "rape crisis", "stalking", "fraud"] * 60)]
    answers = []
    for processes in (1, 2):
        engine = SearchEngine(tmp_path / f"index-{processes}", SYNONYMS)
        assert engine.rebuild(iter(documents), processes) == len(documents)
        answers.append([[hit.service_id for hit in engine.all_matching(SearchRequest(text=text))]
                        for text in ("rape", "stalking support", "fraud", "service 42", "")])
        engine.close()
    assert answers[0] == answers[1] and all(answers[0][:4])
