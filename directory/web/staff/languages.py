"""Languages and pages (editors): how far each translation has got, whether it is checked, and the
plain-words pages in each language."""

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for

from directory.content.pages import BY_SLUG, PAGE_KINDS, PAGES_DIR, page_text, page_versions, save_page
from directory.languages import BY_CODE, translation_statuses
from directory.listings.queries import OUR_TAXONOMIES, terms_in
from directory.models import Role
from directory.web.context import get_session
from directory.web.staff import staff
from directory.web.staff.access import acting_user, requires
from directory.web.staff.forms import PageForm


@staff.get("/staff/languages")
@requires(Role.EDITOR)
def languages():
    db = get_session()
    codes = tuple(term.code for taxonomy in OUR_TAXONOMIES for term in terms_in(db, taxonomy))
    statuses = translation_statuses(codes, tuple(kind.slug for kind in PAGE_KINDS), PAGES_DIR,
                                    Path(current_app.config["TRANSLATION_SIGN_OFFS"]))
    return render_template("staff/languages.html", statuses=statuses, versions=page_versions(db), kinds=PAGE_KINDS)


@staff.route("/staff/pages/<slug>/<code>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_page(slug: str, code: str):
    db, language = get_session(), BY_CODE.get(code)
    if slug not in BY_SLUG or language is None:
        abort(404)
    text = page_text(db, slug, code)
    shown = text if text and text.language == code else None
    form = PageForm(data={"title": shown.title, "body": shown.body} if shown else None)
    if form.validate_on_submit():
        save_page(db, slug, language, form.title.data, form.body.data, acting_user())
        db.commit()
        flash(f"Saved the {language.english_name} text. Visitors see it now.", "success")
        return redirect(url_for("staff.languages"))
    return render_template("staff/edit_page.html", form=form, kind=BY_SLUG[slug], language=language,
                           english=page_text(db, slug, "en"), shown=shown)
