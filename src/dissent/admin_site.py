"""The admin site, open only to people holding the admin role.

The ``is_staff`` flag alone is not enough: roles come from the directory, and the
admin site must follow them.
"""

from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dissent.people.roles import Role


class DissentAdminSite(AdminSite):
    site_header = _("Dissent Channel administration")
    site_title = _("Dissent Channel")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_role(Role.ADMIN))
