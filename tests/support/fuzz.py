"""Example budgets for property tests.

Two kinds of property test exist, and each runs once per `make test`:

* **fuzz** tests (marked ``pytest.mark.fuzz``) take the fuzz budget, ``ZFLAR_FUZZ_EXAMPLES``
  (CI sets 10000; locally 300).  They run in the fuzz pass only, spread over every core.
* every other ``@given`` test is a quick property check with the small fixed budget
  ``PROPERTY_EXAMPLES``, in the main pass.

The Hypothesis profile (derandomized in CI) is chosen in ``tests/conftest.py``.
"""

from __future__ import annotations

import os

from hypothesis import settings

FUZZ_EXAMPLES = int(os.environ.get("ZFLAR_FUZZ_EXAMPLES", "300"))
PROPERTY_EXAMPLES = 50


def fuzz_settings(share: int = 1) -> settings:
    """Settings for a fuzz test that gets ``1/share`` of the budget (rounded up, so none is lost)."""
    return settings(max_examples=-(-FUZZ_EXAMPLES // share))


def property_settings() -> settings:
    """Settings for a quick property check in the main pass."""
    return settings(max_examples=PROPERTY_EXAMPLES)
