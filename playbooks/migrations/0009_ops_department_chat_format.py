"""Each department's chat webhook gets the format its tool takes. Existing webhooks on Slack's
and Power Automate's hosts are set to those formats; the rest keep the plain JSON they had."""

from urllib.parse import urlsplit

from django.db import migrations, models


def _guess(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if host == "hooks.slack.com":
        return "slack"
    if host.endswith((".logic.azure.com", ".powerplatform.com", ".powerautomate.com")):
        return "teams"
    return "generic"


def guess_formats(apps, schema_editor):
    Department = apps.get_model("playbooks", "Department")
    for dept in Department.objects.exclude(chat_webhook_url=""):
        fmt = _guess(dept.chat_webhook_url)
        if fmt != "generic":
            Department.objects.filter(pk=dept.pk).update(chat_format=fmt)


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0008_link_checklist_tasks_to_departments")]

    operations = [
        migrations.AddField(
            model_name="department",
            name="chat_format",
            field=models.CharField(
                choices=[
                    ("slack", "Slack (blocks)"),
                    ("teams", "Microsoft Teams Workflows (Adaptive Card)"),
                    ("generic", "Generic JSON"),
                ],
                default="generic",
                help_text=(
                    "What the webhook takes: Teams Workflows accept Adaptive Cards only, Slack takes blocks, "
                    "anything else gets plain JSON with a text field."
                ),
                max_length=10,
                verbose_name="chat format",
            ),
        ),
        migrations.RunPython(guess_formats, migrations.RunPython.noop),
    ]
