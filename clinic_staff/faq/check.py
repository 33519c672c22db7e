"""`./staff faq check`: find problems in the FAQ files and explain them in plain words.

Every problem is one line `<file>:<line>: error|warning: <what is wrong and what to do>`.
Errors block retraining and deploying (exit status 1); warnings do not (exit status 0):

- error: YAML syntax; file name and topic differ; invalid topic name; fewer than
  MIN_PHRASINGS phrasings; missing or empty answer; answer longer than MAX_ANSWER_CHARS;
  a link that is not https (FAQ files and clinic.yml); an unknown {placeholder} in an answer;
  a crisis phrase (safety/crisis_phrases.yml) used as an FAQ phrasing; the same phrasing under
  two intents (FAQ files and data/nlu); errors from `rasa data validate`.
- warning: the same phrasing twice in one FAQ; near-duplicate phrasings in two FAQs (word-set
  Jaccard similarity >= NEAR_DUPLICATE_SIMILARITY), which make the model confuse the topics.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from clinic_core.phrases import PhraseMatcher, load_phrase_file, normalize
from clinic_core.settings import ClinicSettingsError, clinic_info_from, load_clinic
from clinic_staff.faq.files import FAQ_DIR, MIN_PHRASINGS, topic_problem

MAX_TITLE_CHARS = 40  # a "Did you mean" button on a phone
MAX_ANSWER_CHARS = 1200  # about 200 words: more is hard to read in the chat window
NEAR_DUPLICATE_SIMILARITY = 0.85  # shared words / all words; 0.8 flagged "how does ketamine work" vs "how fast does ketamine work"
NEAR_DUPLICATE_MIN_WORDS = 3  # shorter phrasings ("cost?") are too short to compare
NLU_DIR = Path("data") / "nlu"
CRISIS_PHRASES = Path("safety") / "crisis_phrases.yml"
CLINIC_FILE = Path("clinic.yml")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_INSECURE_LINK = re.compile(r"\bhttp://\S*", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    path: str  # relative to the project
    line: int  # 1-based; 0 when the problem is not on one line
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # intent, e.g. "greet" or "faq/cost"
    path: str
    line: int


@dataclass
class NluFile:
    path: str
    examples: List[Example] = field(default_factory=list)
    intents: List[Tuple[str, int]] = field(default_factory=list)  # (intent, line)
    answers: Dict[str, List[Tuple[str, int]]] = field(default_factory=dict)  # key -> (text, line)
    responses_line: int = 0
    metadata: Dict[str, str] = field(default_factory=dict)  # the FAQ intent's title, source, review


def _mapping(node: yaml.Node) -> Dict[str, Tuple[yaml.Node, yaml.Node]]:
    """Key text -> (key node, value node) of a YAML mapping node ({} for anything else)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _examples(node: yaml.Node, label: str, path: str) -> List[Example]:
    """The `- phrasing` lines of an `examples: |` block, each with its own line number."""
    if not isinstance(node, yaml.ScalarNode):
        return []
    first_line = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    found = []
    for offset, raw in enumerate(str(node.value).split("\n")):
        text = raw.strip()
        if text.startswith("-"):
            text = text[1:].strip()
            if text:
                line = first_line + offset if node.style in ("|", ">") else first_line
                found.append(Example(text, label, path, line))
    return found


def parse_nlu_file(project: Path, path: Path) -> Tuple[Optional[NluFile], List[Problem]]:
    """Read one training data file; a YAML syntax error is returned as a Problem."""
    rel = str(path.relative_to(project))
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        return None, [
            Problem(
                rel,
                line,
                "error",
                f"the file is not valid YAML ({error.problem}). Check this line and "
                "the one above: indent with spaces (never tabs) like the other lines, "
                "and put an answer with a colon or quote marks inside double quotes.",
            )
        ]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return None, [Problem(rel, 0, "error", f"cannot read the file: {error}")]
    parsed = NluFile(rel)
    top = _mapping(root) if root is not None else {}
    if "nlu" in top and isinstance(top["nlu"][1], yaml.SequenceNode):
        for item in top["nlu"][1].value:
            entry = _mapping(item)
            if "intent" in entry:
                key, value = entry["intent"]
                intent = str(value.value)
                parsed.intents.append((intent, key.start_mark.line + 1))
                if "examples" in entry:
                    parsed.examples += _examples(entry["examples"][1], intent, rel)
                if "metadata" in entry:
                    parsed.metadata = {
                        name: str(node.value or "").strip()
                        for name, (_, node) in _mapping(entry["metadata"][1]).items()
                        if isinstance(node, yaml.ScalarNode)
                    }
    if "responses" in top:
        parsed.responses_line = top["responses"][0].start_mark.line + 1
        for name, (key, value) in _mapping(top["responses"][1]).items():
            texts = []
            variants = value.value if isinstance(value, yaml.SequenceNode) else []
            for variant in variants:
                text_entry = _mapping(variant).get("text")
                if text_entry:
                    texts.append((str(text_entry[1].value), text_entry[1].start_mark.line + 1))
                else:
                    texts.append(("", variant.start_mark.line + 1))
            parsed.answers[name] = texts or [("", key.start_mark.line + 1)]
    return parsed, []


def check_faq_structure(faq: NluFile, topic_from_name: str) -> List[Problem]:
    """One faq/<topic> intent named like the file, enough phrasings, one non-empty answer."""
    problems: List[Problem] = []
    add = lambda line, msg: problems.append(Problem(faq.path, line, "error", msg))  # noqa: E731
    bad_name = topic_problem(topic_from_name)
    if bad_name:
        add(0, f"file name: {bad_name}")
    faq_intents = [(i, line) for i, line in faq.intents if i.startswith("faq/")]
    if len(faq.intents) != 1 or not faq_intents:
        add(
            faq.intents[0][1] if faq.intents else 1,
            f"an FAQ file must have exactly one '- intent: faq/{topic_from_name}' under 'nlu:' "
            f"(found {len(faq.intents)} intents)",
        )
        return problems
    intent, intent_line = faq_intents[0]
    topic = intent.split("/", 1)[1]
    if topic != topic_from_name:
        add(
            intent_line,
            f"the file is named {topic_from_name}.yml but its intent is {intent}: "
            f"rename the file to {topic}.yml or change the intent to "
            f"faq/{topic_from_name}",
        )
    count = len(faq.examples)
    if count < MIN_PHRASINGS:
        add(
            intent_line,
            f"{intent} has only {count} phrasing(s); an FAQ needs at least "
            f"{MIN_PHRASINGS} different ways a visitor might ask it. Add "
            f"{MIN_PHRASINGS - count} more under 'examples:'.",
        )
    key = f"utter_faq/{topic}"
    if key not in faq.answers:
        others = [k for k in faq.answers if k.startswith("utter_faq/")]
        hint = f" (found {others[0]}: rename it to {key})" if others else ""
        add(
            faq.responses_line or intent_line,
            f"the answer is missing: add 'responses:' with '{key}:' and '- text: \"...\"'{hint}",
        )
        return problems
    for text, line in faq.answers[key]:
        problems += check_answer(faq.path, line, text)
    return problems + check_faq_metadata(faq, intent_line)


def check_faq_metadata(faq: NluFile, line: int) -> List[Problem]:
    """Each FAQ names its button title, its source, and who last reviewed it clinically."""
    problems: List[Problem] = []
    meta = faq.metadata
    title = meta.get("title", "")
    if not title:
        problems.append(
            Problem(
                faq.path,
                line,
                "warning",
                "the FAQ has no 'title:' under "
                "'metadata:' (the short label of its button, e.g. \"Cost\")",
            )
        )
    elif len(title) > MAX_TITLE_CHARS:
        problems.append(
            Problem(
                faq.path,
                line,
                "error",
                f"the title is {len(title)} characters; "
                f"keep it to {MAX_TITLE_CHARS} so it fits on a button",
            )
        )
    if not meta.get("source"):
        problems.append(
            Problem(
                faq.path,
                line,
                "warning",
                "the FAQ has no 'source:' under "
                "'metadata:': quote the article passage or name the clinic.yml "
                "setting the answer comes from",
            )
        )
    if not meta.get("reviewed_by") or not meta.get("reviewed_on"):
        problems.append(
            Problem(
                faq.path,
                line,
                "warning",
                "not yet reviewed by a clinician: "
                "fill in 'reviewed_by:' and 'reviewed_on:' (YYYY-MM-DD) under "
                "'metadata:' once a clinician has checked the answer",
            )
        )
    return problems


def placeholders() -> List[str]:
    """The {names} an answer may use: the clinic.yml details copied into slots."""
    try:
        return sorted(load_clinic().as_slots())
    except ClinicSettingsError:
        return sorted(clinic_info_from({}).as_slots())


def check_answer(path: str, line: int, text: str) -> List[Problem]:
    """An answer must be non-empty, not too long, and use only known placeholders."""
    if not text.strip():
        return [
            Problem(
                path,
                line,
                "error",
                "the answer is empty: write the text the assistant should reply after '- text:'",
            )
        ]
    problems = []
    if len(text) > MAX_ANSWER_CHARS:
        problems.append(
            Problem(
                path,
                line,
                "error",
                f"the answer is {len(text)} characters long; keep it under "
                f"{MAX_ANSWER_CHARS} (about 200 words) so it reads well in the "
                "chat window, and link to a web page for details",
            )
        )
    known = placeholders()
    for name in _PLACEHOLDER.findall(text):
        if name not in known:
            problems.append(
                Problem(
                    path,
                    line,
                    "error",
                    f"unknown placeholder {{{name}}} in the answer; the ones that "
                    f"work are {', '.join('{' + p + '}' for p in known)}",
                )
            )
    return problems


def check_links(project: Path, path: Path) -> List[Problem]:
    """Every http:// link (not https://) in a file, with its line."""
    rel = str(path.relative_to(project))
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [
        Problem(
            rel,
            number,
            "error",
            f"the link {match.group(0).rstrip(chr(34) + chr(39) + ',.)')} is not secure: "
            "use https:// (browsers warn visitors about http:// pages)",
        )
        for number, line in enumerate(lines, 1)
        if not line.lstrip().startswith("#")
        for match in _INSECURE_LINK.finditer(line)
    ]


def check_crisis_phrases(examples: Iterable[Example], matcher: PhraseMatcher) -> List[Problem]:
    """An FAQ phrasing that is a crisis message would teach the model to answer a crisis with an FAQ."""
    problems = []
    for example in examples:
        match = matcher.find(example.text)
        if match:
            problems.append(
                Problem(
                    example.path,
                    example.line,
                    "error",
                    f"'{example.text}' contains the crisis phrase '{match.phrase}'. Messages like this "
                    "must always get the crisis answer, never an FAQ: remove this phrasing.",
                )
            )
    return problems


def _key(text: str) -> str:
    return " ".join(normalize(text))


def check_duplicates(examples: List[Example]) -> List[Problem]:
    """The same phrasing (ignoring case and punctuation) twice: error across intents, warning within one."""
    first_seen: Dict[str, Example] = {}
    problems = []
    for example in examples:
        key = _key(example.text)
        earlier = first_seen.setdefault(key, example)
        if earlier is example or not key:
            continue
        where = f"{earlier.path}:{earlier.line}"
        if earlier.label == example.label:
            if not example.label.startswith("faq/"):
                continue  # data/nlu is the developers' file; "hello" and "hello!" are harmless there
            problems.append(
                Problem(
                    example.path,
                    example.line,
                    "warning",
                    f"'{example.text}' is listed twice (also at {where}); delete one of them",
                )
            )
        else:
            problems.append(
                Problem(
                    example.path,
                    example.line,
                    "error",
                    f"'{example.text}' is also a phrasing of {earlier.label} "
                    f"({where}). A phrasing can belong to one topic only: "
                    "delete it here or there.",
                )
            )
    return problems


def similarity(a: frozenset, b: frozenset) -> float:
    """Jaccard similarity of two word sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def check_near_duplicates(
    examples: List[Example], threshold: float = NEAR_DUPLICATE_SIMILARITY
) -> List[Problem]:
    """Phrasings of two different FAQs that use (almost) the same words."""
    normalized = [(e, normalize(e.text)) for e in examples if e.label.startswith("faq/")]
    words = [
        (e, " ".join(w), frozenset(w))
        for e, w in normalized
        if len(set(w)) >= NEAR_DUPLICATE_MIN_WORDS
    ]
    problems = []
    for i, j in _pairs_sharing_most_words(words, threshold):
        (a, key_a, wa), (b, key_b, wb) = words[i], words[j]
        if a.label == b.label or key_a == key_b:
            continue  # exact duplicates are reported by check_duplicates
        problems.append(
            Problem(
                b.path,
                b.line,
                "warning",
                f"'{b.text}' ({b.label}) is almost the same as '{a.text}' ({a.label}, "
                f"{a.path}:{a.line}; {similarity(wa, wb):.0%} the same words). The assistant may "
                "mix up the two topics: reword one of them so it is clearly about its own topic.",
            )
        )
    return problems


def _pairs_sharing_most_words(
    words: List[Tuple[Example, str, frozenset]], threshold: float, block: int = 512
) -> List[Tuple[int, int]]:
    """Index pairs (i < j, in order) whose word sets have Jaccard similarity >= threshold.

    Counts shared words for all pairs at once with a sparse product (scipy) instead of
    comparing 5 million pairs in Python: 3,300 FAQ phrasings took 11 s that way, under 1 s
    this way (2026-12-02)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocabulary: Dict[str, int] = {}
    rows, columns = [], []
    for row, (_, _, word_set) in enumerate(words):
        for word in word_set:
            rows.append(row)
            columns.append(vocabulary.setdefault(word, len(vocabulary)))
    if not rows:
        return []
    matrix = csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, columns)),
        shape=(len(words), len(vocabulary)),
    )
    sizes = np.array([len(word_set) for _, _, word_set in words], dtype=np.int64)
    pairs: List[Tuple[int, int]] = []
    for start in range(0, len(words), block):
        shared = (matrix[start : start + block] @ matrix.T).tocoo()
        i = shared.row.astype(np.int64) + start
        j = shared.col.astype(np.int64)
        count = shared.data.astype(np.int64)
        later = j > i
        i, j, count = i[later], j[later], count[later]
        close = count / (sizes[i] + sizes[j] - count) >= threshold
        pairs.extend(zip(i[close].tolist(), j[close].tolist()))
    return sorted(pairs)


def run_rasa_validate(project: Path) -> List[Problem]:
    """Rasa's own data validation; its ERROR lines become problems."""
    rasa = str(Path(sys.executable).with_name("rasa"))
    command = [
        rasa,
        "data",
        "validate",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false")
    try:
        result = subprocess.run(
            command, cwd=project, env=env, capture_output=True, text=True, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return [Problem("rasa data validate", 0, "error", f"could not run: {error}")]
    if result.returncode == 0:
        return []  # its warnings (e.g. unused utterances) are for developers, not staff
    output = _ANSI.sub("", result.stdout + "\n" + result.stderr).splitlines()
    messages = [line.split(" ERROR ", 1)[-1].strip() for line in output if " ERROR " in line]
    messages += [
        line.split("UserWarning:", 1)[1].strip() for line in output if "UserWarning:" in line
    ]
    messages = messages or [line for line in output if line.strip()][-5:]
    return [
        Problem(
            "rasa data validate",
            0,
            "error",
            f"Rasa's own validation failed (exit {result.returncode}); it says:",
        )
    ] + [Problem("rasa data validate", 0, "error", message) for message in messages]


@dataclass
class CheckResult:
    problems: List[Problem]
    faq_files: int

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        if not self.problems:
            return f"All {self.faq_files} FAQ files passed the check."
        text = (
            f"{len(self.errors)} error(s) and {len(self.warnings)} warning(s) in "
            f"{self.faq_files} FAQ files."
        )
        if self.errors:
            return text + (
                " Fix every line marked 'error' (the file and line number come first), "
                "then run ./staff faq check again. The assistant cannot be retrained "
                "or deployed until there are no errors."
            )
        return text + " Warnings do not block retraining, but please have a look at them."


def check_project(project: Path, validate: bool = True) -> CheckResult:
    """Every check on the project at `project`."""
    problems: List[Problem] = []
    faq_files = sorted((project / FAQ_DIR).glob("*.yml"))
    faq_examples: List[Example] = []
    for path in faq_files:
        parsed, file_problems = parse_nlu_file(project, path)
        problems += file_problems + check_links(project, path)
        if parsed:
            problems += check_faq_structure(parsed, path.stem)
            faq_examples += parsed.examples
    other_examples: List[Example] = []
    for path in sorted((project / NLU_DIR).glob("*.yml")):
        parsed, file_problems = parse_nlu_file(project, path)
        problems += file_problems
        if parsed:
            other_examples += parsed.examples
    if (project / CLINIC_FILE).exists():
        problems += check_links(project, project / CLINIC_FILE)
    matcher = load_phrase_file(project / CRISIS_PHRASES)
    problems += check_crisis_phrases(faq_examples, matcher)
    problems += check_duplicates(other_examples + faq_examples)
    problems += check_near_duplicates(faq_examples)
    if validate and not any(
        p.severity == "error" and p.message.startswith("the file is not valid") for p in problems
    ):
        problems += run_rasa_validate(project)
    return CheckResult(problems, len(faq_files))


def report(result: CheckResult) -> str:
    lines = [
        str(p)
        for p in sorted(result.problems, key=lambda p: (p.severity != "error", p.path, p.line))
    ]
    return "\n".join(lines + [result.summary()])
