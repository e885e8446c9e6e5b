from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RosterEntry, Scenario, Skill


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

    call_roster = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Call in the volunteer roster"),
        help_text=_(
            "Everyone on the roster with an email address gets a message with an “on my way” button; "
            "the huddle card shows who answered."
        ),
    )


class JumpSeatForm(forms.ModelForm):
    """Peacetime sign-up by any staff member: their own roster entry."""

    skills = forms.MultipleChoiceField(
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What you know beyond first-line care"),
    )

    class Meta:
        model = RosterEntry
        fields = ["team", "languages", "skills", "time_zone", "availability", "phone"]
        labels = {
            "team": _("Your team"),
            "languages": _("Languages you can reply in"),
            "time_zone": _("Your time zone"),
            "availability": _("When you can help"),
            "phone": _("Phone for the call-in"),
        }
        help_texts = {
            "languages": _("Comma separated, e.g. en, fr, nl."),
            "time_zone": _(
                "For follow-the-sun cover, e.g. Europe/London or Asia/Manila. Empty: the office's."
            ),
        }
