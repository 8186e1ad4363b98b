"""Every planner record that has one of created/updated gets both (planner.models.TimeStampedModel).

Existing rows keep what they had: a new ``created`` takes the row's ``updated``, a new ``updated``
the row's ``created`` (the best the database knows).
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

ADDED = [('DeviceOverride', 'created'), ('DiskOverride', 'created'), ('InventorySnapshot', 'updated'), ('NicOverride', 'created'), ('Plan', 'updated')]


def copy_times(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model, field in ADDED:
        other = "updated" if field == "created" else "created"
        apps.get_model("planner", model).objects.update(**{field: F(other)})


class Migration(migrations.Migration):
    dependencies = [("planner", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="deviceoverride",
            name="created",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="diskoverride",
            name="created",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="inventorysnapshot",
            name="updated",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="nicoverride",
            name="created",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="plan",
            name="updated",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(copy_times, migrations.RunPython.noop),
    ]
