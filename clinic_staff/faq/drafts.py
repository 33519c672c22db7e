"""FAQ and clinic-settings drafts: edits kept in the clinic database, apart from what is live.

The live content is the published files (data/faq/*.yml and clinic.yml in settings.project_dir),
which `make run` trains from and serves. Staff edits are drafts (one per file) until a publish
writes them to those files; a restart therefore never serves an unpublished edit.
The console and `./staff` both use these functions.
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from difflib import SequenceMatcher
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import sqlalchemy as sa
import yaml

from clinic_core.settings import ClinicSettingsError, Settings, clinic_info_from
from clinic_staff import db
from clinic_staff.faq import check, files

CLINIC_PATH = "clinic.yml"
# Practical topics about the practice; every other FAQ is medical information, and a change to
# its answer needs a clinician's approval before it is published. An FAQ's metadata `medical:`
# overrides this.
PRACTICAL_TOPICS = frozenset(
    {"about_doctor", "availability", "cost", "getting_started", "insurance", "location_contact"}
)
# What a staged copy of the project needs: training inputs (ml/train.py) and what the check reads.
PROJECT_PARTS = ("config.yml", "domain.yml", "data", "safety")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass
class Faq:
    topic: str
    phrasings: List[str]
    answer: str
    metadata: Dict[str, object] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"data/faq/{self.topic}.yml"

    @property
    def title(self) -> str:
        return str(self.metadata.get("title") or (self.phrasings[0] if self.phrasings else ""))

    @property
    def medical(self) -> bool:
        value = self.metadata.get("medical")
        return bool(value) if value is not None else self.topic not in PRACTICAL_TOPICS


def _now() -> datetime:
    return datetime.now(timezone.utc)


def topic_of(path: str) -> str:
    return Path(path).stem


def parse_faq(text: str, topic: str) -> Faq:
    """An FAQ file's phrasings, answer and metadata (wherever the file keeps its metadata)."""
    data = yaml.safe_load(text) or {}
    phrasings: List[str] = []
    metadata: Dict[str, object] = {}
    for item in data.get("nlu") or []:
        if isinstance(item, dict) and str(item.get("intent", "")).startswith("faq/"):
            metadata.update(item.get("metadata") or {})
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("-"):
                    phrasings.append(line[1:].strip())
    answer = ""
    variants = (data.get("responses") or {}).get(f"utter_faq/{topic}") or []
    if variants and isinstance(variants[0], dict):
        answer = str(variants[0].get("text") or "")
        metadata.update(variants[0].get("metadata") or {})
    return Faq(topic, phrasings, answer, metadata)


def render_faq(faq: Faq) -> str:
    """The file text; metadata (title, source, reviewed_by, reviewed_on, ...) on the intent."""
    text = files.render_faq(faq.topic, faq.phrasings, faq.answer)
    if not faq.metadata:
        return text
    block = yaml.safe_dump(
        {"metadata": faq.metadata}, sort_keys=False, allow_unicode=True, width=1000
    )
    indented = "".join(f"  {line}\n" for line in block.splitlines())
    return text.replace("  examples: |\n", indented + "  examples: |\n", 1)


def field_of_line(faq: Faq, line: int) -> str:
    """Which form field a line of render_faq(faq) belongs to: 'answer', 'phrasings' or ''."""
    lines = render_faq(faq).splitlines()
    if 0 < line <= len(lines):
        text = lines[line - 1]
        if text.startswith("  - text:"):
            return "answer"
        if text.startswith("    - "):
            return "phrasings"
    return ""


# --- live files ---------------------------------------------------------------------------------


def live_files(settings: Settings) -> Dict[str, str]:
    """What is published now: data/faq/*.yml and clinic.yml, path -> text."""
    root = settings.project_dir
    found = {
        f"data/faq/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted((root / files.FAQ_DIR).glob("*.yml"))
    }
    found[CLINIC_PATH] = settings.clinic_file.read_text(encoding="utf-8")
    return found


def live_faqs(settings: Settings) -> Dict[str, Faq]:
    result = {}
    for path, text in live_files(settings).items():
        if path.startswith("data/faq/"):
            try:
                result[topic_of(path)] = parse_faq(text, topic_of(path))
            except yaml.YAMLError:
                result[topic_of(path)] = Faq(topic_of(path), [], "(this file cannot be read)")
    return result


# --- drafts -------------------------------------------------------------------------------------


def drafts(settings: Settings) -> Dict[str, dict]:
    with db.engine(settings).connect() as connection:
        rows = connection.execute(sa.select(db.drafts).order_by(db.drafts.c.path)).fetchall()
    return {r.path: dict(r._mapping) for r in rows}


def draft_files(settings: Settings) -> Dict[str, str]:
    """The live files with every draft applied: what would be live after publishing."""
    result = live_files(settings)
    for path, row in drafts(settings).items():
        if row["content"] is None:
            result.pop(path, None)
        else:
            result[path] = row["content"]
    return result


def _write_draft(settings: Settings, path: str, content: Optional[str], medical: bool, by: str):
    with db.engine(settings).begin() as connection:
        connection.execute(db.drafts.delete().where(db.drafts.c.path == path))
        if content is not None and live_files(settings).get(path) == content:
            return  # back to what is live: no draft
        connection.execute(
            db.drafts.insert().values(
                path=path,
                content=content,
                medical=medical,
                updated_by=by,
                updated_at=_now(),
                approved_by=None,
                approved_at=None,
            )
        )


def discard_draft(settings: Settings, path: str, by: str) -> None:
    from clinic_staff.accounts import audit

    with db.engine(settings).begin() as connection:
        connection.execute(db.drafts.delete().where(db.drafts.c.path == path))
    audit(settings, by, "draft discarded", path)


@contextmanager
def staged_project(settings: Settings, content: Dict[str, str]) -> Iterator[Path]:
    """A temporary copy of the project's training inputs with `content` as its FAQ files and
    clinic.yml (the spaCy pipeline linked, not copied)."""
    with tempfile.TemporaryDirectory(prefix="clinic-staged-") as tmp:
        root = Path(tmp)
        for name in PROJECT_PARTS:
            source = settings.project_dir / name
            if source.is_dir():
                shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.exists():
                shutil.copy(source, root / name)
        build = settings.project_dir / ".build"
        if build.exists():
            (root / ".build").symlink_to(build.resolve())
        for old in (root / files.FAQ_DIR).glob("*.yml"):
            old.unlink()
        for path, text in content.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        yield root


@dataclass
class SaveResult:
    saved: bool
    problems: Dict[str, List[str]]  # field ('answer', 'phrasings', 'topic', '') -> messages
    warnings: Dict[str, List[str]]


def check_content(
    settings: Settings, content: Dict[str, str], path: str, faq: Optional[Faq] = None
) -> Tuple[Dict[str, List[str]], Dict[str, List[str]]]:
    """`./staff faq check` (without Rasa's validation) on `content`; the problems of `path`
    by form field, errors and warnings apart."""
    with staged_project(settings, content) as root:
        result = check.check_project(root, validate=False)
    errors: Dict[str, List[str]] = {}
    warnings: Dict[str, List[str]] = {}
    for problem in result.problems:
        if problem.path != path:
            continue
        name = field_of_line(faq, problem.line) if faq else ""
        if "phrasing(s); an FAQ needs" in problem.message:
            name = "phrasings"
        target = errors if problem.severity == "error" else warnings
        target.setdefault(name, []).append(problem.message)
    return errors, warnings


def save_faq(
    settings: Settings,
    by: str,
    topic: str,
    answer: str,
    phrasings: List[str],
    medical: Optional[bool] = None,
    new: bool = False,
) -> SaveResult:
    """Check an edited or new FAQ like `./staff faq check` and keep it as a draft if it has no
    errors; warnings are saved with it."""
    from clinic_staff.accounts import audit

    topic = topic.strip().lower()
    problem = files.topic_problem(topic)
    if problem:
        return SaveResult(False, {"topic": [problem]}, {})
    content = draft_files(settings)
    path = f"data/faq/{topic}.yml"
    if new and path in content:
        return SaveResult(
            False, {"topic": [f"There is already an FAQ called {topic}: edit that one."]}, {}
        )
    before = parse_faq(content[path], topic) if path in content else Faq(topic, [], "")
    metadata = dict(before.metadata)
    for key in ("reviewed_by", "reviewed_on"):
        metadata.pop(key, None) if answer.strip() != before.answer.strip() else None
    if medical is not None and medical != Faq(topic, [], "", {}).medical:
        metadata["medical"] = medical
    elif medical is not None:
        metadata.pop("medical", None)
    faq = Faq(topic, files.unique_phrasings(phrasings), " ".join(answer.split()), metadata)
    content[path] = render_faq(faq)
    errors, warnings = check_content(settings, content, path, faq)
    if not faq.answer:
        errors.setdefault("answer", []).insert(0, "The answer is empty: write the reply.")
    if errors:
        return SaveResult(False, errors, warnings)
    _write_draft(settings, path, content[path], faq.medical, by)
    audit(settings, by, "FAQ added" if new else "FAQ edited", topic)
    return SaveResult(True, {}, warnings)


def delete_faq(settings: Settings, by: str, topic: str) -> None:
    from clinic_staff.accounts import audit

    faq = live_faqs(settings).get(topic)
    _write_draft(settings, f"data/faq/{topic}.yml", None, bool(faq and faq.medical), by)
    audit(settings, by, "FAQ deleted (draft)", topic)


def add_phrasing(settings: Settings, by: str, topic: str, phrasing: str) -> SaveResult:
    path = f"data/faq/{topic}.yml"
    current = draft_files(settings).get(path)
    if current is None:
        return SaveResult(False, {"": [f"There is no FAQ called {topic}."]}, {})
    faq = parse_faq(current, topic)
    return save_faq(settings, by, topic, faq.answer, faq.phrasings + [phrasing])


# --- clinic settings ----------------------------------------------------------------------------

CLINIC_FIELDS = {
    "clinic_name": "Clinic name",
    "doctor_name": "Doctor's name",
    "phone": "Phone number",
    "email": "Email address",
    "booking_url": "Online booking page (https://...)",
    "hours": "Opening hours",
    "time_zone": "Time zone (e.g. America/New_York)",
    "address": "Address",
}


def clinic_values(settings: Settings) -> Dict[str, str]:
    raw = yaml.safe_load(draft_files(settings)[CLINIC_PATH]) or {}
    return {name: str(raw.get(name) or "") for name in CLINIC_FIELDS}


def clinic_slots(settings: Settings) -> Dict[str, str]:
    """The placeholders of the draft clinic settings, policies included (answer previews)."""
    return clinic_info_from(yaml.safe_load(draft_files(settings)[CLINIC_PATH]) or {}).as_slots()


def clinic_problems(values: Dict[str, str]) -> Dict[str, List[str]]:
    from zoneinfo import ZoneInfo

    problems: Dict[str, List[str]] = {}
    for name, label in CLINIC_FIELDS.items():
        if not values.get(name, "").strip():
            problems.setdefault(name, []).append(f"{label.split(' (')[0]} is required.")
    url = values.get("booking_url", "")
    if url and not url.startswith("https://"):
        problems.setdefault("booking_url", []).append(
            "The booking page must start with https:// (browsers warn about http:// pages)."
        )
    phone = values.get("phone", "")
    if phone and sum(c.isdigit() for c in phone) < 7:
        problems.setdefault("phone", []).append("The phone number needs at least 7 digits.")
    email = values.get("email", "")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        problems.setdefault("email", []).append("The email address is not valid.")
    zone = values.get("time_zone", "")
    if zone:
        try:
            ZoneInfo(zone)
        except Exception:  # noqa: BLE001 - any lookup failure means an unknown zone
            problems.setdefault("time_zone", []).append(
                f"'{zone}' is not a time zone name; use one like America/New_York."
            )
    for name, value in values.items():
        if "http://" in value:
            problems.setdefault(name, []).append("Use https:// links only.")
    return problems


def save_clinic(settings: Settings, by: str, values: Dict[str, str]) -> Dict[str, List[str]]:
    """Validate and keep the clinic details as a draft of clinic.yml (comments kept)."""
    from clinic_staff.accounts import audit

    values = {name: " ".join(str(values.get(name, "")).split()) for name in CLINIC_FIELDS}
    problems = clinic_problems(values)
    if problems:
        return problems
    current = draft_files(settings)[CLINIC_PATH]
    comments = [line for line in current.splitlines() if line.startswith("#")]
    raw = yaml.safe_load(current) or {}
    raw.update(values)
    body = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=1000)
    text = "\n".join(comments) + ("\n" if comments else "") + body
    with tempfile.TemporaryDirectory() as tmp:  # the same reader the assistant uses must accept it
        probe = Path(tmp) / "clinic.yml"
        probe.write_text(text, encoding="utf-8")
        from clinic_core.settings import _read_clinic

        try:
            _read_clinic(probe, 0.0)
        except ClinicSettingsError as error:
            return {"": [str(error).replace(str(probe), "clinic.yml")]}
    _write_draft(settings, CLINIC_PATH, text, False, by)
    audit(settings, by, "clinic settings edited", ", ".join(sorted(values)))
    return {}


def fill_placeholders(text: str, slots: Dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: slots.get(m.group(1), m.group(0)), text)


# --- pending changes and approval ---------------------------------------------------------------


@dataclass
class Change:
    path: str
    kind: str  # new, changed, deleted, settings
    title: str
    before: Optional[Faq]
    after: Optional[Faq]
    medical: bool
    answer_changed: bool
    approved_by: Optional[str]
    approved_at: Optional[datetime]
    updated_by: str
    updated_at: datetime
    settings_diff: List[Tuple[str, str, str]] = field(default_factory=list)

    @property
    def needs_approval(self) -> bool:
        return self.medical and self.answer_changed and self.kind != "deleted"

    @property
    def approved(self) -> bool:
        return bool(self.approved_by)

    @property
    def phrasings_added(self) -> List[str]:
        before = {p.lower() for p in (self.before.phrasings if self.before else [])}
        return [p for p in (self.after.phrasings if self.after else []) if p.lower() not in before]

    @property
    def phrasings_removed(self) -> List[str]:
        after = {p.lower() for p in (self.after.phrasings if self.after else [])}
        return [p for p in (self.before.phrasings if self.before else []) if p.lower() not in after]

    @property
    def answer_diff(self) -> str:
        return word_diff(
            self.before.answer if self.before else "", self.after.answer if self.after else ""
        )

    @property
    def topic(self) -> str:
        return topic_of(self.path)


def word_diff(before: str, after: str) -> str:
    """HTML with removed words in <del> and added ones in <ins> (text escaped)."""
    a, b = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


def pending_changes(settings: Settings) -> List[Change]:
    live = live_files(settings)
    changes = []
    for path, row in drafts(settings).items():
        if path == CLINIC_PATH:
            old = yaml.safe_load(live.get(path, "")) or {}
            new = yaml.safe_load(row["content"] or "") or {}
            diff = [
                (CLINIC_FIELDS.get(k, k), str(old.get(k, "")), str(new.get(k, "")))
                for k in CLINIC_FIELDS
                if str(old.get(k, "")) != str(new.get(k, ""))
            ]
            changes.append(
                Change(
                    path, "settings", "Clinic settings", None, None, False, False,
                    row["approved_by"], row["approved_at"], row["updated_by"], row["updated_at"],
                    diff,
                )
            )  # fmt: skip
            continue
        topic = topic_of(path)
        before = parse_faq(live[path], topic) if path in live else None
        after = parse_faq(row["content"], topic) if row["content"] is not None else None
        kind = "new" if before is None else "deleted" if after is None else "changed"
        answer_changed = (before.answer if before else "") != (after.answer if after else "")
        shown = after or before
        changes.append(
            Change(
                path, kind, shown.title if shown else topic, before, after,
                bool(shown and shown.medical), answer_changed, row["approved_by"],
                row["approved_at"], row["updated_by"], row["updated_at"],
            )
        )  # fmt: skip
    return changes


class ApprovalError(ValueError):
    pass


def approve(settings: Settings, by: str, full_name: str, path: str) -> None:
    """A clinician approves a draft: its metadata gets reviewed_by and reviewed_on."""
    from clinic_staff.accounts import audit

    row = drafts(settings).get(path)
    if row is None or row["content"] is None or path == CLINIC_PATH:
        raise ApprovalError("There is no changed answer to approve here.")
    faq = parse_faq(row["content"], topic_of(path))
    faq.metadata["reviewed_by"] = full_name
    faq.metadata["reviewed_on"] = _now().strftime("%Y-%m-%d")
    with db.engine(settings).begin() as connection:
        connection.execute(
            db.drafts.update()
            .where(db.drafts.c.path == path)
            .values(content=render_faq(faq), approved_by=by, approved_at=_now())
        )
    audit(settings, by, "approved", path)


def blocking_approvals(changes: List[Change]) -> List[Change]:
    return [c for c in changes if c.needs_approval and not c.approved]
