"""The memo page: everything its reader may see of a memo, and the forms policy lets them use.

Shown again, with the refused form and its error, when an action on the page is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dissent.channel import policy, selectors
from dissent.channel.models import Memo, MessageKind
from dissent.channel.policy import Access
from dissent.channel.status import EXTENDABLE, SUBMITTED_STATES, TRANSITIONS, MemoStatus, target_of
from dissent.channel.views_data import MemoView, MessageView, OutcomeView, memo_view, thread
from dissent.people.models import User
from dissent.signing import selectors as signing_selectors
from dissent.signing.selectors import DayCount, SignerRow, SigningSummary
from dissent.web.errors import PageForm
from dissent.web.forms import (
    CoDrafterForm,
    ExtendForm,
    InviteForm,
    MessageForm,
    ReaderForm,
    ReplyForm,
    RerouteForm,
    RespondForm,
    SignForm,
)
from dissent.web.markdown import render_markdown
from dissent.web.pages import me


@dataclass(frozen=True)
class Actions:
    """Which forms the page offers; the services check again when one is used."""

    edit: bool
    add_drafter: bool
    submit: bool
    withdraw: bool
    acknowledge: bool
    extend: bool
    reroute: bool
    add_reader: bool
    respond: bool
    close: bool
    reply: bool
    thread: bool
    post_message: bool

    def offers(self, form: PageForm) -> bool:
        """Whether the page shows ``form`` (a refused form it does not show is reported on top)."""
        return {
            CoDrafterForm.slug: self.add_drafter,
            ExtendForm.slug: self.extend,
            RerouteForm.slug: self.reroute,
            ReaderForm.slug: self.add_reader,
            RespondForm.slug: self.respond,
            ReplyForm.slug: self.reply,
            MessageForm.slug: self.post_message,
        }.get(form.slug, False)

    @property
    def drafting(self) -> bool:
        return self.edit or self.submit or self.withdraw

    @property
    def office(self) -> bool:
        return (
            self.acknowledge or self.extend or self.reroute or self.add_reader or self.respond or self.close
        )


def allows(action: str, status: str) -> bool:
    """Whether the lifecycle table lets ``action`` happen to a memo in ``status``."""
    return status in TRANSITIONS[action][target_of(action)]


def actions_for(access: Access, memo: Memo) -> Actions:
    status = memo.status
    drafter = policy.can_act_as_drafter(access)
    office = policy.can_act_as_office(access)
    return Actions(
        edit=policy.can_edit(access, status),
        add_drafter=policy.can_manage_drafters(access, status),
        submit=drafter and allows("submit", status),
        withdraw=drafter and allows("withdraw", status),
        acknowledge=office and allows("acknowledge", status),
        extend=office and status in EXTENDABLE and memo.extended_at is None,
        reroute=office and allows("reroute", status),
        add_reader=policy.can_add_reader(access) and status in SUBMITTED_STATES,
        respond=office and allows("respond", status),
        close=office and allows("close", status),
        reply=policy.can_reply_to_response(access, status),
        thread=policy.can_read_thread(access) and memo.submitted_at is not None,
        post_message=policy.can_post_message(access, status),
    )


@dataclass(frozen=True)
class AnsweredRecommendation:
    number: int
    text: str
    outcome: OutcomeView | None


def answered(view: MemoView) -> list[AnsweredRecommendation]:
    """Each recommendation beside the office's outcome for it (the text cannot change once submitted)."""
    outcomes = {item.number: item for item in view.response.items} if view.response else {}
    return [
        AnsweredRecommendation(number=n, text=text, outcome=outcomes.get(n))
        for n, text in enumerate(view.content.recommendations, 1)
    ]


@dataclass(frozen=True)
class ThreadBlock:
    """What the thread fragment shows: on the memo page, and alone after an htmx post."""

    memo_id: str
    entries: list[tuple[MessageView, str]]
    form: MessageForm
    can_post: bool
    notice: str = ""


def thread_block(
    actor: User, memo: Memo, access: Access, form: MessageForm | None = None, notice: str = ""
) -> ThreadBlock:
    """Reading the messages is audited by ``thread``."""
    labels = dict(MessageKind.choices)
    return ThreadBlock(
        memo_id=memo.public_id,
        entries=[(m, str(labels[m.kind])) for m in thread(actor, memo, access)],
        form=form or MessageForm(may_propose=access.is_office),
        can_post=policy.can_post_message(access, memo.status),
        notice=notice,
    )


def hidden_refusal(refused: PageForm | None, actions: Actions) -> list[str]:
    """Why a form the page does not show was refused (a crafted or outdated request)."""
    if refused is None or actions.offers(refused):
        return []
    return [str(e) for e in refused.non_field_errors()] or [_("This cannot be done with this memo now.")]


@dataclass
class SigningBlock:
    """The co-signing panel: the exact count, per unit and per day, the signer list, and forms."""

    summary: SigningSummary
    signers: list[SignerRow]
    signer_total: int
    history: list[DayCount]
    can_circulate: bool
    can_invite: bool
    sign_form: PageForm
    invite_form: PageForm


SIGNERS_SHOWN = 50


def signing_block(actor: User, memo: Memo, access: Access, refused: PageForm | None) -> SigningBlock | None:
    if memo.status == MemoStatus.DRAFT and not access.is_drafter:
        return None
    summary = signing_selectors.signing_summary(actor, memo, access)
    signers, total = signing_selectors.signers_page(actor, memo, access, limit=SIGNERS_SHOWN)
    version = memo.current_version
    assert version is not None
    sign_form = SignForm(initial={"version_sha256": version.sha256})
    invite_form = InviteForm()
    if isinstance(refused, SignForm):
        sign_form = refused
    elif isinstance(refused, InviteForm):
        invite_form = refused
    return SigningBlock(
        summary=summary,
        signers=signers,
        signer_total=total,
        history=signing_selectors.count_history(memo),
        can_circulate=access.is_drafter and memo.status == MemoStatus.DRAFT,
        can_invite=access.is_drafter and memo.status == MemoStatus.CIRCULATING,
        sign_form=sign_form,
        invite_form=invite_form,
    )


def render_memo_page(request: HttpRequest, memo_id: str, *, refused: PageForm | None = None) -> HttpResponse:
    actor = me(request)
    memo, access = selectors.memo_for(actor, memo_id)
    view = memo_view(actor, memo, access, via="page")
    actions = actions_for(access, memo)
    forms: dict[str, PageForm] = {
        form.slug: form
        for form in (
            CoDrafterForm(),
            ExtendForm(),
            RerouteForm(),
            ReaderForm(),
            RespondForm(recommendations=view.content.recommendations),
            ReplyForm(),
        )
    }
    message_form = refused if isinstance(refused, MessageForm) else None
    if refused is not None:
        forms[refused.slug] = refused
    context = {
        "view": view,
        "memo": memo,
        "content": view.content,
        "version": memo.current_version,
        "actions": actions,
        "forms": forms,
        "refused": refused.slug if refused is not None else "",
        "refusal": hidden_refusal(refused, actions),
        "body_html": render_markdown(view.content.body),
        "response_html": render_markdown(view.response.body) if view.response else "",
        "recommendations": answered(view),
        "thread": thread_block(actor, memo, access, message_form) if actions.thread else None,
        "signing": signing_block(actor, memo, access, refused),
    }
    status = refused.status if refused is not None else 200
    return render(request, "web/memos/detail.html", context, status=status)
