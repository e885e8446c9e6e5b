from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_LENGTH


class RoomMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_LENGTH}),
        strip=True,
        error_messages={
            "required": "Write a message first.",
            "max_length": f"Messages are limited to {MAX_LENGTH:,} characters.",
        },
    )
