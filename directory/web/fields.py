"""Form fields and widgets shared by the public, staff and officer forms."""

import json

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput
from markupsafe import Markup
from wtforms import DateField

# Distinct renderings kept per process: a few per language and filter list.
MAX_KEPT_RENDERINGS = 512


class DayMonthYearField(DateField):
    """GOV.UK's three-box date. A request missing boxes counts as blank boxes, never as an error page."""

    def process_formdata(self, valuelist):
        self.raw_data = [*valuelist, "", "", ""][:3]
        super().process_formdata(self.raw_data if any(self.raw_data) else [])


class _KeptUntilTicked:
    """Checkboxes drawn through GOV.UK's macros once per distinct parameters, and the HTML kept, while none is ticked.

    The search page draws dozens of filter boxes on every request, and the macros cost more than the search.
    The HTML depends only on the parameters (labels in the page's language, values, ids, hints, errors),
    which are the key. Boxes a visitor ticked are drawn afresh and never kept, so memory holds nobody's search.
    """

    _kept: dict[tuple[str, str], Markup] = {}

    def render(self, params):
        if any(item.get("checked") for item in params["items"]):
            return super().render(params)
        key = (self.template, json.dumps(params, sort_keys=True, default=str))
        html = self._kept.get(key)
        if html is None:
            if len(self._kept) >= MAX_KEPT_RENDERINGS:
                self._kept.clear()
            html = self._kept[key] = super().render(params)
        return html


class KeptCheckboxes(_KeptUntilTicked, GovCheckboxesInput):
    """GOV.UK checkboxes for a multiple choice, kept while none is ticked."""


class KeptCheckbox(_KeptUntilTicked, GovCheckboxInput):
    """A single GOV.UK checkbox, kept while it is not ticked."""
