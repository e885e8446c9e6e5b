"""Pages of one crisis after the fact: the review (and its print view) and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from command.review.forms import ActionItemForm, MeetingForm
from command.review.selectors import review_context
from core.roles import LEADS, STAFF, has_role, role_required
from playbooks import audit, review
from playbooks.models import AuditEntry, AuditKind, Crisis, MeetingKind
from playbooks.selectors import check_audit_reader

TIMELINE_PAGE = 100


def _crisis(crisis_id: int) -> Crisis:
    return get_object_or_404(Crisis.objects.select_related("scenario"), pk=crisis_id)


@role_required(*STAFF)
def reviews_list(request: HttpRequest) -> HttpResponse:
    crises = Crisis.objects.select_related("scenario", "review").annotate(
        open_actions=Count("review__action_items", filter=Q(review__action_items__done_at__isnull=True))
    )
    return render(request, "playbooks/review/list.html", {"crises": crises})


def _meeting_forms(context: dict, bound: dict | None = None) -> list:
    forms = []
    for meeting in context["meetings"]:
        form = (bound or {}).get(meeting.kind)
        if form is None:
            notes = meeting.notes
            form = MeetingForm(
                prefix=meeting.kind.value,
                initial={f: getattr(notes, f) for f in review.MEETING_FIELDS},
            )
        forms.append((meeting, form))
    return forms


def _render_review(request, crisis, *, bound=None, action_form=None, status=200) -> HttpResponse:
    context = review_context(crisis, timezone.now(), reader=request.user)
    can_edit = has_role(request.user, LEADS)
    context.update(
        can_edit=can_edit,
        meeting_forms=_meeting_forms(context, bound),
        action_form=action_form or ActionItemForm(),
    )
    return render(request, "playbooks/review/review.html", context, status=status)


@role_required(*STAFF)
def review_page(request: HttpRequest, crisis_id: int) -> HttpResponse:
    return _render_review(request, _crisis(crisis_id))


@role_required(*STAFF)
def review_print(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(crisis_id)
    context = review_context(crisis, timezone.now(), reader=request.user)
    context["printed_at"] = timezone.now()
    return render(request, "playbooks/review/print.html", context)


@require_POST
@role_required(*LEADS)
def review_meeting(request: HttpRequest, crisis_id: int, kind: str) -> HttpResponse:
    crisis = _crisis(crisis_id)
    try:
        meeting_kind = MeetingKind(kind)
    except ValueError:
        raise Http404("No such meeting") from None
    form = MeetingForm(request.POST, prefix=meeting_kind.value)
    if form.is_valid():
        try:
            review.save_meeting(crisis_id=crisis.pk, kind=meeting_kind, by=request.user, notes=form.notes())
        except review.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("{meeting} meeting notes saved.").format(meeting=meeting_kind.label)
            )
            return redirect(reverse("review", args=[crisis.pk]) + f"#meeting-{meeting_kind.value}")
    return _render_review(request, crisis, bound={meeting_kind: form}, status=400)


@require_POST
@role_required(*LEADS)
def action_add(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(crisis_id)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            review.add_action_item(crisis_id=crisis.pk, by=request.user, **form.cleaned_data)
        except review.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Action item added."))
            return redirect("review", crisis_id=crisis.pk)
    return _render_review(request, crisis, action_form=form, status=400)


@require_POST
@role_required(*LEADS)
def action_toggle(request: HttpRequest, crisis_id: int, item_id: int) -> HttpResponse:
    try:
        review.set_action_item_done(
            crisis_id=crisis_id, item_id=item_id, by=request.user, done=request.POST.get("done") == "1"
        )
    except review.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("review", crisis_id=crisis_id)


@require_POST
@role_required(*LEADS)
def review_complete(request: HttpRequest, crisis_id: int) -> HttpResponse:
    try:
        review.complete_review(crisis_id=_crisis(crisis_id).pk, by=request.user)
    except review.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Review completed: the crisis is now reviewed."))
    return redirect("review", crisis_id=crisis_id)


@role_required(*STAFF)
def timeline_page(request: HttpRequest, crisis_id: int) -> HttpResponse:
    check_audit_reader(request.user)
    crisis = _crisis(crisis_id)
    kinds = [k for k in request.GET.getlist("kind") if k in AuditKind.values]
    entries = AuditEntry.objects.filter(crisis=crisis).select_related("actor").order_by("at", "id")
    # The filters list the kinds this trail holds, in the order they first happened.
    present = list(
        AuditEntry.objects.filter(crisis=crisis)
        .values("kind")
        .annotate(first=Min("at"))
        .order_by("first")
        .values_list("kind", flat=True)
    )
    if kinds:
        entries = entries.filter(kind__in=kinds)
    page = Paginator(entries, TIMELINE_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": e,
            "since": e.at - crisis.activated_at,
            "changes": audit.changes(e.details),
            "extras": audit.extras(e.details),
        }
        for e in page
    ]
    query = "&".join(f"kind={k}" for k in kinds)
    context = {
        "crisis": crisis,
        "rows": rows,
        "page": page,
        "kinds": [(k, str(AuditKind(k).label), k in kinds) for k in present if k in AuditKind.values],
        "filtered": bool(kinds),
        "query": query,
    }
    return render(request, "playbooks/review/timeline.html", context)
