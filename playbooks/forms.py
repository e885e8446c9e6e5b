from django import forms

from .models import Scenario


class ActivationForm(forms.Form):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.all(), empty_label=None)
    drill = forms.BooleanField(
        required=False,
        label="This is a drill",
        help_text="Nothing is paused on platforms; the hub page is staff-only.",
    )
