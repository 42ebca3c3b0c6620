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
