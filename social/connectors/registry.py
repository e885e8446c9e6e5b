import logging
from collections.abc import Callable

from django.conf import settings

from . import factories
from .base import Connector
from .demo import DemoConnector, NotConnected

logger = logging.getLogger(__name__)

# platform -> a function that builds its real connector from the environment and the
# PlatformAccount rows, or returns None when the platform is not configured.
_FACTORIES: dict[str, Callable[[], Connector | None]] = {}
_CONNECTORS: dict[str, Connector] = {}


def register(platform: str, factory: Callable[[], Connector | None]) -> None:
    _FACTORIES[platform] = factory
    _CONNECTORS.pop(platform, None)


def _build(platform: str) -> Connector:
    factory = _FACTORIES.get(platform)
    connector = factory() if factory else None
    if connector is None and settings.DEMO_CONNECTORS:
        logger.warning(
            "%s: no credentials configured, using the demo connector (it only logs, nothing "
            "reaches the platform); see README 'Connecting real platforms'",
            platform,
        )
        return DemoConnector(platform)
    if connector is None:
        logger.warning("%s: not connected (no credentials): replies, posts and pauses to it fail", platform)
        return NotConnected(platform)
    logger.info("%s: using the real connector", platform)
    return connector


def get_connector(platform: str) -> Connector:
    if platform not in _CONNECTORS:
        _CONNECTORS[platform] = _build(platform)
    return _CONNECTORS[platform]


def reset() -> None:
    """Forget built connectors (after credentials or accounts change; tests)."""
    _CONNECTORS.clear()


def _register_builtin() -> None:
    for platform, factory in factories.FACTORIES.items():
        register(platform, factory)


_register_builtin()
