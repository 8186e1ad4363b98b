"""The login rate limiter counts in the cache: no test here may see another's failures."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _clear_cache(clear_cache: None) -> Iterator[None]:
    yield
