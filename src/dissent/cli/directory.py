"""Commands that fill the directory: units and people from CSV files, API tokens for people.

Each run that changes something is one audit event naming the operator's OS account
(``channel/operators.py``).
"""

from __future__ import annotations

import argparse
import sys

from dissent.cli.shared import EXIT_BAD_INPUT, CliError, read_file, setup_django
from dissent.people.columns import PEOPLE_COLUMNS, UNIT_COLUMNS

TOKEN_COLUMNS = ("id", "person", "token", "created", "expires", "revoked")


def run_import(kind: str, args: argparse.Namespace) -> int:
    data = read_file(args.file)
    setup_django()
    from dissent.channel.operators import import_directory
    from dissent.people import services

    try:
        result = import_directory(kind=kind, data=data, skip_invalid=args.skip_invalid)
    except services.ImportRejected as exc:
        for err in exc.errors:
            print(f"{args.file}: {err}", file=sys.stderr)
        print(
            f"{args.file}: {exc.detail} (use --skip-invalid to import the valid rows)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    for err in result.skipped:
        print(f"{args.file}: skipped {err}", file=sys.stderr)
    print(f"{kind}: {result.created} created, {result.updated} updated, {len(result.skipped)} skipped")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    if args.days is not None and not 1 <= args.days <= 366:
        raise CliError("--days must be from 1 to 366")
    setup_django()
    from dissent.channel.operators import issue_tokens
    from dissent.errors import NotFound

    try:
        issued = issue_tokens(emails=args.emails, days=args.days)
    except NotFound as exc:
        raise CliError(exc.detail) from exc
    sys.stdout.write("".join(f"{email} {token}\n" for email, token in issued))
    return 0


def cmd_tokens_list(args: argparse.Namespace) -> int:
    setup_django()
    from dissent.people.selectors import tokens_of

    print("\t".join(TOKEN_COLUMNS))
    for token in tokens_of(email=args.email):
        revoked = token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else "-"
        print(
            f"{token.pk}\t{token.user.email}\t{token.prefix}…\t{token.created_at.isoformat(timespec='seconds')}"
            f"\t{token.expires_at.isoformat(timespec='seconds')}\t{revoked}"
        )
    return 0


def cmd_tokens_revoke(args: argparse.Namespace) -> int:
    setup_django()
    from dissent.channel.operators import revoke_tokens

    print(f"{revoke_tokens(ids=args.ids)} token(s) revoked")
    return 0


def add_imports(sub: argparse._SubParsersAction) -> None:
    """``units import`` and ``people import``: one command each, alike but for the columns."""
    for kind, columns in (("units", UNIT_COLUMNS), ("people", PEOPLE_COLUMNS)):
        group = sub.add_parser(kind, help=f"{kind} directory commands: import FILE.csv").add_subparsers(
            dest="action", metavar="ACTION", required=True
        )
        p = group.add_parser(
            "import", help=f"import {kind} from a UTF-8 CSV with columns {','.join(columns)}"
        )
        p.add_argument("file", metavar="FILE.csv")
        p.add_argument("--skip-invalid", action="store_true", help="import the valid rows, report the others")
        p.set_defaults(func=lambda a, kind=kind: run_import(kind, a))


def add_tokens(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser(
        "tokens", help="API tokens: create EMAIL [EMAIL ...], list [--email EMAIL], revoke ID [ID ...]"
    ).add_subparsers(dest="action", metavar="ACTION", required=True)
    p = group.add_parser("create", help="print `EMAIL TOKEN` for each person; the token is shown only once")
    p.add_argument("emails", nargs="+", metavar="EMAIL")
    p.add_argument(
        "--days", type=int, help="days until the tokens expire, 1 to 366 (default: DISSENT_TOKEN_DAYS, 90)"
    )
    p.set_defaults(func=cmd_tokens_create)
    p = group.add_parser("list", help="list tokens (id, person, first characters, dates), never the tokens")
    p.add_argument("--email", help="only this person's tokens")
    p.set_defaults(func=cmd_tokens_list)
    p = group.add_parser("revoke", help="revoke tokens by the ids `tokens list` shows")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.set_defaults(func=cmd_tokens_revoke)
