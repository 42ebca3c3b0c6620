"""Commands for the key-encryption key: rotate it under a running server, generate the next one."""

from __future__ import annotations

import argparse

from dissent.cli.shared import CliError, setup_django


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    setup_django()
    from dissent.channel.operators import note_key_rotation
    from dissent.vault.kek import KekError
    from dissent.vault.rotation import RotationRefused, rotate_kek

    try:
        rotation = rotate_kek(batch_size=args.batch_size, progress=print)
    except (RotationRefused, KekError) as exc:
        raise CliError(str(exc)) from None
    note_key_rotation(
        old_kek_id=rotation.old_kek_id, new_kek_id=rotation.new_kek_id, rewrapped=rotation.rewrapped
    )
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


def add_keys(sub: argparse._SubParsersAction) -> None:
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
