"""The README's scenario and control-plane examples, executed as written against a real
server, and its scenario table kept in step with fixtures/scenarios/."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from server import REPO, run_readme_script

from sandbox.scenarios import parse

README = (REPO / "README.md").read_text()


def _section() -> str:
    block = re.search(r"<!-- control-examples:start -->(.*?)<!-- control-examples:end -->", README, re.S)
    assert block, "README lost its control-examples block"
    return block.group(1)


def test_the_examples_run_as_written(tmp_path):
    script = "\n".join(re.findall(r"```sh\n(.*?)```", _section(), re.S))
    result = run_readme_script(script, tmp_path / "db.json")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "is not ready to be confirmed for it is on placed status.\",\"code\":42211008}" in out
    assert "HTTP/1.1 429" in out and "Retry-After: 1" in out and '"code":42999006' in out
    journal_at = out.index('{"success":true,"requests":')
    assert out[:journal_at].count('"code":50099005') == 2
    assert '"armed":{"name":"flaky-server-error","count":2,"operation":"retrieve_draft_order"}' in out
    assert '"now":"2024-09-19T03:40:22.810Z","frozen":true' in out
    assert '"status":"delivered"' in out and '"updated_at":"2024-09-19T10:40:22+07:00"' in out
    journal = re.search(r'\{"success":true,"requests":\[.*?\]\}', out, re.S).group(0)
    assert journal.count('"status":500') == 2
    assert re.search(r'"message":"Sandbox data of this key removed","removed":[1-9]', out)


def test_the_table_lists_every_shipped_scenario():
    table = re.search(r"### Shipped scenarios\n(.*?)\n### ", README, re.S).group(1)
    listed = re.findall(r"^\| `([a-z0-9_-]+)` \|", table, re.M)
    shipped = sorted(p.stem for p in (REPO / "fixtures" / "scenarios").glob("*.yaml"))
    assert sorted(listed) == shipped
    assert len(listed) == len(set(listed))


def test_the_scenario_file_example_is_valid():
    example = re.search(r"### Writing a scenario\n.*?```yaml\n(.*?)```", README, re.S).group(1)
    spec = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))
    scenario = parse(Path("my-confirm-fails.yaml"), yaml.safe_load(example), spec)
    assert scenario.times == 2 and scenario.error["code"] == 50099005
