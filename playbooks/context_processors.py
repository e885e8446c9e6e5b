from core.roles import LEADS, STAFF, has_role

from .selectors import active_crisis, crisis_state


def org_state(request):
    """The state bar on every staff page."""
    if not has_role(getattr(request, "user", None), STAFF):
        return {}
    crisis = active_crisis()
    return {
        "crisis": crisis,
        "crisis_state": crisis_state(crisis),
        "is_lead": has_role(request.user, LEADS),
    }
