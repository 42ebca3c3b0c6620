"""What each notification says. Never a title or any content: only that something happened."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "memo.drafter_added": _("You were added as a drafter of a memo."),
    "memo.submitted": _("A memo was submitted to the dissent channel."),
    "memo.submitted_receipt": _("Your memo was submitted; the deadline clocks have started."),
    "memo.acknowledged": _("The office acknowledged a memo you drafted."),
    "memo.extended": _("The office extended the response deadline of a memo, with a reason."),
    "memo.rerouted": _("The office re-routed a memo, with a note to the drafters."),
    "memo.responded": _("The office responded to a memo."),
    "memo.closed": _("A memo was closed."),
    "memo.withdrawn": _("The drafters withdrew a memo."),
    "memo.reader_added": _("You were added as a reader of a memo."),
    "memo.reader_added_for_drafters": _("The office head added a reader to your memo, with a reason."),
    "memo.message": _("There is a new message on a memo."),
    "memo.meeting": _("The office proposed a meeting about a memo."),
    "memo.reply": _("The drafters replied to the response."),
    "memo.invited": _("You were invited to read and sign a memo."),
    "signature.resign": _("A memo you signed was changed. Your signature no longer counts: please re-sign."),
    "signature.third_of_target": _("A memo you drafted reached a third of its signature target."),
    "signature.two_thirds_of_target": _("A memo you drafted reached two thirds of its signature target."),
    "access.widened": _(
        "An operator widened who may read memos (distribution, receiving office or a role); "
        "the audit trail shows the change."
    ),
    "deadline.acknowledge_soon": _("A memo must be acknowledged soon."),
    "deadline.response_soon": _("A memo must be answered soon."),
    "deadline.acknowledge_overdue": _("A memo was not acknowledged in time."),
    "deadline.response_overdue": _("A memo was not answered in time."),
}


def text_for(kind: str) -> str:
    return str(TEXTS.get(kind, _("There is a new item for you.")))
