"""A person's own account: changing their password (an admin-set first password should not last)."""

import hashlib

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user

from directory.accounts import users as accounts
from directory.models import Role
from directory.web.context import get_session
from directory.web.limits import SIGN_IN_LIMIT, throttle
from directory.web.staff import staff
from directory.web.staff.access import WITH_SECOND_FACTOR, acting_user, requires, start_signed_in_session
from directory.web.staff.forms import ChangeOwnPasswordForm


def _signed_in_account() -> str:
    """The throttling key: the current-password check must not become a way to guess it from a stolen session."""
    account = str(current_user.user.id) if current_user.is_authenticated else ""
    return "own-password|" + hashlib.sha256(account.encode()).hexdigest()[:16]


@staff.route("/staff/account/password", methods=["GET", "POST"])
@requires(Role.OFFICER)
@throttle(SIGN_IN_LIMIT, key=_signed_in_account)
def change_own_password():
    form = ChangeOwnPasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = acting_user()
        try:
            accounts.change_own_password(db, user, form.current.data, form.password.data)
        except accounts.AccountError as error:
            form.current.errors.append(str(error))
        else:
            db.commit()
            # Every other browser is signed out by the new token; this one carries on with it.
            start_signed_in_session(user, with_second_factor=bool(session.get(WITH_SECOND_FACTOR)))
            flash("Your password has been changed. You have been signed out on any other device.", "success")
            return redirect(url_for("staff.home"))
    return render_template("staff/own_password.html", form=form)
