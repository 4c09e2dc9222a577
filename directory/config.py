"""Configuration from the environment, with defaults that work offline on a laptop."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from directory.pathway.rules import PolicySettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _pathway_policy() -> dict:
    """The force's pathway settings, checked here so a mistyped value stops the app starting, not a pathway.

    RISK_TOOL: the domestic abuse risk assessment the force uses, DASH (SafeLives) or DARA (College of Policing).
    PROTECTIVE_ORDERS: DVPN where Domestic Violence Protection Notices still apply, DAPN where Domestic Abuse
    Protection Notices are in force; then DAPN_IN_FORCE_FROM is the date they came in here (YYYY-MM-DD).
    """
    settings = {"RISK_TOOL": os.environ.get("RISK_TOOL", "DASH").strip().upper(),
                "PROTECTIVE_ORDERS": os.environ.get("PROTECTIVE_ORDERS", "DVPN").strip().upper(),
                "DAPN_IN_FORCE_FROM": os.environ.get("DAPN_IN_FORCE_FROM", "").strip() or None}
    try:
        PolicySettings.from_config(settings)
    except ValueError as error:  # date.fromisoformat's message names no setting
        raise ValueError(f"Pathway settings: {error}. DAPN_IN_FORCE_FROM is a date like 2025-04-01.") from error
    return settings


def from_environment(instance_path: str) -> dict:
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'directory.sqlite'}"),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR", str(instance / "search-index")),
        "LOAD_SAMPLE_DATA": _flag("LOAD_SAMPLE_DATA", True),
        # Ofcom's drama numbers (used by the sample data) are accepted only alongside the sample.
        "ACCEPT_FICTIONAL_PHONE_NUMBERS": _flag("ACCEPT_FICTIONAL_PHONE_NUMBERS", _flag("LOAD_SAMPLE_DATA", True)),
        "SAMPLE_DATA_DIR": os.environ.get("SAMPLE_DATA_DIR", str(PROJECT_ROOT / "data" / "sample")),
        "SYNONYMS_FILE": str(PROJECT_ROOT / "data" / "synonyms.txt"),
        "GAZETTEER_DIR": str(PROJECT_ROOT / "data" / "gazetteer"),
        # Where "Exit this page" sends people: a neutral, busy site.
        "EXIT_URL": os.environ.get("EXIT_URL", "https://www.bbc.co.uk/weather"),
        "RESULTS_PER_PAGE": int(os.environ.get("RESULTS_PER_PAGE", "20")),
        "API_TITLE": os.environ.get("API_TITLE", "Safe Space Directory: Sussex victim support services"),
        # Online geocoding is off unless set: GEOCODER=nominatim plus a user agent.
        "GEOCODER": os.environ.get("GEOCODER") or None,
        "GEOCODER_USER_AGENT": os.environ.get("GEOCODER_USER_AGENT") or None,
        "GEOCODER_DOMAIN": os.environ.get("GEOCODER_DOMAIN") or None,
        # Staff sessions: Secure unless SESSION_COOKIE_SECURE=false (plain http on a laptop).
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "ssd_session",
        "STAFF_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("STAFF_SESSION_HOURS", "8"))),
        # Admins, policy approvers and editors always need an authenticator app at sign-in; officers
        # too unless OFFICER_SECOND_FACTOR=false (a force whose officers sign in from managed devices).
        "OFFICER_SECOND_FACTOR": _flag("OFFICER_SECOND_FACTOR", True),
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", True),
        # One shared store (e.g. redis://host:6379) when several workers must share the limits.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "THROTTLING": _flag("THROTTLING", True),
        # Behind one reverse proxy (TLS offload): trust its X-Forwarded-For/-Proto/-Host, so
        # throttling counts per visitor and the support card's QR link has the public address.
        "BEHIND_PROXY": _flag("BEHIND_PROXY", False),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        # Uploads wait here between an import's dry run and its apply.
        "IMPORT_UPLOAD_DIR": os.environ.get("IMPORT_UPLOAD_DIR", str(instance / "uploads")),
        # The data package descriptor exports are written to (our HSDS columns and their meaning).
        "EXPORT_DESCRIPTOR": str(PROJECT_ROOT / "data" / "sample" / "datapackage.json"),
        # Listings not verified for this long are due for review; twice as long shows a notice.
        "REVIEW_PERIOD_MONTHS": int(os.environ.get("REVIEW_PERIOD_MONTHS", "6")),
        # The officer's tools: the shipped pathway rules, the support card's wording and links.
        "PATHWAY_RULES_FILE": str(PROJECT_ROOT / "data" / "pathway_rules.toml"),
        "CARD_PHRASES_FILE": str(PROJECT_ROOT / "data" / "card_phrases.toml"),
        "HARM_WORDS_FILE": str(PROJECT_ROOT / "data" / "harm_words.toml"),
        # What the force has decided for the pathway (see _pathway_policy).
        **_pathway_policy(),
        "SHORTLIST_DAYS": int(os.environ.get("SHORTLIST_DAYS", "30")),
        "REFERRAL_RETENTION_MONTHS": int(os.environ.get("REFERRAL_RETENTION_MONTHS", "24")),
    }
