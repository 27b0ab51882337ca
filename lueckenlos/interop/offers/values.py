"""Cell texts as coordinators write them, read into the values of an offer.

Each reader returns the value or raises ValueProblem with the reason, for the user, in German
through gettext; the row parser adds file, row, column and value. Readers of multi-valued
cells (languages, terms) return what they recognised and the parts they did not, so that
the preview warns about them instead of dropping them silently.

Age ranges are in months with an exclusive upper bound, like the life phases: "0-3 Jahre"
is 0 to 36 months (up to the third birthday), "bis 12" is below 144, "ab 6" from 72 on,
"U3" below 36, "Ü3" the Kita age 36 to 72, "Schwangere" before birth (upper bound 0).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from lueckenlos.catalogue.languages import EXTRA_LANGUAGES, is_known_language
from lueckenlos.catalogue.models import CostOption, Location, Service, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.search.text import fold


class ValueProblem(ValueError):
    """A cell value that cannot be used; str(exc) is the reason for the user."""


def key(text: str) -> str:
    """How texts are compared: folded case and umlauts, single spaces."""
    return " ".join(fold(text).split())


# --------------------------------------------------------------------------------------- Ages

ALL_AGES = {"alle", "alle altersgruppen", "jedes alter", "alle alter", "all ages", "0-99", "-"}
PREGNANCY_WORDS = (
    "schwangere",
    "schwangerschaft",
    "werdende eltern",
    "werdende mutter",
    "pranatal",
    "vor der geburt",
    "pregnancy",
    "pregnant",
)
# Number with optional decimal comma and optional unit.
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"\s*(monaten|monate|monat|mon\.?|mo\.?|m|jahren|jahre|jahr|j\.?|years?|y|wochen)?"
_RANGE = re.compile(rf"^{_NUMBER}{_UNIT}\s*(?:-|bis|to)\s*{_NUMBER}{_UNIT}$")
_FROM = re.compile(rf"^(?:ab|from|>=?)\s*{_NUMBER}{_UNIT}$|^{_NUMBER}{_UNIT}\s*\+$")
_BELOW = re.compile(rf"^(?:bis|unter|under|<=?)\s*{_NUMBER}{_UNIT}$")
_SINGLE = re.compile(rf"^{_NUMBER}{_UNIT}$")
# Words around an age that say nothing about it: "Kinder von 3 bis 6 Jahren", "ca. 4 J."
_FILLER = re.compile(r"\b(kinder|im alter|alter|von|ca\.?|etwa|age[sd]?|years old|jahrige)\b")


def _months(number: str, unit: str | None) -> int:
    value = Decimal(number.replace(",", "."))
    if unit and unit.startswith(("mon", "mo", "m")):
        return int(value)
    if unit and unit.startswith("wochen"):
        return int(round(value / Decimal("4.345")))
    return int(round(value * 12))


def parse_age(text: str, mapped: Mapping[str, str] | None = None) -> tuple[int | None, int | None]:
    """An age text as (from, below) months; None is an open end. Raises ValueProblem."""
    if mapped and key(text) in mapped:
        text = mapped[key(text)]
    # U3 and Ü3 before folding, which makes both "u3". In a Kita list Ü3 means from the
    # third birthday to school entry; "über 6" elsewhere means from 6 on.
    raw = " ".join(text.casefold().split())
    if raw in {"ü3", "ü 3", "ue3", "ue 3", "über 3", "ueber 3"}:
        return 36, 72
    raw = re.sub(r"^(?:ü|über|ueber|ue)\s*(?=\d)", "ab ", raw)
    raw = re.sub(r"^(?:u|unter)\s*(?=\d)", "unter ", raw)
    folded = key(raw).replace("–", "-").replace("—", "-").replace("−", "-")
    if folded in ALL_AGES:
        return None, None
    folded = re.sub(r"\s*\b(?:und alter|und mehr|and older)$", "+", folded)
    pregnancy = False
    for word in PREGNANCY_WORDS:
        if word in folded:
            pregnancy = True
            folded = folded.replace(word, " ")
    folded = _FILLER.sub(" ", folded)
    folded = re.sub(r"^[\s,;&+-]*(?:und|and|sowie)?\s*|[\s,;&]*$", "", folded)
    folded = " ".join(folded.split())
    if not folded:
        if pregnancy:
            return None, 0
        raise ValueProblem(_("no age in it"))
    low, high = _age_range(folded)
    if pregnancy:
        low = None
    if low is not None and high is not None and low >= high:
        raise ValueProblem(_("the upper age lies below the lower one"))
    return low, high


def _age_range(folded: str) -> tuple[int | None, int | None]:
    if folded == "krippe":
        return 0, 36
    if folded == "kita":
        return 36, 72
    match = _RANGE.match(folded)
    if match:
        low_number, low_unit, high_number, high_unit = match.groups()
        # "0-3 Jahre": the unit after the second number holds for the first as well.
        return _months(low_number, low_unit or high_unit), _months(high_number, high_unit)
    match = _FROM.match(folded)
    if match:
        number, unit = (match.group(1), match.group(2)) if match.group(1) else match.groups()[2:]
        return _months(number, unit), None
    match = _BELOW.match(folded)
    if match:
        return None, _months(match.group(1), match.group(2))
    match = _SINGLE.match(folded)
    if match:
        number, unit = match.groups()
        low = _months(number, unit)
        return low, low + (1 if unit and unit.startswith(("mon", "mo", "m")) else 12)
    raise ValueProblem(
        _("not an age range; write e.g. “0-3 Jahre”, “ab 6”, “bis 12”, “6 Monate bis 3 Jahre”")
    )


def parse_month_count(text: str) -> int:
    """A whole number of months ("36", "36,0")."""
    try:
        value = Decimal(text.replace(",", ".").strip())
    except InvalidOperation as exc:
        raise ValueProblem(_("not a number of months")) from exc
    if value < 0 or value != value.to_integral_value():
        raise ValueProblem(_("not a whole, non-negative number of months"))
    return int(value)


def parse_year_count(text: str) -> int:
    """An age in years ("3", "1,5") as months."""
    try:
        value = Decimal(text.replace(",", ".").strip())
    except InvalidOperation as exc:
        raise ValueProblem(_("not a number of years")) from exc
    if value < 0:
        raise ValueProblem(_("an age cannot be negative"))
    return int(round(value * 12))


# -------------------------------------------------------------------------------------- Costs


@dataclass(frozen=True, slots=True)
class Cost:
    kind: str
    amount: Decimal | None = None
    description: str = ""


FREE_WORDS = {
    "kostenlos",
    "kostenfrei",
    "gebuhrenfrei",
    "beitragsfrei",
    "gratis",
    "frei",
    "umsonst",
    "unentgeltlich",
    "keine",
    "keine kosten",
    "ohne kosten",
    "nein",
    "free",
    "free of charge",
    "none",
}
FEE_WORDS = {"kostenpflichtig", "gebuhr", "gebuhrenpflichtig", "teilnahmebeitrag", "fee", "ja"}
_BUT = re.compile(r"\bbut\b|bildung und teilhabe|bildungs- und teilhabe")
_AMOUNT = re.compile(r"(\d+(?:[.,]\d{1,2})?)\s*(?:€|eur|euro)|(?:€|eur)\s*(\d+(?:[.,]\d{1,2})?)")
# Parts of a cost cell: "kostenlos; BuT", "5,50 €, ermäßigt 3 €" (a comma before a space).
_COST_PARTS = re.compile(r"[;/\n]|,\s")


def parse_costs(text: str, mapped: Mapping[str, str] | None = None) -> list[Cost]:
    """What an offer costs: free, covered by BuT, or a fee (with amount if one is named).

    A text that names neither is kept as a fee with the text as its description.
    """
    costs: list[Cost] = []
    parts = [text] if mapped and key(text) in mapped else _COST_PARTS.split(text)
    for part in (p.strip() for p in parts):
        if not part:
            continue
        folded = key(part)
        if mapped and folded in mapped:
            kind = mapped[folded]
            if kind not in CostOption.Kind.values:
                raise ValueProblem(
                    _("the value mapping names the unknown cost kind “%(kind)s”") % {"kind": kind}
                )
            cost = Cost(kind)
        elif folded.rstrip(".") in FREE_WORDS:
            cost = Cost(CostOption.Kind.FREE)
        elif _BUT.search(folded):
            cost = Cost(CostOption.Kind.BUT)
        elif folded in FEE_WORDS:
            cost = Cost(CostOption.Kind.FEE)
        else:
            amount = _amount(folded)
            if amount == 0:
                cost = Cost(CostOption.Kind.FREE)
            elif amount is not None:
                bare = re.fullmatch(r"[\d.,]+\s*(?:€|eur|euro)?|(?:€|eur)\s*[\d.,]+", folded)
                cost = Cost(CostOption.Kind.FEE, amount, "" if bare else part[:300])
            else:
                cost = Cost(CostOption.Kind.FEE, None, part[:300])
        if cost not in costs:
            costs.append(cost)
    return costs


def _amount(folded: str) -> Decimal | None:
    match = _AMOUNT.search(folded)
    number = (match.group(1) or match.group(2)) if match else None
    if number is None and re.fullmatch(r"\d+(?:[.,]\d{1,2})?", folded):
        number = folded
    if number is None:
        return None
    return Decimal(number.replace(",", "."))


# ---------------------------------------------------------------------------------- Languages

_LANGUAGE_PARTS = re.compile(r"[,;/|&+\n]|\bund\b|\bsowie\b|\boder\b|\band\b")
LANGUAGE_ALIASES = {
    "gebardensprache": "sgn",
    "deutsche gebardensprache": "sgn",
    "dgs": "sgn",
    "kurdisch": "ku",
    "kurmandschi": "ku",
    "farsi": "fa",
    "dari": "fa",
    "tigrinya": "ti",
    "somali": "so",
    "paschtu": "ps",
    "albanisch": "sq",
}


class LanguageReader:
    """Language names in German, English or the language itself, and ISO 639-1 codes."""

    def __init__(self, mapped: Mapping[str, str] | None = None):
        self.names: dict[str, str] = {}
        for code, info in LANG_INFO.items():
            if "name" not in info or not is_known_language(code) or len(code) > 3:
                continue
            self._add(code, [info["name"], info.get("name_local", "")])
        for code, name in EXTRA_LANGUAGES.items():
            with translation.override("en"):
                self._add(code, [str(name)])
        self.names.update(LANGUAGE_ALIASES)
        self.names.update({key(text): code for text, code in (mapped or {}).items()})

    def _add(self, code: str, names: Iterable[str]) -> None:
        with translation.override("de"):
            german = [_(name) for name in names if name]
        for name in [code, *names, *german]:
            if name:
                self.names.setdefault(key(name), code)

    def read(self, text: str) -> tuple[list[str], list[str]]:
        """(codes, parts not understood) of a cell like "türkisch, arabisch" or "TR/AR"."""
        whole = self.names.get(key(text))
        if whole:
            return [whole], []
        codes: list[str] = []
        unknown: list[str] = []
        for part in _LANGUAGE_PARTS.split(text):
            part = part.strip(" .")
            if not part:
                continue
            code = self.names.get(key(part)) or self.names.get(key(part).removesuffix("e"))
            if code is None:
                unknown.append(part)
            elif code not in codes:
                codes.append(code)
        return codes, unknown


# -------------------------------------------------------------------------------------- Terms

_TERM_PARTS = re.compile(r"[;|/\n]|,\s*")
FUZZY_SCORE = 88


@dataclass(frozen=True)
class TermMatch:
    terms: list[TaxonomyTerm]
    unknown: list[str]
    guessed: list[tuple[str, TaxonomyTerm]]  # (text, term) read by a near spelling


class TermReader:
    """Terms of the given vocabularies by name, code, saved value mapping or age (phases)."""

    def __init__(
        self,
        terms: Iterable[TaxonomyTerm],
        taxonomy_codes: Iterable[str] | None,
        mapped: Mapping[str, str] | None = None,
    ):
        wanted = set(taxonomy_codes) if taxonomy_codes is not None else None
        all_terms = list(terms)
        self.terms = [t for t in all_terms if wanted is None or t.taxonomy.code in wanted]
        by_qualified = {f"{t.taxonomy.code}:{t.code}": t for t in all_terms}
        self.by_name: dict[str, TaxonomyTerm] = {}
        for term in self.terms:
            self.by_name.setdefault(key(term.name), term)
        self.by_code: dict[str, TaxonomyTerm] = {}
        for term in self.terms:
            self.by_code.setdefault(key(term.code), term)
            self.by_code.setdefault(key(f"{term.taxonomy.code}:{term.code}"), term)
        # A saved value mapping names terms as "taxonomy:code", several joined by ", ".
        self.mapped: dict[str, list[TaxonomyTerm]] = {}
        for text, codes in (mapped or {}).items():
            found = [by_qualified[c.strip()] for c in codes.split(",") if c.strip() in by_qualified]
            self.mapped[key(text)] = found
        # Longest names first: "Kultur, Sport und Freizeit" holds a comma.
        self.names_longest_first = sorted(self.by_name, key=len, reverse=True)
        self.phases = [t for t in self.terms if t.taxonomy.code == LIFE_PHASE]

    def known_names(self) -> str:
        return ", ".join(term.name for term in self.terms)

    def read(self, text: str) -> TermMatch:
        found: list[TaxonomyTerm] = []
        unknown: list[str] = []
        guessed: list[tuple[str, TaxonomyTerm]] = []

        def add(terms: Iterable[TaxonomyTerm]) -> None:
            for term in terms:
                if term not in found:
                    found.append(term)

        whole = key(text)
        if whole in self.mapped:
            add(self.mapped[whole])
            return TermMatch(found, unknown, guessed)
        rest = whole
        for name in self.names_longest_first:
            pattern = rf"(?:^|(?<=[,;|/\n]))\s*{re.escape(name)}\s*(?=$|[,;|/\n])"
            if re.search(pattern, rest):
                add([self.by_name[name]])
                rest = re.sub(pattern, "", rest)
        originals = {key(part): part.strip() for part in _TERM_PARTS.split(text)}
        for part in _TERM_PARTS.split(rest):
            part = part.strip()
            if not part:
                continue
            original = originals.get(part, part)
            if part in self.mapped:
                add(self.mapped[part])
            elif part in self.by_code:
                add([self.by_code[part]])
            elif (phases := self._phases_by_age(part)) is not None:
                add(phases)
            else:
                term = self._near(part)
                if term is None:
                    unknown.append(original)
                else:
                    add([term])
                    guessed.append((original, term))
        return TermMatch(found, unknown, guessed)

    def _phases_by_age(self, part: str) -> list[TaxonomyTerm] | None:
        """Life phases named by an age ("3-6 Jahre", "U3"): the phases the range overlaps."""
        if not self.phases:
            return None
        try:
            low, high = parse_age(part)
        except ValueProblem:
            return None
        exact = [p for p in self.phases if (p.min_age_months, p.max_age_months) == (low, high)]
        if exact:
            return exact
        return [
            p
            for p in self.phases
            if (high is None or p.min_age_months is None or p.min_age_months < high)
            and (low is None or p.max_age_months is None or p.max_age_months > low)
        ]

    def _near(self, part: str) -> TaxonomyTerm | None:
        best = process.extractOne(
            part, list(self.by_name), scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE
        )
        return self.by_name[best[0]] if best else None


# ------------------------------------------------------------------------------ Single values

WHEELCHAIR_WORDS = {
    Location.Wheelchair.YES: {
        "ja", "yes", "x", "1", "wahr", "true", "rollstuhlgerecht", "barrierefrei",
        "rollstuhlgeeignet", "wheelchair accessible",
    },
    Location.Wheelchair.PARTIAL: {
        "teilweise", "eingeschrankt", "bedingt", "partial", "partly", "teils",
        "teilweise rollstuhlgerecht", "partly wheelchair accessible",
    },
    Location.Wheelchair.NO: {
        "nein", "no", "0", "falsch", "false", "nicht barrierefrei", "nicht rollstuhlgerecht",
        "not wheelchair accessible",
    },
}  # fmt: skip


def parse_wheelchair(text: str) -> str:
    folded = key(text)
    for value, words in WHEELCHAIR_WORDS.items():
        if folded in words:
            return value
    with translation.override("de"):
        labels = {key(str(label)): value for value, label in Location.Wheelchair.choices}
    if folded in labels:
        return labels[folded]
    raise ValueProblem(_("not a wheelchair access; write ja, teilweise or nein"))


STATUS_WORDS = {
    Service.Status.ACTIVE: {"aktiv", "active", "ja", "1", "online", "veroffentlicht"},
    Service.Status.INACTIVE: {"inaktiv", "inactive", "nein", "0", "beendet", "eingestellt"},
    Service.Status.DRAFT: {"entwurf", "draft", "in bearbeitung"},
}


def parse_status(text: str) -> str:
    folded = key(text)
    for value, words in STATUS_WORDS.items():
        if folded in words:
            return value
    raise ValueProblem(_("not a status; write aktiv, inaktiv or Entwurf"))


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def parse_date(text: str) -> dt.date:
    cleaned = text.strip()
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    match = re.fullmatch(r"(\d{1,2})[./](\d{4})", cleaned)
    if match:
        # "05/2024": a month names no day; the first counts, so never too late.
        return dt.date(int(match.group(2)), int(match.group(1)), 1)
    raise ValueProblem(_("not a date; write e.g. 31.05.2024 or 2024-05-31"))


def parse_coordinate(text: str) -> float:
    try:
        return round(float(text.strip().replace(",", ".")), 7)
    except ValueError as exc:
        raise ValueProblem(_("not a number in degrees, e.g. 52.5363")) from exc


def parse_email(text: str) -> str:
    cleaned = text.strip().removeprefix("mailto:")
    try:
        EmailValidator()(cleaned)
    except ValidationError as exc:
        raise ValueProblem(_("not an e-mail address")) from exc
    return cleaned


def parse_url(text: str) -> str:
    cleaned = text.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", cleaned, re.IGNORECASE):
        cleaned = f"https://{cleaned}"
    try:
        URLValidator(schemes=["http", "https"])(cleaned)
    except ValidationError as exc:
        raise ValueProblem(_("not a web address")) from exc
    if len(cleaned) > 500:
        raise ValueProblem(_("longer than %(max)s characters") % {"max": 500})
    return cleaned


def parse_count(text: str) -> int:
    cleaned = text.strip().replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", text) else text
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueProblem(_("not a whole number")) from exc
    if value < 0 or value != value.to_integral_value():
        raise ValueProblem(_("not a whole, non-negative number"))
    return int(value)
