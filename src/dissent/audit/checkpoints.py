"""Signed checkpoints: the chain head (seq, hash) at a moment, signed with the server's key.

Verify alone cannot catch a rewrite of the whole chain from some event on, hashes
recomputed and all. An outside party who keeps checkpoints can: if the chain still holds
event ``seq`` with that ``hash``, nothing up to it has changed since the checkpoint was
signed. Format (docs/audit.md): one JSON object
``{"seq", "hash", "at", "public_key", "signature"}``; the Ed25519 signature covers the
canonical JSON of ``{"seq", "hash", "at"}``; key and signature are standard base64.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dissent.audit import sql
from dissent.audit.models import ChainHead
from dissent.errors import InvalidInput
from dissent.proof.bundle import b64
from dissent.proof.canonical import canonical_json
from dissent.proof.chain import GENESIS_HASH, checkpoint_statement
from dissent.proof.verify import signature_holds
from dissent.vault.server_key import server_signing_key


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    public_key: bytes
    signature: bytes

    def signed_part(self) -> dict[str, Any]:
        return checkpoint_statement(seq=self.seq, hash=self.hash, at=self.at)

    def as_json(self) -> dict[str, Any]:
        return {**self.signed_part(), "public_key": b64(self.public_key), "signature": b64(self.signature)}


def sign_head() -> Checkpoint:
    """Sign the current chain head. Verify the chain first: a signature vouches for it.

    On PostgreSQL seals after a writer's commit are not flushed to disk at once
    (``seal_pending``); this transaction takes an id, so its commit flushes every earlier
    one, and the head signed is the head that survives a crash.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            sql.flush_earlier_commits(cursor)
        seq, digest = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, GENESIS_HASH)
    key = server_signing_key()
    at = timezone.now().isoformat(timespec="seconds")
    signature = key.sign(canonical_json(checkpoint_statement(seq=seq, hash=digest, at=at))).signature
    return Checkpoint(seq=seq, hash=digest, at=at, public_key=bytes(key.verify_key), signature=signature)


def parse_checkpoint(data: bytes) -> Checkpoint:
    """Read a checkpoint as printed by ``dissent audit checkpoint``; malformed input is InvalidInput.

    Messages are for the operator at the command line, so they are not translated.
    """
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("The checkpoint is not JSON.") from None
    if not isinstance(value, dict) or set(value) != {"seq", "hash", "at", "public_key", "signature"}:
        raise InvalidInput("A checkpoint has exactly seq, hash, at, public_key and signature.")
    seq, digest, at = value["seq"], value["hash"], value["at"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise InvalidInput("The checkpoint's seq is not a sequence number.")
    if not isinstance(digest, str) or len(digest) != 64 or digest.strip("0123456789abcdef"):
        raise InvalidInput("The checkpoint's hash is not 64 lower-case hex digits.")
    if not isinstance(at, str):
        raise InvalidInput("The checkpoint's time is not text.")
    try:
        public_key = base64.b64decode(value["public_key"], validate=True)
        signature = base64.b64decode(value["signature"], validate=True)
    except (TypeError, binascii.Error):
        raise InvalidInput("The checkpoint's key or signature is not base64.") from None
    if len(public_key) != 32 or len(signature) != 64:
        raise InvalidInput("The checkpoint's key or signature has the wrong length for Ed25519.")
    return Checkpoint(seq=seq, hash=digest, at=at, public_key=public_key, signature=signature)


def signature_problem(checkpoint: Checkpoint) -> str | None:
    """Why the checkpoint was not signed by this server, or None when it was."""
    if checkpoint.public_key != bytes(server_signing_key().verify_key):
        return "the checkpoint was signed with another key than this server's"
    if not signature_holds(
        checkpoint.public_key, canonical_json(checkpoint.signed_part()), checkpoint.signature
    ):
        return "the checkpoint's signature does not verify"
    return None
