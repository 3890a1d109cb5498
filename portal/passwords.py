"""Password hashing with Argon2id, and the rules a new password must meet."""
import re
import string
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown email as slow as one for a known email.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def use_parameters(**parameters) -> None:
    """Hash new passwords with other Argon2id parameters (the test suite uses cheap ones). Verifying reads
    each hash's own parameters, so existing hashes keep working."""
    global _hasher
    _hasher = PasswordHasher(**parameters)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


MIN_LENGTH = 12
MAX_LENGTH = 200
# The 10,000 most common passwords, most common first, lowercased: the first 10,000 lines of Django 5.2's
# django/contrib/auth/common-passwords.txt.gz (BSD-3-Clause, Django Software Foundation; the list is by
# Royce Williams, https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce). portal/data/README.md.
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
# Runs of keys or symbols that are guessed as early as a common password, forwards or backwards.
SEQUENCES = ("abcdefghijklmnopqrstuvwxyzæøå", "01234567890123456789", "qwertyuiopåasdfghjklæøzxcvbnm",
             "qwertyuiopasdfghjklzxcvbnm",
             "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")
FEWEST_DISTINCT = 5           # "aaaaaaaaaaaa", "121212121212", "abcabcabcabc" have fewer different characters
FEWEST_OWN_LETTERS = 4        # letters left once the account's name and email are taken out
_FILLER = string.digits + string.punctuation + " "


@cache
def common_passwords() -> frozenset:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def _common(password: str) -> bool:
    lower = password.lower()
    squeezed = re.sub(r"\s+", "", lower)
    candidates = {lower, squeezed, lower.strip(_FILLER), squeezed.strip(_FILLER)}
    for text in list(candidates):                  # "qwertyqwerty", "passwordpassword": a repeated unit
        for size in range(1, len(text) // 2 + 1):
            if len(text) % size == 0 and text == text[:size] * (len(text) // size):
                candidates.add(text[:size])
                break
    if any(candidate in common_passwords() for candidate in candidates if candidate):
        return True
    if len(set(squeezed)) < FEWEST_DISTINCT:
        return True
    return any(squeezed in sequence or squeezed in sequence[::-1] for sequence in SEQUENCES)


def _parts(text: str) -> list[str]:
    return [part for part in re.split(r"[\W_]+", text.lower()) if len(part) >= 3]


def weakness(password: str, email: str = "", name: str = "") -> str | None:
    """Why `password` may not be a new password for the account with this email and name, or None:
    'too_short', 'too_long', 'common' (among the most used, a run of keys, or few different characters),
    'email' (contains the email's local part) or 'name' (made of the person's name and email)."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    if _common(password):
        return "common"
    local_part = (email or "").split("@")[0].lower()
    # Very short local parts ("jo@…") would refuse too many good passwords to be worth it.
    if len(local_part) >= 3 and local_part in password.lower():
        return "email"
    rest = password.lower()
    for part in sorted({*_parts(name or ""), *_parts(local_part)}, key=len, reverse=True):
        rest = rest.replace(part, "")
    if sum(char.isalpha() for char in rest) < FEWEST_OWN_LETTERS:
        return "name"
    return None
