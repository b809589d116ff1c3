"""Deployment on paper, checked offline (images cannot be pulled here): both nginx files pass
`nginx -t`, the Kubernetes manifests render with `kubectl kustomize` and hold what a lecture hall
needs, the compose file parses and wires nginx, the replicas and PostgreSQL together."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.mark.parametrize("name", ["nginx.conf", "nginx.compose.conf"])
def test_the_nginx_files_pass_nginx_t(name: str) -> None:
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    with tempfile.TemporaryDirectory() as folder:
        # nginx resolves an upstream's name when it starts: compose's service name `lab` becomes an address
        server = (DEPLOY / name).read_text().replace("server lab:", "server 127.0.0.1:")
        Path(folder, "server.conf").write_text(server)
        Path(folder, "nginx.conf").write_text(
            f"pid {folder}/nginx.pid; error_log {folder}/error.log;\n"
            f"events {{}}\nhttp {{ access_log off; client_body_temp_path {folder}; include {folder}/server.conf; }}\n"
        )
        done = subprocess.run(
            [NGINX, "-t", "-p", folder, "-c", f"{folder}/nginx.conf"], capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr


def test_the_kubernetes_manifests_render_with_probes_affinity_and_the_secret() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    rendered = subprocess.run(
        [kubectl, "kustomize", str(DEPLOY / "k8s")], capture_output=True, text=True, check=True
    )
    documents = {d["kind"]: d for d in yaml.safe_load_all(rendered.stdout)}
    assert set(documents) == {"Deployment", "Service", "Ingress"}
    pod = documents["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert container["env"][0]["valueFrom"]["secretKeyRef"]["name"] == "lab-database"
    annotations = documents["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"


def test_the_compose_file_wires_nginx_the_replicas_and_postgresql() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "lab", "nginx"}
    assert services["lab"]["deploy"]["replicas"] > 1
    assert services["lab"]["environment"]["LAB_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "./nginx.compose.conf:/etc/nginx/conf.d/default.conf:ro" in services["nginx"]["volumes"]
    assert services["lab"]["build"]["dockerfile"] == "deploy/Dockerfile"


def test_the_image_runs_as_a_user_and_reports_its_health() -> None:
    lines = (DEPLOY / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    assert any("/_stcore/health" in line for line in lines)
