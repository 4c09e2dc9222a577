"""Pages for signed-in staff and officers: sign-in, accounts, listings, history, import and export."""

from flask import Blueprint

from directory.models import Role

staff = Blueprint("staff", __name__)

# The staff navigation: (endpoint, text, the least role that may use it).
STAFF_NAVIGATION = [
    ("officer.pathway", "Referral pathway", Role.OFFICER),
    ("officer.new_referral", "Record a referral", Role.OFFICER),
    ("staff.services", "Listings", Role.EDITOR),
    ("staff.organisations", "Organisations", Role.EDITOR),
    ("staff.terms", "Needs and terms", Role.EDITOR),
    ("staff.review", "Due for review", Role.EDITOR),
    ("staff.reports", "Problem reports", Role.EDITOR),
    ("staff.import_data", "Import", Role.EDITOR),
    ("staff.export_data", "Export", Role.EDITOR),
    ("staff.pathway_rules", "Pathway rules", Role.EDITOR),
    ("staff.languages", "Languages and pages", Role.EDITOR),
    ("officer.referral_counts", "Referral counts", Role.EDITOR),
    ("staff.coverage", "Coverage", Role.EDITOR),
    ("staff.unmet_need", "Unmet need", Role.EDITOR),
    ("staff.users", "Accounts", Role.ADMIN),
    ("staff.security_log", "Security log", Role.ADMIN),
]

# Routes register on import.
from directory.web.staff import (  # noqa: E402,F401
    auth,
    coverage,
    editing,
    languages,
    moderation,
    organisations,
    own_account,
    review,
    rules,
    second_step,
    security_log,
    transfers,
    unmet_need,
    users,
)
