"""The bench's stock-Oscar baseline must stay stock as we fork more of Oscar."""

import subprocess
import sys

from django.conf import settings

from config.settings.base import INSTALLED_APPS as OURS


def test_the_baseline_runs_oscars_own_app_for_every_fork_and_none_of_ours():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print('\\n'.join(settings.INSTALLED_APPS))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "bench.settings.stock_oscar", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    stock = result.stdout.split()
    forks = [app for app in OURS if app.startswith("shop.") and ".apps." in app]
    assert forks  # we do fork Oscar apps
    assert [a for a in stock if a.startswith(("shop.", "guidance"))] == []
    for fork in forks:
        assert "oscar.apps." + fork.removeprefix("shop.") in stock
