"""What every command group of ``dissent`` shares: exit statuses, the operator's error, set-up.

Django is imported only inside ``setup_django``, so that a command such as ``dissent
verify`` that never calls it runs where Django is not installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXIT_FAILED = 1  # the command ran and found a problem (a broken chain, a bundle that fails)
EXIT_BAD_INPUT = 2  # argparse's status for bad arguments, and ours for input the operator can fix
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


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
