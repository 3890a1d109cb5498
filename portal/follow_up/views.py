"""/follow-up/: the six-month question ("Where are you now?"), answered from an emailed link, no sign-in."""
from flask import Blueprint, abort, render_template

from ..access import public
from ..models import OUTCOMES
from ..security import keeps_input
from ..services import follow_up
from .forms import ConfirmForm

bp = Blueprint("follow_up", __name__, url_prefix="/follow-up")
# GET/POST  /follow-up/<token>/<answer>   GET shows the answer and one button; only the POST records it


@bp.route("/<token>/<answer>", methods=["GET", "POST"])
@public
@keeps_input
def answer(token, answer):
    """Confirm an answer from the email: a mail scanner opening the link (GET) records nothing."""
    if answer not in OUTCOMES:
        abort(404)
    form = ConfirmForm()
    asked = follow_up.question(token)
    if asked is None:
        return render_template("follow_up/link_expired.html"), 404
    if form.validate_on_submit():
        try:
            follow_up.answer(token, answer)
        except follow_up.AnswerRefused:
            return render_template("follow_up/link_expired.html"), 404
        return render_template("follow_up/thanks.html", asked=asked, answer=answer)
    return render_template("follow_up/confirm.html", form=form, asked=asked, answer=answer, token=token,
                           answers=OUTCOMES)
