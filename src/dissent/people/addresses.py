"""A person's login address changes: the old address is told, whichever route changed it.

Whoever takes an account over by changing its address (on the person's own e-mail page,
or any other way) must not be able to do it silently: the person still reads the old
address. A ``pre_save`` receiver sees every save that can change ``User.email``; the mail
goes out only once the change commits.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dissent.people.models import User


def notice_address_change(
    sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    """Connected to ``pre_save`` of User in ``PeopleConfig.ready``."""
    if instance.pk is None or (update_fields is not None and "email" not in update_fields):
        return
    old = User.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
    if old and old != instance.email:
        transaction.on_commit(partial(tell_old_address, old, instance.email, instance.language), robust=True)


def tell_old_address(old: str, new: str, language: str) -> None:
    with translation.override(language):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Your login address was changed"),
            message=_(
                "The address you log in to Dissent Channel with was changed from {old} to {new}.\n\n"
                "If you did not change it, tell your administrator and the auditors at once.\n"
            ).format(old=old, new=new),
            from_email=None,
            recipient_list=[old],
        )
