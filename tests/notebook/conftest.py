"""What the tests of the notebook side share."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    """What the notebook shows of the files it reads, as if in a kernel."""
    outputs = []
    monkeypatch.setattr("IPython.get_ipython", lambda: SimpleNamespace())
    monkeypatch.setattr("IPython.display.display", lambda data, raw: outputs.append(data))
    return outputs
