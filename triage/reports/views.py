"""Report pages (/triage/reports/...) and their CSV tables: thin over reports and report_export."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.roles import STAFF, role_required
from playbooks.models import Crisis
from social.models import Platform
from triage.models import Band
from triage.reports import charts
from triage.reports import figures as reports
from triage.reports.export import TABLES, tables, to_csv, topic_label, visible_agents, visible_figures


def _crisis_or_404(crisis_id: int) -> reports.CrisisFigures:
    if not Crisis.objects.filter(pk=crisis_id).exists():
        raise Http404("No such crisis.")
    return reports.crisis_figures(crisis_id)


def _platform_label(value: str) -> str:
    return str(Platform(value).label) if value in Platform.values else value


def _chart_context(fig: reports.CrisisFigures) -> dict:
    marks = [charts.Mark(m.at, m.label, m.kind) for m in fig.marks]
    return {
        "volume_chart": charts.volume(
            fig.volume, marks, uid="ch-volume", title="Mentions over time", hourly=fig.hourly
        ),
        "topics_chart": charts.hbars(
            [charts.Bar(topic_label(t), n) for t, n in fig.topics.items()], uid="ch-topics", title="Topics"
        ),
        "bands_chart": charts.hbars(
            [charts.Bar(Band(b).label, n, f"band-{b}") for b, n in fig.bands.items()],
            uid="ch-bands",
            title="Priority bands",
        ),
        "platforms_chart": charts.hbars(
            [charts.Bar(_platform_label(p), n) for p, n in fig.platforms.items()],
            uid="ch-platforms",
            title="Platforms",
        ),
        "tags_chart": None
        if fig.tags is None
        else charts.hbars([charts.Bar(t, n) for t, n in fig.tags.items()], uid="ch-tags", title="Tags"),
    }


def _render(request: HttpRequest, fig: reports.CrisisFigures, extra: dict) -> HttpResponse:
    fig = visible_figures(fig, request.user)
    context = {
        "fig": fig,
        "agents": visible_agents(fig, request.user),
        "crises": Crisis.objects.order_by("-activated_at")[:20],
        **_chart_context(fig),
        **extra,
    }
    return render(request, "triage/report.html", context)


@role_required(*STAFF)
def period_report(request: HttpRequest) -> HttpResponse:
    raw_from, raw_to = request.GET.get("from"), request.GET.get("to")
    try:
        start, end = reports.parse_period(raw_from, raw_to)
        error = None
    except reports.PeriodError as exc:
        start, end = reports.parse_period(None, None)
        error = str(exc)
    fig = reports.period_figures(start, end)
    shown_to = timezone.localtime(end)
    return _render(
        request,
        fig,
        {
            "period_error": error,
            "from_value": raw_from or f"{timezone.localtime(start):%Y-%m-%d}",
            "to_value": raw_to or f"{shown_to:%Y-%m-%d}",
            "csv_base": reverse("reports"),
            "csv_query": f"?{request.GET.urlencode()}" if request.GET and not error else "",
        },
    )


@role_required(*STAFF)
def crisis_report(request: HttpRequest, crisis_id: int) -> HttpResponse:
    fig = _crisis_or_404(crisis_id)
    return _render(
        request,
        fig,
        {
            "crisis": Crisis.objects.select_related("scenario").get(pk=crisis_id),
            "csv_base": reverse("crisis_report", args=[crisis_id]),
            "csv_query": "",
        },
    )


def _csv_response(request: HttpRequest, fig: reports.CrisisFigures, table: str, stem: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404("No such table.")
    fig = visible_figures(fig, request.user)
    available = tables(fig, visible_agents(fig, request.user))
    if table not in available:
        message = gettext("Your role does not show per-agent figures.")
        return HttpResponse(message, status=403, content_type="text/plain")
    header, rows = available[table]
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{table}.csv"'
    return response


@role_required(*STAFF)
def period_csv(request: HttpRequest, table: str) -> HttpResponse:
    try:
        start, end = reports.parse_period(request.GET.get("from"), request.GET.get("to"))
    except reports.PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    fig = reports.period_figures(start, end)
    return _csv_response(request, fig, table, f"report-{start:%Y%m%d}-{end:%Y%m%d}")


@role_required(*STAFF)
def crisis_csv(request: HttpRequest, crisis_id: int, table: str) -> HttpResponse:
    return _csv_response(request, _crisis_or_404(crisis_id), table, f"crisis-{crisis_id}")
