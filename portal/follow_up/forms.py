from ..forms.common import BaseForm


class ConfirmForm(BaseForm):
    """The one button that records the answer: only the CSRF token."""
