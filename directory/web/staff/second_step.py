"""The second step of signing in: a code from an authenticator app, set up at the first sign-in that needs one.

Both pages open only with a fresh "password accepted" marker (see access.py), and are throttled
per account across every address: only someone who has the password gets this far.
"""

import hashlib

from flask import current_app, flash, redirect, render_template, url_for
from markupsafe import Markup

from directory.accounts import second_factor
from directory.models import User
from directory.pathway.cards import qr_svg
from directory.web.context import get_session
from directory.web.limits import SIGN_IN_ADDRESS_LIMIT, SIGN_IN_LIMIT, throttle
from directory.web.security import record_security_event
from directory.web.staff import staff
from directory.web.staff.access import (
    page_after_sign_in,
    password_accepted_id,
    password_accepted_user,
    remember_password_accepted,
    start_signed_in_session,
)
from directory.web.staff.forms import CodeForm

WRONG_CODE = "Enter the 6-digit code your authenticator app shows now, or one of your recovery codes"
WRONG_FIRST_CODE = "Enter the 6-digit code your authenticator app shows now"
TIMED_OUT = "Sign in again: more than 5 minutes passed since you entered your password."


def _pending_account() -> str:
    """The throttling key for a code: the account (hashed), whatever address the guesses come from."""
    return "code|" + hashlib.sha256((password_accepted_id() or "").encode()).hexdigest()[:16]


def after_password(user: User, next_page: str):
    """Where the right password leads: straight in, to the code, or to setting up an authenticator app."""
    step = second_factor.next_step(get_session(), user, current_app.config["OFFICER_SECOND_FACTOR"])
    if step is None:
        start_signed_in_session(user, with_second_factor=False)
        record_security_event("sign_in_ok", user=user)
        return redirect(next_page)
    remember_password_accepted(user, next_page)
    return redirect(url_for("staff.sign_in_code" if step == "code" else "staff.set_up_second_factor"))


def _start_again():
    flash(TIMED_OUT, "info")
    return redirect(url_for("staff.sign_in"))


@staff.route("/login/code", methods=["GET", "POST"])
@throttle(SIGN_IN_LIMIT, key=_pending_account)
@throttle(SIGN_IN_ADDRESS_LIMIT)
def sign_in_code():
    user = password_accepted_user()
    if user is None:
        return _start_again()
    form = CodeForm()
    if form.validate_on_submit():
        db = get_session()
        accepted = second_factor.check(db, user, form.code.data)
        if accepted:
            left = second_factor.recovery_codes_left(db, user)
            db.commit()
            next_page = page_after_sign_in()
            start_signed_in_session(user, with_second_factor=True)
            record_security_event("second_factor_ok", user=user, detail=accepted)
            record_security_event("sign_in_ok", user=user)
            if accepted == "recovery code":
                flash(f"You used a recovery code; {left} left. If you have lost your phone, ask an admin to reset "
                      "your second factor.", "info")
            return redirect(next_page)
        record_security_event("second_factor_failed", user=user)
        form.code.errors.append(WRONG_CODE)
    return render_template("staff/sign_in_code.html", form=form)


@staff.route("/login/set-up", methods=["GET", "POST"])
@throttle(SIGN_IN_LIMIT, key=_pending_account)
@throttle(SIGN_IN_ADDRESS_LIMIT)
def set_up_second_factor():
    user = password_accepted_user()
    if user is None:
        return _start_again()
    db = get_session()
    if second_factor.confirmed_factor(db, user) is not None:
        return redirect(url_for("staff.sign_in_code"))  # set up already: never show the secret again
    secret = second_factor.pending_secret(db, user)
    db.commit()
    form = CodeForm()
    if form.validate_on_submit():
        codes = second_factor.confirm(db, user, form.code.data)
        if codes:
            db.commit()
            next_page = page_after_sign_in()
            start_signed_in_session(user, with_second_factor=True)
            record_security_event("sign_in_ok", user=user, detail="second factor set up")
            return render_template("staff/recovery_codes.html", codes=codes, next_page=next_page)
        form.code.errors.append(WRONG_FIRST_CODE)
    qr = Markup(qr_svg(second_factor.provisioning_uri(user, secret), label="QR code for your authenticator app"))
    return render_template("staff/set_up_second_factor.html", form=form, secret=secret, qr=qr)
