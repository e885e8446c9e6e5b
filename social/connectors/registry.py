from .base import Connector
from .demo import DemoConnector

# Real connectors register here as they land (issue "Connectors"); until then every
# platform is served by the demo connector, which only logs.
_CONNECTORS: dict[str, Connector] = {}


def get_connector(platform: str) -> Connector:
    if platform not in _CONNECTORS:
        _CONNECTORS[platform] = DemoConnector(platform)
    return _CONNECTORS[platform]
