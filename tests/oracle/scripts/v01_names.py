# Every public name of polyaxon-helper 0.1.9 in a v0.1 cluster: the public functions of the module, each getter,
# get_api/get_internal_token, get_tf_config, and send_metrics (one valid row, one value float() cannot convert).
import inspect
import json
import os

import polyaxon_helper

public = sorted(name for name, value in vars(polyaxon_helper).items()
                if not name.startswith("_") and inspect.isfunction(value))
print("public functions", json.dumps(public))
for name in ("get_cluster_def", "get_declarations", "get_experiment_info", "get_task_info", "get_job_info",
             "get_data_paths", "get_outputs_path", "get_outputs_refs_paths", "get_log_level", "get_api",
             "get_internal_token", "get_tf_config"):
    print(name, json.dumps(getattr(polyaxon_helper, name)(), sort_keys=True))
print("get_api('v2')", json.dumps(polyaxon_helper.get_api("v2")))
print("get_tf_config(envvar=None)", json.dumps(polyaxon_helper.get_tf_config(envvar=None), sort_keys=True))
print("TF_CONFIG", os.environ.get("TF_CONFIG"))
polyaxon_helper.send_metrics(loss=0.25, accuracy=0.5, step=1)
try:
    polyaxon_helper.send_metrics(loss="not a number")
    print("send_metrics(loss='not a number') returned")
except Exception as e:
    print("send_metrics(loss='not a number') raised", type(e).__name__)
print("done")
