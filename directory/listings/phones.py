"""UK telephone numbers, checked with phonenumbers (Google's libphonenumber metadata).

Short numbers such as 999, 111 and 116 123 are valid. Ofcom keeps some ranges for drama and
examples (01632 960xxx, 07700 900xxx…): the bundled sample data uses only those, so they are
accepted while the sample data is in use and refused in production.
"""

import phonenumbers
from phonenumbers import NumberParseException, shortnumberinfo

# National significant numbers Ofcom reserves for TV, radio and examples.
_FICTIONAL_PREFIXES = (
    "1134960", "1144960", "1154960", "1164960", "1174960", "1184960", "1214960", "1314960",
    "1414960", "1514960", "1614960", "2079460", "2896496", "2920180", "1632960", "3069990",
    "8081570", "9098790", "7700900",
)


def phone_problem(text: str, allow_fictional: bool = False) -> str | None:
    """Why `text` is not a UK phone number someone could call, or None if it is one."""
    try:
        number = phonenumbers.parse(text, "GB")
    except NumberParseException:
        return "Enter a phone number, like 01273 123456, 0808 2000 247 or 116 123"
    if phonenumbers.is_valid_number(number) or shortnumberinfo.is_valid_short_number_for_region(number, "GB"):
        return None
    national = str(number.national_number)
    if allow_fictional and number.country_code == 44 and national.startswith(_FICTIONAL_PREFIXES):
        return None
    return "Enter a phone number that exists, like 01273 123456, 0808 2000 247 or 116 123"
