# The v0 tracking API outside a cluster against a v0 server (POLYAXON_API_HOST/HTTP_PORT + a user token):
# an existing experiment by id, then create() of an experiment, a group, a group's experiment and a job.
# Recorded under polyaxon-client 0.6.1 (tests/recordings/experiment_server__v0-server__client061.json).
# The recording server answers {} to every POST, so the created entities come back without an id:
# polyaxon-client 0.6.1 raises for an experiment and a job, and carries on without an id for a group.
import os

from polyaxon_client import PolyaxonClient
from polyaxon_client.tracking import Experiment, Group, Job


def attempt(label, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
        print(label, "ok")
    except Exception as e:
        print(label, "raised %s: %s" % (type(e).__name__, e))


# An existing experiment: every call goes to .../experiments/12/ (the client comes from the environment).
experiment = Experiment(project="alice/mnist", experiment_id=12, track_code=False)
print("experiment", experiment.username, experiment.project_name, experiment.experiment_id)
experiment.log_params(lr=0.1)
experiment.log_tags(["keras"])
experiment.set_name("resumed")
experiment.log_status("running")
experiment.log_metrics(loss=0.5)
experiment.log_metrics(loss=0.25)
experiment.succeeded()

# create() with an explicit client; "mnist" is in the authenticated user's namespace.
client = PolyaxonClient(host=os.environ["POLYAXON_API_HOST"], http_port=int(os.environ["POLYAXON_HTTP_PORT"]),
                        token="explicit-token")
created = Experiment(project="mnist", client=client)
print("created", created.username, created.project_name, created.experiment_id)
attempt("experiment.create", created.create, name="first", tags=["keras", "mnist"], description="A first try",
        framework="keras", backend="native")

# polyaxon-client 0.6.1 cannot create a job with track_env=True (its JobConfig has no run_env field).
job = Job(project="mnist", client=client)
attempt("job.create", job.create, name="etl", tags=["data"], description="A job")
job = Job(project="mnist", client=client, track_env=False)
attempt("job.create(track_env=False)", job.create, name="etl", tags=["data"], description="A job")

group = Group(project="mnist", client=client)
attempt("group.create", group.create, name="search", tags=["hp"], description="A grid search")
print("group", group.username, group.project_name, group.group_id)
attempt("group.create_experiment", group.create_experiment, name="trial-1", tags=["hp"])
