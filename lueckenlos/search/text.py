"""Words as the search sees them: German folded and stemmed.

Both the index and the query go through `fold`, so "Logopädie", "Logopaedie" and "Logopadie"
are one word, and through the Snowball German stemmer, so "Hebammen" and "Hebamme" share
the stem "hebamm".
"""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer

# Where a word stands, as a weight: a hit in the name counts most.
FIELD_WEIGHTS = {
    "name": 8,
    "translated_name": 6,
    "term": 4,
    "provider": 3,
    "location": 2,
    "text": 1,
}
WEIGHT_FIELDS = {weight: field for field, weight in FIELD_WEIGHTS.items()}

MAX_WORD_LENGTH = 60
WORD = re.compile(r"\w+", re.UNICODE)
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
# ae/oe/ue as typed for ä/ö/ü on a keyboard without them; "que" (Quelle) is left alone.
_DIGRAPHS = re.compile(r"(?<!q)ue|ae|oe")
_stemmer = snowballstemmer.stemmer("german")


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case, umlauts and their spellings to the plain vowel, other accents removed."""
    word = word.casefold().translate(_UMLAUTS)
    word = _DIGRAPHS.sub(lambda match: match.group(0)[0], word)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stem(folded_word: str) -> str:
    # A number is its own stem, and most numbers (house and offer numbers) occur once: not
    # worth the stemmer's time (tens of microseconds) nor a place in the cache.
    if folded_word.isdigit():
        return folded_word
    return _stem(folded_word)


@functools.lru_cache(maxsize=65536)
def _stem(folded_word: str) -> str:
    return _stemmer.stemWord(folded_word)


def words(text: str) -> list[str]:
    """The folded words of a text, in order, without one-letter words."""
    found = []
    for match in WORD.finditer(text or ""):
        word = fold(match.group(0))[:MAX_WORD_LENGTH]
        if len(word) > 1 or word.isdigit():
            found.append(word)
    return found


# Words that say nothing about an offer: left out of the index and of queries, so "Kurse für
# Kinder" does not demand "für" of every offer. Folded spellings.
_STOPWORD_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des
    dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem
    einen einer eines er es etwas fur gegen hat hatte ich ihr ihre im in ist ja jede jedem
    jeden jeder jedes kann kein keine mit muss nach nicht noch nur ob oder ohne sehr sein
    seine sich sie sind so uber um und uns unser unter vom von vor war was weil wenn wer wie
    wir wird wo zu zum zur zwischen
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def content_words(text: str) -> list[str]:
    """The folded words of a text without stop words."""
    return [word for word in words(text) if word not in STOPWORDS]
