"""A demo listening session, open, on a practical and policy-neutral topic.

Scheduled, asked and voted through the same services as a real one, so the demo shows the
ranking, anonymous and attributed questions in English and Chinese, and a written answer.
The times are next week's, in the organisation's zone, so the session is upcoming whenever the
demo is loaded.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from dissent.channel.models import ChannelSettings
from dissent.demo.memos import person
from dissent.forums import services
from dissent.forums.models import ListeningSession

TITLE = "Town hall: the move to the new building"
LOCATION = "Main auditorium, 2nd floor, and https://meet.demo.example/town-hall"

# (asker, question, anonymous, voters): the voters' e-mail local parts.
QUESTIONS = [
    (
        "drafter",
        "Will every team keep its own meeting rooms, or are rooms booked centrally?",
        False,
        ["cosigner", "contractor", "dca.head", "auditor", "admin"],
    ),
    (
        "cosigner.zh",
        "新大楼是否有足够的自行车停放位置和淋浴间？",  # noqa: RUF001 - Chinese punctuation
        True,
        ["drafter", "cosigner", "auditor"],
    ),
    (
        "contractor",
        "Can contractors keep their building passes during the move week?",
        False,
        ["drafter", "admin"],
    ),
    ("auditor", "Where will the archive of paper records go, and who may enter it?", True, ["dca.head"]),
    ("cosigner.zh", "搬迁期间，外地使馆的来电会转接到哪里？", False, ["dca.head"]),  # noqa: RUF001
]
ANSWER = (
    "Each floor keeps two team rooms; the larger rooms are booked in the calendar, as today. "
    "The floor plans go on the intranet next week."
)


def load_demo_sessions() -> ListeningSession:
    """The session, by the receiving office for all staff, with its questions and votes."""
    office = person("office")
    zone = ZoneInfo(ChannelSettings.current().time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=7)
    starts = datetime.combine(day, time(10, 0), tzinfo=zone)
    session = services.schedule_session(
        actor=office,
        title=TITLE,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        location=LOCATION,
        allow_anonymous=True,
    )
    sid = session.public_id
    asked = []
    for asker, body, anonymous, voters in QUESTIONS:
        question = services.ask(actor=person(asker), session_id=sid, body=body, anonymous=anonymous).question
        asked.append(question)
        for voter in voters:
            services.vote(actor=person(voter), session_id=sid, question_id=question.pk)
    services.answer(actor=office, session_id=sid, question_id=asked[0].pk, text=ANSWER)
    services.highlight(actor=office, session_id=sid, question_id=asked[2].pk)
    return session
