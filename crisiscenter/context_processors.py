"""What every page's <html> element says about language and time (templates/base.html)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation


def locale(request: HttpRequest) -> dict[str, str]:
    """html_lang: the BCP 47 tag of the page's language (zh-Hans, en); time_zone: the zone every
    time on the page is shown in, by the server and by the browser alike; chosen_language: what
    the language picker shows (the user's own choice, else this browser's cookie, blank: neither)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    chosen = getattr(request, "chosen_language", None)
    if chosen is None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return {
        "html_lang": translation.to_locale(language).replace("_", "-"),
        "time_zone": timezone.get_current_timezone_name(),
        "chosen_language": chosen,
    }
