from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium under Playwright; the live server and the ORM share the test thread."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's ORM refuses to run beside one unless told.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
        # Playwright's event loop gave the test its own database connections (Django keeps
        # them per context); close them here, or PostgreSQL cannot drop the test database.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def screenshot_path():
    SCREENSHOTS.mkdir(exist_ok=True)
    return lambda name: SCREENSHOTS / f"{name}.png"
