"""People in the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from dissent.people import selectors
from dissent.proof.bundle import b64
from dissent.signing.keys import public_key_of

router = Router(tags=["people"])


class MeOut(Schema):
    id: str
    email: str
    name: str
    units: list[str]
    roles: list[str]
    eligible: bool
    language: str
    time_zone: str
    public_key: str | None


@router.get("/me", response=MeOut, summary="The person calling")
def me(request: HttpRequest) -> MeOut:
    person = selectors.with_directory(request.user)  # type: ignore[arg-type]
    key = public_key_of(person)
    return MeOut(
        id=str(person.pk),
        email=person.email,
        name=person.name,
        units=person.unit_codes(),
        roles=person.role_codes(),
        eligible=person.eligible,
        language=person.language,
        time_zone=person.time_zone,
        public_key=None if key is None else b64(key),
    )
