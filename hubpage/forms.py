from django import forms

from .models import FaqEntry, HubContent


class ContentForm(forms.ModelForm):
    class Meta:
        model = HubContent
        fields = [
            "title",
            "what_happened",
            "who_is_affected",
            "what_we_are_doing",
            "what_you_should_do",
            "contacts",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields[1:]}


class PageOptionsForm(forms.Form):
    next_update_at = forms.DateTimeField(
        required=False,
        label="Next update by",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the organisation's time zone. The page shows it in UTC too.",
    )
    keep_public = forms.BooleanField(required=False, label="Keep this crisis's summary public afterwards")


class UpdateForm(forms.Form):
    body = forms.CharField(
        label="Update (Markdown)", widget=forms.Textarea(attrs={"rows": 6, "data-preview-source": ""})
    )
    pin = forms.BooleanField(required=False, label="Pin as the key message")


FaqFormSet = forms.modelformset_factory(
    FaqEntry,
    fields=["order", "topic", "anchor", "question", "answer"],
    widgets={"answer": forms.Textarea(attrs={"rows": 3})},
    extra=1,
    can_delete=True,
)
