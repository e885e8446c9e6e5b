"""Replies in the brand's voice: templates with fields and variants, repeat warnings, broadcast.

Fields: {name} (the author's name or @handle), {hub_link} (the hub page in the
mention's language), {faq:<anchor>} (one FAQ answer on the hub page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from core import events
from hubpage.selectors import hub_url
from hubpage.selectors import languages as hub_languages

from .delivery import initial_status, send_replies_task
from .models import AuthorKind, Mention, MentionStatus, QueueSettings, Reply, ReplyStatus, ReplyTemplate
from .names import clean_name
from .selectors import fresh_payloads
from .tiers import OutsideTier, can_work, check_template, check_work, templates_visible_to, visible_to

FAQ_FIELD = re.compile(r"\{faq:([A-Za-z0-9_-]{1,80})\}")
MAX_BROADCAST = 200


_NAME_AT_START = re.compile(r"^\{name\}[,:;!]?\s*")
_NAME_INSIDE = re.compile(r"[ \t]*\{name\}")


def _without_name(body: str) -> str:
    """The template with {name} taken out so the sentence still reads: "Hi {name}, sorry"
    becomes "Hi, sorry" and "{name}, sorry" becomes "Sorry"."""
    lines = []
    for line in body.split("\n"):
        stripped = _NAME_AT_START.sub("", line)
        if stripped != line and stripped:
            stripped = stripped[0].upper() + stripped[1:]
        lines.append(_NAME_INSIDE.sub("", stripped))
    return "\n".join(lines)


def hub_language(lang: str) -> str | None:
    """The published hub language for a mention's language tag: fr-CA -> fr, zh / zh-CN -> zh-hans.

    None when the hub is not published in it (the link then goes to /hub/, which picks by the
    reader's browser).
    """
    code = (lang or "").strip().lower().replace("_", "-")
    if not code:
        return None
    published = hub_languages()
    if code in published:
        return code
    primary = code.split("-")[0]
    if primary == "zh":
        traditional = any(part in ("hant", "tw", "hk", "mo") for part in code.split("-")[1:])
        wanted = "zh-hant" if traditional else "zh-hans"
        return wanted if wanted in published else None
    return next((p for p in published if p.split("-")[0] == primary), None)


def fill(body: str, *, name: str, lang: str = "") -> str:
    """A template's text for one mention: {hub_link} and {faq:...} link the hub page in the
    mention's language (/hub/<lang>/), so a reader lands on the page they can read."""
    hub_lang = hub_language(lang)
    body = body if name else _without_name(body)
    text = FAQ_FIELD.sub(lambda m: hub_url(lang=hub_lang, anchor=m.group(1)), body)
    return text.replace("{hub_link}", hub_url(lang=hub_lang)).replace("{name}", name)


def display_name(mention: Mention) -> str:
    """A person by their first name; a newsroom or a council by its whole name; in both
    cases only plain words (no link, domain, @mention, control or bidi character), else
    no name at all: the brand never publishes text a stranger chose."""
    whole = mention.author_kind in (AuthorKind.NEWS_MEDIA, AuthorKind.PUBLIC_BODY)
    return clean_name(mention.author_name, first_only=not whole)


def variant_uses(template: ReplyTemplate, within: timedelta = timedelta(hours=24)) -> dict[int, int]:
    since = timezone.now() - within
    rows = (
        Reply.objects.filter(template=template, created_at__gte=since)
        .values("variant")
        .annotate(n=Count("id"))
    )
    return {row["variant"]: row["n"] for row in rows}


def least_used_variant(template: ReplyTemplate) -> int:
    uses = variant_uses(template)
    return min(range(len(template.variants)), key=lambda i: (uses.get(i, 0), i))


def repeats_last_hour(template: ReplyTemplate | None, variant: int, text: str) -> int:
    since = timezone.now() - timedelta(hours=1)
    if template is not None:
        return Reply.objects.filter(template=template, variant=variant, created_at__gte=since).count()
    return Reply.objects.filter(text=text, created_at__gte=since).count()


@dataclass(frozen=True)
class Draft:
    text: str
    template: int
    variant: int  # from 0
    variants: int
    sent_last_hour: int
    warning: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def draft(*, template: ReplyTemplate, mention: Mention, variant: int | None = None, agent=None) -> Draft:
    """The reply text for this mention: the least used variant unless one is asked for. With
    `agent`, only a template and a mention of that agent's tier."""
    if agent is not None:
        check_work(agent, mention)
        check_template(agent, template)
    count = len(template.variants)
    variant = least_used_variant(template) if variant is None else variant % count
    text = fill(template.variants[variant], name=display_name(mention), lang=mention.lang)
    sent = repeats_last_hour(template, variant, text)
    limit = QueueSettings.load().repeat_warning_per_hour
    warning = (
        f"This variant went out {sent} times in the last hour: pick another or make it personal."
        if sent > limit
        else ""
    )
    return Draft(text, template.pk, variant, count, sent, warning)


def templates_for(agent, *, scenario_id: int | None, lang: str = "") -> list[ReplyTemplate]:
    """The templates this agent may use: the active scenario's first; with lang, those written in
    that language before those for any language, and those in other languages last."""
    templates = templates_visible_to(agent, ReplyTemplate.objects.all())
    primary = lang.split("-")[0].lower()

    def language_rank(t: ReplyTemplate) -> int:
        if not primary:
            return 0
        if t.language and t.language.split("-")[0].lower() == primary:
            return 0
        return 2 if t.language else 1

    return sorted(
        templates,
        key=lambda t: (language_rank(t), t.scenario_id != scenario_id or scenario_id is None, t.name),
    )


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if len(w) > 2}


def similar_mentions(
    mention: Mention, *, threshold: float = 0.3, limit: int = MAX_BROADCAST, agent=None
) -> list[Mention]:
    """Unclaimed open mentions on the same topic whose words overlap this one's (Jaccard >= threshold);
    with `agent`, only those of that agent's tier."""
    own = _words(mention.text)
    candidates = Mention.objects.filter(status=MentionStatus.NEW, topic=mention.topic)
    if agent is not None:
        check_work(agent, mention)
        candidates = visible_to(agent, candidates)
    candidates = candidates.order_by("queue_key")[:2000]
    similar = []
    for other in candidates:
        words = _words(other.text)
        union = own | words
        if other.pk == mention.pk or (union and len(own & words) / len(union) >= threshold):
            similar.append(other)
        if len(similar) >= limit:
            break
    return similar


@dataclass(frozen=True)
class BroadcastResult:
    replies: list[int]
    skipped: dict[int, str]


def broadcast(*, mention_ids: list[int], agent, template: ReplyTemplate) -> BroadcastResult:
    """Reply to each mention of a cluster from one template, personalised, variants rotating.

    One transaction, one queue delta and one Celery task for the whole batch.
    """

    if not mention_ids:
        raise ValueError(gettext("Select at least one mention."))
    if len(mention_ids) > MAX_BROADCAST:
        raise ValueError(gettext("At most {count} mentions in one broadcast.").format(count=MAX_BROADCAST))
    check_template(agent, template)
    first = least_used_variant(template)
    count = len(template.variants)
    now = timezone.now()
    with transaction.atomic():
        rows = list(Mention.objects.select_for_update().filter(pk__in=mention_ids).order_by("queue_key"))
        replies, skipped, taken = [], {}, []
        statuses = initial_status(rows)
        for m in rows:
            if not can_work(agent, m):
                skipped[m.pk] = OutsideTier().args[0]
                continue
            if m.status in (MentionStatus.RESOLVED, MentionStatus.DISMISSED):
                skipped[m.pk] = f"already {m.status}"
                continue
            if m.claimed_by_id and m.claimed_by_id != agent.pk:
                skipped[m.pk] = "someone else is working on it"
                continue
            variant = (first + len(replies)) % count
            text = fill(template.variants[variant], name=display_name(m), lang=m.lang)
            replies.append(
                Reply(
                    mention=m,
                    author=agent,
                    text=text,
                    template=template,
                    variant=variant,
                    created_at=now,
                    status=statuses[m.pk],
                )
            )
            taken.append(m.pk)
        Reply.objects.bulk_create(replies)
        Mention.objects.filter(pk__in=taken).update(status=MentionStatus.REPLIED, claimed_by=agent)
        Mention.objects.filter(pk__in=taken, claimed_at__isnull=True).update(claimed_at=now)
        if taken:
            events.send_queue_delta("replied", fresh_payloads(taken))
            ids = [r.pk for r in replies if r.status == ReplyStatus.SENDING]
            if ids:
                transaction.on_commit(lambda: send_replies_task.delay(ids), robust=True)
    return BroadcastResult([r.pk for r in replies], skipped)


__all__ = ["ReplyStatus", "broadcast", "draft", "fill", "similar_mentions", "templates_for"]
