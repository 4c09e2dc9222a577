"""Form fields shared by the staff and officer forms."""

from wtforms import DateField


class DayMonthYearField(DateField):
    """GOV.UK's three-box date. A request missing boxes counts as blank boxes, never as an error page."""

    def process_formdata(self, valuelist):
        self.raw_data = [*valuelist, "", "", ""][:3]
        super().process_formdata(self.raw_data if any(self.raw_data) else [])
