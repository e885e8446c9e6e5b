from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.roles import STAFF
from playbooks.models import ActionItem, Scenario
from playbooks.review import MeetingNotes


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    attendees = forms.CharField(
        label=_("Who attended"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    worked = forms.CharField(
        label=_("What worked?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    did_not_work = forms.CharField(
        label=_("What did not work?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    differently = forms.CharField(
        label=_("What would we do differently?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("What do we do now?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def notes(self) -> MeetingNotes:
        return MeetingNotes(**{name: self.cleaned_data[name] for name in self.fields})


def staff_users():
    names = [role.value for role in STAFF]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names)
        .distinct()
        .order_by("username")
    )


class ActionItemForm(forms.ModelForm):
    owner = forms.ModelChoiceField(queryset=None, required=False, label=_("Owner (user)"))

    class Meta:
        model = ActionItem
        fields = ["title", "owner", "owner_name", "due_on", "scenario"]
        labels = {
            "title": _("Action"),
            "owner_name": _("…or owner's name"),
            "due_on": _("Due on"),
            "scenario": _("Changes scenario"),
        }
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()
        self.fields["scenario"].queryset = Scenario.objects.all()
        self.fields["scenario"].empty_label = "—"
        self.fields["owner"].empty_label = "—"

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            raise forms.ValidationError(_("Every action item needs an owner: pick a user or type a name."))
        return data
