"""Jobs, zone results, events and archives get both created and updated (planner.models.TimeStampedModel).

Existing rows keep what they had: a new ``created`` takes the row's ``updated``, a new ``updated``
the row's ``created`` (the best the database knows).
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

ADDED = [('Archive', 'updated'), ('Job', 'updated'), ('JobEvent', 'updated'), ('ZoneResult', 'created')]


def copy_times(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model, field in ADDED:
        other = "updated" if field == "created" else "created"
        apps.get_model("jobs", model).objects.update(**{field: F(other)})


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_team_folders")]

    operations = [
        migrations.AddField(
            model_name="archive",
            name="updated",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="job",
            name="updated",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="jobevent",
            name="updated",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="zoneresult",
            name="created",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(copy_times, migrations.RunPython.noop),
    ]
