"""Browser tests share the harness's fixtures (the line saying whether they run is in tests/conftest.py)."""

from tests.browser.harness import browser, server, shots

__all__ = ["browser", "server", "shots"]
