"""Commands that fill the directory: units and people from CSV files, API tokens for people."""

from __future__ import annotations

import argparse
import sys

from dissent.cli.shared import EXIT_BAD_INPUT, CliError, read_file, setup_django
from dissent.people.columns import PEOPLE_COLUMNS, UNIT_COLUMNS


def run_import(kind: str, args: argparse.Namespace) -> int:
    data = read_file(args.file)
    setup_django()
    from dissent.people import services

    importer = services.import_units if kind == "units" else services.import_people
    try:
        result = importer(data=data, skip_invalid=args.skip_invalid)
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
    setup_django()
    from dissent.errors import NotFound
    from dissent.people.services import create_tokens

    try:
        issued = create_tokens(emails=args.emails)
    except NotFound as exc:
        raise CliError(exc.detail) from exc
    sys.stdout.write("".join(f"{email} {token}\n" for email, token in issued))
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
    group = sub.add_parser("tokens", help="API tokens: create EMAIL [EMAIL ...]").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = group.add_parser("create", help="print `EMAIL TOKEN` for each person; the token is shown only once")
    p.add_argument("emails", nargs="+", metavar="EMAIL")
    p.set_defaults(func=cmd_tokens_create)
