"""API tokens expire: tokens issued before this get the default lifetime from today, so that
upgrading breaks no running integration at once but none lives for ever."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_existing_tokens(apps, schema_editor):
    token = apps.get_model("people", "ApiToken")
    token.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=settings.DISSENT_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, verbose_name="expires"),
        ),
    ]
