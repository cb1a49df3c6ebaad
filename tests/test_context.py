"""Context files: read to resolve cross-object rules, never reported on; their facts cached."""

from __future__ import annotations

import json
import pickle
import subprocess
from pathlib import Path

import pytest

from svclint.check.cache import cache_key, fact_code_files
from svclint.check.checkfile import fact_plan
from svclint.check.engine import selected_rules
from svclint.check.registry import load_rules
from svclint.check.settings import Settings
from svclint.model.facts import INDEX_READS, FactPlan
from svclint.policy import POLICY_READS
from tests.conftest import REPO
from tests.test_cli import BAD_NODEPORT, write

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
"""
# A workload the Services do not select: with it in sight, selectors are checked.
OTHER = DEPLOYMENT.replace("name: web", "name: worker").replace("app: web", "app: worker")
NO_WORKLOAD_NOTE = "svclint: info: selectors of 1 Service not checked (selector-no-match): the run holds no workload"
LONELY = SERVICE.replace("name: web", "name: lonely").replace("app: web", "app: nothing")


def findings(result) -> list[tuple[str, str]]:
    return [(f["file"], f["rule"]) for f in json.loads(result.stdout)["findings"]]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=root, check=True, capture_output=True)


def test_context_resolves_selectors_and_is_never_reported(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    write(tmp_path, "k8s/deploy.yaml", DEPLOYMENT)
    write(tmp_path, "k8s/broken.yaml", BAD_NODEPORT + "---\n" + LONELY + "---\nkey: [unclosed\n")
    alone = cli("--format", "json", "svc.yaml", cwd=tmp_path)
    assert findings(alone) == [] and alone.stderr.startswith(NO_WORKLOAD_NOTE)
    write(tmp_path, "worker.yaml", OTHER)
    assert findings(cli("--format", "json", "--context", "worker.yaml", "svc.yaml", cwd=tmp_path)) == \
        [("svc.yaml", "selector-no-match")]
    with_context = cli("--context", "k8s", "svc.yaml", cwd=tmp_path)
    assert with_context.returncode == 0
    assert with_context.stdout.strip() == "No problems in 1 file, 1 object"


def test_a_file_both_given_and_in_the_context_is_reported(cli, tmp_path) -> None:
    write(tmp_path, "k8s/web.yaml", BAD_NODEPORT)
    write(tmp_path, "k8s/svc.yaml", SERVICE)
    result = cli("--format", "json", "--select", "SVC1", "--context", "k8s", "k8s/web.yaml", cwd=tmp_path)
    assert findings(result) == [("k8s/web.yaml", "nodeport-out-of-range")]


@pytest.mark.slow  # kubectl kustomize
def test_a_changed_file_of_a_kustomization_is_linted_as_rendered_with_its_namespace(cli, tmp_path) -> None:
    # The overlay is the set applied together: its objects are the cross-object context of a
    # changed file in it (the kustomization gives them the namespace), whatever --context holds.
    kustomization = ("apiVersion: kustomize.config.k8s.io/v1beta1\n"
                     "kind: Kustomization\nnamespace: shop\nresources: [svc.yaml, {workload}]\n")
    write(tmp_path, "app/kustomization.yaml", kustomization.format(workload="worker.yaml"))
    write(tmp_path, "app/svc.yaml", SERVICE.replace("  namespace: shop\n", ""))
    write(tmp_path, "app/deploy.yaml", DEPLOYMENT)
    write(tmp_path, "app/worker.yaml", OTHER.replace("  namespace: shop\n", ""))
    found = json.loads(cli("--format", "json", "--context", "app", "app/svc.yaml", cwd=tmp_path).stdout)["findings"]
    assert [(f["file"], f["rule"], f["namespace"], f["via"]) for f in found] == \
        [("app/svc.yaml", "selector-no-match", "shop", ["app"])]
    write(tmp_path, "app/kustomization.yaml", kustomization.format(workload="deploy.yaml"))
    assert cli("--context", "app/worker.yaml", "app/svc.yaml", cwd=tmp_path).returncode == 0


def test_stdin_against_a_context(cli, tmp_path) -> None:
    write(tmp_path, "k8s/deploy.yaml", DEPLOYMENT)
    assert cli("-", cwd=tmp_path, stdin=SERVICE + "---\n" + OTHER).returncode == 1
    assert cli("--context", "k8s", "-", cwd=tmp_path, stdin=SERVICE).returncode == 0


def test_git_context_is_every_tracked_manifest_minus_excludes(cli, tmp_path) -> None:
    write(tmp_path, "services/svc.yaml", SERVICE)
    write(tmp_path, "apps/deploy.yaml", DEPLOYMENT)
    write(tmp_path, "apps/worker.yaml", OTHER)
    write(tmp_path, "untracked/deploy.yaml", DEPLOYMENT.replace("app: web", "app: other"))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "services", "apps")
    # From a subdirectory too: the context is the whole repository.
    assert cli("--context", "git", "svc.yaml", cwd=tmp_path / "services").returncode == 0
    write(tmp_path, ".svclint.yaml", "exclude: [apps/deploy.yaml]\n")
    excluded = cli("--format", "json", "--context", "git", "svc.yaml", cwd=tmp_path / "services")
    assert findings(excluded) == [("svc.yaml", "selector-no-match")]
    (tmp_path / ".svclint.yaml").unlink()
    git(tmp_path, "rm", "-q", "--cached", "apps/deploy.yaml")  # untracked files are not context
    assert cli("--context", "git", "services/svc.yaml", cwd=tmp_path).returncode == 1


def test_git_context_outside_a_repository_is_a_usage_error(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    result = cli("--context", "git", "svc.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("svclint: error: context: git: cannot list the files git tracks")


def test_missing_context_directory_is_a_usage_error(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    result = cli("--context", "nope", "svc.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        2, "svclint: error: context: nope: no such file or directory")


def test_cached_facts_follow_the_content_of_context_files(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    write(tmp_path, "k8s/deploy.yaml", DEPLOYMENT)
    assert cli("--context", "k8s", "svc.yaml", cwd=tmp_path).returncode == 0
    [cache_file] = (tmp_path / ".svclint_cache").glob("facts-*.pickle")
    assert (tmp_path / ".svclint_cache" / ".gitignore").read_text().endswith("*\n")
    assert cli("--context", "k8s", "svc.yaml", cwd=tmp_path).returncode == 0
    write(tmp_path, "k8s/deploy.yaml", DEPLOYMENT.replace("app: web", "app: web-v2"))
    changed = cli("--format", "json", "--context", "k8s", "svc.yaml", cwd=tmp_path)
    assert findings(changed) == [("svc.yaml", "selector-no-match")]
    assert "web-v2" in json.loads(changed.stdout)["findings"][0]["message"]


def test_corrupt_or_planted_cache_files_are_ignored(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    write(tmp_path, "k8s/deploy.yaml", DEPLOYMENT)
    cli("--context", "k8s", "svc.yaml", cwd=tmp_path)
    [cache_file] = (tmp_path / ".svclint_cache").glob("facts-*.pickle")
    cache_file.write_bytes(b"\x80\x05garbage")
    assert cli("--context", "k8s", "svc.yaml", cwd=tmp_path).returncode == 0
    # A pickle that would run code when loaded by a plain unpickler.
    marker = tmp_path / "pwned"
    planted = pickle.dumps(_Exploit(f"open({str(marker)!r}, 'w').close()"))
    cache_file.write_bytes(planted)
    assert cli("--context", "k8s", "svc.yaml", cwd=tmp_path).returncode == 0
    assert not marker.exists()
    assert pickle.loads(cache_file.read_bytes())  # rebuilt with plain data


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _shared_bomb() -> list:
    level: list = ["lol"] * 9
    for _ in range(8):  # 9**9 values once walked, a few hundred bytes pickled
        level = [level] * 9
    return level


# Found by fuzzing (fuzz/fuzz_svclint.py, cache mode): plain data of another shape crashed
# the run (TypeError, AttributeError) or would stall it.
WRONG_SHAPES = {
    "facts not a list": 3,
    "an entry not a tuple": [1, 2],
    "data not a mapping": [(1, 2, 3, 4)],
    "a key not a string": [({1: "v"}, 0, "default", ())],
    "a namespace not a string": [({"kind": "Pod"}, 0, None, ())],
    "a class in the data": [({"kind": "Pod", "spec": {1.5j: 1}}, 0, "default", ())],
    "nested deeper than a manifest may be": [({"a": _nested(200)}, 0, "", ())],
    "an alias bomb through shared references": [({"kind": "Pod", "spec": _shared_bomb()}, 0, "default", ())],
}


@pytest.mark.parametrize("facts", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_cache_entries_of_another_shape_are_ignored(cli, tmp_path, facts) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    write(tmp_path, "k8s/deploy.yaml", DEPLOYMENT)
    cli("--context", "k8s", "svc.yaml", cwd=tmp_path)
    [cache_file] = (tmp_path / ".svclint_cache").glob("facts-*.pickle")
    [digest] = pickle.loads(cache_file.read_bytes())
    cache_file.write_bytes(pickle.dumps({digest: facts}))
    result = cli("--format", "json", "--context", "k8s", "svc.yaml", cwd=tmp_path)
    assert (result.returncode, findings(result), result.stderr) == (0, [], "")


def test_no_cache_writes_no_cache(cli, tmp_path) -> None:
    write(tmp_path, "svc.yaml", SERVICE)
    write(tmp_path, "k8s/deploy.yaml", DEPLOYMENT)
    assert cli("--no-cache", "--context", "k8s", "svc.yaml", cwd=tmp_path).returncode == 0
    assert not (tmp_path / ".svclint_cache").exists()


class _Exploit:
    def __init__(self, code: str) -> None:
        self.code = code

    def __reduce__(self):
        return exec, (self.code,)



def test_the_cache_key_follows_what_facts_are_made_of() -> None:
    settings = Settings()
    rules = list(selected_rules(settings).values())
    key = cache_key(settings, fact_plan(rules, settings))
    assert cache_key(settings, fact_plan(rules, settings)) == key

    def key_with(slug: str, reads: dict) -> str:
        declared = [INDEX_READS, POLICY_READS, *(reads if rule.slug == slug else rule.reads for rule in rules)]
        return cache_key(settings, FactPlan(declared, settings.workload_kinds))

    # A rule's READS with one field more, or one less (no other rule reads healthCheckNodePort).
    conflict = load_rules()["nodeport-conflict"].reads
    assert key_with("nodeport-conflict", conflict) == key
    assert key_with("nodeport-conflict", {"Service": [*conflict["Service"], ("spec", "sessionAffinity")]}) != key
    fewer = {"Service": [path for path in conflict["Service"] if path != ("spec", "healthCheckNodePort")]}
    assert key_with("nodeport-conflict", fewer) != key
    # The cross-object rules that run, the workload table, and the code that makes objects of files.
    assert cache_key(settings, fact_plan([r for r in rules if r.slug != "nodeport-conflict"], settings)) != key
    widgets = settings.updated({"workloads": {"acme.io/Widget": "spec.podTemplate"}})
    assert cache_key(widgets, fact_plan(rules, widgets)) != key
    code = {path.relative_to(REPO / "svclint").as_posix() for path in fact_code_files()}
    assert {"source/documents.py", "source/kubectl_yaml.py", "model/facts.py", "model/resources.py",
            "model/workloads.py", "check/checkfile.py"} <= code


def test_a_change_that_orphans_a_service_in_an_untouched_file_is_reported_on_the_changed_file(cli, tmp_path) -> None:
    write(tmp_path, "services/svc.yaml", SERVICE)
    write(tmp_path, "apps/deploy.yaml", DEPLOYMENT)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "the Service and its pods")
    # As pre-commit runs it: only the changed file is named, the repository is context.
    assert cli("--context", "git", "--", "apps/deploy.yaml", cwd=tmp_path).returncode == 0
    write(tmp_path, "apps/deploy.yaml", DEPLOYMENT.replace("app: web", "app: web-v2"))
    result = cli("--format", "json", "--context", "git", "--", "apps/deploy.yaml", cwd=tmp_path)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["file"], finding["rule"], finding["kind"], finding["name"]) == \
        ("apps/deploy.yaml", "selector-no-match", "Service", "web")
    assert "services/svc.yaml" in finding["message"]
    assert finding["line"] == 11  # the pod template's labels, which the change made
    # A change that leaves the Service its pods causes nothing.
    write(tmp_path, "apps/deploy.yaml", DEPLOYMENT.replace("image: nginx", "image: nginx:1.27"))
    assert cli("--context", "git", "--", "apps/deploy.yaml", cwd=tmp_path).returncode == 0
