from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Scenario


class ActivationForm(forms.Form):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.all(), empty_label=None)
    drill = forms.BooleanField(
        required=False,
        label=_("This is a drill"),
        help_text=_("Nothing is paused on platforms; the hub page is staff-only."),
    )
    demo_stream_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        initial=0,
        label=_("Play the demo mention stream for (minutes, drills only)"),
        help_text=_("Feeds realistic demo mentions into the queue so the team can practise; 0 for none."),
    )
    broadcast = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Publish the scenario's holding post on our own accounts (broadcast mode)"),
        help_text=_(
            "One post per account, linking the hub page, pinned where the platform allows; "
            "the only post that goes out in crisis mode. In a drill it is recorded, never sent."
        ),
    )
