"""Publish that something changed; the live path subscribes (placeholder until the live path lands)."""

from __future__ import annotations


def publish(channel: str, message: bytes) -> None:
    """Tell followers of ``channel`` that what they see changed; never raises into the caller."""
