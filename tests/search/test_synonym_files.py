"""The synonym files as shipped: English groups, and victims' languages joining them."""

from pathlib import Path

import pytest

from directory.languages import TRANSLATED
from search.synonyms import SynonymFileError, SynonymTable, normalise_words, read_lines, word_stem

DATA = Path(__file__).resolve().parent.parent.parent / "data"
LANGUAGES = tuple(language.code for language in TRANSLATED)  # every language the public site speaks
NEEDS = ("domestic abuse", "rape", "modern slavery", "forced marriage", "honour based abuse", "fgm", "stalking",
         "refuge", "asylum", "interpreter", "children", "hate crime", "mental health")


@pytest.fixture(scope="module")
def english():
    return SynonymTable.from_files(DATA / "synonyms.txt")


@pytest.fixture(scope="module")
def table():
    return SynonymTable.from_files(DATA / "synonyms.txt", DATA / "synonyms")


def test_there_is_a_file_for_each_victims_language():
    assert {path.stem for path in (DATA / "synonyms").glob("*.txt")} == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_names_an_english_phrase_of_exactly_one_group(english, language):
    for line in read_lines(DATA / "synonyms" / f"{language}.txt"):
        groups = {english.group_of_phrase(member) for member in line.members} - {None}
        assert len(groups) == 1, f"{line.where} joins {len(groups)} English groups"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_covers_the_top_needs(table, language):
    lines = read_lines(DATA / "synonyms" / f"{language}.txt")
    covered = {table.group_of_phrase(line.members[0]) for line in lines}
    assert {table.group_of_phrase(need) for need in NEEDS} <= covered


def test_languages_join_groups_but_never_merge_two_english_groups(english, table):
    english_lines = read_lines(DATA / "synonyms.txt")
    before = {english.group_of_phrase(line.members[0]) for line in english_lines}
    after = {table.group_of_phrase(line.members[0]) for line in english_lines}
    assert len(after) == len(before)


def test_a_foreign_phrase_finds_the_group_of_its_english_member(table):
    dv = table.group_of_phrase("domestic abuse")
    for phrase in ("przemoc domowa", "家庭暴力", "العنف الأسري", "ዓመጽ ኣብ ገዛ", "домашнє насильство", "পারিবারিক সহিংসতা"):
        assert table.group_of_phrase(phrase) == dv, phrase


def test_a_line_naming_no_english_phrase_is_refused_with_where_it_is(tmp_path):
    (tmp_path / "pl.txt").write_text("przemoc domowa, przemoc w rodzinie\n", encoding="utf-8")
    with pytest.raises(SynonymFileError, match="pl.txt:1"):
        SynonymTable.from_files(DATA / "synonyms.txt", tmp_path)


def test_the_table_fingerprint_changes_when_a_language_file_changes(tmp_path):
    (tmp_path / "pl.txt").write_text("przemoc domowa, domestic abuse\n", encoding="utf-8")
    first = SynonymTable.from_files(DATA / "synonyms.txt", tmp_path).fingerprint
    (tmp_path / "pl.txt").write_text("przemoc domowa, przemoc w rodzinie, domestic abuse\n", encoding="utf-8")
    assert SynonymTable.from_files(DATA / "synonyms.txt", tmp_path).fingerprint != first


def test_narrower_phrases_imply_broader_groups_one_way():
    table = SynonymTable.from_files(DATA / "synonyms.txt")
    strangled = table.split(["strangled"])[0]
    assert table.group_of_phrase("domestic abuse") in strangled.implies
    assert table.split(["domestic", "abuse"])[0].implies == ()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("الْعُنْفُ الأُسَرِيّ", ["العنف", "الاسري"]),  # short vowels and hamza seats folded
        ("خشونت خانگی", ["خشونت", "خانگي"]),  # Persian yeh and Arabic yeh are one letter
        ("পারিবারিক সহিংসতা", ["পারিবারিক", "সহিংসতা"]),  # vowel signs stay inside the word
        ("ዓመጽ፡ኣብ ገዛ", ["ዓመጽ", "ኣብ", "ገዛ"]),  # the Ge'ez word separator separates
        ("我遭受家庭暴力", ["我", "遭", "受", "家", "庭", "暴", "力"]),  # Han characters one by one
        ("Przemoc DOMOWA", ["przemoc", "domowa"]),
    ],
)
def test_words_are_normalised_in_every_script(text, words):
    assert normalise_words(text) == words


def test_the_english_stemmer_leaves_words_of_other_scripts_alone():
    for path in (DATA / "synonyms").glob("*.txt"):
        for line in read_lines(path):
            for member in line.members:
                for word in normalise_words(member):
                    if not word.isascii():
                        assert word_stem(word) == word
