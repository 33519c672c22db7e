"""Publishing: the gate that judges a change, the versioned store, and rollback.

One function per operation, used by the console (in a background thread, progress in the
staff_publish_jobs table) and by `./staff publish` / `./staff versions` / `./staff rollback`.

The gate judges the change, not the retraining noise:
- the FAQ check and Rasa's data validation on the staged content; the test conversations'
  dialogue, with each message's labelled intent (`rasa test core` without --e2e): which topic
  a message gets is judged below, by question and net of retraining noise. (With --e2e, one
  retraining after adding an FAQ moved 9 of the 73 FAQ conversations' phrasings to "Did you
  mean" or a neighbouring topic, and every such publish was refused whatever it changed.)
- crisis detection is a hard condition: every message of each crisis set the published model
  recognises must still be recognised, and no more harmless messages may be taken for a crisis
  than before (or 2 %, whichever is more); harmless messages asked the check-in question may
  move by CHECK_IN_NOISE (retraining noise), no more;
- FAQ quality on the held-out sets by question: a question that was answered right before and is
  wrong now counts against the change when its right topic or its new wrong topic is one whose
  phrasings the change touched (two or more such questions refuse it); other questions that went
  wrong are retraining noise unless, net of the questions that went right, they exceed
  PUBLISH_NOISE_MARGIN points (measured spread: docs/guides/staff-guide.md).

Each publish is one row of staff_published_versions: who, when, what (a summary), the full text
of data/faq/*.yml and clinic.yml, and the model (a kept copy). Rollback puts both back.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import sqlalchemy as sa
import yaml

from clinic_core.contract import CRISIS_CHECK_INTENT
from clinic_core.settings import PROJECT_ROOT, Settings
from clinic_staff import db
from clinic_staff.faq import drafts
from clinic_staff.faq.deploy import DeployError, RasaFleet, keep_copy, server_for

CRISIS_SETS = (PROJECT_ROOT / "tests" / "integration" / "safety" / "crisis_messages.yml",)
HARMLESS_SETS = (PROJECT_ROOT / "tests" / "integration" / "safety" / "harmless_messages.yml",)
HELDOUT_SETS = (
    PROJECT_ROOT / "tests" / "nlu" / "heldout.yml",
    PROJECT_ROOT / "tests" / "nlu" / "heldout_blind.yml",
)
CONVERSATIONS = PROJECT_ROOT / "tests" / "conversations"
ATTRIBUTABLE_LIMIT = 2  # this many questions broken by the change itself refuse it
MAX_FALSE_ALARM_RATE = 0.02
# Harmless messages asked the check-in question ("are you safe right now?") moved by one or two
# of 190 between two retrainings that changed no crisis data (DIET decides which messages the
# risk model reads); more than that counts against the change.
CHECK_IN = "check-in"
CHECK_IN_NOISE = 2
STALE_JOB = timedelta(hours=1)

Prediction = Tuple[str, str, str]  # text, expected label, predicted label
Predictions = Dict[str, List[Prediction]]  # set name -> predictions


class PublishError(RuntimeError):
    """Refused or failed; the message is plain words for staff. Nothing changed for visitors."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- predictions (run in a child process: a loaded model takes ~1 GB) ----------------------------


def _load_sets() -> Dict[str, List[Tuple[str, str]]]:
    from ml.evaluate import load_examples

    sets: Dict[str, List[Tuple[str, str]]] = {}
    for path in CRISIS_SETS:
        sets[f"crisis:{path.stem}"] = [
            (m["text"], "crisis") for m in yaml.safe_load(path.read_text())["messages"]
        ]
    for path in HARMLESS_SETS:
        sets[f"harmless:{path.stem}"] = [
            (m["text"], "not crisis") for m in yaml.safe_load(path.read_text())["messages"]
        ]
    for path in HELDOUT_SETS:
        if path.exists():
            sets[f"heldout:{path.stem}"] = load_examples(path)
    return sets


def _predict_in_process(model: Path, out: Path) -> None:
    from clinic_staff.faq.deploy import quiet_rasa

    quiet_rasa()
    from ml.evaluate import parse_each, predicted_label

    sets = _load_sets()
    examples = [(name, text, expected) for name, rows in sets.items() for text, expected in rows]
    result: Predictions = {name: [] for name in sets}
    for (name, text, expected), (parse, _) in zip(
        examples, parse_each(model, [text for _, text, _ in examples])
    ):
        label = predicted_label(parse)
        if name.startswith("harmless:") and parse["intent"].get("name") == CRISIS_CHECK_INTENT:
            label = CHECK_IN  # a caring question, judged apart from the crisis reply
        result[name].append((text, expected, label))
    out.write_text(json.dumps(result), encoding="utf-8")


def predictions(settings: Settings, model: Path) -> Predictions:
    """What `model` answers to every safety and held-out message (cached per model and labels)."""
    # ".v2": check-ins on the harmless sets are labelled apart; older caches lumped them in.
    cache = settings.run_dir / "deploy" / "predictions" / f"{model.name}.v2.json"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".part")
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false")
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        result = subprocess.run(
            [sys.executable, "-m", "clinic_staff.faq.publish", "predict", str(model), str(partial)],
            cwd=settings.project_dir,  # the pipeline names the spaCy model by relative path
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not partial.exists():
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-6:])
            raise PublishError(f"Could not measure the model {model.name}:\n{tail}")
        partial.replace(cache)
    return json.loads(cache.read_text(encoding="utf-8"))


# --- the verdict --------------------------------------------------------------------------------


@dataclass
class Verdict:
    passed: bool
    reasons: List[str] = field(default_factory=list)  # why refused, plain words
    notes: List[str] = field(default_factory=list)  # figures and harmless changes
    figures: Dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        lines = []
        if self.reasons:
            lines += ["Why it was refused:"] + [f"- {r}" for r in self.reasons]
        if self.notes:
            lines += ["What was measured:"] + [f"- {n}" for n in self.notes]
        return "\n".join(lines)


def _label(label: str) -> str:
    return label.split("/", 1)[1] if label.startswith("faq/") else label


def judge(
    old: Optional[Predictions],
    new: Predictions,
    changed_topics: List[str],
    noise_margin_points: float,
) -> Verdict:
    """Pass or refuse the candidate whose predictions are `new` against the published `old`."""
    verdict = Verdict(True)
    changed = {f"faq/{t}" for t in changed_topics}
    old = old or {}
    for name, rows in new.items():
        before = {text: predicted for text, _, predicted in old.get(name, [])}
        if name.startswith("crisis:"):
            missed = [
                text
                for text, _, predicted in rows
                if predicted != "crisis" and before.get(text, "crisis") == "crisis"
            ]
            if missed:
                shown = "; ".join(f"“{t}”" for t in missed[:5])
                verdict.reasons.append(
                    f"Crisis detection got worse: {len(missed)} message(s) of the crisis set "
                    f"would no longer get the crisis answer, e.g. {shown}. This is never allowed."
                )
            verdict.notes.append(
                f"Crisis set: {sum(p == 'crisis' for _, _, p in rows)} of {len(rows)} messages "
                "recognised as a crisis."
            )
        elif name.startswith("harmless:"):
            alarms = sum(p == "crisis" for _, _, p in rows)
            alarms_before = sum(p == "crisis" for p in before.values())
            allowed = max(alarms_before, int(MAX_FALSE_ALARM_RATE * len(rows)))
            if alarms > allowed:
                verdict.reasons.append(
                    f"{alarms} ordinary questions would get the crisis answer (before: "
                    f"{alarms_before}; at most {allowed} allowed)."
                )
            checks = sum(p == CHECK_IN for _, _, p in rows)
            checks_before = sum(p == CHECK_IN for p in before.values())
            if checks > checks_before + CHECK_IN_NOISE:
                verdict.reasons.append(
                    f"{checks} ordinary questions would be asked whether the visitor is safe "
                    f"(before: {checks_before}; at most {checks_before + CHECK_IN_NOISE} allowed)."
                )
            verdict.notes.append(
                f"Ordinary messages taken for a crisis: {alarms} of {len(rows)}; asked whether "
                f"they are safe: {checks}."
            )
    heldout = [(n, r) for n, r in new.items() if n.startswith("heldout:")]
    total = sum(len(r) for _, r in heldout)
    broken: List[str] = []
    noise: List[str] = []
    gained = 0
    right_now = 0
    for name, rows in heldout:
        before = {text: predicted for text, _, predicted in old.get(name, [])}
        for text, expected, predicted in rows:
            ok_now = _correct(expected, predicted)
            right_now += ok_now
            if text not in before:
                continue
            ok_before = _correct(expected, before[text])
            if ok_before and not ok_now:
                line = (
                    f"“{text}” now gets the answer of {_label(predicted)} instead of "
                    f"{_label(expected)}"
                )
                (broken if expected in changed or predicted in changed else noise).append(line)
            gained += (not ok_before) and ok_now
    if total:
        verdict.figures = {
            "heldout_accuracy": right_now / total,
            "right_to_wrong": len(broken) + len(noise),
            "wrong_to_right": gained,
        }
        verdict.notes.append(
            f"Questions it was not trained on: {right_now} of {total} answered right "
            f"({right_now / total:.1%}); {len(broken) + len(noise)} went from right to wrong, "
            f"{gained} from wrong to right."
        )
    if len(broken) >= ATTRIBUTABLE_LIMIT:
        verdict.reasons.append(
            f"The change breaks questions it touches: {len(broken)} test question(s) that were "
            "answered right are now answered wrong: "
            + "; ".join(broken[:8])
            + ". Reword the phrasings so they are clearly about their own topic."
        )
    elif broken:
        verdict.notes.append("One question touched by the change went wrong: " + broken[0])
    net_noise = len(noise) - gained
    if total and net_noise * 100 / total > noise_margin_points:
        verdict.reasons.append(
            f"{len(noise)} test questions unrelated to the change went from right to wrong "
            f"(net {net_noise}, {net_noise * 100 / total:.1f} points), more than retraining "
            f"alone moves them ({noise_margin_points:g} points): " + "; ".join(noise[:8])
        )
    elif noise:
        verdict.notes.append(
            f"{len(noise)} unrelated question(s) changed from right to wrong, within retraining "
            f"noise: " + "; ".join(noise[:5])
        )
    verdict.passed = not verdict.reasons
    return verdict


def _correct(expected: str, predicted: str) -> bool:
    return predicted == expected or (
        expected == "out_of_scope" and predicted in ("out_of_scope", "nlu_fallback")
    )


def phrasing_topics(changes: List[drafts.Change]) -> List[str]:
    """Topics whose phrasings the change adds, removes or edits (what the classifier learns)."""
    return sorted(
        c.topic
        for c in changes
        if c.kind in ("new", "deleted") or c.phrasings_added or c.phrasings_removed
    )


# --- the steps a publish runs, replaceable in tests ---------------------------------------------


@dataclass
class Gate:
    check: Callable[[Path], List[str]]  # staged project -> error messages
    train: Callable[[Path, Path], Path]  # staged project, model dir -> model file
    conversations: Callable[[Path, Path], List[str]]  # model, staged project -> failures
    predict: Callable[[Settings, Path], Predictions]


def _check(root: Path) -> List[str]:
    from clinic_staff.faq.check import check_project

    return [str(p) for p in check_project(root, validate=True).errors]


def _train(root: Path, model_dir: Path) -> Path:
    from ml import train

    os.environ.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    try:
        return train.train(root, model_dir)
    except SystemExit as error:
        raise PublishError(f"Training failed: {error}") from error


def _conversations(model: Path, root: Path) -> List[str]:
    """Test conversations whose dialogue went differently, each as 'story: what it did'."""
    out = root / "test-results"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false")
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("rasa")),
            "test", "core", "--model", str(model), "--stories", str(CONVERSATIONS),
            "--out", str(out),
        ],
        cwd=root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    failed = out / "failed_test_stories.yml"
    if result.returncode != 0 or not failed.exists():
        lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
        errors = [ln for ln in lines if "Error" in ln or "Exception" in ln] or lines[-2:]
        return ["the test conversations could not run: " + " / ".join(errors[-2:])]
    first_difference: Dict[str, str] = {}  # story -> its first step that went differently
    story = ""
    for line in failed.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("- story:"):
            story = line.split(":", 1)[1].split(" (/")[0].strip()  # Rasa appends the file
        if "# predicted:" in line and story not in first_difference:
            step, predicted = line.split("# predicted:", 1)
            first_difference[story] = (
                f"test conversation “{story}”: at {step.strip(' -')} the assistant would "
                f"now do {predicted.strip()}"
            )
    return list(first_difference.values())


def real_gate() -> Gate:
    return Gate(check=_check, train=_train, conversations=_conversations, predict=predictions)


# --- versions -----------------------------------------------------------------------------------


def list_versions(settings: Settings) -> List[dict]:
    with db.engine(settings).connect() as connection:
        rows = connection.execute(
            sa.select(
                db.versions.c.id, db.versions.c.created_at, db.versions.c.author,
                db.versions.c.summary, db.versions.c.model_name, db.versions.c.report,
            ).order_by(db.versions.c.id.desc())
        ).fetchall()  # fmt: skip
    return [dict(r._mapping) for r in rows]


def get_version(settings: Settings, version_id: int) -> Optional[dict]:
    with db.engine(settings).connect() as connection:
        row = connection.execute(
            sa.select(db.versions).where(db.versions.c.id == version_id)
        ).first()
    return dict(row._mapping) if row else None


def _record_version(
    settings: Settings, author: str, summary: str, content: Dict[str, str], model: Path, report=""
) -> int:
    with db.engine(settings).begin() as connection:
        return connection.execute(
            db.versions.insert().values(
                created_at=_now(), author=author, summary=summary, files=json.dumps(content),
                model_name=model.name, model_file=str(model), report=report,
            )
        ).inserted_primary_key[0]  # fmt: skip


def _running_model(settings: Settings, fleet: RasaFleet) -> Path:
    name = fleet.loaded_model()
    for directory in (settings.model_dir, settings.run_dir / "deploy" / "models"):
        if (directory / name).exists():
            return directory / name
    raise PublishError(
        f"The running assistant's model {name} is not in {settings.model_dir}; restart the "
        "assistant (make run) and publish again."
    )


def ensure_baseline(settings: Settings, fleet: RasaFleet) -> None:
    """Before the first publish, record what runs now as version 1, so it can be restored."""
    if list_versions(settings):
        return
    model = keep_copy(_running_model(settings, fleet), settings)
    _record_version(
        settings, "system", "What was live before the first publish from the console",
        drafts.live_files(settings), model,
    )  # fmt: skip


def _write_live(settings: Settings, content: Dict[str, str]) -> None:
    """Make the published files exactly `content` (FAQ files not in it are removed)."""
    root = settings.project_dir
    for path, text in content.items():
        target = settings.clinic_file if path == drafts.CLINIC_PATH else root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    for existing in (root / "data" / "faq").glob("*.yml"):
        if f"data/faq/{existing.name}" not in content:
            existing.unlink()


def _serve_after_restart(settings: Settings, model: Path) -> None:
    """Put the model where `make run` looks for the live files' model (ml/train.py's name)."""
    from ml import train

    target = train.model_path(settings.project_dir, settings.model_dir)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(model.read_bytes())
        partial.replace(target)


def _switch(fleet: RasaFleet, model: Path, fallback: Path) -> None:
    try:
        fleet.switch_to(model)
    except DeployError as error:
        try:
            fleet.switch_to(fallback)
        except DeployError:
            pass
        raise PublishError(
            f"The new model could not be loaded into every assistant server ({error}); the "
            "servers run the published version again."
        ) from error


def summarize(changes: List[drafts.Change]) -> str:
    parts = []
    for c in changes:
        if c.kind == "settings":
            parts.append("clinic settings: " + ", ".join(f[0] for f in c.settings_diff))
        elif c.kind == "new":
            parts.append(f"new FAQ {c.topic}")
        elif c.kind == "deleted":
            parts.append(f"deleted FAQ {c.topic}")
        else:
            what = []
            if c.answer_changed:
                what.append("answer")
            if c.phrasings_added:
                what.append(f"{len(c.phrasings_added)} phrasing(s) added")
            if c.phrasings_removed:
                what.append(f"{len(c.phrasings_removed)} removed")
            parts.append(f"{c.topic}: " + ", ".join(what or ["details"]))
    return "; ".join(parts)


# --- jobs ---------------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]


def _start_job(settings: Settings, kind: str, user: str, steps: int) -> int:
    with db.engine(settings).begin() as connection:
        running = connection.execute(
            sa.select(db.jobs).where(db.jobs.c.status == "running")
        ).fetchall()
        for job in running:
            started = job.started_at.replace(tzinfo=job.started_at.tzinfo or timezone.utc)
            if _now() - started < STALE_JOB:
                raise PublishError(
                    f"A {job.kind} started by {job.started_by} is still running; wait for it."
                )
            connection.execute(
                db.jobs.update().where(db.jobs.c.id == job.id).values(status="failed")
            )
        return connection.execute(
            db.jobs.insert().values(
                kind=kind, started_by=user, started_at=_now(), status="running",
                step="Starting", steps_done=0, steps_total=steps, detail="",
            )
        ).inserted_primary_key[0]  # fmt: skip


def _update_job(settings: Settings, job_id: int, **values) -> None:
    with db.engine(settings).begin() as connection:
        connection.execute(db.jobs.update().where(db.jobs.c.id == job_id).values(**values))


def get_job(settings: Settings, job_id: int) -> Optional[dict]:
    with db.engine(settings).connect() as connection:
        row = connection.execute(sa.select(db.jobs).where(db.jobs.c.id == job_id)).first()
    return dict(row._mapping) if row else None


def latest_job(settings: Settings) -> Optional[dict]:
    with db.engine(settings).connect() as connection:
        row = connection.execute(sa.select(db.jobs).order_by(db.jobs.c.id.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


PUBLISH_STEPS = 7


def ready_to_publish(settings: Settings) -> List[drafts.Change]:
    """The pending changes, or PublishError when there are none or approvals are missing."""
    changes = drafts.pending_changes(settings)
    if not changes:
        raise PublishError("There are no changes to publish.")
    waiting = drafts.blocking_approvals(changes)
    if waiting:
        raise PublishError(
            "A clinician must approve the changed medical answer(s) first: "
            + ", ".join(c.title for c in waiting)
            + "."
        )
    return changes


def publish(
    settings: Settings,
    user: str,
    gate: Optional[Gate] = None,
    fleet: Optional[RasaFleet] = None,
    progress: Progress = lambda step, done, total: None,
) -> int:
    """Check, train, test and judge the drafts; if they pass, load the model on every Rasa
    server, write the published files and record a version. Returns the version id."""
    from clinic_staff.accounts import audit

    gate = gate or real_gate()
    fleet = fleet or server_for(settings)
    started = _now()
    changes = ready_to_publish(settings)
    content = drafts.draft_files(settings)
    progress("Checking the changes (the FAQ check and Rasa's validation)", 0, PUBLISH_STEPS)
    ensure_baseline(settings, fleet)
    published = _running_model(settings, fleet)
    report = ""
    with drafts.staged_project(settings, content) as root:
        errors = gate.check(root)
        if errors:
            raise PublishError("The FAQ check found errors:\n- " + "\n- ".join(errors))
        progress("Training the new model (about 2 minutes)", 1, PUBLISH_STEPS)
        candidate = gate.train(root, settings.model_dir)
        if candidate.name != published.name:
            progress("Running the test conversations", 2, PUBLISH_STEPS)
            failures = gate.conversations(candidate, root)
            if failures:
                raise PublishError(
                    "Some test conversations now go differently:\n- " + "\n- ".join(failures)
                )
            progress("Measuring the published model", 3, PUBLISH_STEPS)
            old = gate.predict(settings, published)
            progress("Measuring the new model on crisis and test questions", 4, PUBLISH_STEPS)
            new = gate.predict(settings, candidate)
            verdict = judge(old, new, phrasing_topics(changes), settings.publish_noise_margin)
            report = verdict.text()
            if not verdict.passed:
                raise PublishError(report)
    progress("Loading the new model into every assistant server", 5, PUBLISH_STEPS)
    kept = keep_copy(candidate, settings)
    if candidate.name != published.name:
        _switch(fleet, kept, published)
    progress("Recording the version", 6, PUBLISH_STEPS)
    _write_live(settings, content)
    _serve_after_restart(settings, kept)
    summary = summarize(changes)
    version = _record_version(settings, user, summary, content, kept, report)
    with db.engine(settings).begin() as connection:
        for change in changes:
            connection.execute(
                db.drafts.delete()
                .where(db.drafts.c.path == change.path)
                .where(db.drafts.c.updated_at <= started)
            )
    audit(settings, user, "published", f"version {version}: {summary}")
    progress("Published", PUBLISH_STEPS, PUBLISH_STEPS)
    return version


def rollback(
    settings: Settings,
    user: str,
    version_id: int,
    fleet: Optional[RasaFleet] = None,
    progress: Progress = lambda step, done, total: None,
) -> int:
    """Put an earlier version back: its model on every server and its files; a new version."""
    from clinic_staff.accounts import audit

    fleet = fleet or server_for(settings)
    version = get_version(settings, version_id)
    if version is None:
        raise PublishError(f"There is no version {version_id}.")
    model = Path(version["model_file"])
    if not model.exists():
        raise PublishError(f"The model of version {version_id} ({model.name}) is gone.")
    progress("Loading the earlier model into every assistant server", 1, 3)
    published = _running_model(settings, fleet)
    if published.name != model.name:
        _switch(fleet, model, published)
    progress("Restoring the FAQ files and clinic settings", 2, 3)
    content = json.loads(version["files"])
    _write_live(settings, content)
    _serve_after_restart(settings, model)
    new_id = _record_version(
        settings, user, f"Rolled back to version {version_id} ({version['summary']})",
        content, model,
    )  # fmt: skip
    audit(settings, user, "rolled back", f"to version {version_id}, now version {new_id}")
    progress("Rolled back", 3, 3)
    return new_id


def run_job(
    settings: Settings, kind: str, user: str, work: Callable[[Progress], int]
) -> Tuple[int, threading.Thread]:
    """Start `work` in a background thread, its progress in staff_publish_jobs."""
    job_id = _start_job(settings, kind, user, PUBLISH_STEPS)

    def progress(step: str, done: int, total: int) -> None:
        _update_job(settings, job_id, step=step, steps_done=done, steps_total=total)

    def target() -> None:
        try:
            version = work(progress)
            _update_job(
                settings, job_id, status="published" if kind == "publish" else "rolled back",
                finished_at=_now(), version_id=version, step="Done",
            )  # fmt: skip
        except (PublishError, DeployError) as error:
            _update_job(settings, job_id, status="refused", finished_at=_now(), detail=str(error))
        except Exception as error:  # noqa: BLE001 - shown to staff, full trace in the log
            traceback.print_exc()
            _update_job(
                settings, job_id, status="failed", finished_at=_now(),
                detail=f"Something went wrong ({type(error).__name__}: {error}). Nothing "
                "changed for visitors. Ask a developer to look at the console's log.",
            )  # fmt: skip

    thread = threading.Thread(target=target, name=f"{kind}-{job_id}", daemon=True)
    thread.start()
    return job_id, thread


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="internal: predictions of a model")
    parser.add_argument("command", choices=["predict"])
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    _predict_in_process(args.model, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
