"""Managing accounts (admins only): add, change role, reset password or second factor, disable or enable."""

import uuid

from flask import abort, flash, redirect, render_template, url_for

from directory.accounts import second_factor
from directory.accounts import users as accounts
from directory.history import history_of
from directory.models import Role, User
from directory.web.context import get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.forms import AccountDetailsForm, ConfirmForm, NewAccountForm, NewPasswordForm


def _user_or_404(user_id: uuid.UUID) -> User:
    user = accounts.find_by_id(get_session(), user_id)
    if user is None:
        abort(404)
    return user


@staff.route("/staff/users")
@requires(Role.ADMIN)
def users():
    return render_template("staff/users/list.html", users=accounts.all_users(get_session()))


@staff.route("/staff/users/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_user():
    form = NewAccountForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            user = accounts.create_user(db, form.email.data, form.name.data, Role(form.role.data),
                                        form.password.data, by=acting_user())
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.commit()
            flash(f"Account added for {user.email}.", "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/users/new.html", form=form)


@staff.route("/staff/users/<uuid:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_user(user_id: uuid.UUID):
    user = _user_or_404(user_id)
    form = AccountDetailsForm(obj=user, role=user.role.value)
    if form.validate_on_submit():
        db = get_session()
        try:
            accounts.set_details(db, user, form.name.data, Role(form.role.data), by=acting_user())
        except accounts.AccountError as error:
            form.role.errors.append(str(error))
        else:
            db.commit()
            flash("Account updated.", "success")
            return redirect(url_for("staff.edit_user", user_id=user.id))
    return render_template("staff/users/edit.html", user=user, form=form, confirm=ConfirmForm(),
                           changes=history_of(get_session(), "user", user.id),
                           has_second_factor=second_factor.confirmed_factor(get_session(), user) is not None)


@staff.route("/staff/users/<uuid:user_id>/password", methods=["GET", "POST"])
@requires(Role.ADMIN)
def reset_password(user_id: uuid.UUID):
    user = _user_or_404(user_id)
    form = NewPasswordForm()
    if form.validate_on_submit():
        db = get_session()
        accounts.set_password(db, user, form.password.data, by=acting_user())
        db.commit()
        flash(f"Password reset for {user.email}. They have been signed out everywhere.", "success")
        return redirect(url_for("staff.edit_user", user_id=user.id))
    return render_template("staff/users/password.html", user=user, form=form)


@staff.route("/staff/users/<uuid:user_id>/second-factor/reset", methods=["POST"])
@requires(Role.ADMIN)
def reset_second_factor(user_id: uuid.UUID):
    """For a lost phone: the person sets up an authenticator app again when they next sign in."""
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        db = get_session()
        second_factor.reset(db, user, by=acting_user())
        db.commit()
        flash(f"Second factor reset for {user.email}. They have been signed out everywhere, and will set up "
              "their authenticator app again when they next sign in.", "success")
    return redirect(url_for("staff.edit_user", user_id=user.id))


@staff.route("/staff/users/<uuid:user_id>/<any(disable, enable):action>", methods=["POST"])
@requires(Role.ADMIN)
def set_user_active(user_id: uuid.UUID, action: str):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        db = get_session()
        try:
            accounts.set_active(db, user, action == "enable", by=acting_user())
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            db.commit()
            flash(f"Account {action}d.", "success")
    return redirect(url_for("staff.edit_user", user_id=user.id))
