"""What an applicant can read in their own language, beside Danish and English (issue 23): in ONE place.

`IN_SCOPE_TEMPLATES` are the pages and emails offered in every language of `LANGUAGES` (portal/config.py);
`STEP_EXPLANATIONS` are the short explanations each step of the form shows under its heading, in the
reader's language, while the form's labels stay in Danish or English. `in_scope_messages()` is every msgid
of both: tests/test_languages.py fails when one of them has no translation in a language, so a string
added to these pages later is found and translated (marked fuzzy until someone checks it).
Pure: no Flask, no database."""
import functools
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from . import lifecycle


def N_(string: str) -> str:
    """Marks a string for extraction (scripts/translations.sh: -k N_); translated where it is shown."""
    return string


ROOT = Path(__file__).resolve().parent.parent

IN_SCOPE_TEMPLATES = (
    "templates/layouts/base.html",          # header, footer, the unchecked-translation note
    "templates/public/index.html",          # the start page: the programme, who it is for, the criteria
    "templates/public/privacy.html",
    "templates/apply/steps/consent.html",   # the consent text, shown in the reader's language beside Danish
    "templates/apply/_mother_tongue.html",
    "templates/apply/done.html",            # the receipt
    "templates/status/start.html",
    "templates/status/link_sent.html",
    "templates/status/link_expired.html",
    "templates/status/sign_in.html",
    "templates/status/application.html",
    "templates/status/_status_text.html",
    "templates/status/withdraw.html",
    "templates/status/delete.html",
    "templates/status/_share_with_mentor.html",
    "templates/status/_mentoring.html",     # the mentor, the meetings, milestones and the outcome
    "templates/status/link_sent_again.html",
    "templates/follow_up/_labels.html",     # the six-month question's pages, reached from the email
    "templates/follow_up/confirm.html",
    "templates/follow_up/link_expired.html",
    "templates/follow_up/thanks.html",
    # The applicant's emails.
    "templates/emails/application_received.txt",
    "templates/emails/resume_link.txt",
    "templates/emails/status_link.txt",
    "templates/emails/status_withdrawn.txt",
    "templates/emails/status_erasure_requested.txt",
    "templates/emails/status_erasure_done.txt",
    "templates/emails/status_erasure_refused.txt",
    "templates/emails/decision_approved.txt",
    "templates/emails/decision_needs_info.txt",
    "templates/emails/decision_rejected.txt",
    "templates/emails/_rejection_reason.txt",  # also on the status page
    "templates/emails/decision_wait_listed.txt",
    "templates/emails/decision_withdrawn.txt",
    "templates/emails/match_mentee.txt",
    "templates/emails/follow_up_question.txt",
    "templates/emails/milestone_reached.txt",
)

# Under each step's heading, in the reader's language: what the step asks, and why.
STEP_EXPLANATIONS = {
    "about-you": N_("This form is in Danish or English, because the association's staff read your answers. "
                    "Here you write your name, your year of birth, and the language we write to you in."),
    "contact": N_("Write how we can reach you: an email address, a phone number, or both, and your address. "
                  "We use them only for your application and the programme."),
    "residence": N_("Tell us which country you come from, when you came to Denmark, and what your residence "
                    "permit is based on. The programme is for refugees and people reunified with them."),
    "education": N_("Write the schools and educations you have finished, in Denmark or in another country. "
                    "You can add more than one."),
    "work": N_("Write the jobs you have had, in Denmark or in another country. You can add more than one."),
    "languages": N_("Tell us how well you speak Danish and English, and which other languages you speak."),
    "goals": N_("Tell us what you want to achieve with a mentor: for example a job, an education or your own "
                "business."),
    "consent": N_("Read how we use your answers. Below you find the text in your language and in Danish. "
                  "Then tick the box if you agree."),
}

# Python modules whose every string the applicant reads (the status pages' messages).
IN_SCOPE_MODULES = ("portal/status/views.py", "portal/status/forms.py")

# Further strings shown with the steps in the reader's language.
FORM_MESSAGES = (
    N_("In your language"),
    N_("The consent text in your language"),
    N_("The consent text in Danish"),
    N_("If in doubt, the Danish text applies."),
    N_("Automatic translation, not yet checked."),
    N_("Automatic translation, not yet checked. If in doubt, the Danish text applies."),
)


@functools.lru_cache(maxsize=1)
def in_scope_messages() -> tuple[str, ...]:
    """Every msgid offered in every language, in a stable order."""
    found = []
    for template in IN_SCOPE_TEMPLATES:
        path = ROOT / template
        if not path.exists():
            continue
        for _line, message, _comments, _context in extract_from_file(
                "jinja2", str(path), keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
                options={"extensions": "jinja2.ext.do", "trimmed": "false"}):
            # A plural (ngettext) is one catalogue entry, known by its singular msgid.
            found.append(message if isinstance(message, str) else message[0])
    for module in IN_SCOPE_MODULES:
        for _line, message, _comments, _context in extract_from_file(
                "python", str(ROOT / module), keywords={"_": None, "_l": None, "gettext": None, "N_": None}):
            found.extend([message] if isinstance(message, str) else [m for m in message if m])
    found.extend(str(text) for text in lifecycle.APPLICANT_TEXT.values())
    # The mentee's status page names their milestones and outcome (templates/status/_mentoring.html).
    found.extend([*lifecycle.MILESTONE_TEXT.values(), *lifecycle.OUTCOME_TEXT.values()])
    found.extend(STEP_EXPLANATIONS.values())
    found.extend(FORM_MESSAGES)
    return tuple(dict.fromkeys(found))


def translation_counts(directory, code: str) -> dict:
    """How many strings of a language's catalogue are checked, unchecked (fuzzy) or missing (empty): of all
    its strings, and of those in scope (offered in every language)."""
    path = Path(directory) / code / "LC_MESSAGES" / "messages.po"
    catalogue = []
    if path.exists():                        # a language just added to the settings has no catalogue yet
        with path.open("rb") as po:
            catalogue = read_po(po)
    scope = set(in_scope_messages())
    counts = {part: {"checked": 0, "unchecked": 0, "missing": 0} for part in ("all", "in_scope")}
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        state = "missing" if not all(strings) else "unchecked" if message.fuzzy else "checked"
        counts["all"][state] += 1
        if msgid in scope:
            counts["in_scope"][state] += 1
    # In-scope strings not in the catalogue at all (not extracted yet) are missing too.
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    counts["in_scope"]["missing"] += len(scope - have)
    return counts
