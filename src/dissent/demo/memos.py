"""Demo memos on invented, neutral administrative topics, in several states of the lifecycle.

They are created through the same services as real ones, so the demo shows real
deadlines, sealed content, notifications and audit events.
"""

from __future__ import annotations

from typing import Any

from dissent.channel import services
from dissent.channel.models import Memo
from dissent.people.models import User
from dissent.signing import services as signing

WATER: dict[str, Any] = {
    "title": "Keep the rural water programme separate in the consolidation",
    "summary": "Merging the three water programmes into one would end the rural site visits that "
    "the evaluation found most effective.",
    "body": "## Background\n\nThe consolidation plan merges the urban, peri-urban and rural water "
    "programmes of the Development Cooperation Agency into one programme from next year.\n\n"
    "## Concern\n\nThe 2025 evaluation found that the rural programme's monthly site visits "
    "explain most of its results. The merged programme budgets visits quarterly.\n\n"
    "## Alternative\n\nKeep the rural programme as a separate line for two more years and "
    "evaluate again.",
    "recommendations": [
        "Keep the rural programme as a separate budget line for two years.",
        "Publish the 2025 evaluation to all staff of both agencies.",
        "Review the consolidation again after the next evaluation.",
    ],
    "policy_area": "Development cooperation",
}
ARCHIVE: dict[str, Any] = {
    "title": "Digitise the treaty archive before the move",
    "summary": "The archive move risks damage to paper originals that have no digital copy.",
    "body": "The ministry plans to move the treaty archive next spring. About a third of the "
    "originals have no digital copy. We recommend digitising them first.",
    "recommendations": ["Digitise the originals without a copy before the move.", "Insure the move."],
    "policy_area": "Records management",
}
LANGUAGE: dict[str, Any] = {
    "title": "Extend language training to locally engaged staff",
    "summary": "Locally engaged staff at posts are excluded from the language training budget.",
    "body": "Language training is open to posted staff only. Locally engaged staff do most of the "
    "consular work in the second language of the host country.",
    "recommendations": ["Open the language training budget to locally engaged staff."],
    "policy_area": "Training",
}
WAITING: dict[str, Any] = {
    "title": "Publish consular waiting-time statistics",
    "summary": "Publishing waiting times would let posts compare and improve.",
    "body": "Draft: collect the figures from the three busiest posts first.",
    "recommendations": ["Publish monthly waiting times per post."],
    "policy_area": "Consular services",
}


def person(local: str) -> User:
    return User.objects.get(email=f"{local}@demo.example")


def load_demo_memos() -> list[Memo]:
    """The demo memos, the water memo first."""
    drafter, cosigner, office, head = (
        person("drafter"),
        person("cosigner"),
        person("office"),
        person("office.head"),
    )

    water = services.create_memo(actor=cosigner, **WATER)
    services.add_drafter(actor=cosigner, memo_id=water.public_id, email=drafter.email)
    services.submit_memo(actor=cosigner, memo_id=water.public_id)
    services.acknowledge_memo(actor=office, memo_id=water.public_id)
    services.post_message(
        actor=office,
        memo_id=water.public_id,
        body="Thank you. Could you share the evaluation's section on site visits?",
    )
    services.post_message(actor=drafter, memo_id=water.public_id, body="Yes — section 4, pages 31 to 38.")
    services.add_reader(
        actor=head,
        memo_id=water.public_id,
        email="deputy@demo.example",
        reason="Chairs the budget committee.",
    )

    archive = services.create_memo(actor=drafter, **ARCHIVE)
    services.submit_memo(actor=drafter, memo_id=archive.public_id)
    services.acknowledge_memo(actor=office, memo_id=archive.public_id)
    services.respond_to_memo(
        actor=head,
        memo_id=archive.public_id,
        body="We agree that the originals must be protected.",
        items=[
            services.OutcomeIn(1, "accepted", "Digitisation starts next month."),
            services.OutcomeIn(2, "under_consideration", "We are asking for quotes."),
        ],
    )
    services.reply_to_response(
        actor=drafter, memo_id=archive.public_id, body="Thank you for the quick answer."
    )

    language = services.create_memo(actor=person("cosigner.zh"), **LANGUAGE)
    services.submit_memo(actor=person("cosigner.zh"), memo_id=language.public_id)

    waiting = services.create_memo(actor=drafter, **WAITING)
    services.circulate_memo(actor=drafter, memo_id=waiting.public_id)
    signing.invite(actor=drafter, memo_id=waiting.public_id, emails=[cosigner.email], unit_codes=["MFA-CON"])
    version = waiting.current_version
    assert version is not None
    for signer in [cosigner, *User.objects.filter(memberships__unit__code="MFA-CON", eligible=True)[:4]]:
        signing.sign_memo(
            actor=signer, memo_id=waiting.public_id, version_sha256=version.sha256, name_visible=True
        )
    return [water, archive, language, waiting]
