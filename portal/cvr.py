"""The Danish company number (CVR-nummer): eight digits, the first not 0, with the official modulus-11 check
(the Central Business Register's weights 2 7 6 5 4 3 2 1: the weighted sum is a multiple of 11). Pure."""
import re

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def normalise(text: str | None) -> str:
    """What people type ("DK 12 34 56 78", "12-34-56-78") as the eight digits, if that is what it holds."""
    compact = re.sub(r"[\s.\-]", "", text or "")
    return compact[2:] if compact[:2].upper() == "DK" else compact


def valid(text: str | None) -> bool:
    """Whether the text is a CVR number that passes the modulus-11 check."""
    number = normalise(text)
    if not re.fullmatch(r"[1-9]\d{7}", number):
        return False
    return sum(int(digit) * weight for digit, weight in zip(number, WEIGHTS)) % 11 == 0
