"""Full-page screenshots at a given width, for the visual references and the audit notes.

Why a fixed device metric: a reference render is compared pixel by pixel, so the window,
the scale factor and the scrollbars must not depend on the machine.
"""

from __future__ import annotations

import base64

from cdp import Browser


def page_png(browser: Browser, url: str, width: int) -> bytes:
    """URL rendered WIDTH CSS pixels wide (mobile emulation under 600), the whole page, as PNG."""
    mobile = width < 600
    metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": mobile}
    browser.call("Emulation.setDeviceMetricsOverride", metrics)
    browser.call("Emulation.setScrollbarsHidden", {"hidden": True})
    browser.load("navigate", url=url)
    browser.call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => 1)",
                                      "awaitPromise": True})
    height = browser.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    browser.call("Emulation.setDeviceMetricsOverride", {**metrics, "height": int(height)})
    browser.drain(0.2)
    shot = browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    return base64.b64decode(shot["data"])
