"""What each alert to the comms lead says, by code; rendered in the reader's language (core.texts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "alert.sla_breach_one": _("{count} mention passed their SLA ({bands})"),
    "alert.sla_breach": _("{count} mentions passed their SLA ({bands})"),
    "alert.spike_volume": _(
        "Mentions are spiking: {volume} mentions in 5 minutes against a usual {baseline}"
    ),
    "alert.spike_negative": _(
        "Mentions are spiking: {negative}% negative against a usual {baseline_negative}%"
    ),
    "alert.spike_volume_negative": _(
        "Mentions are spiking: {volume} mentions in 5 minutes against a usual {baseline}; "
        "{negative}% negative against a usual {baseline_negative}%"
    ),
    "alert.hub_overdue": _("The hub page promised an update by {time} and none has been posted"),
}
