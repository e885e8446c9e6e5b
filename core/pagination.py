"""Page sizes the API accepts: `limit` up to API_MAX_PAGE_SIZE, a larger one is a 400 (not a
silent clamp: a client asking for a million rows learns at once that it gets no such page)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination

from .inputs import BadInput


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return settings.API_MAX_PAGE_SIZE

    def get_limit(self, request) -> int | None:
        raw = request.query_params.get(self.limit_query_param)
        if raw not in (None, ""):
            try:
                asked = int(raw)
            except ValueError:
                raise BadInput(_("limit must be a whole number")) from None
            if asked < 1 or asked > self.max_limit:
                raise BadInput(_("limit must be between 1 and %(max)s") % {"max": self.max_limit})
        return super().get_limit(request)

    def get_offset(self, request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw not in (None, ""):
            try:
                offset = int(raw)
            except ValueError:
                raise BadInput(_("offset must be a whole number")) from None
            if offset < 0:
                raise BadInput(_("offset must be 0 or more"))
        return super().get_offset(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_limit})
                parameter["description"] = f"page size, 1 to {self.max_limit} (default {self.default_limit})"
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"]["minimum"] = 0
        return parameters
