"""allauth's forms where the channel needs them stricter."""

from __future__ import annotations

from allauth.account.forms import ResetPasswordForm

from dissent.people.models import User, normalize_email


class PrimaryAddressResetForm(ResetPasswordForm):
    """A reset link goes only to the address the person logs in with, never to another address
    on the account: an address someone else put there must not open the account.

    Whether or not an account has that address, the page answers the same and nothing is
    sent to an unknown address (``ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False``).
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        found: list[User] = self.users  # type: ignore[has-type]  # set by allauth's clean_email
        self.users = [user for user in found if user.email == normalize_email(email)]
        return email
