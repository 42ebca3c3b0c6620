"""The channel's pages. The JSON API mirrors them under /api/v1/ (api/memos.py)."""

from django.urls import path

from dissent.web import audit, inbox, memos, messages, office, session_moderation, sessions, signers, signing

# The auditors' pages, included under /audit/ with the namespace "audit".
audit_urlpatterns = [
    path("", audit.trail, name="trail"),
    path("export.csv", audit.export_csv, name="export"),
]

urlpatterns = [
    path("memos/", memos.memo_list, name="memos"),
    path("memos/new/", memos.new_memo, name="memo_new"),
    path("memos/<slug:memo_id>/", memos.memo_detail, name="memo"),
    path("memos/<slug:memo_id>/edit/", memos.edit_memo, name="memo_edit"),
    path("memos/<slug:memo_id>/versions/", memos.memo_versions, name="memo_versions"),
    path("memos/<slug:memo_id>/drafters/", memos.add_drafter, name="memo_add_drafter"),
    path("memos/<slug:memo_id>/submit/", memos.submit, name="memo_submit"),
    path("memos/<slug:memo_id>/withdraw/", memos.withdraw, name="memo_withdraw"),
    path("memos/<slug:memo_id>/acknowledge/", memos.acknowledge, name="memo_acknowledge"),
    path("memos/<slug:memo_id>/extend/", memos.extend, name="memo_extend"),
    path("memos/<slug:memo_id>/reroute/", memos.reroute, name="memo_reroute"),
    path("memos/<slug:memo_id>/readers/", memos.add_reader, name="memo_add_reader"),
    path("memos/<slug:memo_id>/respond/", memos.respond, name="memo_respond"),
    path("memos/<slug:memo_id>/reply/", memos.reply, name="memo_reply"),
    path("memos/<slug:memo_id>/close/", memos.close, name="memo_close"),
    path("memos/<slug:memo_id>/messages/", memos.post_message, name="memo_message"),
    path("memos/<slug:memo_id>/circulate/", signing.circulate, name="memo_circulate"),
    path("memos/<slug:memo_id>/invitations/", signing.invite, name="memo_invite"),
    path("memos/<slug:memo_id>/signers/", signers.memo_signers, name="memo_signers"),
    path("memos/<slug:memo_id>/sign/", signing.sign, name="memo_sign"),
    path("memos/<slug:memo_id>/signature/withdraw/", signing.withdraw_signature, name="memo_unsign"),
    path("office/", office.office_queue, name="office_queue"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.mark_read, name="inbox_read"),
    path("inbox/preferences/", inbox.preferences, name="inbox_preferences"),
    path("messages/", messages.message_list, name="messages"),
    path("messages/staff/", messages.staff_messages, name="staff_messages"),
    path("messages/<slug:broadcast_id>/", messages.message_detail, name="message"),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/new/", sessions.new_session, name="session_new"),
    path("sessions/<slug:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<slug:session_id>/register/", sessions.register, name="session_register"),
    path("sessions/<slug:session_id>/ask/", sessions.ask, name="session_ask"),
    path("sessions/<slug:session_id>/replies/", sessions.replies, name="session_replies"),
    path("sessions/<slug:session_id>/statistics/", session_moderation.statistics, name="session_statistics"),
    path("sessions/<slug:session_id>/export.csv", session_moderation.export_csv, name="session_export"),
    path("sessions/<slug:session_id>/close/", session_moderation.close, name="session_close"),
    *[
        path(
            f"sessions/<slug:session_id>/questions/<slug:question_id>/{name}/", view, name=f"question_{name}"
        )
        for name, view in (
            ("vote", sessions.vote),
            ("unvote", sessions.unvote),
            ("report", sessions.report),
            ("approve", session_moderation.approve),
            ("hide", session_moderation.hide),
            ("highlight", session_moderation.highlight),
            ("answer", session_moderation.answer),
            ("merge", session_moderation.merge),
        )
    ],
]
