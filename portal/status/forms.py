from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l


class FindApplicationForm(BaseForm):
    reference = StringField(_l("Reference number"), [DataRequired(_l("Enter your reference number")), Length(max=20)],
                            render_kw={"dir": "ltr"})       # read left to right on a right-to-left page too
    email = EmailField(_l("Email address"), [DataRequired(_l("Enter the email address you applied with")), Length(max=254),
                                             Email(_l("Enter an email address like name@example.com"))],
                       render_kw={"dir": "ltr"})


class ConfirmForm(BaseForm):
    """A button that does one thing (sign in, withdraw, download, ask for deletion): only the CSRF token."""


class SendAgainForm(BaseForm):
    """"Send me my link again": only the email address (the reference number may be lost too)."""
    email = EmailField(_l("Email address"), [DataRequired(_l("Enter the email address you applied with")), Length(max=254),
                                             Email(_l("Enter an email address like name@example.com"))])
