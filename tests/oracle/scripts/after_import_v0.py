# Variables set or changed after `import polyaxon_helper`, recorded under polyaxon-helper 0.5.0: in a v0.2+
# cluster the getters read each variable at every call (the context flags were read once, at import).
import json
import os

import polyaxon_helper

NAMES = ["get_cluster_def", "get_declarations", "get_params", "get_experiment_info", "get_task_info",
         "get_job_info", "get_data_paths", "get_outputs_refs_paths", "get_log_level"]


def show(label):
    out = {}
    for name in NAMES:
        try:
            out[name] = getattr(polyaxon_helper, name)()
        except Exception as e:
            out[name] = "<raised %s: %s>" % (type(e).__name__, e)
    print(label, json.dumps(out, sort_keys=True))


show("at import")
os.environ.update({
    "POLYAXON_PARAMS": '{"lr": 0.5}',
    "POLYAXON_CLUSTER": '{"master": ["h:2000"]}',
    "POLYAXON_JOB_INFO": '{"job_name": "alice.mnist.jobs.2"}',
    "POLYAXON_LOG_LEVEL": "DEBUG",
})
os.environ.pop("POLYAXON_TASK_INFO", None)
show("changed")
os.environ["POLYAXON_IS_MANAGED"] = "true"
show("POLYAXON_IS_MANAGED set")
os.environ["POLYAXON_NO_OP"] = "true"
show("POLYAXON_NO_OP set")
