# Every HTTP method of polyaxon-client 0.6.1's PolyaxonClient handlers against a v0 server, what each returns
# (list pages normalised, responses, None), the error classes with reraise=True, and background/periodic sends.
# The server's answers for some paths are in tests/oracle/routes/client_api.json.
import json
import os
import time

from polyaxon_client import PolyaxonClient

U, P = "alice", "mnist"


def shape(value):
    """JSON-able view of what a call returned (a requests.Response as ["<Response>", status, JSON body])."""
    if hasattr(value, "status_code") and hasattr(value, "json"):
        return ["<Response>", value.status_code, value.json()]
    if isinstance(value, (list, tuple)):
        return [shape(v) for v in value]
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return value


def call(label, fn, *args, **kwargs):
    try:
        out = shape(fn(*args, **kwargs))
    except Exception as e:
        out = "<raised %s>" % type(e).__name__
    print(label, json.dumps(out, sort_keys=True))


client = PolyaxonClient()  # POLYAXON_API_HOST, POLYAXON_HTTP_PORT, POLYAXON_SECRET_USER_TOKEN
c = client

# -- the handlers polyaxon-helper-compat did not have -----------------------------------------------------
call("cluster.get_cluster", c.cluster.get_cluster)
call("cluster.get_node", c.cluster.get_node, 1)
for name in ("get_cli_version", "get_platform_version", "get_lib_version", "get_chart_version", "get_log_handler"):
    call("version." + name, getattr(c.version, name))
for name in ("activate_user", "delete_user", "grant_superuser", "revoke_superuser"):
    call("user." + name, getattr(c.user, name), "bob")
call("experiment_job.get_job", c.experiment_job.get_job, U, P, 7, 2)
call("experiment_job.get_statuses", c.experiment_job.get_statuses, U, P, 7, 2)
call("experiment_job.get_statuses page 2", c.experiment_job.get_statuses, U, P, 7, 2, page=2)
call("experiment_job.logs", c.experiment_job.logs, U, P, 7, 2, stream=False)
b = c.build_job
call("build_job.get_build", b.get_build, U, P, 5)
call("build_job.update_build", b.update_build, U, P, 5, {"name": "b"})
call("build_job.delete_build", b.delete_build, U, P, 5)
call("build_job.get_statuses", b.get_statuses, U, P, 5)
call("build_job.create_status", b.create_status, U, P, 5, "failed", message="m", traceback="tb")
call("build_job.get_code_reference", b.get_code_reference, U, P, 5)
call("build_job.create_code_reference", b.create_code_reference, U, P, 5, {"commit": "abc"})
call("build_job.invalidate", b.invalidate, U, P, 5)
call("build_job.send_logs", b.send_logs, U, P, 5, ["line 1", "line 2"])
call("build_job.stop", b.stop, U, P, 5)
call("build_job.bookmark", b.bookmark, U, P, 5)
call("build_job.unbookmark", b.unbookmark, U, P, 5)
call("build_job.logs", b.logs, U, P, 5, stream=False)
call("build_job.get_heartbeat_url", b.get_heartbeat_url, U, P, 5)
for name in ("builds", "jobs", "experiments", "groups", "projects"):
    call("bookmark." + name, getattr(c.bookmark, name), U)
call("bookmark.experiments page 3", c.bookmark.experiments, U, page=3)

# -- the other handlers: list pages, and the methods polyaxon-helper-compat lacked -------------------------
e = c.experiment
call("experiment.list_experiments", e.list_experiments)
call("experiment.list_experiments page 2", e.list_experiments, page=2)
call("experiment.get_experiment", e.get_experiment, U, P, 7)
call("experiment.get_statuses", e.get_statuses, U, P, 7)
call("experiment.get_statuses page 2", e.get_statuses, U, P, 7, page=2)
call("experiment.get_metrics", e.get_metrics, U, P, 7)
call("experiment.list_jobs", e.list_jobs, U, P, 7)
call("experiment.delete_experiment", e.delete_experiment, U, P, 7)
call("experiment.send_logs", e.send_logs, U, P, 7, "one line")
call("experiment.restart", e.restart, U, P, 7, content={"a": 1}, update_code=True)
call("experiment.resume", e.resume, U, P, 7)
call("experiment.copy", e.copy, U, P, 7, content="version: 1")
call("experiment.stop", e.stop, U, P, 7)
call("experiment.logs", e.logs, U, P, 7, stream=False)
call("experiment.start_tensorboard", e.start_tensorboard, U, P, 7, content={"k": "v"})
call("experiment.start_tensorboard without content", e.start_tensorboard, U, P, 7)
call("experiment.stop_tensorboard", e.stop_tensorboard, U, P, 7)
call("experiment.bookmark", e.bookmark, U, P, 7)
call("experiment.unbookmark", e.unbookmark, U, P, 7)
j = c.job
call("job.get_statuses", j.get_statuses, U, P, 4)
call("job.get_statuses page 2", j.get_statuses, U, P, 4, page=2)
call("job.delete_job", j.delete_job, U, P, 4)
call("job.send_logs", j.send_logs, U, P, 4, ["a", "b"])
call("job.restart", j.restart, U, P, 4, update_code=True)
call("job.resume", j.resume, U, P, 4)
call("job.copy", j.copy, U, P, 4)
call("job.stop", j.stop, U, P, 4)
call("job.bookmark", j.bookmark, U, P, 4)
call("job.unbookmark", j.unbookmark, U, P, 4)
call("job.logs", j.logs, U, P, 4, stream=False)
g = c.experiment_group
call("experiment_group.get_experiment_group", g.get_experiment_group, U, P, 3)
call("experiment_group.list_experiments", g.list_experiments, U, P, 3, metrics=True, query="status:running",
     sort="-created_at", page=2)
call("experiment_group.get_statuses", g.get_statuses, U, P, 3)
call("experiment_group.get_statuses page 2", g.get_statuses, U, P, 3, page=2)
call("experiment_group.delete_experiment_group", g.delete_experiment_group, U, P, 3)
call("experiment_group.stop", g.stop, U, P, 3)
call("experiment_group.stop pending", g.stop, U, P, 3, pending=True)
call("experiment_group.start_tensorboard", g.start_tensorboard, U, P, 3, content="c", is_managed=False)
call("experiment_group.stop_tensorboard", g.stop_tensorboard, U, P, 3)
call("experiment_group.bookmark", g.bookmark, U, P, 3)
call("experiment_group.unbookmark", g.unbookmark, U, P, 3)
p = c.project
call("project.list_projects", p.list_projects, U)
call("project.list_projects page 2", p.list_projects, U, page=2)
call("project.delete_project", p.delete_project, U, P)
call("project.enable_ci", p.enable_ci, U, P)
call("project.enable_ci config", p.enable_ci, U, P, config={"branch": "main"})
call("project.disable_ci", p.disable_ci, U, P)
call("project.set_repo", p.set_repo, U, P, "https://github.com/alice/mnist")
call("project.sync_repo", p.sync_repo, U, P)
call("project.list_experiment_groups", p.list_experiment_groups, U, P, query="q", sort="s")
call("project.list_experiments", p.list_experiments, U, P, independent=True, group=3, metrics=True, params=True,
     query="q", sort="s", page=2)
call("project.list_jobs", p.list_jobs, U, P)
call("project.list_builds", p.list_builds, U, P, page=2)
call("project.invalidate_builds", p.invalidate_builds, U, P)
call("project.create_build", p.create_build, U, P, {"name": "b1", "content": "{}"})
call("project.list_tensorboards", p.list_tensorboards, U, P)
call("project.start_tensorboard", p.start_tensorboard, U, P)
call("project.stop_tensorboard", p.stop_tensorboard, U, P)
call("project.start_notebook", p.start_notebook, U, P, content={"n": 1})
call("project.stop_notebook", p.stop_notebook, U, P)
call("project.stop_notebook without commit", p.stop_notebook, U, P, commit=False)
call("project.bookmark", p.bookmark, U, P)
call("project.unbookmark", p.unbookmark, U, P)

# -- errors: the server answers 4xx/5xx for experiments 400, 401, ... ------------------------------------
codes = (400, 401, 403, 404, 429, 500, 502, 503, 504, 418)
strict = PolyaxonClient(reraise=True)
for code in codes:
    try:
        strict.experiment.get_experiment(U, P, code)
        print("reraise", code, "returned")
    except Exception as err:
        bases = [cls.__name__ for cls in type(err).__mro__[1:]]
        print("reraise", code, type(err).__name__, bases[:bases.index("PolyaxonClientException") + 1],
              json.dumps({"str": str(err), "status_code": getattr(err, "status_code", None),
                          "message": getattr(err, "message", None),
                          "endpoint": getattr(err, "endpoint", None)}, sort_keys=True))
for code in codes:
    call("no reraise %d get_experiment" % code, c.experiment.get_experiment, U, P, code)
    call("no reraise %d get_statuses" % code, c.experiment.get_statuses, U, P, code)
    call("no reraise %d list_jobs" % code, c.experiment.list_jobs, U, P, code)
    call("no reraise %d stop" % code, c.experiment.stop, U, P, code)
try:
    PolyaxonClient(host="127.0.0.1", port=1, reraise=True).experiment.get_experiment(U, P, 1)
except Exception as err:
    print("connection refused", type(err).__name__)
call("connection refused without reraise", PolyaxonClient(host="127.0.0.1", port=1).experiment.get_experiment,
     U, P, 1)

# -- background and periodic: None at once, the requests sent from a thread ------------------------------
call("background update_experiment", e.update_experiment, U, P, 900, {"name": "bg"}, background=True)
call("background create_status", e.create_status, U, P, 900, "running", message="m", background=True)
call("background create_metric", e.create_metric, U, P, 900, {"loss": 0.5}, background=True)
call("background create_code_reference", e.create_code_reference, U, P, 900, {"commit": "c"}, background=True)
call("background delete_experiment", e.delete_experiment, U, P, 901, background=True)
call("background stop", e.stop, U, P, 900, background=True)
call("background job update_job", j.update_job, U, P, 900, {"name": "j"}, background=True)
call("background build update_build", b.update_build, U, P, 900, {"name": "b"}, background=True)
call("background group update", g.update_experiment_group, U, P, 900, {"name": "g"}, background=True)
call("background project update", p.update_project, U, P, {"description": "d"}, background=True)
call("periodic create_metric", e.create_metric, U, P, 902, {"loss": 0.25}, periodic=True)
call("periodic create_metric again", e.create_metric, U, P, 902, {"loss": 0.125}, periodic=True)
call("periodic send_logs", e.send_logs, U, P, 902, "periodic line", periodic=True)
# Wait (deadline 20 s) until the worker threads have sent it all, so that nothing is left for the exit handlers.
transport, deadline = c.transport, time.time() + 20
while ((transport.threaded_done or 0) < 10 or (transport.periodic_http_done or 0) < 2) and time.time() < deadline:
    time.sleep(0.05)
print("background sent", transport.threaded_done, "errors", transport.threaded_exceptions)
print("POLYAXON_NO_OP", os.environ.get("POLYAXON_NO_OP"))
