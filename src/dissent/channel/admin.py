from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dissent.channel.models import ChannelSettings, ClosureDay


@admin.register(ChannelSettings)
class ChannelSettingsAdmin(admin.ModelAdmin):
    autocomplete_fields = ("receiving_office",)
    filter_horizontal = ("distribution_people",)
    fieldsets = (
        (None, {"fields": ("receiving_office", "distribution_roles", "distribution_people")}),
        (
            _("Deadlines"),
            {
                "fields": (
                    "deadline_mode",
                    "acknowledge_working_days",
                    "response_working_days",
                    "extended_response_working_days",
                    "eu_acknowledge_days",
                    "eu_feedback_months",
                    "holiday_country",
                    "holiday_subdivision",
                    "time_zone",
                )
            },
        ),
        (_("Signatures"), {"fields": ("leadership_signers_threshold", "leadership_agencies_threshold")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ChannelSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
