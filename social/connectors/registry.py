import logging
from collections.abc import Callable

from .. import credentials
from .base import Connector
from .demo import DemoConnector

logger = logging.getLogger(__name__)


def _x() -> Connector:
    from .x import XConnector

    return XConnector()


def _meta(platform: str) -> Callable[[], Connector]:
    def build() -> Connector:
        from .meta import MetaConnector

        return MetaConnector(platform)

    return build


# platform -> (credentials that must be set, factory). A platform whose credentials are
# not configured is served by the demo connector, which only logs what it would do.
_REAL: dict[str, tuple[tuple[str, str], Callable[[], Connector]]] = {
    "x": (("x", "consumer_secret"), _x),
    "facebook": (("meta", "page_access_token"), _meta("facebook")),
    "instagram": (("meta", "page_access_token"), _meta("instagram")),
}
_CONNECTORS: dict[str, Connector] = {}


def register(platform: str, needs: tuple[str, str], factory: Callable[[], Connector]) -> None:
    _REAL[platform] = (needs, factory)
    _CONNECTORS.pop(platform, None)


def reset() -> None:
    """Forget built connectors (credentials or base URLs changed: tests, a reload)."""
    _CONNECTORS.clear()


def get_connector(platform: str) -> Connector:
    if platform not in _CONNECTORS:
        needs, factory = _REAL.get(platform, (None, None))
        if factory is not None and credentials.configured(*needs):
            _CONNECTORS[platform] = factory()
        else:
            if factory is not None:
                logger.warning(
                    "%s: %s is not set; the demo connector stands in and only logs what it would do",
                    platform,
                    credentials.env_name(*needs),
                )
            _CONNECTORS[platform] = DemoConnector(platform)
    return _CONNECTORS[platform]
