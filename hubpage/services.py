"""Publishing the hub page as files, and everything the comms lead changes on it.

The page is rendered once per change and written atomically (temporary file, then
rename), so serving it needs no database and survives PostgreSQL or Redis being down.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext

from playbooks import audit
from playbooks.models import AuditKind, Crisis, Phase

from . import selectors, sync
from .models import (
    FaqEntry,
    HubContent,
    HubPage,
    HubUpdate,
    HubUpdateRevision,
    HubWrite,
    ScenarioFaq,
    ScenarioHubText,
)
from .render import (
    FaqView,
    HubSnapshot,
    HubUpdateView,
    PastCrisisView,
    markdown_to_safe_html,
    plain_text,
    render_banner_html,
    render_banner_js,
    render_feed,
    render_html,
    render_json,
)
from .tasks import notify_subscribers

logger = logging.getLogger(__name__)

PUBLIC, STAFF = "public", "staff"
FILES: dict[str, Callable[[HubSnapshot], str]] = {
    "index.html": render_html,
    "feed.atom": render_feed,
    "hub.json": render_json,
    "banner.js": render_banner_js,
    "banner.html": render_banner_html,
}
SECTIONS = ("what_happened", "who_is_affected", "what_we_are_doing", "what_you_should_do", "contacts")


class NoActiveCrisis(Exception):
    pass


# --- seeding from the scenario's templates ------------------------------------------
def ensure_content(crisis: Crisis) -> HubPage:
    """Give a crisis its hub content on first sight, copied from its scenario's templates.

    Lazy (publish, the editor and post_update call it) so the crisis switch needs no hook;
    safe to run twice or concurrently: rows are unique per (crisis, lang).
    """
    page, created = HubPage.objects.get_or_create(crisis=crisis)
    if not created and crisis.hub_contents.exists():
        return page
    scenario = crisis.scenario
    texts = {t.lang: t for t in ScenarioHubText.objects.filter(scenario=scenario)}
    default = selectors.default_language()
    with transaction.atomic():
        for lang in selectors.languages():
            text = texts.get(lang)
            if text is None and lang != default:
                continue  # that language falls back to the default until the lead writes it
            values = {key: getattr(text, key) for key in SECTIONS} if text else {}
            values["title"] = text.title if text else crisis.title
            values.setdefault("what_happened", crisis.summary)
            try:
                with transaction.atomic():
                    HubContent.objects.get_or_create(crisis=crisis, lang=lang, defaults=values)
            except IntegrityError:
                pass  # another process seeded it first
        FaqEntry.objects.bulk_create(
            [
                FaqEntry(
                    crisis=crisis,
                    lang=faq.lang,
                    topic=faq.topic,
                    anchor=faq.anchor,
                    question=faq.question,
                    answer=faq.answer,
                    order=faq.order,
                )
                for faq in ScenarioFaq.objects.filter(scenario=scenario)
            ],
            ignore_conflicts=True,
        )
    return page


# --- building what the page shows -------------------------------------------------------
def _content_for(crisis: Crisis, lang: str) -> tuple[str, HubContent | None]:
    """The content in lang, else in the default language (marked with its own lang on the page)."""
    contents = {c.lang: c for c in crisis.hub_contents.all()}
    if lang in contents:
        return lang, contents[lang]
    default = selectors.default_language()
    return default, contents.get(default)


def _in_lang_or_default(rows: list, lang: str) -> tuple[str, list]:
    """Updates or FAQ written in lang; until the lead writes any, the default language's."""
    mine = [row for row in rows if row.lang == lang]
    if mine:
        return lang, mine
    default = selectors.default_language()
    return default, [row for row in rows if row.lang == default]


def _past_crises(lang: str) -> tuple[PastCrisisView, ...]:
    pages = (
        HubPage.objects.filter(keep_public=True, crisis__is_drill=False)
        .filter(crisis__phase__in=[Phase.CLOSED, Phase.REVIEWED])
        .select_related("crisis")
        .order_by("-crisis__activated_at")[:10]
    )
    past = []
    for page in pages:
        _, content = _content_for(page.crisis, lang)
        past.append(
            PastCrisisView(
                title=content.title if content else page.crisis.title,
                summary_html=markdown_to_safe_html(content.what_happened if content else page.crisis.summary),
                started=page.crisis.activated_at,
                ended=page.crisis.ended_at,
            )
        )
    return tuple(past)


def snapshot_for(crisis: Crisis | None, lang: str | None = None) -> HubSnapshot:
    lang = lang or selectors.default_language()
    base = {
        "organisation": settings.ORGANISATION_NAME,
        "base_url": settings.PUBLIC_BASE_URL,
        "languages": selectors.languages(),
        "time_zone": settings.TIME_ZONE,
        "updates_on_page": settings.HUB_UPDATES_ON_PAGE,
    }
    if crisis is None:
        return HubSnapshot(mode="none", lang=lang, past=_past_crises(lang), **base)
    page = ensure_content(crisis)
    content_lang, content = _content_for(crisis, lang)
    updates_lang, update_rows = _in_lang_or_default(list(crisis.hub_updates.all()), lang)
    faq_lang, faq_rows = _in_lang_or_default(list(crisis.hub_faqs.all()), lang)
    updates = tuple(
        HubUpdateView(
            id=u.pk,
            posted_at=u.posted_at,
            html=u.body_html,
            text=u.body_markdown,
            pinned=u.pinned,
            edited_at=u.edited_at,
        )
        for u in update_rows
    )
    faq = tuple(
        FaqView(
            anchor=f.anchor, topic=f.topic, question=f.question, answer_html=markdown_to_safe_html(f.answer)
        )
        for f in faq_rows
    )
    sections = {key: markdown_to_safe_html(getattr(content, key)) if content else "" for key in SECTIONS}
    if not sections["what_happened"]:
        sections["what_happened"] = markdown_to_safe_html(crisis.summary)
    changed = [crisis.hub_published_at or crisis.activated_at, *(u.edited_at or u.posted_at for u in updates)]
    if content is not None:
        changed.append(content.updated_at)
    return HubSnapshot(
        mode="drill" if crisis.is_drill else "crisis",
        lang=lang,
        content_lang=content_lang,
        updates_lang=updates_lang,
        faq_lang=faq_lang,
        aftermath=crisis.phase == Phase.AFTERMATH,
        title=content.title if content else crisis.title,
        summary=plain_text(sections["what_happened"])[:300],
        activated_at=crisis.activated_at,
        updated_at=max(moment for moment in changed if moment),
        next_update_at=page.next_update_at,
        updates=updates,
        faq=faq,
        **sections,
        **base,
    )


# --- writing the files ---------------------------------------------------------------------
def snapshot_files(
    snapshot: HubSnapshot, audience: str, lang: str, *, also_root: bool = False
) -> dict[str, bytes]:
    """Files for one language under <audience>/<lang>/; the default language also at <audience>/."""
    folders = [f"{audience}/{lang}"] + ([audience] if also_root else [])
    files = {}
    for name, render in FILES.items():
        content = render(snapshot).encode()
        for folder in folders:
            files[f"{folder}/{name}"] = content
    return files


PUBLISH_LOCK = 0x4855_4250  # "HUBP": one publisher at a time, so an older state never lands last


def publish() -> None:
    """Render the current state in every language: the public page, and a staff-only page in a drill.

    Under a PostgreSQL advisory lock: two publishes (two updates posted at once) run one after the
    other, and the second reads the state after the first, so the files always end up current.
    The page goes to this node's folder and, through Redis, to every other node (hubpage.sync).
    The version it rendered is recorded as written; a write that fails (OSError: the folder is
    full, gone or not writable) is recorded with its error and raised, for the caller to retry.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
            version = _write_row().version
            _publish_locked()
            HubWrite.objects.filter(pk=1).update(
                written_version=Greatest(F("written_version"), version),
                written_at=timezone.now(),
                failed_at=None,
                error="",
                attempts=0,
            )
    except OSError as exc:
        HubWrite.objects.filter(pk=1).update(
            failed_at=timezone.now(), error=str(exc)[:300], attempts=F("attempts") + 1
        )
        logger.warning("hub page not written (%s); it is retried until it is", exc)
        raise


def _write_row() -> HubWrite:
    HubWrite.objects.bulk_create([HubWrite(pk=1)], ignore_conflicts=True)  # a fresh or flushed database
    return HubWrite.objects.get(pk=1)


def mark_changed() -> None:
    """Something the page shows has changed: call inside the transaction that changed it, then
    publish after commit. Until a write renders this version, the page counts as behind."""
    HubWrite.objects.bulk_create([HubWrite(pk=1)], ignore_conflicts=True)
    HubWrite.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())


def publish_quietly() -> bool:
    """publish(), with a failed write left to the retry (it is recorded and logged); True if written."""
    try:
        publish()
    except OSError:
        return False
    return True


def rendered_files() -> dict[str, bytes]:
    crisis = selectors.hub_crisis()
    drill = crisis is not None and crisis.is_drill
    default = selectors.default_language()
    files: dict[str, bytes] = {}
    for lang in selectors.languages():
        also_root = lang == default
        files.update(
            snapshot_files(snapshot_for(None if drill else crisis, lang), PUBLIC, lang, also_root=also_root)
        )
        if drill:
            files.update(snapshot_files(snapshot_for(crisis, lang), STAFF, lang, also_root=also_root))
    return files


def _publish_locked() -> None:
    files = rendered_files()
    digest = sync.Bundle.of(files).digest
    if digest == sync.local_state()[0] and sync.shared_digest_or_none() == digest:
        return  # nothing changed: same files, same ETag on every node
    bundle = sync.Bundle.of(files, not_before=sync.next_mtime())
    sync.install(bundle)
    sync.share(bundle)
    mode = json.loads(files[f"{PUBLIC}/hub.json"]).get("mode", "")
    logger.info(
        "hub page published (%s, %s)", "drill" if STAFF + "/hub.json" in files else mode, bundle.digest[:12]
    )


def _publish_after_commit() -> None:
    mark_changed()
    transaction.on_commit(publish_quietly, robust=True)


# --- what the comms lead does ----------------------------------------------------------------
def _check_lang(lang: str | None) -> str:
    lang = (lang or selectors.default_language()).lower()
    if lang not in selectors.languages():
        raise ValueError(
            f"the hub is not published in {lang!r} (languages: {', '.join(selectors.languages())})"
        )
    return lang


def _unpin_others(update: HubUpdate) -> None:
    HubUpdate.objects.filter(crisis_id=update.crisis_id, lang=update.lang, pinned=True).exclude(
        pk=update.pk
    ).update(pinned=False)


def post_update(*, body: str, by, lang: str | None = None, pin: bool = False) -> HubUpdate:
    body = body.strip()
    if not body:
        raise ValueError(gettext("An update needs some text."))
    lang = _check_lang(lang)
    with transaction.atomic():
        crisis = selectors.hub_crisis()
        if crisis is None:
            raise NoActiveCrisis("there is no active crisis to update")
        ensure_content(crisis)
        update = HubUpdate.objects.create(
            crisis=crisis, lang=lang, body_markdown=body, posted_at=timezone.now(), posted_by=by, pinned=pin
        )
        if pin:
            _unpin_others(update)
        audit.record(AuditKind.HUB_UPDATE, audit.says("hub.updated"), crisis=crisis, actor=by)
        _publish_after_commit()
        if not crisis.is_drill:  # a drill never mails the public
            transaction.on_commit(lambda: notify_subscribers.delay(update.pk), robust=True)
    return update


def edit_update(*, update_id: int, body: str, by, pin: bool | None = None) -> HubUpdate:
    """Change an update's text; the previous text is kept as a revision."""
    body = body.strip()
    if not body:
        raise ValueError(gettext("An update needs some text."))
    with transaction.atomic():
        update = HubUpdate.objects.select_for_update().get(pk=update_id)
        if body != update.body_markdown:
            HubUpdateRevision.objects.create(
                update=update, body_markdown=update.body_markdown, replaced_at=timezone.now(), replaced_by=by
            )
            update.body_markdown, update.edited_at = body, timezone.now()
        if pin is not None:
            update.pinned = pin
        update.save()
        if update.pinned:
            _unpin_others(update)
        _publish_after_commit()
    return update


def save_content(*, crisis: Crisis, lang: str, values: dict[str, str]) -> HubContent:
    lang = _check_lang(lang)
    with transaction.atomic():
        ensure_content(crisis)
        content, _ = HubContent.objects.update_or_create(crisis=crisis, lang=lang, defaults=values)
        _publish_after_commit()
    return content


def set_page_options(*, crisis: Crisis, next_update_at: datetime | None, keep_public: bool) -> HubPage:
    with transaction.atomic():
        page = ensure_content(crisis)
        page.next_update_at, page.keep_public = next_update_at, keep_public
        page.save(update_fields=["next_update_at", "keep_public"])
        _publish_after_commit()
    return page
