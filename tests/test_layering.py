"""The one import rule: psychometrics and bank never pull in Django."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["adaptest.psychometrics", "adaptest.bank", "adaptest.content"])
def test_pure_layers_import_no_django(package: str) -> None:
    code = (
        f"import sys, {package}, adaptest.bank, adaptest.bank.kinds;"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{package} loaded Django modules: {result.stdout}{result.stderr}"
