"""Skilled helpers (rules 3-5): the training a volunteer goes through before their first queue,
and finds again from the queue's help, with each completion recorded per person."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.roles import Role, roles_of

from .models import RosterEntry, TrainingCompletion, TrainingLink
from .selectors import active_crisis


def links_for(scenario_id: int | None) -> list[TrainingLink]:
    """The links for every crisis, then the scenario's own (the active crisis's when not given)."""
    if scenario_id is None:
        crisis = active_crisis()
        scenario_id = crisis.scenario_id if crisis else None
    links = TrainingLink.objects.filter(Q(scenario__isnull=True) | Q(scenario_id=scenario_id))
    return sorted(links, key=lambda link: (link.scenario_id is not None, link.order, link.pk))


def completed_ids(user) -> set[int]:
    return set(TrainingCompletion.objects.filter(user=user).values_list("link_id", flat=True))


def is_helper(user) -> bool:
    """Who goes through the training first: volunteers and anyone on the roster (other teams,
    outside teams). Agents and leads of the social team are trained already."""
    held = roles_of(user)
    if held & {Role.LEAD, Role.ADMIN}:
        return False
    return Role.VOLUNTEER in held or RosterEntry.objects.filter(user=user).exists()


def pending(user, scenario_id: int | None = None) -> list[TrainingLink]:
    done = completed_ids(user)
    return [link for link in links_for(scenario_id) if link.pk not in done]


def needs_training(user) -> bool:
    """A helper with training links not yet completed: the queue sends them through it first."""
    return is_helper(user) and bool(pending(user))


def complete(*, user, link_ids: list[int]) -> int:
    """Record that `user` has been through these links; returns how many were new."""
    now = timezone.now()
    with transaction.atomic():
        links = list(TrainingLink.objects.filter(pk__in=link_ids).values_list("pk", flat=True))
        done = completed_ids(user)
        created = TrainingCompletion.objects.bulk_create(
            [TrainingCompletion(user=user, link_id=pk, completed_at=now) for pk in links if pk not in done],
            ignore_conflicts=True,
        )
    return len(created)
