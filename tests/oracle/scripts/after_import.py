# Variables set after `import polyaxon_helper` (by a notebook, a launcher, a test): the getters read them.
# Recorded under polyaxon-helper 0.1.9 outside a cluster (nothing set at import).
import json
import os

import polyaxon_helper

NAMES = ["get_cluster_def", "get_declarations", "get_experiment_info", "get_task_info", "get_job_info",
         "get_data_paths", "get_outputs_path", "get_outputs_refs_paths", "get_log_level", "get_internal_token"]


def show(label):
    out = {}
    for name in NAMES:
        try:
            out[name] = getattr(polyaxon_helper, name)()
        except Exception as e:
            out[name] = "<raised %s: %s>" % (type(e).__name__, e)
    print(label, json.dumps(out, sort_keys=True))


os.environ["POLYAXON_DECLARATIONS"] = '{"a": 1}'
show("declarations set")
os.environ.update({
    "POLYAXON_CLUSTER": '{"master": ["h:2000"]}',
    "POLYAXON_TASK_INFO": '{"type": "master", "index": 0}',
    "POLYAXON_RUN_OUTPUTS_PATH": "/plx-outputs/alice/mnist/7",
    "POLYAXON_EXPERIMENT_INFO": '{"experiment_name": "alice.mnist.7", "project_name": "alice.mnist"}',
    "POLYAXON_JOB_INFO": '{"job_name": "alice.mnist.jobs.2"}',
    "POLYAXON_DATA_PATHS": '{"data1": "/data/1"}',
    "POLYAXON_REFS_OUTPUTS_PATHS": '{"experiments": ["alice/mnist/3"]}',
    "POLYAXON_LOG_LEVEL": "DEBUG",
    "POLYAXON_INTERNAL_SECRET_TOKEN": "token-0",
    "POLYAXON_API": "http://api.example:8000",
})
show("all set")
print("get_api", json.dumps(polyaxon_helper.get_api()))
print("get_tf_config", json.dumps(polyaxon_helper.get_tf_config(), sort_keys=True))
os.environ["POLYAXON_DECLARATIONS"] = '{"a": 2}'
del os.environ["POLYAXON_CLUSTER"]
show("changed")
