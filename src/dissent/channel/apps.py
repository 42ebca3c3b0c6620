from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelConfigApp(AppConfig):
    name = "dissent.channel"
    label = "channel"
    verbose_name = _("Dissent channel")
