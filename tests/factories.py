"""Small factory functions: each test builds just the directory it needs, in a real database."""

import re
import struct
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pyotp
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from directory.accounts import users as accounts
from directory.accounts.second_factor import SecondFactor
from directory.listings.queries import AUDIENCE_TAXONOMY, DELIVERY_TAXONOMY, NEEDS_TAXONOMY
from directory.models import (
    Address,
    Attribute,
    ImmigrationStatus,
    Language,
    Location,
    Organization,
    Phone,
    Role,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    User,
)

_LINK_TYPES = {NEEDS_TAXONOMY: "need", AUDIENCE_TAXONOMY: "audience", DELIVERY_TAXONOMY: "delivery"}


def make_organization(session: Session, name: str = "Sussex Support Trust") -> Organization:
    organization = Organization(name=name, description=f"{name} helps people in Sussex.")
    session.add(organization)
    session.flush()
    return organization


def term(session: Session, taxonomy_name: str, code: str, name: str | None = None) -> TaxonomyTerm:
    """The term with this code, created (with its taxonomy) on first use."""
    taxonomy = session.exec(select(Taxonomy).where(Taxonomy.name == taxonomy_name)).first()
    if taxonomy is None:
        taxonomy = Taxonomy(name=taxonomy_name, description=taxonomy_name)
        session.add(taxonomy)
        session.flush()
    existing = session.exec(
        select(TaxonomyTerm).where(TaxonomyTerm.taxonomy_id == taxonomy.id, TaxonomyTerm.code == code)
    ).first()
    if existing:
        return existing
    created = TaxonomyTerm(code=code, name=name or code.replace("-", " ").capitalize(), description=code,
                           taxonomy=taxonomy_name, taxonomy_id=taxonomy.id)
    session.add(created)
    session.flush()
    return created


def make_service(
    session: Session,
    name: str = "Example support service",
    *,
    organization: Organization | None = None,
    description: str = "Practical and emotional support.",
    needs: dict[str, str] | None = None,
    audience: tuple[str, ...] = (),
    delivery: tuple[str, ...] = ("phone",),
    languages: dict[str, str] | None = None,
    address: tuple[str, str, str] | None = None,
    point: tuple[float, float] | None = None,
    phone: str = "01632 960001",
    **fields,
) -> Service:
    """A service with its links; `fields` sets any Service column (flags, status, …)."""
    organization = organization or make_organization(session)
    defaults = {
        "status": ServiceStatus.ACTIVE,
        "immigration_status": ImmigrationStatus.UNKNOWN,
        "last_modified": datetime.now(timezone.utc),
        "last_verified_on": date(2026, 10, 1),
    }
    service = Service(organization_id=organization.id, name=name, description=description, **{**defaults, **fields})
    session.add(service)
    session.flush()
    session.add(Phone(service_id=service.id, number=phone, type="voice"))
    for taxonomy_name, codes in (
        (NEEDS_TAXONOMY, (needs or {"general-victim-support": "Support after any crime"})),
        (AUDIENCE_TAXONOMY, {code: None for code in audience}),
        (DELIVERY_TAXONOMY, {code: None for code in delivery}),
    ):
        for code, term_name in codes.items():
            session.add(Attribute(link_id=service.id, link_entity="service", link_type=_LINK_TYPES[taxonomy_name],
                                  taxonomy_term_id=term(session, taxonomy_name, code, term_name).id))
    for code, language_name in (languages or {"en": "English"}).items():
        session.add(Language(service_id=service.id, code=code, name=language_name))
    session.add(ServiceArea(service_id=service.id, name="Sussex"))
    if address or point:
        location = Location(organization_id=organization.id, name=name,
                            latitude=point[0] if point else None, longitude=point[1] if point else None)
        session.add(location)
        session.flush()
        if address:
            street, town, postcode = address
            session.add(Address(location_id=location.id, address_1=street, city=town,
                                state_province="East Sussex", postal_code=postcode))
        session.add(ServiceAtLocation(service_id=service.id, location_id=location.id))
    session.flush()
    session.expire(service)
    return service


PASSWORD = "a long test password"
# Every test account's authenticator app, so the sign-in helpers can type a current code.
SECOND_FACTOR_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_user(session: Session, role: Role = Role.EDITOR, email: str | None = None, name: str | None = None,
              second_factor: bool = True) -> User:
    """An account with the shared test PASSWORD and (unless told) an authenticator app set up with
    SECOND_FACTOR_SECRET, committed so the app's own sessions see it."""
    user = accounts.create_user(session, email or f"{role.value}@example.org", name or f"Test {role.value}", role,
                                PASSWORD)
    if second_factor:
        session.add(SecondFactor(user_id=user.id, secret=SECOND_FACTOR_SECRET, confirmed_at=datetime.now(timezone.utc)))
    session.commit()
    return user


def current_code(secret: str = SECOND_FACTOR_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def forget_last_code(engine, email: str) -> None:
    """Let a test account use the current code again: tests sign one person in many times a minute, which
    replay protection (tested on its own) would refuse."""
    with Session(engine) as session:
        user = accounts.find_by_email(session, email)
        factor = session.get(SecondFactor, user.id) if user else None
        if factor is not None:
            factor.last_used_step = None
            session.commit()


def csrf_token(client, path: str) -> str:
    """The CSRF token a GET of `path` puts in its form (the session cookie travels with the client)."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, user: User, password: str = PASSWORD, secret: str = SECOND_FACTOR_SECRET):
    """Sign in through the real forms, the authenticator-app code too (set up on the way if the account has none);
    returns the response to the last POST."""
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": user.email,
                                           "password": password})
    step = response.headers.get("Location", "")
    if step == "/login/code":
        forget_last_code(client.application.extensions["database"], user.email)
        return client.post(step, data={"csrf_token": csrf_token(client, step), "code": current_code(secret)})
    if step == "/login/set-up":
        page = client.get(step).get_data(as_text=True)
        key = re.search(r'id="second-factor-key">([A-Z2-7]+)<', page).group(1)
        return client.post(step, data={"csrf_token": csrf_token(client, step), "code": current_code(key)})
    return response


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the forms of a page (no JavaScript)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    fields.append((name, attrs.get("value", "on")))
            else:
                fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, None, None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in attrs:
                self._select[1] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, selected, first = self._select
            self.forms[-1]["fields"].append((name, selected if selected is not None else first))
            self._select = None


def page_form(html: str, index: int = -1) -> MultiDict:
    """The fields of one form on a page (the last by default), as a browser would send them."""
    reader = _FormReader()
    reader.feed(html)
    return MultiDict(reader.forms[index]["fields"])


def with_false_size(data: bytes, name: str, claimed: int) -> bytes:
    """The zip, with the unzipped size it states for `name` changed to `claimed` (local and central headers)."""
    data, encoded = bytearray(data), name.encode()
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = data.find(signature)
        while start != -1:
            length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if data[start + name_at:start + name_at + length] == encoded:
                struct.pack_into("<I", data, start + size_at, claimed)
            start = data.find(signature, start + 4)
    return bytes(data)
