from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dissent.people import services
from dissent.people.models import ApiToken, Membership, RoleAssignment, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "eligible", "language", "is_active", "is_staff")
    list_filter = ("eligible", "is_active", "is_staff", "language", "role_assignments__role")
    search_fields = ("email", "name")
    fields = (
        "email",
        "name",
        "language",
        "time_zone",
        "eligible",
        "is_active",
        "is_staff",
        "last_login",
    )
    readonly_fields = ("last_login",)
    inlines = (MembershipInline, RoleInline)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "head")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "head")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__email", "prefix")
    readonly_fields = ("user", "prefix", "created_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are shown once, so they are created by `dissent tokens create`

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = services.revoke_tokens(tokens=queryset)
        self.message_user(request, _("%d token(s) revoked.") % count, messages.SUCCESS)
