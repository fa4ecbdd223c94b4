# The v0 tracking API in a v0.2+ cluster: every Experiment method, static getter and module function.
# Recorded under polyaxon-client 0.6.1 (tests/recordings/experiment_api_all__v0-incluster__client061.json).
import json
import os

from _oracle_git import make_repo
from polyaxon_client.tracking import (
    Experiment,
    get_data_paths,
    get_log_level,
    get_outputs_path,
    get_outputs_refs_paths,
)


def show(name, fn, *args, **kwargs):
    try:
        value = fn(*args, **kwargs)
    except Exception as e:
        value = "<raised %s: %s>" % (type(e).__name__, e)
    print(name, json.dumps(value, sort_keys=True))


experiment = Experiment()
print("experiment", experiment.username, experiment.project_name, experiment.experiment_id, experiment.project,
      experiment.group_id, experiment.last_status)
experiment.log_params(lr=0.01, dropout=0.5)
experiment.log_params(reset=True, batch_size=32)
experiment.log_tags(["tensorflow", "nlp"])
experiment.log_tags("tag1, tag2", reset=True)
experiment.log_data_ref(data=list(range(10)), data_name="dataset_X")
experiment.log_data_ref(data={"x": 1}, reset=True)
experiment.set_name("renamed")
experiment.set_description("A description")
experiment.log_run_env()
experiment.log_code_ref()  # the cwd is not in a git repository
os.chdir(make_repo("repo"))
experiment.log_code_ref()
os.chdir("..")
experiment.log_status("running", message="started")
experiment.log_status("warning", message="slow", traceback="tb")
for step in range(3):
    experiment.log_metrics(step=step, loss=0.5 / (step + 1))

with open("model.bin", "w") as f:
    f.write("weights")
os.makedirs("checkpoints")
with open("checkpoints/c1.txt", "w") as f:
    f.write("c1")
experiment.log_artifact("model.bin")
experiment.log_artifacts("checkpoints")
experiment.log_output("model.bin")
experiment.log_outputs("checkpoints")
print("outputs folder", sorted(os.listdir(get_outputs_path())) if os.path.isdir(get_outputs_path()) else None)

show("experiment.get_outputs_path", experiment.get_outputs_path)
show("experiment.get_log_level", experiment.get_log_level)
show("experiment.get_data_paths", experiment.get_data_paths)
show("experiment.get_outputs_refs_paths", experiment.get_outputs_refs_paths)
for name in ("get_cluster_def", "get_task_info", "get_experiment_info", "get_params", "get_declarations",
             "get_data_paths", "get_outputs_refs_paths"):
    show("Experiment." + name, getattr(Experiment, name))
show("Experiment.get_tf_config", Experiment.get_tf_config)
print("TF_CONFIG", os.environ.get("TF_CONFIG"))
show("Experiment.get_tf_config(envvar=None)", Experiment.get_tf_config, envvar=None)
show("Experiment.get_tf_config(envvar=MY_TF)", Experiment.get_tf_config, envvar="MY_TF")
print("MY_TF", os.environ.get("MY_TF"))
show("tracking.get_outputs_path", get_outputs_path)
show("tracking.get_data_paths", get_data_paths)
show("tracking.get_log_level", get_log_level)
show("tracking.get_outputs_refs_paths", get_outputs_refs_paths)

# Final statuses: only the first one is sent; last_status = None allows the next (as a new run would).
experiment.failed(message="diverged", traceback="Traceback ...")
experiment.succeeded()
print("last_status", experiment.last_status)
experiment.last_status = None
experiment.log_succeeded()
experiment.last_status = None
experiment.stop()
experiment.last_status = None
experiment.log_stopped()
experiment.last_status = None
experiment.log_failed(message="again")
experiment.last_status = None
experiment.succeeded()
print("last_status", experiment.last_status)
