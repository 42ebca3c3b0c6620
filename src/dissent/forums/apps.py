from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "dissent.forums"
    label = "forums"
    verbose_name = _("Listening sessions")

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from dissent.forums.checks import redis_keeps_no_copies

        register(redis_keeps_no_copies, Tags.security, deploy=True)
