from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "dissent.people"
    label = "people"
    verbose_name = _("People and units")

    def ready(self) -> None:
        from dissent.people.mfa import MfaSecretStore
        from dissent.vault import stores

        stores.register(MfaSecretStore())
