"""A leadership message to 80,000 staff: the request stays fast and reading stays one query.

Sending writes one message row and its audience, never a row per person, so it should cost
the same for 80,000 people as for 10. Reading "addressed to me" is a join of the audience
with the reader's units. E-mail goes out from the worker in batches; here with Django's
dummy backend, so the figure is this code's own cost per e-mail, not a mail server's.

Floor: reading the ids of all 80,000 people in one query, which any fan-out must at least do.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dissent.broadcasts import delivery, selectors, services
from dissent.people.models import Membership, RoleAssignment, Unit, User
from dissent.people.roles import Role, UnitKind

PEOPLE = 80_000
AGENCIES = 10
UNITS_PER_AGENCY = 30
RUNS = 5


def organisation() -> tuple[User, User]:
    """The tree and the people, written directly: the directory import has its own benchmark."""
    root = Unit.objects.create(code="ORG", name="Organisation", kind=UnitKind.ORGANISATION)
    units = []
    for a in range(AGENCIES):
        agency = Unit.objects.create(code=f"A{a}", name=f"Agency {a}", kind=UnitKind.AGENCY, parent=root)
        units += Unit.objects.bulk_create(
            Unit(code=f"A{a}U{u}", name=f"Unit {a}.{u}", kind=UnitKind.BUREAU, parent=agency)
            for u in range(UNITS_PER_AGENCY)
        )
    password = make_password(None)
    with transaction.atomic():
        people = User.objects.bulk_create(
            (User(email=f"p{i}@bench.example", name=f"Person {i}", password=password) for i in range(PEOPLE)),
            batch_size=5_000,
        )
        Membership.objects.bulk_create(
            (Membership(user=p, unit=units[i % len(units)]) for i, p in enumerate(people)), batch_size=5_000
        )
    leader = people[0]
    RoleAssignment.objects.create(user=leader, role=Role.LEADERSHIP)
    return leader, people[-1]


def median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def run() -> dict[str, Any]:
    leader, reader = organisation()

    def to_all() -> None:
        with transaction.atomic():
            services.send_broadcast(actor=leader, title="To everyone", body="Text " * 200)

    def to_agency() -> None:
        with transaction.atomic():
            services.send_broadcast(
                actor=leader, title="To one agency", body="Text " * 200, unit_codes=["A3"]
            )

    send_all_ms, send_agency_ms = median_ms(to_all), median_ms(to_agency)

    def my_page() -> None:
        list(selectors.addressed_to(reader)[:50])

    start = time.perf_counter()
    list(User.objects.values_list("pk", flat=True))
    floor_ms = (time.perf_counter() - start) * 1000

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    message = services.send_broadcast(actor=leader, title="By e-mail", body="Text " * 200)
    start = time.perf_counter()
    sent = delivery.deliver(message.pk)
    email_s = time.perf_counter() - start
    return {
        "people": PEOPLE,
        "units": AGENCIES * (UNITS_PER_AGENCY + 1) + 1,
        "send_to_all_ms": send_all_ms,
        "send_to_all_queries": queries(to_all),
        "send_to_one_agency_ms": send_agency_ms,
        "my_messages_page_ms": median_ms(my_page),
        "my_messages_page_queries": queries(my_page),
        "unread_count_ms": median_ms(lambda: selectors.unread_count(reader)),
        "email_fan_out_sent": sent,
        "email_fan_out_s": round(email_s, 2),
        "email_fan_out_per_s": round(sent / email_s),
        "floor_read_all_ids_ms": round(floor_ms, 2),
    }
