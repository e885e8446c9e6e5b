"""ChecklistTask.department becomes a link to Department (0008 fills it in by name).

The old text column is kept, renamed department_name: the name the department had when
the task was opened, shown for a past crisis whose department has since been deleted.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('playbooks', '0006_audit_kinds'),
    ]

    operations = [
        migrations.RenameField(
            model_name='checklisttask',
            old_name='department',
            new_name='department_name',
        ),
        migrations.AlterField(
            model_name='checklisttask',
            name='department_name',
            field=models.CharField(blank=True, help_text="The department's name when the task was opened.", max_length=80),
        ),
        migrations.AddField(
            model_name='checklisttask',
            name='department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='checklist_tasks', to='playbooks.department'),
        ),
    ]
