import secrets

from django.db import migrations, models

import shop.followups.models


def fill_keys(apps, schema_editor):
    Contact = apps.get_model("followups", "Contact")
    for contact in Contact.objects.filter(key__isnull=True).only("pk"):
        contact.key = secrets.token_urlsafe(16)
        contact.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="key",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contact",
            name="key",
            field=models.CharField(
                default=shop.followups.models.new_contact_key,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
