"""``polyaxon_helper_compat.client``: configuration as polyaxon-client 0.6.1 ``ApiConfig``, the REST methods'
URLs and bodies against a server on 127.0.0.1, and errors handled as the original (``None``, or raised with
``reraise=True``; ``requests`` errors translated)."""
from __future__ import annotations

import datetime
import os
import subprocess
import sys
from typing import Iterator

import pytest

from polyaxon_helper_compat.client import ApiConfig, PolyaxonClient, entity_body
from polyaxon_helper_compat.exceptions import (
    AuthenticationError,
    PolyaxonClientException,
    PolyaxonHTTPError,
    PolyaxonShouldExitError,
)
from polyaxon_helper_compat.tracking import Experiment

from tests.runtime.test_tracking_server import IdServer


@pytest.fixture
def server(clean_env) -> Iterator[IdServer]:
    s = IdServer(refuse={r"/missing/": 404, r"/broken/": 500, r"/forbidden/": 403, r"/expired/": 401})
    yield s
    s.close()


@pytest.fixture
def client(server) -> PolyaxonClient:
    return PolyaxonClient(host="127.0.0.1", port=server.port, token="t0k")


# -- configuration -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, env, http_host", [
    pytest.param({"host": "plx.example.com"}, {}, "http://plx.example.com:80", id="default port 80"),
    pytest.param({"host": "plx.example.com", "use_https": True}, {}, "https://plx.example.com:443", id="https 443"),
    pytest.param({"host": "plx.example.com", "port": 8000}, {}, "http://plx.example.com:8000", id="port"),
    pytest.param({}, {"POLYAXON_API_HOST": "h", "POLYAXON_HTTP_PORT": "31811", "POLYAXON_USE_HTTPS": "true"},
                 "https://h:31811", id="environment"),
    pytest.param({"host": "https://plx.example.com:8443/"}, {}, "https://plx.example.com:8443", id="full URL"),
    pytest.param({"host": "https://plx.example.com"}, {}, "https://plx.example.com:443", id="URL without port"),
    pytest.param({"host": "http://h", "port": 81}, {}, "http://h:81", id="URL and port"),
])
def test_http_host(clean_env, monkeypatch, kwargs, env, http_host):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = ApiConfig(**kwargs)
    assert config.http_host == http_host
    assert config.base_url == http_host + "/api/v1"


def test_token_and_headers_from_the_environment(clean_env, monkeypatch):
    monkeypatch.setenv("POLYAXON_API_HOST", "h")
    monkeypatch.setenv("POLYAXON_SECRET_USER_TOKEN", "user-t")
    config = ApiConfig()
    assert (config.token, config.authentication_type, config.verify_ssl) == ("user-t", "Token", None)  # 0.6.1
    assert config.headers() == {"Authorization": "Token user-t"}
    assert ApiConfig(token="x", authentication_type="Bearer").headers() == {"Authorization": "Bearer x"}
    monkeypatch.setenv("POLYAXON_VERIFY_SSL", "false")
    assert ApiConfig().verify_ssl is False


def test_in_cluster_config_uses_the_internal_host_header_and_token(clean_env, monkeypatch, capsys):
    for name, value in {"POLYAXON_IS_MANAGED": "true", "POLYAXON_API_HTTP_HOST": "http://api:80",
                        "POLYAXON_INTERNAL_HEADER": "X-POLYAXON-INTERNAL",
                        "POLYAXON_INTERNAL_HEADER_SERVICE": "job",
                        "POLYAXON_SECRET_INTERNAL_TOKEN": "internal"}.items():
        monkeypatch.setenv(name, value)
    config = ApiConfig()
    assert config.base_url == "http://api:80/api/v1"
    assert config.headers() == {"Authorization": "Token internal", "X-POLYAXON-INTERNAL": "job"}
    monkeypatch.delenv("POLYAXON_API_HTTP_HOST")
    ApiConfig()
    assert capsys.readouterr().out == "Could get api host info, please make sure this is running inside a polyaxon job.\n"


def test_no_host_outside_a_cluster_raises_as_the_original(clean_env):
    with pytest.raises(PolyaxonClientException, match="Api config requires at least a host if not running in-cluster."):
        PolyaxonClient()


def test_entity_body_has_every_field_of_the_original_schema():
    body = entity_body("experiments", {"name": "x"})
    assert len(body) == 29 and body["name"] == "x"
    assert (body["has_tensorboard"], body["num_jobs"], body["run_env"], body["experiment_group"]) == (False, 0, None, None)
    assert "run_env" not in entity_body("jobs", {}) and entity_body("jobs", {})["pod_id"] is None
    assert entity_body("groups", {"extra": 1})["extra"] == 1


# -- requests ----------------------------------------------------------------------------------------------
def test_methods_urls_and_bodies(server, client):
    assert client.auth.get_user() == {"username": "alice"}
    assert client.project.create_project({"name": "mnist", "is_public": False}) == {}
    assert client.project.get_project("alice", "mnist") == {}
    client.project.update_project("alice", "mnist", {"description": "d"})
    created = client.project.create_experiment("alice", "mnist", {"name": "e"}, group=3)
    assert created["id"] == 42
    assert client.project.create_experiment_group("alice", "mnist", {"name": "g"})["id"] == 43
    assert client.project.create_job("alice", "mnist", {"name": "j"})["id"] == 44
    client.experiment.get_experiment("alice", "mnist", 42)
    client.experiment.update_experiment("alice", "mnist", 42, {"name": "n"})
    client.experiment.create_status("alice", "mnist", experiment_id=42, status="failed", message="m", traceback="tb")
    client.experiment.get_statuses("alice", "mnist", 42, page=2)
    created_at = datetime.datetime(2019, 5, 1, 12, 0, 0, 123456)
    client.experiment.create_metric("alice", "mnist", 42, values={"loss": 0.5}, created_at=created_at)
    client.experiment.get_metrics("alice", "mnist", 42)
    client.experiment.create_code_reference("alice", "mnist", 42, coderef={"commit": "abc"})
    client.job.update_job("alice", "mnist", job_id=44, patch_dict={"tags": ["a"]})
    client.job.create_status("alice", "mnist", 44, "running")
    client.experiment_group.create_status("alice", "mnist", group_id=43, status="running", message="go")
    client.experiment_group.update_experiment_group("alice", "mnist", 43, {"name": "g2"})
    assert client.experiment.get_heartbeat_url("alice", "mnist", 42) == server.url + "/api/v1/alice/mnist/experiments/42/_heartbeat/"
    calls = [(m, p, b) for m, p, b in server.calls()]
    assert [(m, p) for m, p, _ in calls] == [
        ("GET", "/api/v1/users/"), ("POST", "/api/v1/projects/"), ("GET", "/api/v1/alice/mnist/"),
        ("PATCH", "/api/v1/alice/mnist/"), ("POST", "/api/v1/alice/mnist/experiments/"),
        ("POST", "/api/v1/alice/mnist/groups/"), ("POST", "/api/v1/alice/mnist/jobs/"),
        ("GET", "/api/v1/alice/mnist/experiments/42/"), ("PATCH", "/api/v1/alice/mnist/experiments/42/"),
        ("POST", "/api/v1/alice/mnist/experiments/42/statuses/"),
        ("GET", "/api/v1/alice/mnist/experiments/42/statuses/?offset=20"),
        ("POST", "/api/v1/alice/mnist/experiments/42/metrics/"), ("GET", "/api/v1/alice/mnist/experiments/42/metrics/"),
        ("POST", "/api/v1/alice/mnist/experiments/42/coderef/"), ("PATCH", "/api/v1/alice/mnist/jobs/44/"),
        ("POST", "/api/v1/alice/mnist/jobs/44/statuses/"), ("POST", "/api/v1/alice/mnist/groups/43/statuses/"),
        ("PATCH", "/api/v1/alice/mnist/groups/43/"),
    ]
    bodies = [b for _, _, b in calls]
    assert bodies[1] == {"name": "mnist", "is_public": False}
    assert bodies[4]["experiment_group"] == 3 and bodies[4]["name"] == "e" and len(bodies[4]) == 29
    assert bodies[9] == {"status": "failed", "message": "m", "traceback": "tb"}
    assert bodies[11] == {"values": {"loss": 0.5}, "created_at": "2019-05-01 12:00:00.123456+00:00"}
    assert bodies[16] == {"status": "running", "message": "go"}
    assert all(r["headers"]["Authorization"] == "Token t0k" for r in server.log)


def test_failures_return_none_as_the_original(server, client):
    assert client.project.get_project("alice", "missing") is None
    assert client.experiment.update_experiment("alice", "broken", 1, {"name": "x"}) is None
    assert client.experiment.create_status("alice", "forbidden", 1, "running") is None
    with pytest.raises(AuthenticationError):  # 401: raised even without reraise, as the original
        client.experiment.get_experiment("alice", "expired", 1)


def test_reraise_raises_http_errors(server):
    client = PolyaxonClient(host="127.0.0.1", port=server.port, token="t0k", reraise=True)
    with pytest.raises(PolyaxonHTTPError) as info:
        client.project.get_project("alice", "missing")
    assert (info.value.status_code, info.value.endpoint) == (404, server.url + "/api/v1/alice/missing/")
    with pytest.raises(PolyaxonHTTPError) as info:
        client.experiment.get_experiment("alice", "forbidden", 1)
    assert info.value.status_code == 403 and not isinstance(info.value, AuthenticationError)


def test_get_user_always_raises_when_refused(clean_env):
    server = IdServer(refuse={"/users/": 401})
    try:
        with pytest.raises(AuthenticationError) as info:
            PolyaxonClient(host="127.0.0.1", port=server.port, token="bad").auth.get_user()
        assert info.value.status_code == 401
    finally:
        server.close()


def test_connection_errors_are_translated(clean_env):
    server = IdServer()
    server.close()
    client = PolyaxonClient(host="127.0.0.1", port=server.port, token="t", reraise=True)
    with pytest.raises(PolyaxonShouldExitError, match="Error connecting to Polyaxon server on `http://127") as info:
        client.experiment.get_experiment("a", "b", 1)
    import requests

    assert isinstance(info.value.__cause__, requests.ConnectionError)
    assert not isinstance(info.value, PolyaxonHTTPError)  # as polyaxon-client 0.6.1
    assert PolyaxonClient(host="127.0.0.1", port=server.port).project.get_project("a", "b") is None
    with pytest.raises(PolyaxonShouldExitError):  # get_user raises whatever reraise says, as the original
        PolyaxonClient(host="127.0.0.1", port=server.port).auth.get_user()


def test_create_metric_rejects_non_numbers(server, client):
    with pytest.raises(TypeError, match="metric 'loss' must be a number"):
        client.experiment.create_metric("alice", "mnist", 1, values={"loss": "x"})
    assert server.log == []


# -- experiment.client -------------------------------------------------------------------------------------
def test_experiment_client_is_built_from_the_environment(server, monkeypatch):
    assert Experiment().client is None  # outside a cluster, nothing configured
    monkeypatch.setenv("POLYAXON_API_HOST", "127.0.0.1")
    monkeypatch.setenv("POLYAXON_HTTP_PORT", str(server.port))
    monkeypatch.setenv("POLYAXON_SECRET_USER_TOKEN", "env-t")
    client = Experiment().client
    assert isinstance(client, PolyaxonClient)
    assert client.auth.get_user() == {"username": "alice"}
    assert server.log[-1]["headers"]["Authorization"] == "Token env-t"


def test_importing_the_client_does_not_import_requests(tmp_path):
    code = "import sys, polyaxon_helper_compat.client, polyaxon_helper_compat.tracking; print('requests' in sys.modules)"
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    proc = subprocess.run([sys.executable, "-c", code], env=base, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "False\n"), proc.stderr


class ForeignConfig:
    """The attributes of polyaxon-client 0.6.1's ``ApiConfig`` that matter."""

    def __init__(self, port: int) -> None:
        self.host, self.http_port, self.token, self.use_https = "127.0.0.1", port, "foreign-t", False
        self.verify_ssl, self.is_managed, self.authentication_type, self.version = None, False, "Token", "v1"


class ForeignClient:
    def __init__(self, port: int) -> None:
        self.api_config = ForeignConfig(port)


def test_a_client_of_the_original_package_is_accepted(server):
    foreign = ForeignClient(server.port)
    experiment = Experiment(project="mnist", client=foreign)
    assert experiment.client is foreign and (experiment.username, experiment.project_name) == ("alice", "mnist")
    assert server.log[-1]["headers"]["Authorization"] == "Token foreign-t"


def test_anything_else_as_client_is_a_type_error(server):
    with pytest.raises(TypeError, match="client must be a polyaxon_helper_compat.client.PolyaxonClient"):
        Experiment(project="mnist", client=object())
