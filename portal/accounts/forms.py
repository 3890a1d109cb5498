"""Forms for inviting users, confirming account changes, and setting or resetting a password."""
from wtforms import EmailField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l
from ..passwords import MAX_LENGTH as PASSWORD_MAX
from ..passwords import MIN_LENGTH as PASSWORD_MIN
from ..passwords import weakness

ROLE_CHOICES = [
    ("staff", _l("Staff – works the review queue")),
    ("admin", _l("Admin – manages programmes, rules and users")),
    ("caseworker", _l("Caseworker – refers citizens from a municipality")),
    ("mentor", _l("Mentor – a company employee who mentors")),
]
LANGUAGE_CHOICES = [("da", _l("Danish")), ("en", _l("English"))]


SEARCH_MAX = 200


class UserFilterForm(BaseForm):
    """The user table's search and role filter; read from the query string, so each view has its URL."""

    class Meta:
        csrf = False

    q = StringField(_l("Search by name or email"), [Optional(), Length(
        max=SEARCH_MAX, message=_l("Enter at most %(max)d characters to search for", max=SEARCH_MAX))])
    role = SelectField(_l("Role"), [Optional()], choices=[
        ("", _l("All roles")), ("staff", _l("Staff")), ("admin", _l("Admin")), ("caseworker", _l("Caseworker")),
        ("mentor", _l("Mentor")), ("coordinator", _l("Company coordinator"))], validate_choice=False)

    def search(self) -> str:
        """What to search for, if it may be searched for."""
        return (self.q.data or "").strip() if not self.q.errors else ""

    def chosen_role(self) -> str:
        return self.role.data if self.role.data in dict(self.role.choices) else ""


class InviteForm(BaseForm):
    email = EmailField(_l("Email address"), [DataRequired(_l("Enter the person's email address")),
                                             Length(max=254, message=_l("Enter an email address of at most 254 characters")),
                                             Email(_l("Enter an email address like name@example.com"))])
    name = StringField(_l("Full name"), [DataRequired(_l("Enter the person's full name")),
                                         Length(max=200, message=_l("Enter a name of at most 200 characters"))])
    role = RadioField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired(_l("Choose a role"))],
                      invalid_choice_message=_l("Choose a role from the list"))
    municipalities = SelectMultipleField(_l("Municipalities"), choices=[],
                                         invalid_choice_message=_l("Choose municipalities from the list"))
    language = RadioField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES, default="da",
                          validators=[InputRequired(_l("Choose Danish or English"))],
                          invalid_choice_message=_l("Choose Danish or English"))

    def __init__(self, municipalities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities.choices = [(m.code, m.name) for m in municipalities]

    def validate_municipalities(self, field):
        if self.role.data == "caseworker" and not field.data:
            raise ValidationError(_l("Choose at least one municipality for a caseworker"))


class ConfirmForm(BaseForm):
    """A button that does one thing (deactivate, reactivate, resend): only the CSRF token."""


class SetPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), [DataRequired(_l("Enter a password"))])
    repeat = PasswordField(_l("Repeat the password"), [DataRequired(_l("Enter the password again"))])

    def __init__(self, email: str, name: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._email, self._name = email or "", name or ""

    def validate_password(self, field):
        problem = weakness(field.data, self._email, self._name)
        if problem:
            raise ValidationError(password_message(problem))

    def validate_repeat(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_l("Enter the same password twice"))


def password_message(problem: str):
    """What to tell a person whose new password `passwords.weakness` refused."""
    return {
        "too_short": _l("Enter a password of at least %(min)s characters", min=PASSWORD_MIN),
        "too_long": _l("Enter a password of at most %(max)s characters", max=PASSWORD_MAX),
        "common": _l("Choose a less common password: this one is among the passwords tried first when "
                     "guessing. A few unrelated words are better"),
        "email": _l("Choose a password that does not contain your email address"),
        "name": _l("Choose a password that is not made of your name or email address"),
    }[problem]


class ResetForm(BaseForm):
    email = EmailField(_l("Email address"), [DataRequired(_l("Enter your email address")),
                                             Length(max=254, message=_l("Enter an email address of at most 254 characters")),
                                             Email(_l("Enter an email address like name@example.com"))])
