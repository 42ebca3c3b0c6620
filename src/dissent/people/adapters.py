from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class DirectoryAccountAdapter(DefaultAccountAdapter):
    """People come from the organisation's directory import, so nobody signs themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
