"""deploy/kubernetes/: every manifest is valid against the Kubernetes JSON schemas (strictly: an
unknown field is an error) of every version `kubernetes-validate` ships, offline; and the
manifests keep what the README promises — the Ingress never routes /metrics (or the health
routes), the probes use /readyz and /healthz, every environment variable is a setting the bot
reads, the pods run non-root on a read-only root filesystem, the Job migrates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from bot.cli import parser
from bot.settings import Settings
from bot.slack.settings import SlackSettings
from bot.teams.settings import TeamsSettings

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "deploy" / "kubernetes"
KUSTOMIZATION = FOLDER / "kustomization.yaml"
EXAMPLE_SECRET = FOLDER / "secret.example.yaml"
PUBLIC_ROUTES = (
    "/slack/events",
    "/slack/install",
    "/slack/oauth_redirect",
    "/api/messages",
    "/teams/files/AbCdEf0123456789",
    "/privacy",
    "/terms",
    "/tavle/AbCdEf0123456789AbCdEf0123456789AbCdEf0123",  # the board (and its /events, /vis)
    "/tavle/AbCdEf0123456789AbCdEf0123456789AbCdEf0123/events",
    "/tavle-filer/board.js",
)
INTERNAL_ROUTES = ("/metrics", "/healthz", "/readyz", "/", "/metricsx", "/metrics/")

Doc = dict[str, Any]


def manifest_files() -> list[Path]:
    return sorted(p for p in FOLDER.glob("*.yaml") if p != KUSTOMIZATION)


def documents() -> list[Doc]:
    return [
        doc
        for path in manifest_files()
        for doc in yaml.safe_load_all(path.read_text("utf-8"))
        if doc is not None
    ]


def one(kind: str) -> Doc:
    found = [doc for doc in documents() if doc["kind"] == kind]
    assert len(found) == 1, kind
    return found[0]


def pod_spec(kind: str) -> Doc:
    spec: Doc = one(kind)["spec"]["template"]["spec"]
    return spec


def container(kind: str) -> Doc:
    containers = pod_spec(kind)["containers"]
    assert len(containers) == 1, kind
    found: Doc = containers[0]
    return found


VERSIONS = sorted(set(all_versions()), key=lambda v: tuple(int(n) for n in v.split(".")))


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_is_valid_for_kubernetes(version: str) -> None:
    docs = documents()
    assert {d["kind"] for d in docs} >= {
        "Deployment",
        "Job",
        "Service",
        "Ingress",
        "PodDisruptionBudget",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
    }
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_does_reject_a_mistake() -> None:
    """A control: a misspelt field and a wrong type are errors, so the test above can fail."""
    deployment = yaml.safe_load((FOLDER / "deployment.yaml").read_text("utf-8"))
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)
    deployment["spec"]["replicas"] = "two"
    del deployment["spec"]["replica"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)


def test_kustomize_applies_every_manifest_but_the_example_secret() -> None:
    kustomization = yaml.safe_load(KUSTOMIZATION.read_text("utf-8"))
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in manifest_files()} - {EXAMPLE_SECRET.name}
    images = {image["name"] for image in kustomization["images"]}
    assert {container(kind)["image"] for kind in ("Deployment", "Job")} == images


def ingress_matches(path: str, rule: Doc) -> bool:
    """Kubernetes' path matching: Exact is the whole path; Prefix matches whole path
    elements (/teams/files matches /teams/files/x, not /teams/filesx). An implementation-
    specific rule is taken as the widest reading, a plain string prefix."""
    kind, rule_path = rule["pathType"], rule["path"]
    if kind == "Exact":
        return path == rule_path
    if kind == "Prefix":
        prefix = rule_path.rstrip("/")
        return path == prefix or path.startswith(prefix + "/") or prefix == ""
    return path.startswith(rule_path)


def ingress_paths() -> list[Doc]:
    ingress = one("Ingress")
    assert "defaultBackend" not in ingress["spec"]  # nothing unmatched reaches the bot
    return [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]


def test_the_ingress_routes_the_public_routes_and_never_metrics() -> None:
    rules = ingress_paths()
    for route in PUBLIC_ROUTES:
        assert any(ingress_matches(route, r) for r in rules), route
    for route in INTERNAL_ROUTES:
        assert not any(ingress_matches(route, r) for r in rules), route
    service = one("Service")
    port_names = {p["name"] for p in service["spec"]["ports"]}
    for rule in rules:
        backend = rule["backend"]["service"]
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"]["name"] in port_names


def test_the_matching_rule_itself() -> None:
    prefix = {"path": "/teams/files", "pathType": "Prefix"}
    assert ingress_matches("/teams/files/x", prefix) and ingress_matches("/teams/files", prefix)
    assert not ingress_matches("/teams/filesx", prefix)
    assert ingress_matches("/metrics", {"path": "/", "pathType": "Prefix"})
    assert ingress_matches("/metrics", {"path": "/m", "pathType": "ImplementationSpecific"})
    assert not ingress_matches("/metrics/", {"path": "/metrics", "pathType": "Exact"})


def test_the_service_reaches_the_bot_and_not_the_job() -> None:
    selector = one("Service")["spec"]["selector"]
    bot_labels = one("Deployment")["spec"]["template"]["metadata"]["labels"]
    job_labels = one("Job")["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= bot_labels.items()
    assert not selector.items() <= job_labels.items()
    ports = {p["name"]: p["containerPort"] for p in container("Deployment")["ports"]}
    assert one("Service")["spec"]["ports"][0]["targetPort"] in ports
    budget = one("PodDisruptionBudget")["spec"]
    assert budget["selector"]["matchLabels"].items() <= bot_labels.items()
    assert budget["minAvailable"] < one("Deployment")["spec"]["replicas"]


def test_the_deployment_probes_and_rolls() -> None:
    deployment = one("Deployment")["spec"]
    assert deployment["replicas"] >= 2
    assert deployment["strategy"]["type"] == "RollingUpdate"
    assert deployment["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    bot = container("Deployment")
    assert bot["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert bot["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert bot["startupProbe"]["httpGet"]["path"] == "/healthz"
    port_names = {p["name"] for p in bot["ports"]}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert bot[probe]["httpGet"]["port"] in port_names
    command = bot["command"]
    assert command[:2] == ["lovende", "serve"]
    assert command[command.index("--port") + 1] == str(bot["ports"][0]["containerPort"])


def env_of(kind: str) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container(kind).get("env", [])}


def test_the_job_migrates_and_the_replicas_do_not() -> None:
    job = container("Job")
    assert job["command"] == ["lovende", "migrate"]
    assert parser().parse_args(["migrate"]).command == "migrate"
    assert pod_spec("Job")["restartPolicy"] in ("Never", "OnFailure")
    assert env_of("Deployment")["LOVENDE_AUTO_MIGRATE"] == "false"
    assert job["envFrom"] == container("Deployment")["envFrom"]  # the same database and settings


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_non_root_with_a_read_only_root_filesystem(kind: str) -> None:
    pod = pod_spec(kind)
    assert pod["securityContext"]["runAsNonRoot"] is True
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text("utf-8")
    image_user = re.search(r"^USER (\d+)", dockerfile, re.M)
    assert image_user is not None and pod["securityContext"]["runAsUser"] == int(image_user[1])
    assert pod["automountServiceAccountToken"] is False
    box = container(kind)
    assert box["securityContext"]["readOnlyRootFilesystem"] is True
    assert box["securityContext"]["allowPrivilegeEscalation"] is False
    assert box["securityContext"]["capabilities"]["drop"] == ["ALL"]
    for need in ("requests", "limits"):
        assert set(box["resources"][need]) == {"cpu", "memory"}, need
    # The only writable place is an emptyDir at /tmp (rendering scratch, matplotlib's cache):
    # nothing a replica needs lives on its disk — generated files are in the database, and
    # no copies are kept (LOVENDE_OUTPUT_DIR unset), so no volume is shared between replicas.
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in box["volumeMounts"]}
    assert list(mounts) == ["/tmp"] and "emptyDir" in mounts["/tmp"]
    assert "LOVENDE_OUTPUT_DIR" not in configured_names()[kind]


def variables(model: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads."""
    prefix = str(model.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for name, field in model.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices)
        elif isinstance(alias, str):
            names.add(alias)
        else:
            names.add(f"{prefix}{name}".upper())
    return names


KNOWN = variables(Settings) | variables(SlackSettings) | variables(TeamsSettings)


def test_the_known_settings_are_read_from_the_settings_classes() -> None:
    assert {"DATABASE_URL", "LOVENDE_OUTPUT_DIR", "LOVENDE_DATA_CONTROLLER"} <= KNOWN
    assert {"SLACK_SIGNING_SECRET", "MICROSOFT_APP_ID", "TEAMS_PUBLIC_URL"} <= KNOWN


def configured_names() -> dict[str, set[str]]:
    """Every variable the manifests set or suggest: the containers' env, the ConfigMap's and
    the example Secret's keys, and the keys their comments offer to uncomment."""
    names = {kind: set(env_of(kind)) for kind in ("Deployment", "Job")}
    for path, kind, field in (
        (FOLDER / "configmap.yaml", "ConfigMap", "data"),
        (EXAMPLE_SECRET, "Secret", "stringData"),
    ):
        text = path.read_text("utf-8")
        suggested = set(re.findall(r"^\s*#\s*([A-Z][A-Z0-9_]+):", text, re.M))
        names[kind] = set(one(kind)[field]) | suggested
    return names


def test_every_variable_the_manifests_set_is_a_setting_the_bot_reads() -> None:
    names = configured_names()
    unknown = {kind: sorted(n - KNOWN) for kind, n in names.items() if n - KNOWN}
    assert unknown == {}
    assert "DATABASE_URL" in names["Secret"]
    assert {"TEAMS_PUBLIC_URL", "MICROSOFT_APP_ID"} <= names["ConfigMap"] | names["Secret"]


def test_the_example_secret_holds_placeholders_only() -> None:
    values = one("Secret")["stringData"]
    assert all("REPLACE_ME" in value for value in values.values()), values
