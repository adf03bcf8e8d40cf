"""The installed distribution's version, read without importing the engine.

`scoring --version` needs nothing else (scoring/launch.py), so this module imports only
importlib.metadata; scoring.engine and the plugin registry read versions through it too.
"""

from __future__ import annotations

from importlib import metadata


def distribution_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "0+unknown"


ENGINE_VERSION = distribution_version("scoring")
