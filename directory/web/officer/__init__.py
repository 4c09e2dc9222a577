"""Pages for signed-in officers: the referral pathway finder, support cards and referral records.

The shortlist page a support card's QR code opens is public (the victim has no account).
"""

from flask import Blueprint

officer = Blueprint("officer", __name__, cli_group="referrals")

from directory.web.officer import routes  # noqa: E402,F401  (routes register on import)
