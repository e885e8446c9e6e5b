"""One module per platform behind one small interface; the registry maps name to connector."""

from .base import Connector, OutboundError
from .registry import get_connector

__all__ = ["Connector", "OutboundError", "get_connector"]
