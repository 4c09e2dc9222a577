"""Configuration from the environment, with defaults that work offline on a laptop."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from directory.pathway.rules import PolicySettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


MIN_SECRET_KEY_LENGTH = 32


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/.

    In production (no sample data) it must be set, and long and random: it signs staff sessions
    and support-card links, so a guessable key lets anyone sign themselves in as an admin. (A key
    generated on one server would also differ from the next server's.)
    """
    key = os.environ.get("SECRET_KEY", "")
    if not flag("LOAD_SAMPLE_DATA", True) and (len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 10):
        raise ValueError(f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters "
                         "in production, like the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'")
    if key:
        return key
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


def several_workers_problem(workers: int) -> str | None:
    """Why this many workers must not start with these throttling settings, or None.

    Flask-Limiter's memory:// store counts in each process: with N workers every limit is N times
    what it says (security review F3). gunicorn.conf.py asks this before starting any worker.
    """
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    if workers > 1 and flag("THROTTLING", True) and storage.startswith("memory://"):
        return (f"{workers} workers would each count sign-in and form limits on their own (RATELIMIT_STORAGE_URI "
                "is memory://). Set RATELIMIT_STORAGE_URI=redis://host:6379 (pip install '.[server]'), "
                "or run one worker with WEB_CONCURRENCY=1.")
    return None


def _trusted_hosts() -> list[str] | None:
    """The host names this site answers to (TRUSTED_HOSTS, comma-separated), else SERVER_NAME's; None trusts any.

    Absolute links (the API root's, the support card's QR code) are built from the Host header,
    which anyone can forge: with this set, a request for another host gets a 400.
    """
    names = os.environ.get("TRUSTED_HOSTS") or os.environ.get("SERVER_NAME", "").split(":")[0]
    return [name.strip() for name in names.split(",") if name.strip()] or None


def from_environment(instance_path: str) -> dict:
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    secure = flag("SESSION_COOKIE_SECURE", True)
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'directory.sqlite'}"),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR", str(instance / "search-index")),
        # An app host's index not seen this long stops holding back pruning of the change log
        # (it rebuilds if it comes back).
        "SEARCH_INDEX_FORGET_DAYS": int(os.environ.get("SEARCH_INDEX_FORGET_DAYS", "7")),
        "LOAD_SAMPLE_DATA": flag("LOAD_SAMPLE_DATA", True),
        # Ofcom's drama numbers (used by the sample data) are accepted only alongside the sample.
        "ACCEPT_FICTIONAL_PHONE_NUMBERS": flag("ACCEPT_FICTIONAL_PHONE_NUMBERS", flag("LOAD_SAMPLE_DATA", True)),
        "SAMPLE_DATA_DIR": os.environ.get("SAMPLE_DATA_DIR", str(PROJECT_ROOT / "data" / "sample")),
        "SYNONYMS_FILE": str(PROJECT_ROOT / "data" / "synonyms.txt"),
        # Qualified translators' sign-offs, reviewed and shipped with the catalogues (see directory/languages.py).
        "TRANSLATION_SIGN_OFFS": str(PROJECT_ROOT / "data" / "translations" / "sign_offs.toml"),
        # Victims' languages: one file per language code, each line joining phrases to an English group.
        "SYNONYMS_DIR": str(PROJECT_ROOT / "data" / "synonyms"),
        "GAZETTEER_DIR": str(PROJECT_ROOT / "data" / "gazetteer"),
        # The stylesheet, script and icon `npm run build` writes, with their manifest.json.
        "ASSETS_DIR": str(PROJECT_ROOT / "static" / "build"),
        # Where "Exit this page" sends people: a neutral, busy site.
        "EXIT_URL": os.environ.get("EXIT_URL", "https://www.bbc.co.uk/weather"),
        "RESULTS_PER_PAGE": int(os.environ.get("RESULTS_PER_PAGE", "20")),
        # Public pages each worker keeps for up to a minute (directory/web/page_cache.py); 0 keeps none.
        "PAGE_CACHE_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "300")),
        "API_TITLE": os.environ.get("API_TITLE", "Safe Space Directory: Sussex victim support services"),
        # Online geocoding is off unless set: GEOCODER=nominatim plus a user agent.
        "GEOCODER": os.environ.get("GEOCODER") or None,
        "GEOCODER_USER_AGENT": os.environ.get("GEOCODER_USER_AGENT") or None,
        "GEOCODER_DOMAIN": os.environ.get("GEOCODER_DOMAIN") or None,
        # Staff sessions: Secure unless SESSION_COOKIE_SECURE=false (plain http on a laptop). The
        # __Host- prefix makes browsers refuse the cookie unless it is Secure, for this host only.
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-ssd_session" if secure else "ssd_session",
        "STAFF_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("STAFF_SESSION_HOURS", "8"))),
        # A sign-in left unused this long ends, so an unattended screen does not stay signed in all shift.
        "STAFF_IDLE_LIFETIME": timedelta(minutes=int(os.environ.get("STAFF_IDLE_MINUTES", "30"))),
        "REMEMBER_COOKIE_SECURE": secure,
        # Browsers keep to HTTPS for this long once they have seen the site over it (0: no HSTS header).
        "HSTS_SECONDS": int(os.environ.get("HSTS_SECONDS", "31536000" if secure else "0")),
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        "TRUSTED_HOSTS": _trusted_hosts(),
        # Admins, policy approvers and editors always need an authenticator app at sign-in; officers
        # too unless OFFICER_SECOND_FACTOR=false (a force whose officers sign in from managed devices).
        "OFFICER_SECOND_FACTOR": flag("OFFICER_SECOND_FACTOR", True),
        # One shared store (e.g. redis://host:6379) when several workers must share the limits.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "THROTTLING": flag("THROTTLING", True),
        # Behind one reverse proxy (TLS offload): trust its X-Forwarded-For/-Proto/-Host, so
        # throttling counts per visitor and the support card's QR link has the public address.
        "BEHIND_PROXY": flag("BEHIND_PROXY", False),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        # Uploads wait here between an import's dry run and its apply.
        "IMPORT_UPLOAD_DIR": os.environ.get("IMPORT_UPLOAD_DIR", str(instance / "uploads")),
        # The data package descriptor exports are written to (our HSDS columns and their meaning).
        "EXPORT_DESCRIPTOR": str(PROJECT_ROOT / "data" / "sample" / "datapackage.json"),
        # Listings not verified for this long are due for review; twice as long shows a notice.
        "REVIEW_PERIOD_MONTHS": int(os.environ.get("REVIEW_PERIOD_MONTHS", "6")),
        # The officer's tools: the shipped pathway rules, the support card's wording and links.
        "PATHWAY_RULES_FILE": str(PROJECT_ROOT / "data" / "pathway_rules.toml"),
        "HARM_WORDS_FILE": str(PROJECT_ROOT / "data" / "harm_words.toml"),
        # What the force has decided for the pathway (see _pathway_policy).
        **_pathway_policy(),
        "SHORTLIST_DAYS": int(os.environ.get("SHORTLIST_DAYS", "30")),
        "REFERRAL_RETENTION_MONTHS": int(os.environ.get("REFERRAL_RETENTION_MONTHS", "24")),
    }
