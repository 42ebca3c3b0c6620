"""A listening session in a real server's database, for tests that run ``dissent serve``:
``python -m tests.live.world`` in the server's environment prints what the test needs."""

from __future__ import annotations

import json
from datetime import timedelta


def build() -> dict[str, str]:
    from django.utils import timezone

    from dissent.forums import services
    from dissent.people.models import RoleAssignment, User
    from dissent.people.roles import Role
    from dissent.people.services import create_tokens

    organiser = User.objects.create(email="organiser@example.org", name="Olga Organiser", eligible=True)
    voter = User.objects.create(email="voter@example.org", name="Vic Voter", eligible=True)
    RoleAssignment.objects.create(user=organiser, role=Role.OFFICE)
    now = timezone.now()
    session = services.schedule_session(
        actor=organiser, title="Town hall", starts_at=now, ends_at=now + timedelta(hours=1)
    )
    question = services.ask(actor=organiser, session_id=session.public_id, body="Why?", anonymous=False)
    return {
        "session": session.public_id,
        "question": str(question.question.pk),
        "token": create_tokens(emails=[voter.email])[0][1],
    }


if __name__ == "__main__":
    from dissent.cli.shared import setup_django

    setup_django()
    print(json.dumps(build()))
