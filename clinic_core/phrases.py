"""Deterministic phrase matching for crisis detection, independent of any model.

Phrases are plain text that staff maintain (safety/crisis_phrases.yml). A
message matches a phrase when the phrase's words occur in it in order, where
- case, accents and punctuation don't matter and apostrophes vanish ("don't" = "dont"),
- a word also matches through its lemma ("killing" -> "kill") when one is given,
- a phrase word of 5+ letters also matches one typo away (one letter added,
  dropped, changed, or two neighbours swapped),
- a word ending in `*` matches any ending ("suicid*"), with the same typo
  tolerance for its first 5+ letters,
- `...` between words allows up to 3 other words.
A match lying wholly inside a `not_crisis` phrase ("dying to know") is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

import yaml

GAP = "..."
MAX_GAP_WORDS = 3
FUZZY_MIN_LENGTH = 5

_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`´]")
_NON_WORD = re.compile(r"[^a-z0-9*]+")


def normalize(text: str) -> List[str]:
    """Lower-case words without accents, apostrophes or punctuation."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.lower())
    return [word for word in _NON_WORD.sub(" ", text).split() if word]


def _one_edit_apart(a: str, b: str) -> bool:
    """True if a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _deletions(word: str) -> Set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True)
class Phrase:
    text: str
    words: Tuple[str, ...]  # GAP marks "up to MAX_GAP_WORDS words"

    @classmethod
    def parse(cls, text: str) -> "Phrase":
        words: List[str] = []
        for part in re.split(r"(\.\.\.|…)", text):
            if part in ("...", "…"):
                words.append(GAP)
            else:
                words.extend(normalize(part))
        while words and words[0] == GAP:
            words.pop(0)
        while words and words[-1] == GAP:
            words.pop()
        if not words:
            raise ValueError(f"phrase has no words: {text!r}")
        return cls(text=text, words=tuple(words))


@dataclass(frozen=True)
class Match:
    phrase: str
    start: int  # index of the first matched word
    end: int  # index after the last matched word


def _word_matches(pattern: str, forms: Sequence[str]) -> bool:
    if pattern.endswith("*"):
        prefix = pattern[:-1]
        if len(prefix) < FUZZY_MIN_LENGTH:
            return any(form.startswith(prefix) for form in forms)
        size = len(prefix)
        return any(
            _one_edit_apart(prefix, form[:cut])
            for form in forms
            for cut in (size - 1, size, size + 1)
            if cut <= len(form)
        )
    if len(pattern) >= FUZZY_MIN_LENGTH:
        return any(_one_edit_apart(pattern, form) for form in forms)
    return pattern in forms


class PhraseMatcher:
    """Finds the first phrase of a list in a message."""

    def __init__(self, phrases: Iterable[str], exceptions: Iterable[str] = ()) -> None:
        self.phrases = [Phrase.parse(p) for p in phrases]
        self.exceptions = [Phrase.parse(p) for p in exceptions]
        self._index = self._build_index(self.phrases)
        self._exception_index = self._build_index(self.exceptions)

    @staticmethod
    def _build_index(phrases: List[Phrase]) -> Dict[str, List[Phrase]]:
        """Candidates by the keys a first word can be reached with; '*' for prefix words."""
        index: Dict[str, List[Phrase]] = {}
        for phrase in phrases:
            first = phrase.words[0]
            if first.endswith("*"):
                keys = {"*"}
            elif len(first) >= FUZZY_MIN_LENGTH:
                keys = _deletions(first)
            else:
                keys = {first}
            for key in keys:
                index.setdefault(key, []).append(phrase)
        return index

    def find(self, text: str, lemmatize: Optional[Callable[[str], str]] = None) -> Optional[Match]:
        """The first crisis phrase in `text` not covered by an exception, or None."""
        forms = [self._forms(word, lemmatize) for word in normalize(text)]
        harmless: Optional[List[Match]] = None  # read only when a phrase matched (most don't)
        for match in self._all_matches(forms, self._index):
            if harmless is None:
                harmless = list(self._all_matches(forms, self._exception_index))
            if not any(h.start <= match.start and match.end <= h.end for h in harmless):
                return match
        return None

    @staticmethod
    def _forms(word: str, lemmatize: Optional[Callable[[str], str]]) -> Tuple[str, ...]:
        if lemmatize is None:
            return (word,)
        lemma = lemmatize(word)
        return (word,) if not lemma or lemma == word else (word, lemma)

    def _all_matches(
        self, forms: List[Tuple[str, ...]], index: Dict[str, List[Phrase]]
    ) -> Iterable[Match]:
        for start, word_forms in enumerate(forms):
            keys: Set[str] = {"*"}
            for form in word_forms:
                keys |= _deletions(form) if len(form) >= FUZZY_MIN_LENGTH - 1 else {form}
            seen: Set[str] = set()
            for key in keys:
                for phrase in index.get(key, ()):
                    if phrase.text in seen:
                        continue
                    seen.add(phrase.text)
                    end = self._match_at(phrase.words, forms, start)
                    if end is not None:
                        yield Match(phrase.text, start, end)

    def _match_at(
        self, pattern: Sequence[str], forms: List[Tuple[str, ...]], position: int
    ) -> Optional[int]:
        if not pattern:
            return position
        head, rest = pattern[0], pattern[1:]
        if head == GAP:
            for skip in range(MAX_GAP_WORDS + 1):
                end = self._match_at(rest, forms, position + skip)
                if end is not None:
                    return end
            return None
        if position < len(forms) and _word_matches(head, forms[position]):
            return self._match_at(rest, forms, position + 1)
        return None


def load_phrase_file(path: Union[str, Path]) -> PhraseMatcher:
    """Read a phrase file: `crisis_phrases: {<language>: [...]}` and `not_crisis: [...]`."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    groups = data.get("crisis_phrases") or {}
    phrases = [p for group in groups.values() for p in (group or [])]
    if not phrases:
        raise ValueError(f"{path}: no crisis_phrases found")
    return PhraseMatcher(phrases, data.get("not_crisis") or [])
