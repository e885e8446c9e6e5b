from core.roles import LEADS, STAFF, has_role

from .selectors import active_crisis, crisis_state, may_read_audit


def org_state(request):
    """The state bar on every staff page.

    Only the bar's own state: a page about one crisis names it itself (a period report or a scenario's
    printable sheet must not turn into the active crisis's page because one is running).
    """
    if not has_role(getattr(request, "user", None), STAFF):
        return {}
    return {
        "crisis_state": crisis_state(active_crisis()),
        "is_lead": has_role(request.user, LEADS),
        "may_read_audit": may_read_audit(request.user),
    }
