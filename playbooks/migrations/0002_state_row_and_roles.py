from django.db import migrations

ROLES = ["comms_lead", "agent", "volunteer", "admin", "integration"]


def create(apps, schema_editor):
    apps.get_model("playbooks", "OrganisationState").objects.get_or_create(pk=1)
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
