"""One module per platform behind one small interface; the registry maps name to connector."""

from .base import Connector, ConnectorError
from .registry import get_connector

__all__ = ["Connector", "ConnectorError", "get_connector"]
