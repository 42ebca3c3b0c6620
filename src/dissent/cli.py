"""The ``dissent`` command: every operator task without a Django manage.py in sight.

Argument errors and rejected input exit with status 2 and a sentence on stderr;
Django is set up only after the arguments are known to be good.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_WORKERS = 2  # web worker processes of `dissent serve` (docs/benchmarks.md, "Over HTTP")

EXIT_BAD_INPUT = 2
UNIT_COLUMNS = ("code", "name", "parent_code", "kind")
PEOPLE_COLUMNS = ("email", "name", "units", "roles", "eligible", "language")


class CliError(Exception):
    """A problem the operator can fix; printed as one sentence, exit status 2."""


def setup_django(*, migrate: bool = True, keys: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dissent.settings")
    import django
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    try:
        if not apps.ready:
            django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(f"configuration: {exc}") from exc
    if migrate:
        from dissent.server import migrate_if_needed

        migrate_if_needed()
    if keys:
        require_usable_keys()


def require_usable_keys() -> None:
    """A missing or wrong key-encryption key stops every command at start-up with one sentence."""
    from django.db import DatabaseError

    from dissent.vault.startup import KekError, check_keys

    try:
        status = check_keys()
    except KekError as exc:
        raise CliError(str(exc)) from None
    except DatabaseError as exc:
        raise CliError(f"database: {exc}") from None
    for warning in status.warnings:
        print(f"dissent: warning: {warning}", file=sys.stderr)


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a directory, not a CSV file") from None
    except PermissionError:
        raise CliError(f"{path}: permission denied") from None


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    from dissent.server import serve

    return serve(host=args.host, port=args.port, workers=args.workers)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from dissent.demo.load import load_demo_if_empty

    print(load_demo_if_empty())
    if args.no_serve:
        return 0
    from dissent.server import serve

    return serve(host=args.host, port=args.port, workers=args.workers)


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


def cmd_check(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=args.deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Queue one e-mail delivery first, so e-mails that fell due while no worker ran (after a
    crash or a restart) go out as it starts rather than at the next minute."""
    setup_django()
    from django.core.management import call_command

    from dissent.notify.tasks import email_due_notifications

    email_due_notifications()
    call_command("run_huey", workers=args.workers, worker_type="thread")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django(migrate=False, keys=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dissent manage", *args.rest])
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    setup_django()
    from dissent.vault.kek import KekError
    from dissent.vault.rotation import RotationRefused, rotate_kek

    try:
        rotation = rotate_kek(batch_size=args.batch_size, progress=print)
    except (RotationRefused, KekError) as exc:
        raise CliError(str(exc)) from None
    if rotation.from_env:
        print(
            "done: now set DISSENT_KEK to the value of DISSENT_KEK_NEXT, remove DISSENT_KEK_NEXT, "
            "and restart every server and worker; the old key opens nothing in this database any more"
        )
    else:
        print(
            f"done: {rotation.source} now holds key {rotation.new_kek_id}; "
            "back it up now, apart from the database; the old key opens nothing in this database any more, "
            "only backups made before this rotation"
        )
    return 0


def cmd_keys_generate(args: argparse.Namespace) -> int:
    from dissent.vault.kek import new_kek_text

    print(new_kek_text())
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain (and the checkpoint, if given) holds, 1 naming the first broken event."""
    checkpoint_data = read_file(args.checkpoint) if args.checkpoint else None
    setup_django()
    from dissent.audit.checkpoints import parse_checkpoint, signature_problem
    from dissent.audit.services import seal_pending
    from dissent.audit.verify import verify_chain
    from dissent.errors import InvalidInput

    expect = None
    if checkpoint_data is not None:
        try:
            checkpoint = parse_checkpoint(checkpoint_data)
        except InvalidInput as exc:
            raise CliError(f"{args.checkpoint}: {exc.detail}") from exc
        problem = signature_problem(checkpoint)
        if problem:
            print(f"audit trail: {args.checkpoint}: {problem}", file=sys.stderr)
            return 1
        expect = (checkpoint.seq, checkpoint.hash)
    seal_pending()
    report = verify_chain(expect=expect, workers=args.jobs)
    if report.broken is not None:
        print(f"audit trail BROKEN at {report.broken}", file=sys.stderr)
        return 1
    print(f"audit trail intact: {report.last_seq} events, head {report.last_hash}", end="")
    print(f" ({report.unsealed} being sealed)" if report.unsealed else "")
    if expect is not None:
        print(f"checkpoint holds: event {expect[0]} has the hash signed at {checkpoint.at}")
    return 0


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    """Print the signed head as one line of JSON, after verifying the chain it vouches for."""
    setup_django()
    from dissent.audit.checkpoints import sign_head
    from dissent.audit.services import seal_pending
    from dissent.audit.verify import verify_chain
    from dissent.signing.canonical import canonical_json

    seal_pending()
    report = verify_chain(workers=None)
    if report.broken is not None:
        print(f"audit trail BROKEN at {report.broken}; no checkpoint signed", file=sys.stderr)
        return 1
    sys.stdout.write(canonical_json(sign_head().as_json()).decode() + "\n")
    return 0


def add_audit_commands(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser(
        "audit", help="audit trail: verify [--checkpoint FILE], checkpoint"
    ).add_subparsers(dest="action", metavar="ACTION", required=True)
    p = group.add_parser("verify", help="check the whole hash chain; exit 1 naming the first broken event")
    p.add_argument(
        "--checkpoint", metavar="FILE", help="also prove the chain still holds this signed checkpoint"
    )
    p.add_argument("--jobs", type=int, default=None, help="processes to verify with (default: one per core)")
    p.set_defaults(func=cmd_audit_verify)
    p = group.add_parser(
        "checkpoint", help="print the chain head signed with the server's Ed25519 key (JSON)"
    )
    p.set_defaults(func=cmd_audit_checkpoint)


def cmd_export_bundle(args: argparse.Namespace) -> int:
    setup_django()
    from dissent.errors import DomainError
    from dissent.signing.selectors import export_bundle

    try:
        data = export_bundle(args.memo_id)
    except DomainError as exc:
        raise CliError(exc.detail) from exc
    if args.output is None:
        sys.stdout.buffer.write(data)
        return 0
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror}") from exc
    print(f"{args.output}: bundle of memo {args.memo_id} written", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Offline on purpose: Django is never set up and nothing but the file is read."""
    from dissent.signing.verify import verify_bundle

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"{args.file}: {exc.strerror}") from exc
    report = verify_bundle(data, server_key=args.server_key)
    for failure in report.failures:
        print(f"FAIL {failure}")
    what = f"memo {report.memo_id} version {report.version_number} ({report.version_sha256})"
    if not report.ok:
        print(f"{args.file}: {len(report.failures)} problem(s) in the bundle of {what}")
        return 1
    print(
        f"OK {what}: {report.signatures} signature(s) verified; "
        f"receipt signed by server key {report.server_public_key}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dissent",
        description="Dissent Channel. Data dir: $DISSENT_HOME (default ./var); "
        "DATABASE_URL selects PostgreSQL.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def serving(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        p.add_argument(
            "--workers",
            type=int,
            default=DEFAULT_WORKERS,
            help=f"web worker processes (default {DEFAULT_WORKERS})",
        )

    p = sub.add_parser("serve", help="migrate if needed, then serve web + API and run the task worker")
    serving(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="load the fictional demo organisation into an empty data dir, then serve")
    serving(p)
    p.add_argument("--no-serve", action="store_true", help="load the demo data and stop")
    p.set_defaults(func=cmd_demo)

    for kind, columns in (
        ("units", "code,name,parent_code,kind"),
        ("people", "email,name,units,roles,eligible,language"),
    ):
        group = sub.add_parser(kind, help=f"{kind} directory commands: import FILE.csv").add_subparsers(
            dest="action", metavar="ACTION", required=True
        )
        p = group.add_parser(
            "import", help=f"import {kind} from a UTF-8 CSV with columns {','.join(columns)}"
        )
        p.add_argument("file", metavar="FILE.csv")
        p.add_argument("--skip-invalid", action="store_true", help="import the valid rows, report the others")
        p.set_defaults(func=lambda a, kind=kind: run_import(kind, a))

    group = sub.add_parser("tokens", help="API tokens: create EMAIL [EMAIL ...]").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = group.add_parser("create", help="print `EMAIL TOKEN` for each person; the token is shown only once")
    p.add_argument("emails", nargs="+", metavar="EMAIL")
    p.set_defaults(func=cmd_tokens_create)

    group = sub.add_parser("keys", help="key-encryption key: rotate, generate").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = group.add_parser(
        "rotate", help="re-wrap every data key under a new key-encryption key while the server keeps running"
    )
    p.add_argument(
        "--batch-size", type=int, default=500, help="rows re-wrapped per transaction (default 500)"
    )
    p.set_defaults(func=cmd_keys_rotate)
    p = group.add_parser("generate", help="print a new random key-encryption key (for DISSENT_KEK_NEXT)")
    p.set_defaults(func=cmd_keys_generate)
    group = sub.add_parser("export", help="exports: bundle MEMO_ID").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = group.add_parser("bundle", help="write a submitted memo's signed bundle (stdout, or -o FILE)")
    p.add_argument("memo_id", metavar="MEMO_ID")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export_bundle)

    p = sub.add_parser("verify", help="verify a signed bundle offline (no database, no server)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--server-key", metavar="BASE64", help="fail unless the receipt is signed by this key")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("check", help="check the configuration (--deploy: production readiness)")
    p.add_argument("--deploy", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("worker", help="run only the background task worker")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_worker)

    add_audit_commands(sub)

    p = sub.add_parser("manage", help="run a Django management command (for developers)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
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
        return 130


if __name__ == "__main__":
    sys.exit(main())
