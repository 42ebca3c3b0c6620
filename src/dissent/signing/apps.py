from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "dissent.signing"
    label = "signing"
    verbose_name = _("Co-signing")

    def ready(self) -> None:
        from dissent.signing.keys import seed_aad
        from dissent.vault import stores

        stores.register(
            stores.BlobFieldStore("signing.PersonKey", "sealed_seed", lambda row: seed_aad(row.user_id))
        )
