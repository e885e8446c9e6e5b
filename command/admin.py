"""Admin pages that draw on several apps: a scenario with its hub page texts and FAQ."""

from django.contrib import admin

from hubpage.admin import ScenarioFaqInline, ScenarioHubTextInline
from playbooks.admin import ScenarioAdmin
from playbooks.models import Scenario


@admin.register(Scenario)
class ScenarioWithHubAdmin(ScenarioAdmin):
    inlines = [*ScenarioAdmin.inlines, ScenarioHubTextInline, ScenarioFaqInline]
