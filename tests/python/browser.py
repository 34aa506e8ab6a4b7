"""Headless Chromium (Debian's `chromium` and `chromium-driver`) driven by Selenium, offline.

The browser tests skip, with the reason, only on a developer machine without Chromium; in CI
(CI set) a missing Chromium fails them, since `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from conftest import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS_DIR = PROJECT_DIR / "output" / "screenshots"

# Without the background-networking flags Chromium tries to reach Google's services and hangs
# on a closed network; a fresh profile per test keeps runs independent.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1600,1000",
)


def require_chromium() -> None:
    """Skip when Chromium is not installed, except in CI, where that is a failure."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    reason = (
        f"{' and '.join(missing)} missing: install Debian's chromium and chromium-driver "
        "(`apt-get install -y chromium chromium-driver`; .ci/run does it)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


@contextmanager
def chromium(profile_dir: Path) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile; network requests are logged (performance log)."""
    require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # The driver path is given, so Selenium Manager never tries to download one.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    """Every URL the page requested since the last call (from the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def off_machine(urls: list[str]) -> list[str]:
    """The URLs that would leave this machine (http, https, ws to a host not localhost)."""
    return [
        url
        for url in urls
        if urlsplit(url).scheme in ("http", "https", "ws", "wss")
        and urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1")
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keep_screenshot(path: Path) -> Path:
    """Copy a screenshot to output/screenshots/ for a person to look at."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(path, SCREENSHOTS_DIR / path.name))
