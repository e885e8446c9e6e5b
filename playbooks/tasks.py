from celery import shared_task

from . import practice


@shared_task(ignore_result=True, time_limit=120)
def send_drill_reminders() -> int:
    """Beat, hourly: one reminder to the leads before each planned drill."""
    return practice.send_drill_reminders()
