from django.conf import settings
from django.db import models


class HubUpdate(models.Model):
    """A timestamped update on the public hub page. body_html is sanitised on save."""

    crisis = models.ForeignKey("playbooks.Crisis", on_delete=models.CASCADE, related_name="hub_updates")
    body_markdown = models.TextField()
    body_html = models.TextField(editable=False)
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.posted_at:%H:%M} {self.body_markdown[:60]}"

    def save(self, *args, **kwargs):
        from .render import markdown_to_safe_html

        self.body_html = markdown_to_safe_html(self.body_markdown)
        super().save(*args, **kwargs)
