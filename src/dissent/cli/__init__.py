"""The ``dissent`` command: every operator task without a Django manage.py in sight.

Argument errors and rejected input exit with status 2 and a sentence on stderr;
Django is set up only after the arguments are known to be good. Each command group is a
module that adds its own sub-commands; this one puts them in order and runs the one asked
for. Importing it loads no Django, so ``dissent verify`` runs where Django is not installed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dissent.cli import audit, bundles, directory, keys, serving
from dissent.cli.shared import EXIT_BAD_INPUT, EXIT_INTERRUPTED, CliError

# Each adds its top-level command(s), in the order `dissent --help` lists them.
COMMANDS = (
    serving.add_serve,
    serving.add_demo,
    directory.add_imports,
    directory.add_tokens,
    keys.add_keys,
    bundles.add_export,
    bundles.add_verify,
    serving.add_check,
    serving.add_worker,
    audit.add_audit,
    serving.add_manage,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dissent",
        description="Dissent Channel. Data dir: $DISSENT_HOME (default ./var); "
        "DATABASE_URL selects PostgreSQL.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as exc:
        print(f"dissent: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
