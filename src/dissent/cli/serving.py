"""Commands that run the installation: serve, demo, worker, check, and Django's own manage."""

from __future__ import annotations

import argparse
import sys

from dissent.cli.shared import EXIT_FAILED, setup_django

DEFAULT_WORKERS = 2  # web worker processes of `dissent serve` (docs/benchmarks.md, "Over HTTP")


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


def cmd_check(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=args.deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Queue one e-mail delivery first, so e-mails that fell due while no worker ran (after a
    crash or a restart) go out as it starts rather than at the next minute."""
    setup_django()
    from django.core.management import call_command

    from dissent.broadcasts.tasks import email_due_broadcasts
    from dissent.notify.tasks import email_due_notifications

    email_due_notifications()
    email_due_broadcasts()
    call_command("run_huey", workers=args.workers, worker_type="thread")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django(migrate=False, keys=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dissent manage", *args.rest])
    return 0


def serving_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"web worker processes (default {DEFAULT_WORKERS})",
    )


def add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="migrate if needed, then serve web + API and run the task worker")
    serving_options(p)
    p.set_defaults(func=cmd_serve)


def add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="load the fictional demo organisation into an empty data dir, then serve")
    serving_options(p)
    p.add_argument("--no-serve", action="store_true", help="load the demo data and stop")
    p.set_defaults(func=cmd_demo)


def add_check(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check the configuration (--deploy: production readiness)")
    p.add_argument("--deploy", action="store_true")
    p.set_defaults(func=cmd_check)


def add_worker(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run only the background task worker")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_worker)


def add_manage(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("manage", help="run a Django management command (for developers)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
