"""The co-signing pages: open for signature, invite, sign (after a recent login), withdraw.

Signing happens on the memo page, next to the version number and SHA-256 the signer reads;
these views only call the signing services and go back to the memo.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dissent.channel import services as channel_services
from dissent.people.reauth import recent_authentication_required
from dissent.signing import services
from dissent.web.forms import InviteForm, SignForm
from dissent.web.memos import action, done, submit_form
from dissent.web.pages import me, page

circulate = action(
    channel_services.circulate_memo,
    gettext_lazy("The memo is open for signature. Invite colleagues to sign this version."),
)


@require_POST
@page
def invite(request: HttpRequest, memo_id: str) -> HttpResponse:
    form = InviteForm(request.POST)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.invite(
            actor=me(request), memo_id=memo_id, emails=form.addresses(), unit_codes=form.unit_codes()
        ),
        lambda invited: _("%(n)d people invited to sign.") % {"n": invited},
        "#signatures",
    )


@require_POST
@recent_authentication_required
@page
def sign(request: HttpRequest, memo_id: str) -> HttpResponse:
    """The signer saw this version's SHA-256 on the page; a changed text is refused as stale."""
    form = SignForm(request.POST)
    return submit_form(
        request,
        memo_id,
        form,
        lambda: services.sign_memo(
            actor=me(request),
            memo_id=memo_id,
            version_sha256=form.cleaned_data["version_sha256"],
            name_visible=form.cleaned_data["name_visible"],
        ),
        lambda _receipt: _("You signed this version. Your receipt is below."),
        "#signatures",
    )


@require_POST
@page
def withdraw_signature(request: HttpRequest, memo_id: str) -> HttpResponse:
    services.withdraw_signature(actor=me(request), memo_id=memo_id)
    return done(request, memo_id, _("Your signature is withdrawn."), "#signatures")
