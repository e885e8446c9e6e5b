import os
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.roles import Role, ensure_role_groups, grant
from hubpage.demo import seed_hub_demo
from playbooks.demo import (
    ACCOUNTS,
    CAMPAIGNS,
    GLOBAL_TRAINING,
    PLAYBOOK,
    POSTS,
    REPLY_TEMPLATES,
    ROSTER,
    TAGS,
    WATCHLIST,
    spec_training,
)
from playbooks.models import (
    Department,
    OrganisationState,
    RosterEntry,
    Scenario,
    TrainingLink,
    TrainingRecord,
)
from playbooks.portable import import_data
from social.models import AdCampaign, PlatformAccount, ScheduledPost
from triage.models import ReplyTemplate, Tag, WatchedAuthor

DEMO_USERS = [
    ("lead", Role.LEAD),
    ("agent", Role.AGENT),
    ("volunteer", Role.VOLUNTEER),
    ("admin", Role.ADMIN),
]


class Command(BaseCommand):
    help = "Load the demo organisation: scenarios, outbound content, templates and a user per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off too: resets the demo users' passwords (lead, agent, volunteer, admin).",
        )

    def handle(self, *, force: bool = False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "seed_demo resets the passwords of the users lead, agent, volunteer and admin; with DEBUG "
                "off it runs only with --force (a demo or staging install, never production)."
            )
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        with transaction.atomic():
            ensure_role_groups()
            OrganisationState.objects.get_or_create(pk=1)
            users = self._users(password)
            scenarios = self._scenarios()
            # Agents tick their own department's checklist items (leads and admins any).
            agent = next(u for u in users if u.username == "agent")
            for department in Department.objects.filter(name__in=["Social care", "Customer service"]):
                department.members.add(agent)
            seed_hub_demo(scenarios[0])
            self._roster(password, scenarios)
            accounts, posts, campaigns = self._outbound()
            for name, tier, body in REPLY_TEMPLATES:
                ReplyTemplate.objects.update_or_create(name=name, defaults={"tier": tier, "body": body})
            for tag in TAGS:
                Tag.objects.get_or_create(name=tag, defaults={"curated": True})
            for handle, kind in WATCHLIST:
                WatchedAuthor.objects.get_or_create(platform="", handle=handle, defaults={"kind": kind})
        self.stdout.write(
            f"demo organisation ready: {len(users)} users, {len(scenarios)} scenarios, {accounts} accounts, "
            f"{posts} scheduled posts, {campaigns} ad campaigns, {len(REPLY_TEMPLATES)} reply templates"
        )
        if "DEMO_PASSWORD" not in os.environ:
            self.stdout.write(f"generated demo password (all demo users): {password}")

    def _users(self, password: str) -> list:
        User = get_user_model()
        users = []
        for username, role in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.set_password(password)
            user.is_staff = role == Role.ADMIN
            user.is_superuser = role == Role.ADMIN
            user.save()
            grant(user, role)
            users.append(user)
        ingest, _ = User.objects.get_or_create(username="ingest")
        ingest.set_unusable_password()
        ingest.save()
        grant(ingest, Role.INTEGRATION)
        return users

    def _scenarios(self) -> list[Scenario]:
        # Scenarios a team already edited are left alone; missing ones come from the demo playbook.
        names = [spec["name"] for spec in PLAYBOOK["scenarios"]]
        if not Scenario.objects.filter(name__in=names).exists():
            import_data(PLAYBOOK)
        return list(Scenario.objects.filter(name__in=names))

    def _roster(self, password: str, scenarios: list[Scenario]) -> None:
        """Two jump-seat volunteers from other teams and one overseas contact-centre agent."""
        TrainingLink.objects.get_or_create(
            scenario=None, url=GLOBAL_TRAINING["url"], defaults=GLOBAL_TRAINING | {"order": 0}
        )
        User = get_user_model()
        for username, role, name, spec in ROSTER:
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
            if created:
                user.set_password(password)
                user.save()
                grant(user, Role(role))
            entry, _ = RosterEntry.objects.get_or_create(user=user, defaults=spec)
            for scenario, state in zip(scenarios, spec_training(username), strict=False):
                TrainingRecord.objects.get_or_create(
                    entry=entry, scenario=scenario, defaults={"state": state}
                )

    def _outbound(self) -> tuple[int, int, int]:
        accounts = [
            PlatformAccount.objects.get_or_create(platform=p, handle=h, defaults={"display_name": n})[0]
            for p, h, n in ACCOUNTS
        ]
        if not ScheduledPost.objects.exists():
            start = timezone.now() + timedelta(hours=1)
            ScheduledPost.objects.bulk_create(
                ScheduledPost(
                    account=accounts[i % len(accounts)],
                    text=POSTS[i % len(POSTS)],
                    scheduled_for=start + timedelta(hours=3 * i),
                )
                for i in range(24)
            )
        if not AdCampaign.objects.exists():
            AdCampaign.objects.bulk_create(
                AdCampaign(account=accounts[i % 2 + 2], name=name, external_id=f"2385{i:04d}")
                for i, name in enumerate(CAMPAIGNS)
            )
        return len(accounts), ScheduledPost.objects.count(), AdCampaign.objects.count()
