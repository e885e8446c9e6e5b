"""The organisation-state row exists from the start: the switch and the publisher lock it, and a
lock needs a row (on a fresh install the first activation used to create it, racing the
publisher)."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("playbooks", "OrganisationState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0009_ops_department_chat_format")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
