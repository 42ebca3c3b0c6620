"""Commands for the audit trail: verify the hash chain, sign its head as a checkpoint."""

from __future__ import annotations

import argparse
import sys

from dissent.cli.shared import EXIT_FAILED, CliError, read_file, setup_django


def sealed_note(count: int) -> str:
    """Sealing before a check is a repair, so it is said, never done silently: events left
    unsealed mean that a writer or the sealer stopped between a commit and its seal."""
    if not count:
        return ""
    return f"sealed {count} event{'s' if count != 1 else ''} that had been left unsealed\n"


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
            return EXIT_FAILED
        expect = (checkpoint.seq, checkpoint.hash)
    print(sealed_note(len(seal_pending())), end="")
    report = verify_chain(expect=expect, workers=args.jobs)
    if report.broken is not None:
        print(f"audit trail BROKEN at {report.broken}", file=sys.stderr)
        return EXIT_FAILED
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
    from dissent.proof.canonical import canonical_json

    print(sealed_note(len(seal_pending())), end="", file=sys.stderr)
    report = verify_chain(workers=None)
    if report.broken is not None:
        print(f"audit trail BROKEN at {report.broken}; no checkpoint signed", file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write(canonical_json(sign_head().as_json()).decode() + "\n")
    return 0


def add_audit(sub: argparse._SubParsersAction) -> None:
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
