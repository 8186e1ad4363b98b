"""An authentication backend that counts password checks (for the login throttle tests)."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth.backends import ModelBackend

_lock = threading.Lock()
_checks = 0


class CountingBackend(ModelBackend):
    """Django's ModelBackend, counting every call that gets as far as checking a password."""

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs: Any) -> Any:
        global _checks
        with _lock:
            _checks += 1
        return super().authenticate(request, username=username, password=password, **kwargs)


def checks() -> int:
    with _lock:
        return _checks


def reset() -> None:
    global _checks
    with _lock:
        _checks = 0
