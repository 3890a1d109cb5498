"""The base of every form: strips text input and keeps control characters out."""
import math
import re

from flask_babel import format_decimal
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, PasswordField
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import FloatField, IntegerField
from wtforms.widgets import TextInput

from ..i18n import lazy_gettext as _l
from ..security import token_refused

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value):
    """Trim surrounding space and drop control characters (NUL and friends) from text input."""
    if isinstance(value, str):
        return _CONTROL.sub("", value).strip()
    return value


class _CleaningMeta:
    def bind_field(self, form, unbound_field, options):
        # Passwords are taken as typed; lists of sub-forms clean their own fields.
        plain = issubclass(unbound_field.field_class, (PasswordField, FieldList, FormField))
        extra = [] if plain else [clean_text]
        filters = [*extra, *unbound_field.kwargs.get("filters", [])]
        return unbound_field.bind(form=form, filters=filters, **options)


class BaseForm(FlaskForm):
    """Strips text; an expired or missing CSRF token becomes a plain message, and the input is kept."""

    class Meta(_CleaningMeta):
        def render_field(self, field, render_kw):
            # A page may hold several forms (a pair's meetings, milestones and outcome): each one's hidden
            # token would have the same id, which HTML forbids. Nothing refers to it, so it has none.
            if isinstance(field, CSRFTokenField):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        csrf = getattr(self, "csrf_token", None)
        # token_refused(): the access gate found the request's token invalid and let a view that keeps
        # input run; its form fails too, even one without a token field of its own.
        if (csrf is not None and csrf.errors) or token_refused():
            if csrf is not None:
                csrf.errors = []
            # Re-rendering gives a fresh token, so sending again works.
            self.form_errors.append(_l("The form had expired, so nothing was saved. "
                                       "Check what you entered and send it again."))
        return valid and not self.form_errors


class SubForm(Form):
    """A repeated block inside a form (an education, a job): cleaned the same way, no CSRF of its own."""

    class Meta(_CleaningMeta):
        pass


class LocalFloatField(FloatField):
    """A number with a decimal comma or point in either language ("2,5" or "2.5"), shown back as typed, or
    as the page's language writes it (Danish "2,5", English "2.5"; no grouping, so it reads back the same)."""
    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_decimal(self.data, "0.###") if self.data is not None else ""

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip().replace(",", ".") if valuelist else ""
        self.data = None
        if not text:
            return
        try:
            value = float(text)
        except ValueError:
            raise ValueError(self.invalid_value_message or _l("Enter a number, for example 2.5")) from None
        if not math.isfinite(value):
            raise ValueError(self.invalid_value_message or _l("Enter a number, for example 2.5"))
        self.data = value


class YearField(IntegerField):
    """A four-digit year typed as text (no spinner), with a clear message when it is not a number."""
    widget = TextInput()

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not text.isdigit() or len(text) > 4:
            raise ValueError(_l("Enter the year as 4 digits, for example 2016"))
        self.data = int(text)
