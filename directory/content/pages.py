"""Editable pages of plain words, one text per language, shipped with a checked default.

The bundled text (data/pages/<slug>/<language>.md) is what a fresh install shows; an editor's
change is kept in the database, with the change history, and wins from then on. Each language is
edited on its own: when the English changes, the other languages say when they were last edited
so an editor can see which need a translator. Text is Markdown without HTML (markdown-it-py):
editors can write headings, lists and links, and nothing that runs in a visitor's browser.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markdown_it import MarkdownIt
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from directory.history import record
from directory.languages import LANGUAGES, N_, Language
from directory.models import User, utc_now

PAGES_DIR = Path(__file__).resolve().parents[2] / "data" / "pages"
MAX_BODY = 20_000


@dataclass(frozen=True)
class PageKind:
    slug: str  # the address (/if-you-tell-the-police) and the folder of its bundled texts
    purpose: str  # for editors: what the page must say, and where its facts come from


PAGE_KINDS = (
    PageKind("if-you-tell-the-police", N_("If you tell the police: what happens to your information")),
    PageKind("help-without-the-police", N_("Getting help without going to a police station")),
)
BY_SLUG = {kind.slug: kind for kind in PAGE_KINDS}


class ContentPage(SQLModel, table=True):
    """An editor's text of one page in one language; absent, the bundled text is shown."""

    __tablename__ = "content_page"
    __table_args__ = (UniqueConstraint("slug", "language"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slug: str = Field(max_length=60)
    language: str = Field(max_length=8)
    title: str = Field(max_length=200)
    body: str
    updated_at: datetime = Field(default_factory=utc_now)
    updated_by: str = Field(max_length=255)


@dataclass(frozen=True)
class PageText:
    slug: str
    language: str  # the language the text is in: English when the page has none of its own yet
    title: str
    body: str
    updated_at: datetime | None = None  # None: the bundled text
    updated_by: str | None = None

    @property
    def html(self) -> str:
        return _markdown.render(self.body)


# CommonMark without raw HTML: what an editor writes is escaped, and markdown-it refuses javascript: links.
_markdown = MarkdownIt("commonmark", {"html": False})


def bundled(slug: str, language: str) -> PageText | None:
    """The shipped text: its first line is the title ("# …"), the rest the body."""
    path = PAGES_DIR / slug / f"{language}.md"
    if not path.exists():
        return None
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return PageText(slug, language, title.removeprefix("#").strip(), body.strip())


def page_text(session: Session, slug: str, language: str) -> PageText | None:
    """The page in a language: the editor's text, else the bundled one, else the English."""
    if slug not in BY_SLUG:
        return None
    for code in dict.fromkeys((language, "en")):
        row = session.exec(select(ContentPage).where(ContentPage.slug == slug, ContentPage.language == code)).first()
        if row:
            return PageText(slug, code, row.title, row.body, row.updated_at, row.updated_by)
        text = bundled(slug, code)
        if text:
            return text
    return None


def save_page(session: Session, slug: str, language: Language, title: str, body: str, user: User) -> ContentPage:
    """An editor's text of a page, with its before and after in the change history."""
    before = page_text(session, slug, language.code)
    row = session.exec(
        select(ContentPage).where(ContentPage.slug == slug, ContentPage.language == language.code)).first()
    if row is None:
        row = ContentPage(slug=slug, language=language.code, title=title, body=body, updated_by=user.name)
    row.title, row.body, row.updated_at, row.updated_by = title, body, utc_now(), user.name
    session.add(row)
    session.flush()
    record(session, entity_type="page", entity_id=row.id, entity_name=f"{title} ({language.english_name})",
           action="updated", user=user,
           before={"title": before.title, "body": before.body} if before and before.language == language.code else None,
           after={"title": title, "body": body})
    return row


@dataclass(frozen=True)
class PageVersion:
    """One language of one page, as the editors' list shows it."""

    kind: PageKind
    language: Language
    text: PageText | None  # None: no text in this language, the English is shown

    @property
    def edited(self) -> bool:
        return self.text is not None and self.text.updated_at is not None


def page_versions(session: Session) -> list[PageVersion]:
    rows = {(row.slug, row.language): row for row in session.exec(select(ContentPage))}
    versions = []
    for kind in PAGE_KINDS:
        for language in LANGUAGES:
            row = rows.get((kind.slug, language.code))
            text = (PageText(kind.slug, language.code, row.title, row.body, row.updated_at, row.updated_by)
                    if row else bundled(kind.slug, language.code))
            versions.append(PageVersion(kind, language, text))
    return versions
