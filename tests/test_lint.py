"""The code base stays ruff-clean (lint and format), as the team's rules require."""

from __future__ import annotations

import subprocess
import sys

from tests.sitebuild import ROOT


def test_ruff_check_and_format() -> None:
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
