"""Listening sessions: the session, who registered, the questions, and votes while it is open.

Anonymity is a property of what is stored (docs/security.md, "Listening sessions"):

- An anonymous question has no ``author``. While the session is open it carries ``asker``,
  a keyed pseudonym of its author (``keys.pseudonym``: HMAC-SHA256 under a per-session key
  that lives in memory only), so that the per-person rate limit and "no vote on your own
  question" hold; closing the session clears it and destroys the key.
- Votes are rows of pseudonyms for everyone, attributed questions or not, and exist only
  while the session is open; closing folds them into ``Question.votes`` and deletes them.
- Ids are random (``new_question_id``), never an autoincrement, and times are kept to the
  minute (``to_minute``), so neither order nor a timestamp ties a question to a request.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dissent.channel.models import new_public_id
from dissent.people.models import Unit, User


def to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def now_to_minute() -> datetime:
    return to_minute(timezone.now())


def new_question_id() -> str:
    """128 random bits: a question's id says nothing of when it was asked or by whom."""
    return secrets.token_hex(16)


class ListeningSession(models.Model):
    """One session. ``to_all`` invites every active person; otherwise its ``SessionUnit`` rows do.

    Questions may be asked from scheduling until ``closed_at``. ``highlighted`` is the question
    being answered now. The statistics are written when it closes, from the votes that closing
    deletes (``voters`` cannot be counted afterwards).
    """

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    creator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place or link"), max_length=500, blank=True)
    to_all = models.BooleanField(default=False)
    allow_anonymous = models.BooleanField(_("anonymous questions allowed"), default=True)
    premoderate = models.BooleanField(_("questions need approval first"), default=False)
    highlighted = models.ForeignKey(
        "Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    voters = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-starts_at", "-pk")
        indexes = [models.Index(fields=["to_all", "starts_at"])]

    def __str__(self) -> str:
        return f"session {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SessionUnit(models.Model):
    """A unit invited to the session: one the organiser chose (``chosen``), or one below it."""

    session = models.ForeignKey(ListeningSession, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    chosen = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "unit"], name="session_unit_once")]
        indexes = [models.Index(fields=["unit", "session"])]

    def __str__(self) -> str:
        return f"{self.session_id} for {self.unit_id}"


class Registration(models.Model):
    """That a person said they will attend; attributed, like any sign-up."""

    session = models.ForeignKey(ListeningSession, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    registered_at = models.DateTimeField(default=now_to_minute)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="registration_once")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.session_id}"


class QuestionState(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")
    ANSWERED = "answered", _("answered")
    MERGED = "merged", _("merged")


class Question(models.Model):
    """A question. ``author`` is empty for an anonymous one, and nothing else names its author
    once the session has closed (see the module docstring).

    ``reply_key`` is the SHA-256 of the capability an anonymous asker's browser keeps, to read
    the answer or the reason it was hidden; only the hash is stored.
    """

    id = models.CharField(primary_key=True, max_length=32, default=new_question_id, editable=False)
    session = models.ForeignKey(ListeningSession, on_delete=models.CASCADE, related_name="questions")
    body = models.TextField(_("question"))
    anonymous = models.BooleanField(default=False)
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    asker = models.CharField(max_length=64, blank=True)
    reply_key = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=QuestionState.choices, default=QuestionState.PUBLISHED)
    votes = models.PositiveIntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    hidden_reason = models.CharField(max_length=500, blank=True)
    answer = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=now_to_minute)

    class Meta:
        indexes = [
            models.Index(fields=["session", "state", "votes"]),
            # The per-person rate limit counts recent questions by author or by pseudonym.
            models.Index(fields=["session", "asker"], condition=~Q(asker=""), name="question_asker"),
            models.Index(fields=["author", "asked_at"]),
        ]

    def __str__(self) -> str:
        return f"question {self.id}"


class Vote(models.Model):
    """One person's vote on one question while the session is open: a pseudonym, no person.

    Deleted when the session closes; the count stays on the question.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    voter = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "voter"], name="vote_once")]

    def __str__(self) -> str:
        return f"vote on {self.question_id}"


class Report(models.Model):
    """That a person reported a question to the moderators; attributed, once per person."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "reporter"], name="report_once")]

    def __str__(self) -> str:
        return f"report on {self.question_id}"
