"""No secrets in the repository: private keys, cloud/API tokens or hard-coded secret assignments.

Scans every file git tracks plus the untracked files that are not ignored (what the next commit
would add), so a key is caught before it lands.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAX_BYTES = 2 * 1024 * 1024

# Built from pieces so this file does not match itself.
_DASHES = "-" * 5
PATTERNS = {
    "private key": re.compile(_DASHES + r"BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY" + _DASHES),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "hard-coded secret": re.compile(
        r"(?i)\b(?:secret_key|secret|password|passwd|api_key|apikey|access_token|auth_token|private_key)"
        r"\s*[:=]\s*[rb]?[\"'](?P<value>[^\"'\s]{12,})[\"']"
    ),
}
# Values that look like assignments but are not secrets (placeholders in docs and settings).
ALLOWED_VALUES = re.compile(r"(?i)^(?:change-?me.*|<.*>|\$\{.*\}|x+|\*+|example.*|your[-_].*)$")


def repository_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    return [REPO / name for name in out.decode().split("\0") if name]


def scan(text: str) -> list[str]:
    hits = []
    for label, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.groupdict().get("value")
            if value is not None and ALLOWED_VALUES.match(value):
                continue
            hits.append(f"{label}: {match.group(0)[:60]}")
    return hits


def test_the_scanner_catches_what_it_should() -> None:
    assert scan(_DASHES + "BEGIN OPENSSH PRIVATE KEY" + _DASHES)
    assert scan(_DASHES + "BEGIN RSA PRIVATE KEY" + _DASHES)
    assert scan('SECRET_KEY = "' + "k" * 20 + '"')
    assert scan("AKIA" + "ABCDEFGHIJKLMNOP")
    assert not scan('SECRET_KEY = env.str("SECRET_KEY", default="")')
    assert not scan('password="pw-short"')


def test_no_secrets_in_repository_files() -> None:
    files = repository_files()
    assert files, "git ls-files listed nothing"
    findings = []
    for path in files:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_BYTES:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        findings += [f"{path.relative_to(REPO)}: {hit}" for hit in scan(text)]
    assert findings == [], "possible secrets in the repository:\n" + "\n".join(findings)
