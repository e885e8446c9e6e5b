from django import forms

from .models import Scenario


class ActivationForm(forms.Form):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.all(), empty_label=None)
    drill = forms.BooleanField(
        required=False,
        label="This is a drill",
        help_text="Nothing is paused on platforms; the hub page is staff-only.",
    )
    demo_stream_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        initial=0,
        label="Play the demo mention stream for (minutes, drills only)",
        help_text="Feeds realistic demo mentions into the queue so the team can practise; 0 for none.",
    )
