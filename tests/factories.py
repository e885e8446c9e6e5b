"""One factory per model the tests build by hand (factory_boy): a test names only what matters
to it; everything else gets a realistic default."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from core import tokens
from core.roles import grant
from playbooks.models import ChecklistItem, Contact, Department, RosterEntry, Scenario
from social.models import AdCampaign, PlatformAccount, ScheduledPost
from triage.models import ReplyTemplate, Tag, WatchedAuthor


class UserFactory(DjangoModelFactory):
    """A user with `roles` (core.roles.Role) and the password "pw-<username>"."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyAttribute(lambda user: f"pw-{user.username}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            grant(self, *extracted)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.LazyAttribute(
        lambda contact: f"{contact.name.lower().replace(' ', '.')}@northline.example"
    )


class ScenarioFactory(DjangoModelFactory):
    class Meta:
        model = Scenario

    name = factory.Sequence(lambda n: f"Scenario {n}")
    hub_title = "Disruption on the main line"
    hub_summary = "A signalling fault has stopped trains. Passengers are safe."


class ChecklistItemFactory(DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    scenario = factory.SubFactory(ScenarioFactory)
    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"Checklist item {n}")


class RosterEntryFactory(DjangoModelFactory):
    class Meta:
        model = RosterEntry

    user = factory.SubFactory(UserFactory)
    team = "Customer service"


class PlatformAccountFactory(DjangoModelFactory):
    class Meta:
        model = PlatformAccount

    platform = "x"
    handle = "northlinerail"


class ScheduledPostFactory(DjangoModelFactory):
    class Meta:
        model = ScheduledPost

    account = factory.SubFactory(PlatformAccountFactory)
    text = factory.Sequence(lambda n: f"post {n}")
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))


class AdCampaignFactory(DjangoModelFactory):
    class Meta:
        model = AdCampaign

    account = factory.SubFactory(PlatformAccountFactory)
    name = factory.Sequence(lambda n: f"campaign {n}")
    external_id = factory.Sequence(lambda n: f"c{n}")


class ReplyTemplateFactory(DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    body = "Hi {name}, we're sorry. Updates: {hub_link}"


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class WatchedAuthorFactory(DjangoModelFactory):
    class Meta:
        model = WatchedAuthor

    platform = "x"
    handle = factory.Sequence(lambda n: f"reporter{n}")
    kind = "journalist"


def api_key(user) -> str:
    """A fresh API token's key for `user` (only its hash is stored)."""
    return tokens.issue(user=user, name="tests").key
