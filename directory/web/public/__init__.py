"""Pages for victims and the public: no account, no cookies, nothing from other hosts.

Every page answers at its English address and under each other language's prefix (/pl/search):
register them with `page`, not `public.route`.
"""

from flask import Blueprint

from directory.web.i18n import keep_language, take_language

public = Blueprint("public", __name__)
public.url_value_preprocessor(take_language)
public.url_defaults(keep_language)


def page(rule: str, methods: tuple[str, ...] = ("GET",)):
    """Register a public view at `rule` (English) and at `/<lang>rule` for every translated language."""

    def register(view):
        public.add_url_rule(rule, view_func=view, methods=methods, defaults={"lang": "en"})
        public.add_url_rule(f"/<lang:lang>{rule}", view_func=view, methods=methods)
        return view

    return register


from directory.web.public import routes  # noqa: E402,F401  (registers the views on the blueprint)
