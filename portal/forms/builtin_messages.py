"""WTForms' own messages, listed here so they are extracted and translated with ours.

Flask-WTF asks Flask-Babel for these exact strings when a field rejects a value."""
from ..i18n import lazy_gettext as _l

WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Not a valid float value."),
    _l("Not a valid integer value."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Field cannot be longer than %(max)d characters."),
    _l("The CSRF token is missing."),
    _l("The CSRF token has expired."),
    _l("The CSRF token is invalid."),
)
