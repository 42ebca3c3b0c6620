"""Commands for signed bundles: export one from the database, verify one with no database at all."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dissent.cli.shared import EXIT_FAILED, CliError, setup_django


def cmd_export_bundle(args: argparse.Namespace) -> int:
    setup_django()
    from dissent.errors import DomainError
    from dissent.signing.services import export_bundle_for_operator

    try:
        data = export_bundle_for_operator(memo_id=args.memo_id)
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
    from dissent.proof.verify import verify_bundle

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
        return EXIT_FAILED
    print(
        f"OK {what}: {report.signatures} signature(s) verified; "
        f"receipt signed by server key {report.server_public_key}"
    )
    return 0


def add_export(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("export", help="exports: bundle MEMO_ID").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = group.add_parser("bundle", help="write a submitted memo's signed bundle (stdout, or -o FILE)")
    p.add_argument("memo_id", metavar="MEMO_ID")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export_bundle)


def add_verify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="verify a signed bundle offline (no database, no server)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--server-key", metavar="BASE64", help="fail unless the receipt is signed by this key")
    p.set_defaults(func=cmd_verify)
