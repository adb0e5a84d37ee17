"""Sandbox images: content-addressed tags and the mirror used by the offline bootstrap.

The bootstrap itself downloads from a Debian mirror, so it is exercised by the setup
command (on any machine without the base image), never by a test."""

from __future__ import annotations

from harness.sandbox.image import debian_mirror, image_tag


def test_image_tag_depends_on_base_and_content():
    assert image_tag("debian:bookworm-slim") == image_tag("debian:bookworm-slim")
    assert image_tag("debian:bookworm-slim") != image_tag("other:base")
    assert image_tag().startswith("harness-sandbox-python:")


def test_mirror_can_be_set_explicitly(monkeypatch):
    monkeypatch.setenv("HARNESS_DEBIAN_MIRROR", "http://mirror.invalid/debian")
    assert debian_mirror() == "http://mirror.invalid/debian"
