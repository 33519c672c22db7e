"""Staff commands: call-back requests and crisis flags.

    ./staff bookings                       new requests, oldest first
    ./staff bookings --status all --since 2026-11-01 --until 2026-12-01
    ./staff bookings --csv requests.csv    export (same filters) to a CSV file
    ./staff handled KT-ABC234              mark a request as handled
    ./staff flags                          conversations flagged for crisis review
    ./staff purge --older-than-days 90     delete old data (--dry-run to count only)
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime, timezone
from typing import Dict, List, Optional, Sequence

from actions.storage import STATUSES, StorageError, get_storage
from tools import retention

BOOKING_COLUMNS = ("reference", "created_at", "status", "first_name", "contact_method", "contact",
                   "preferred_times", "preferred_times_hint", "handled_at", "conversation_id")


def _date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-30")


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


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @ is quoted as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and not value[1:2].isdigit() else value


def handled(args: argparse.Namespace) -> int:
    if get_storage().mark_handled(args.reference.strip().upper()):
        print(f"Marked {args.reference} as handled.")
        return 0
    print(f"No request with reference {args.reference}.", file=sys.stderr)
    return 1


def flags(args: argparse.Namespace) -> int:
    _print_table(get_storage().list_flags(), ("created_at", "conversation_id", "layer", "status"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="staff", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
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
    retention.add_parser(commands)
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
