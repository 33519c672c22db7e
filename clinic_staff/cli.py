"""Staff commands: call-back requests and crisis flags.

    ./staff bookings                       new requests, oldest first
    ./staff bookings --status all --since 2026-11-01 --until 2026-12-01
    ./staff bookings --csv requests.csv    export (same filters) to a CSV file
    ./staff handled KT-ABC234              mark a request as handled
    ./staff flags                          conversations flagged for crisis review
    ./staff conversation <id>              a whole conversation (turns hidden by /restart too)
    ./staff purge --older-than-days 90     delete old data (--dry-run to count only)

FAQ workflow (docs/guides/staff-guide.md explains each step in plain words):

    ./staff faq new --topic parking --question "Where can I park?" --answer "..." [--phrasing "..."]
    ./staff faq check                      find problems in data/faq, with file and line
    ./staff unanswered --days 30           questions the assistant could not answer
    ./staff publish                        publish the drafts through the gate (as the console)
    ./staff versions                       every published version: who, when, what
    ./staff rollback [--to N]              put an earlier version's texts and model back

Accounts for the staff console (http://localhost:8081/):

    ./staff user add --username anna --name "Anna Smith" --role admin   (password asked)
    ./staff user password anna             set a new password (asked, never on the command line)
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from clinic_core.settings import PROJECT_ROOT, load_settings
from clinic_core.storage import STATUSES, StorageError, get_storage
from clinic_staff import retention

BOOKING_COLUMNS = (
    "reference",
    "created_at",
    "status",
    "first_name",
    "contact_method",
    "contact",
    "preferred_times",
    "preferred_times_hint",
    "handled_at",
    "conversation_id",
)


def _date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-30") from None


def _print_table(rows: List[Dict], columns: Sequence[str]) -> None:
    if not rows:
        print("Nothing to show.")
        return
    text = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in text)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for r in text:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def bookings(args: argparse.Namespace) -> int:
    status: Optional[str] = None if args.status == "all" else args.status
    rows = get_storage().list_bookings(status=status, since=args.since, until=args.until)
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=BOOKING_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _csv_safe(_cell(row.get(k))) for k in BOOKING_COLUMNS})
        print(f"Wrote {len(rows)} request(s) to {args.csv}")
    else:
        _print_table(rows, BOOKING_COLUMNS[:8])
    return 0


E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @, a tab or a carriage
    return is prefixed with ' so spreadsheets show it as text. Only an exact E.164 phone
    number (+12125550100, how the bot stores phones) is left as it is."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not E164.match(value):
        return "'" + value
    return value


def handled(args: argparse.Namespace) -> int:
    if get_storage().mark_handled(args.reference.strip().upper()):
        print(f"Marked {args.reference} as handled.")
        return 0
    print(f"No request with reference {args.reference}.", file=sys.stderr)
    return 1


def flags(args: argparse.Namespace) -> int:
    """Crisis conversations from the clinic database *and* the tracker store."""
    from clinic_staff.flags import crisis_conversations

    rows, problems = crisis_conversations(get_storage(), load_settings().tracker_store_url)
    _print_table(
        [row.__dict__ for row in rows], ("created_at", "conversation_id", "layer", "status")
    )
    for problem in problems:
        print(f"WARNING: {problem}", file=sys.stderr)
    return 1 if problems else 0


def conversation(args: argparse.Namespace) -> int:
    """A whole conversation, including what a /restart hides from Rasa's tracker view."""
    from clinic_staff.flags import transcript

    lines = transcript(load_settings().tracker_store_url, args.conversation_id)
    print("\n".join(lines) if lines else "No such conversation.")
    return 0 if lines else 1


def faq_new(args: argparse.Namespace) -> int:
    from clinic_staff.faq import check, files

    try:
        path = files.create_faq(args.project, args.topic, args.question, args.answer, args.phrasing)
    except files.FaqFileError as error:
        print(f"Not created: {error}", file=sys.stderr)
        return 1
    rel = path.relative_to(args.project)
    parsed, _ = check.parse_nlu_file(args.project, path)
    count = len(parsed.examples) if parsed else 0
    print(f"Created {rel} with {count} phrasing(s) and the answer.")
    if count < files.MIN_PHRASINGS:
        print(
            f"Next: open {rel} and add at least {files.MIN_PHRASINGS - count} more ways a "
            f"visitor might ask this question (an FAQ needs {files.MIN_PHRASINGS} to pass "
            "./staff faq check), one per line under 'examples:', written like the others:\n"
            "    - another way to ask the question"
        )
    problems = [
        p
        for p in check.check_project(args.project, validate=False).problems
        if p.path == str(rel) and "phrasing(s); an FAQ needs" not in p.message
    ]
    for problem in problems:
        print(problem)
    print(
        "Then run ./staff faq check. This command writes the live file itself, which the next "
        "`make run` trains on without the publish gate; the staff console adds FAQs as drafts "
        "and publishes them through the gate."
    )
    return 0


def faq_check(args: argparse.Namespace) -> int:
    from clinic_staff.faq import check

    if not args.skip_rasa:
        print(
            "Checking the FAQ files and running Rasa's data validation (about 20 s)...", flush=True
        )
    result = check.check_project(args.project, validate=not args.skip_rasa)
    print(check.report(result))
    return 1 if result.errors else 0


def unanswered(args: argparse.Namespace) -> int:
    import sqlalchemy

    from clinic_staff.faq.unanswered import unanswered_report

    try:
        groups = unanswered_report(load_settings().tracker_store_url, args.days)
    except sqlalchemy.exc.SQLAlchemyError as error:
        print(
            f"Cannot read the conversations database (TRACKER_STORE_URL): "
            f"{str(error).splitlines()[0]}",
            file=sys.stderr,
        )
        return 2
    shown = groups[: args.limit]
    rows = [
        {
            "count": g.count,
            "first": g.first.strftime("%Y-%m-%d"),
            "last": g.last.strftime("%Y-%m-%d"),
            "reason": ", ".join(sorted(g.reasons)),
            "message": g.text,
        }
        for g in shown
    ]
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(UNANSWERED_COLUMNS))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _csv_safe(_cell(v)) for k, v in row.items()})
        print(f"Wrote {len(rows)} question(s) to {args.csv}")
        return 0
    total = sum(g.count for g in groups)
    print(
        f"Questions the assistant could not answer in the last {args.days} day(s): {total} "
        f"message(s), {len(groups)} different. Showing the {len(shown)} most frequent; "
        "phone numbers, emails and names are masked."
    )
    _print_table(rows, UNANSWERED_COLUMNS)
    return 0


def _print_progress(step: str, done: int, total: int) -> None:
    print(f"Step {min(done + 1, total)}/{total}: {step}...", flush=True)


def publish(args: argparse.Namespace) -> int:
    """The console's publish: drafts through the gate onto every Rasa server, as `args.user`."""
    from clinic_staff.faq.publish import PublishError
    from clinic_staff.faq.publish import publish as run_publish

    try:
        version = run_publish(load_settings(), args.user, progress=_print_progress)
    except PublishError as error:
        print(f"NOT published. Nothing changed for visitors.\n{error}", file=sys.stderr)
        return 1
    print(f"Published as version {version}. ./staff rollback puts the previous one back.")
    return 0


def versions(args: argparse.Namespace) -> int:
    from clinic_staff.faq.publish import list_versions

    rows = list_versions(load_settings())
    _print_table(rows, ("id", "created_at", "author", "model_name", "summary"))
    return 0


def rollback(args: argparse.Namespace) -> int:
    from clinic_staff.faq.publish import PublishError, list_versions
    from clinic_staff.faq.publish import rollback as run_rollback

    settings = load_settings()
    target = args.to
    if target is None:
        rows = list_versions(settings)
        if len(rows) < 2:
            print("There is no earlier published version to go back to.", file=sys.stderr)
            return 1
        target = rows[1]["id"]
    try:
        version = run_rollback(settings, args.user, target, progress=_print_progress)
    except PublishError as error:
        print(f"Rollback not done. {error}", file=sys.stderr)
        return 1
    print(f"Rolled back to version {target} (recorded as version {version}).")
    return 0


def user_add(args: argparse.Namespace) -> int:
    import getpass

    from clinic_staff import accounts

    password = getpass.getpass(f"Password for {args.username} (at least 10 characters): ")
    if getpass.getpass("The same password again: ") != password:
        print("The two passwords are not the same; nothing was created.", file=sys.stderr)
        return 1
    try:
        user = accounts.create_user(
            load_settings(), args.username, args.name or args.username, args.role, password,
            by=f"{getpass.getuser()} (./staff user add)",
        )  # fmt: skip
    except accounts.AccountError as error:
        print(f"Not created: {error}", file=sys.stderr)
        return 1
    print(f"Created {user.username} ({user.role}). Log in at the staff console.")
    return 0


def user_password(args: argparse.Namespace) -> int:
    import getpass

    from clinic_staff import accounts

    password = getpass.getpass(f"New password for {args.username}: ")
    if getpass.getpass("The same password again: ") != password:
        print("The two passwords are not the same; nothing was changed.", file=sys.stderr)
        return 1
    try:
        accounts.set_password(
            load_settings(), args.username, password, f"{getpass.getuser()} (./staff)"
        )
    except accounts.AccountError as error:
        print(f"Not changed: {error}", file=sys.stderr)
        return 1
    print(f"New password set for {args.username}; the account is unlocked.")
    return 0


UNANSWERED_COLUMNS = ("count", "first", "last", "reason", "message")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="staff", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("bookings", help="list or export call-back requests")
    listing.add_argument("--status", choices=(*STATUSES, "all"), default="new")
    listing.add_argument("--since", type=_date, help="from this date (YYYY-MM-DD, UTC)")
    listing.add_argument("--until", type=_date, help="before this date (YYYY-MM-DD, UTC)")
    listing.add_argument("--csv", metavar="FILE", help="write a CSV file instead of a table")
    listing.set_defaults(run=bookings)
    done = commands.add_parser("handled", help="mark a request as handled")
    done.add_argument("reference")
    done.set_defaults(run=handled)
    flagged = commands.add_parser("flags", help="conversations flagged for crisis review")
    flagged.set_defaults(run=flags)
    shown = commands.add_parser(
        "conversation", help="a whole conversation, turns hidden by /restart included"
    )
    shown.add_argument("conversation_id")
    shown.set_defaults(run=conversation)
    retention.add_parser(commands)

    faq = commands.add_parser("faq", help="create and check FAQ files (data/faq)")
    faq_commands = faq.add_subparsers(dest="faq_command", required=True)
    new = faq_commands.add_parser("new", help="create data/faq/<topic>.yml")
    new.add_argument("--topic", required=True, help="short name, e.g. parking")
    new.add_argument("--question", required=True, help="the question as a visitor asks it")
    new.add_argument("--answer", required=True, help="the answer the assistant gives")
    new.add_argument(
        "--phrasing", action="append", default=[], help="another way to ask (repeat for each)"
    )
    new.add_argument("--project", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    new.set_defaults(run=faq_new)
    checking = faq_commands.add_parser("check", help="find problems in the FAQ files")
    checking.add_argument(
        "--project",
        type=Path,
        default=PROJECT_ROOT,
        help="project folder to check (default: this one)",
    )
    checking.add_argument(
        "--skip-rasa", action="store_true", help="skip Rasa's own data validation (faster)"
    )
    checking.set_defaults(run=faq_check)

    missed = commands.add_parser("unanswered", help="questions the assistant could not answer")
    missed.add_argument("--days", type=int, default=30, help="look back this many days (30)")
    missed.add_argument("--limit", type=int, default=50, help="show at most this many (50)")
    missed.add_argument("--csv", metavar="FILE", help="write a CSV file instead of a table")
    missed.set_defaults(run=unanswered)
    import getpass

    for name in ("publish", "deploy"):
        shipping = commands.add_parser(
            name, help="publish the drafts: check, train, test, judge, load on every server"
        )
        shipping.add_argument("--user", default=getpass.getuser(), help="recorded as the author")
        shipping.set_defaults(run=publish)
    listed = commands.add_parser("versions", help="every published version")
    listed.set_defaults(run=versions)
    back = commands.add_parser("rollback", help="put an earlier version back (texts and model)")
    back.add_argument("--to", type=int, help="version number (default: the one before the live)")
    back.add_argument("--user", default=getpass.getuser(), help="recorded as the author")
    back.set_defaults(run=rollback)
    user = commands.add_parser("user", help="staff console accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    adding = user_commands.add_parser("add", help="create an account (the password is asked)")
    adding.add_argument("--username", required=True)
    adding.add_argument("--name", default="", help="full name, shown on approvals")
    adding.add_argument("--role", choices=("editor", "clinician", "admin"), default="admin")
    adding.set_defaults(run=user_add)
    resetting = user_commands.add_parser("password", help="set a new password (asked)")
    resetting.add_argument("username")
    resetting.set_defaults(run=user_password)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except StorageError as error:
        print(f"Cannot reach the clinic database (CLINIC_DB_URL): {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
