"""Loading the demo organisation through the same import path that operators use."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import transaction

from dissent.channel.models import ChannelSettings
from dissent.demo.broadcasts import load_demo_broadcasts
from dissent.demo.memos import load_demo_memos
from dissent.demo.organisation import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_SECRET, people_csv, units_csv
from dissent.demo.sessions import load_demo_sessions
from dissent.people import services
from dissent.people.mfa import MFA_ROLES
from dissent.people.models import Unit, User


def load_demo_if_empty() -> str:
    """Load the demo when nobody exists yet; an installation with real people is never touched."""
    if User.objects.exists():
        return "The data dir already has people: demo not loaded."
    with transaction.atomic():
        services.import_units(data=units_csv().encode())
        services.import_people(data=people_csv().encode())
        # One Argon2 hash shared by all demo logins: hashing 120 times would take seconds.
        User.objects.filter(email__endswith="@" + DEMO_DOMAIN).update(password=make_password(DEMO_PASSWORD))
        config = ChannelSettings.current()
        config.receiving_office = Unit.objects.get(code="MFA-PPS")
        config.save(update_fields=["receiving_office"])
        # Published demo second factor: the privileged logins work at once (README).
        for person in User.objects.filter(role_assignments__role__in=MFA_ROLES).distinct():
            TOTP.activate(person, DEMO_TOTP_SECRET)
        memos = load_demo_memos()
        load_demo_broadcasts(about=memos[0])
        load_demo_sessions()
    count = User.objects.count()
    return (
        f"Loaded the fictional demo organisation: {count} people, {len(memos)} memos, "
        "a message from leadership, a listening session. "
        f"Log in as drafter@{DEMO_DOMAIN} / {DEMO_PASSWORD}"
    )
