"""Signing in and out, and the staff home page. (The second step of signing in is in second_step.py.)"""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from directory.accounts import users as accounts
from directory.clock import uk_today
from directory.models import Role
from directory.pathway import rulebook
from directory.web.context import get_session
from directory.web.limits import (
    SIGN_IN_ACCOUNT_LIMIT,
    SIGN_IN_ADDRESS_LIMIT,
    SIGN_IN_LIMIT,
    account_only,
    address_and_account,
    failed_sign_in,
    throttle,
)
from directory.web.security import record_security_event
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.forms import ConfirmForm, SignInForm
from directory.web.staff.second_step import after_password

SIGN_IN_FAILED = "Enter a correct email address and password"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else, nor a header with a line break."""
    if target and target.startswith("/") and not target.startswith("//") and target.isprintable():
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("staff.home")


@staff.route("/login", methods=["GET", "POST"])
@throttle(SIGN_IN_LIMIT, key=address_and_account)
@throttle(SIGN_IN_ADDRESS_LIMIT)
@throttle(SIGN_IN_ACCOUNT_LIMIT, key=account_only, deduct_when=failed_sign_in)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    form = SignInForm()
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(db, form.email.data, form.password.data)
        if user is not None:
            db.commit()
            return after_password(user, _safe_next(request.args.get("next")))
        record_security_event("sign_in_failed", email=form.email.data)
        form.email.errors.append(SIGN_IN_FAILED)
    return render_template("staff/sign_in.html", form=form)


@staff.route("/logout", methods=["POST"])
@login_required
def sign_out():
    if ConfirmForm().validate_on_submit():
        db = get_session()
        accounts.end_sessions(acting_user())  # a copy of the cookie is worthless from now on
        db.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
    return redirect(url_for("staff.sign_in"))


@staff.route("/staff/")
@requires(Role.OFFICER)
def home():
    """Where to start, with what needs an editor's attention in the pathway rules."""
    if not current_user.can(Role.EDITOR):
        return render_template("staff/home.html")
    db = get_session()
    return render_template("staff/home.html", rules_due=len(rulebook.due_for_review(db, uk_today())),
                           proposals_waiting=len(rulebook.proposals(db)))
