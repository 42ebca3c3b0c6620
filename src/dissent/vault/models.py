"""Data keys, stored only wrapped under the key-encryption key that lives outside the database."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DataKey(models.Model):
    """A 256-bit key for one memo's content (XChaCha20-Poly1305), wrapped by the KEK ``kek_id``."""

    wrapped = models.BinaryField()
    kek_id = models.CharField(max_length=16, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"data key {self.pk} (KEK {self.kek_id})"


class KeyState(models.Model):
    """One row (pk=1): the KEK that wraps whatever is wrapped from now on.

    Everything that wraps locks this row in its own transaction, and a rotation changes it
    under the same lock, so no writer can wrap under the old KEK after the rotation has
    started re-wrapping. It also tells the start-up check which KEK the data needs.
    """

    kek_id = models.CharField(max_length=16)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"wrapping KEK {self.kek_id}"
