"""The catalogues CI ships: the template holds every string the site marks, and every shipped language
translates all of it, its taxonomy labels and its plain-words pages (draft or checked, never half done)."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from directory.content.pages import PAGE_KINDS, PAGES_DIR
from directory.languages import TEMPLATE, TRANSLATED, completeness, sign_offs

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TERMS = ROOT / "data" / "sample" / "taxonomy_terms.csv"


def message_ids(path: Path) -> set:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def test_the_template_holds_every_string_the_site_marks(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run([str(ROOT / "tools" / "catalogues.sh"), "extract", str(fresh)], check=True, cwd=ROOT,
                   env={"BIN": str(Path(sys.executable).parent), "PATH": "/usr/bin:/bin"})
    assert message_ids(fresh) == message_ids(TEMPLATE), "run tools/catalogues.sh update (make catalogues)"


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda language: language.code)
def test_every_shipped_language_translates_everything(language):
    with SAMPLE_TERMS.open(encoding="utf-8", newline="") as handle:
        codes = tuple(row["code"] for row in csv.DictReader(handle))
    found = completeness(language, codes, tuple(kind.slug for kind in PAGE_KINDS), PAGES_DIR)
    assert found.problems == (), "\n".join(found.problems)
    assert found.translated == found.total > 200


def test_sign_offs_name_shipped_languages_and_a_digest():
    shipped = {language.code for language in TRANSLATED}
    for code, sign_off in sign_offs().items():
        assert code in shipped and len(sign_off.digest) == 16 and sign_off.translator
