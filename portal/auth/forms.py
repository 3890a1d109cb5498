from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), [DataRequired(_l("Enter your email address")), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(_l("Enter your password")), Length(max=200)])
    next = HiddenField()
    # The language chosen on the login page itself (?lang=): kept on the account at sign-in. A language only
    # remembered by this browser is not a choice for the account, whose own language wins after sign-in.
    lang = HiddenField()


class SecondFactorForm(BaseForm):
    code = StringField(_l("Code"), [DataRequired(_l("Enter the 6-digit code from your authenticator app")),
                                    Length(max=20)])
    next = HiddenField()
