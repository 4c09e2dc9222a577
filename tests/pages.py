"""Pages read as a person reads them: the rows, tags and badges they show."""

from html.parser import HTMLParser


class AnswerRows(HTMLParser):
    """Each summary-list row of a service page: its question, the answer's tag, and the rest of the row."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: dict[str, dict] = {}
        self._cell = self._question = None
        self._in_value = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "govuk-summary-list__key" in classes:
            self._cell = "question"
        elif "govuk-summary-list__value" in classes:
            self._in_value = True
        elif not (self._in_value and self._question):
            return
        elif "govuk-tag" in classes:
            self._cell = "answer"
            self.rows[self._question]["tag"] = classes[-1]
        elif tag == "p" and "app-checked" in classes:
            self._cell = "checked"
        elif tag == "p":
            self._cell = "note"

    def handle_endtag(self, tag):
        if tag == "dd":
            self._in_value = False

    def handle_data(self, data):
        text = data.strip()
        if not text or not self._cell:
            return
        if self._cell == "question":
            self._question = text
            self.rows[text] = {}
        else:
            self.rows[self._question][self._cell] = text
        self._cell = None


class Badges(HTMLParser):
    """The "Confirmed by the service" labels of each result on a results page, by service name."""

    def __init__(self, html: str):
        super().__init__()
        self.by_service: dict[str, list[str]] = {}
        self._service = None
        self._reading = None
        self._in_badges = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "a" and (attributes.get("href") or "").startswith("/services/"):
            self._reading = "name"
        elif tag == "ul" and "app-flag-list" in classes:
            self._in_badges = True
        elif tag == "strong" and "govuk-tag" in classes and self._in_badges:
            self._reading = "badge"

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_badges = False

    def handle_data(self, data):
        text = data.strip()
        if not text or not self._reading:
            return
        if self._reading == "name":
            self._service = text
            self.by_service[text] = []
        else:
            self.by_service[self._service].append(text)
        self._reading = None


class Tables(HTMLParser):
    """Each table of a page by its caption: the rows of its body as (heading, cell) pairs, and its footer's."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: dict[str, list[tuple[str, str]]] = {}
        self.footers: dict[str, list[tuple[str, str]]] = {}
        self._caption = self._part = self._reading = None
        self._row: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in {"caption", "th", "td"}:
            self._reading = tag
        elif tag in {"tbody", "tfoot"}:
            self._part = self.rows if tag == "tbody" else self.footers
            self._part[self._caption] = []
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag in {"caption", "th", "td"}:
            self._reading = None
        elif tag in {"tbody", "tfoot"}:
            self._part = None
        elif tag == "tr" and self._part is not None and len(self._row) == 2:
            self._part[self._caption].append(tuple(self._row))

    def handle_data(self, data):
        text = data.strip()
        if not text or not self._reading:
            return
        if self._reading == "caption":
            self._caption = text
        else:
            self._row.append(text)


class SummaryCards(HTMLParser):
    """Each GOV.UK summary card by its title: its rows as key → the paragraphs of the value, as read."""

    def __init__(self, html: str):
        super().__init__()
        self.cards: dict[str, dict[str, list[str]]] = {}
        self._card = self._key = None
        self._reading = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "govuk-summary-card__title" in classes:
            self._reading, self._text = "title", ""
        elif "govuk-summary-list__key" in classes and self._card:
            self._reading, self._text = "key", ""
        elif tag == "p" and self._key:
            self._reading, self._text = "value", ""

    def handle_endtag(self, tag):
        if self._reading == "title" and tag == "h3":
            self._card = self._text.strip()
            self.cards[self._card] = {}
        elif self._reading == "key" and tag == "dt":
            self._key = self._text.strip()
            self.cards[self._card][self._key] = []
        elif self._reading == "value" and tag == "p":
            self.cards[self._card][self._key].append(" ".join(self._text.split()))
        elif tag == "dd":
            self._key = None
        else:
            return
        self._reading = None

    def handle_data(self, data):
        if self._reading:
            self._text += data


class ChangeTables(HTMLParser):
    """The tables of differences on a history page, newest change first: each a list of (field, before, after)."""

    def __init__(self, html: str):
        super().__init__()
        self.changes: list[list[tuple[str, ...]]] = []
        self._in_body = False
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
            self.changes.append([])
        elif self._in_body and tag == "tr":
            self._row = []
        elif self._in_body and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif self._in_body and tag in ("th", "td"):
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self._in_body and tag == "tr":
            self.changes[-1].append(tuple(self._row))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


class TaskList(HTMLParser):
    """GOV.UK task list rows by title: where each links, its hint and its status (a tag's words, or plain words)."""

    _PARTS = {"govuk-task-list__link": "title", "govuk-task-list__hint": "hint", "govuk-task-list__status": "status"}

    def __init__(self, html: str):
        super().__init__()
        self.rows: dict[str, dict] = {}
        self._row: dict = {}
        self._part = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "govuk-task-list__item" in classes:
            self._row = {"hint": None}
        for name, part in self._PARTS.items():
            if name in classes:
                self._part = part
                if tag == "a":
                    self._row["href"] = attributes["href"]
        if self._part == "status" and "govuk-tag" in classes:
            self._row["tag"] = classes[-1]

    def handle_endtag(self, tag):
        if tag in ("a", "div"):
            self._part = None

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and self._part:
            self._row[self._part] = text
            if self._part == "title":
                self.rows[text] = self._row


class SummaryRows(HTMLParser):
    """Each GOV.UK summary-list row of a page: its key, and the lines of its value."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._key: str | None = None
        self._reading = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "govuk-summary-list__key" in classes:
            self._reading = "key"
        elif "govuk-summary-list__value" in classes:
            self._reading = "value"
            self.rows[self._key] = []

    def handle_endtag(self, tag):
        if tag in ("dt", "dd"):
            self._reading = None

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and self._reading == "key":
            self._key = text
        elif text and self._reading == "value":
            self.rows[self._key].append(text)
