# Calls every public getter of polyaxon-helper 0.1.9 (also get_api, get_internal_token) and prints the results
# as JSON, exceptions by type name. Messages the getters print come first, in call order.
import json
import os

import polyaxon_helper

CALLS = [("get_cluster_def", ()), ("get_declarations", ()), ("get_experiment_info", ()), ("get_task_info", ()),
         ("get_job_info", ()), ("get_data_paths", ()), ("get_outputs_path", ()), ("get_outputs_refs_paths", ()),
         ("get_log_level", ()), ("get_api", ()), ("get_api", ("v2",)), ("get_internal_token", ()),
         ("get_tf_config", ())]
out = {}
for name, args in CALLS:
    key = "%s(%s)" % (name, ", ".join(map(repr, args)))
    fn = getattr(polyaxon_helper, name, None)
    if fn is None:
        out[key] = "<missing>"
        continue
    try:
        out[key] = fn(*args)
    except Exception as e:
        out[key] = "<raised %s: %s>" % (type(e).__name__, e)
out["TF_CONFIG env"] = os.environ.get("TF_CONFIG")
print(json.dumps(out, indent=1, sort_keys=True))
