"""Fixtures of the demo tests: a one-Bezirk copy of the data, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from lueckenlos.demo.tests.smalldata import copy_of, make_small_copy


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """Friedrichshain-Kreuzberg only; do not change it, take `own_copy` for that."""
    return make_small_copy(tmp_path_factory.mktemp("berlin-02"))


@pytest.fixture
def own_copy(small_data, tmp_path) -> Path:
    """A copy of the one-Bezirk data that a test may break."""
    return copy_of(small_data, tmp_path / "berlin")
