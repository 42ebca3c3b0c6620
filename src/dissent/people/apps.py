from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "dissent.people"
    label = "people"
    verbose_name = _("People and units")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from dissent.people.addresses import notice_address_change
        from dissent.people.mfa import MfaSecretStore
        from dissent.people.models import User
        from dissent.vault import stores

        stores.register(MfaSecretStore())
        pre_save.connect(notice_address_change, sender=User, dispatch_uid="dissent-address-change")
