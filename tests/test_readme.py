"""The README's curl walkthrough, executed as written against a real server."""

from __future__ import annotations

import re

from server import REPO, run_readme_script

README = (REPO / "README.md").read_text()


def _walkthrough() -> str:
    block = re.search(r"<!-- walkthrough:start -->\s*```sh\n(.*?)```", README, re.S)
    assert block, "README lost its walkthrough block"
    return block.group(1)


def test_the_two_commands_come_first():
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)[:2]
    assert commands[0].endswith("pip install -e . && biteship-sandbox")
    assert commands[1].endswith("pip install -e '.[test]' && python -m pytest")


def test_curl_walkthrough_runs_the_whole_flow(tmp_path):
    result = run_readme_script(_walkthrough(), tmp_path / "db.json")
    assert result.returncode == 0, result.stderr
    outputs = result.stdout
    assert '"object":"courier_pricing"' in outputs
    assert '"status":"ready"' in outputs and '"price":11500' in outputs
    assert '"message":"Order successfully retrieved"' in outputs and '"status":"confirmed"' in outputs
