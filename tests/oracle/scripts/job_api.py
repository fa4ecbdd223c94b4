# The v0 tracking API's Job in a v0.2+ job pod: every Job method and getter.
# Recorded under polyaxon-client 0.6.1 (tests/recordings/job_api__v0-incluster__client061.json).
# A job pod has POLYAXON_JOB_INFO instead of POLYAXON_EXPERIMENT_INFO: set here, before the import reads it.
import json
import os

os.environ.pop("POLYAXON_EXPERIMENT_INFO", None)
os.environ["POLYAXON_INTERNAL_HEADER_SERVICE"] = "job"
os.environ["POLYAXON_JOB_INFO"] = json.dumps({
    "project_name": "alice.mnist", "job_name": "alice.mnist.jobs.5", "project_uuid": "3b5d2e",
    "job_uuid": "7d4e1f", "role": "job", "type": "job", "app": None})
os.environ["POLYAXON_RUN_OUTPUTS_PATH"] = os.environ["POLYAXON_RUN_OUTPUTS_PATH"].replace("/7", "/jobs/5")

from _oracle_git import make_repo  # noqa: E402
from polyaxon_client.tracking import Job  # noqa: E402


def show(name, fn, *args, **kwargs):
    try:
        value = fn(*args, **kwargs)
    except Exception as e:
        value = "<raised %s: %s>" % (type(e).__name__, e)
    print(name, json.dumps(value, sort_keys=True))


job = Job()
print("job", job.username, job.project_name, job.job_id, job.job_type)
job.log_params(lr=0.1)
job.log_params(reset=True, epochs=3)
job.log_tags("etl")
job.log_data_ref(data="s3://bucket/raw", data_name="raw")
job.set_name("prepare-data")
job.set_description("Prepares the data")
job.log_run_env()
os.chdir(make_repo("repo", dirty=False))
job.log_code_ref()
os.chdir("..")
job.log_status("running", message="started")
with open("report.txt", "w") as f:
    f.write("ok")
job.log_artifact("report.txt")
show("job.get_outputs_path", job.get_outputs_path)
show("job.get_log_level", job.get_log_level)
show("Job.get_job_info", Job.get_job_info)
show("Job.get_data_paths", Job.get_data_paths)
show("Job.get_outputs_refs_paths", Job.get_outputs_refs_paths)
print("has log_metrics", hasattr(job, "log_metrics"))
job.succeeded()
job.failed(message="ignored: already succeeded")
print("last_status", job.last_status)
