"""Names folded so that the ways one name is spelt meet: pure, no Flask, no database.

    fold("Østergaard") == fold("Oestergaard") == fold("ostergaard") == fold("Ostergård") == "ostergard"
    fold("Ülkü") == fold("Uelkue") == fold("ULKU") == "ulku"
    fold("Jæger") == fold("Jäger") == fold("Jaeger") == "jaeger"
    fold("Mohammed Al-Amin") == fold("Mohamed al Amin") == "mohamed al amin"

`fold(name) -> str` is the whole API. Two names "meet" when their folds are equal (a duplicate check:
`fold(a) == fold(b)`), and a search term finds a name when each word of the term's fold is part of the
name's fold (`words(term)`; any order, so "Hassan Amal" finds "Amal Hassan").

The rules, in order (each keeps the text lower case, so the result is the same whatever the case):
1. Unicode compatibility form, then case folding ("ß" → "ss", "ﬀ" → "ff", "İ" → "i").
2. Letters that are their own letter in Nordic, German, Turkish, Polish or Icelandic: ø, ö → o;
   æ, ä → ae; œ → oe; ð, đ → d; þ → th; ł → l; ı → i.
3. Every other accent is dropped (é → e, å → a, ü → u, ç → c, ş → s, ñ → n; Arabic short vowel marks too).
4. The spellings used where a keyboard lacks those letters meet the letter's fold: "oe" → "o" (ø, ö),
   "ue" → "u" (ü); "aa" → "a" (å) follows from rule 5. "ae" stays "ae": it is how æ and ä are written.
5. A letter written twice is written once ("Mohammed" → "mohamed", "Hassan" → "hasan", "gaard" → "gard"):
   transliterations of the same name differ in doubled letters more than in anything else.
6. Anything that is neither a letter nor a digit (space, hyphen, apostrophe, dot, comma) separates
   words; the words are joined by one space, with none at either end.

Names in other scripts (Arabic, Cyrillic, Tigrinya ...) are case folded and lose their combining marks;
they are not transliterated, so "Ахмед" does not meet "Akhmed".

The folds are meant to be compared with each other, never shown. Rules 4 and 5 make different names
meet now and then ("Noel" and "Nol", "Ana" and "Anna"): right for a search and for "possible
duplicate" (a person decides), wrong for deciding anything alone. If these rules change, every stored
fold must be computed again (a migration; see migrations/0019_folded_names.py)."""
import re
import unicodedata

__all__ = ["fold", "words"]

# Rule 2: letters that no Unicode decomposition takes to a plain Latin letter (or not to the one wanted).
_LETTERS = str.maketrans({
    "ø": "o", "ö": "o", "æ": "ae", "ä": "ae", "œ": "oe", "ð": "d", "đ": "d", "þ": "th", "ł": "l", "ı": "i",
})
_DIGRAPHS = re.compile(r"(?<=[ou])e")           # rule 4: the "e" of "oe" and "ue"
_DOUBLED = re.compile(r"(\w)\1+")               # rule 5
_SEPARATORS = re.compile(r"[\W_]+")              # rule 6


def fold(name: str | None) -> str:
    """The name in the form its spellings share (see the module's rules); "" for None or no letters.

    Idempotent: fold(fold(name)) == fold(name)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _SEPARATORS.sub(" ", text)
    while True:                                  # "ooe", "oee": until no rule applies any more
        folded = _DOUBLED.sub(r"\1", _DIGRAPHS.sub("", text))
        if folded == text:
            break
        text = folded
    return text.strip()


def words(term: str | None) -> list[str]:
    """The words of a search term's fold, each once, longest first (the most selective first)."""
    return sorted(set(fold(term).split()), key=lambda word: (-len(word), word))
