"""The inbox becomes the e-mail outbox: each row carries its e-mail's status, due time,
attempts and last error, and delivery finds the due rows through a partial index.

Rows from before: those already e-mailed stay sent (one attempt, the one that sent them).
Unsent ones become "not sent" rather than pending. Before the outbox a row was left unsent
only when its person had turned e-mail off, or when the hand-off after the commit was lost;
an e-mail that says "there is a new item" about an old item the inbox has long shown would
be wrong, and a burst of them at the upgrade would be noise. The items stay in the inbox.
"""

import django.utils.timezone
from django.db import migrations, models


def existing_rows(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    Notification.objects.filter(emailed_at__isnull=False).update(
        email_status="sent", email_due_at=None, email_attempts=1
    )
    Notification.objects.filter(emailed_at__isnull=True).update(email_status="skipped", email_due_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='email_attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_due_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_error',
            field=models.CharField(blank=True, default='', max_length=200),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_status',
            field=models.CharField(choices=[('pending', 'to be sent'), ('sent', 'sent'), ('given_up', 'given up'), ('skipped', 'not sent')], default='pending', max_length=10),
        ),
        migrations.RunPython(existing_rows, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('email_due_at__isnull', False)), fields=['email_due_at'], name='notify_email_due'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('email_due_at__isnull', False), ('email_status', 'pending')), models.Q(models.Q(('email_status', 'pending'), _negated=True), ('email_due_at__isnull', True)), _connector='OR'), name='notify_due_when_pending'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('email_status', 'sent'), ('emailed_at__isnull', False)), models.Q(models.Q(('email_status', 'sent'), _negated=True), ('emailed_at__isnull', True)), _connector='OR'), name='notify_emailed_when_sent'),
        ),
    ]
