from django import forms
from django.utils.translation import gettext_lazy as _

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
        labels = {
            "title": _("Title"),
            "what_happened": _("What happened"),
            "who_is_affected": _("Who is affected"),
            "what_we_are_doing": _("What we are doing"),
            "what_you_should_do": _("What you should do"),
            "contacts": _("Contacts"),
        }


class PageOptionsForm(forms.Form):
    next_update_at = forms.DateTimeField(
        required=False,
        label=_("Next update by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the organisation's time zone. The page shows it in UTC too."),
    )
    keep_public = forms.BooleanField(required=False, label=_("Keep this crisis's summary public afterwards"))


class UpdateForm(forms.Form):
    body = forms.CharField(
        label=_("Update (Markdown)"), widget=forms.Textarea(attrs={"rows": 6, "data-preview-source": ""})
    )
    pin = forms.BooleanField(required=False, label=_("Pin as the key message"))


class BaseFaqFormSet(forms.BaseModelFormSet):
    def clean(self):
        """Anchors are link targets: one answer per anchor in a language (replies link to it)."""
        super().clean()
        seen = set()
        for form in self.forms:
            if (not form.has_changed() and not form.instance.pk) or self._should_delete_form(form):
                continue
            anchor = form.cleaned_data.get("anchor")
            if anchor in seen:
                form.add_error(
                    "anchor", _("Another answer already uses the anchor #%(anchor)s.") % {"anchor": anchor}
                )
            seen.add(anchor)


FaqFormSet = forms.modelformset_factory(
    FaqEntry,
    formset=BaseFaqFormSet,
    fields=["order", "topic", "anchor", "question", "answer"],
    widgets={"answer": forms.Textarea(attrs={"rows": 3})},
    labels={
        "order": _("Order"),
        "topic": _("Topic"),
        "anchor": _("Anchor"),
        "question": _("Question"),
        "answer": _("Answer"),
    },
    extra=1,
    can_delete=True,
)
