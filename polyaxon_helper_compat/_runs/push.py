"""``plx-runs push``: create one Polyaxon v2 run per local run, with polyaxon's own client.

The deployment is the one polyaxon's client configuration names: ``POLYAXON_HOST`` (or ``polyaxon config set
--host``), the token from ``POLYAXON_AUTH_TOKEN`` (or ``polyaxon login``); ``polyaxon`` is imported here only,
when a push starts (``pip install 'polyaxon-helper-compat[polyaxon-v2]'``). This is Polyaxon's own path for runs
made elsewhere (offline mode, then ``polyaxon ops push``): a ``RunClient`` in offline mode builds the run
(``V1Run`` and its lineage) from the local files, and the steps of ``RunClient.push_offline_run`` send it:
``runs_v1.sync_run`` (which keeps the original ``created_at``), ``log_artifact_lineage``, ``upload_artifacts``.

What a local run becomes (v0 -> v2 as the ``polyaxon-v2`` backend maps it, shared research §1):

- ``name`` (the local run id when unnamed), ``description``, ``tags``; ``params.json`` -> ``inputs`` (names as
  ``to_fqn_name`` makes them);
- every ``metrics.jsonl`` row -> one event per metric in ``events/metric/<name>.plx`` (written by traceml's
  ``EventWriter``), at the row's ``step`` value (v2's x-axis: no ``step`` metric is stored), or at the row's index
  (0-based, among readable rows) when the row has no usable ``step``, with the row's own ``created_at`` as the
  event time; a ``step`` v2 refuses (``1.5``) and a ``timestamp`` key become metrics of that name; values that
  are not numbers (``null`` for NaN/infinity) are counted and left out; the last values -> ``outputs``, and a
  metric lineage entry with its summary per metric (``sync_events_summaries``);
- the status history -> status conditions with their original times (statuses v2 does not know are left out
  with a note); a run recorded as running whose process is gone gets a last ``failed`` condition, reason
  ``ProcessGone``, at its last activity;
- ``data_refs`` ``{name: hash}`` -> data lineage (``log_data_ref(name, hash=)``); ``code_ref`` -> a code
  reference lineage (``log_code_ref``); ``run_env`` -> ``outputs/env.json`` and an ``env`` lineage entry (as v2's
  ``log_env``);
- the files of ``outputs/`` -> uploaded under ``outputs/``, and one ``file``/``dir`` lineage entry per top-level
  entry (as v2's ``log_artifact`` records them). The artifacts API replaces the folder (or file) an upload
  targets, so each folder is sent as one archive, parents before children (a folder of more than 50 MB file by
  file), and the environment file last: a push leaves the run's ``outputs/`` and ``events/`` as the local run's.

Pushing again never duplicates: ``pushed.json`` in the run folder (written here only; ``run.json`` is the
local backend's) remembers, per destination (``"<host> <owner>/<project>"``), the v2 run's uuid, how far the
push got and a fingerprint of what was pushed. It is written before anything is sent, so an interrupted push
resumes into the same v2 run: an unchanged run is skipped; a run that changed since (it was still running) is
updated in place (inputs, outputs, tags, new statuses, lineage, event files and outputs overwritten).
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import shutil
import socket
import tempfile
import uuid as uuid_module
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from polyaxon_helper_compat._runs.store import FINAL_STATUSES, LocalRun, RowReader, parse_time

__all__ = [
    "MIN_POLYAXON",
    "PUSHED_FILE",
    "PushError",
    "PushOutcome",
    "Pusher",
    "destination_key",
    "load_polyaxon",
    "upload_folders",
]

MIN_POLYAXON = "2.0"
PUSHED_FILE = "pushed.json"
#: a folder of at most this many bytes is uploaded as one archive, a larger one file by file (polyaxon warns
#: above 50 MB per upload)
BATCH_BYTES = 50 * 1024 * 1024
#: polyaxon's own cap on one upload (``POLYAXON_UPLOAD_SIZE``, default 500 MB; ``polyaxon/_client/store.py``)
DEFAULT_UPLOAD_MAX = 500 * 1024 * 1024
#: event rows buffered before they are appended to the event files
_FLUSH_ROWS = 10000
_EXTRA = "pip install 'polyaxon-helper-compat[polyaxon-v2]'"


class PushError(Exception):
    """A problem that stops the whole push before any run is sent: polyaxon missing or unusable, the host
    unreachable, the token refused, the project missing. The message says what to do."""


@dataclass
class PushOutcome:
    """What happened to one local run: ``action`` is ``created``, ``updated``, ``unchanged`` or ``failed``;
    ``uuid`` the v2 run; ``rows``/``events``/``files`` what was sent; ``notes`` things worth knowing;
    ``attention`` things that need the user (they make the exit code 1); ``error`` why it failed."""

    run: LocalRun
    action: str = "failed"
    uuid: str | None = None
    rows: int = 0
    events: int = 0
    files: int = 0
    notes: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    error: str | None = None


def load_polyaxon() -> str:
    """Check that polyaxon's client can be used here and import it; return its version.

    Raises :class:`PushError` when polyaxon (>= :data:`MIN_POLYAXON`) or pandas (which its event summaries
    need) is not installed, or when a polyaxon boolean variable has a value that would make polyaxon's import
    purge the user's client configuration (``POLYAXON_NO_OP=maybe``).
    """
    from importlib.metadata import PackageNotFoundError, version

    from packaging.version import InvalidVersion, Version

    from polyaxon_helper_compat.backends.polyaxon_v2 import bad_booleans

    try:
        found = version("polyaxon")
    except PackageNotFoundError:
        raise PushError("plx-runs push needs polyaxon's client, which is not installed: %s" % _EXTRA) from None
    try:
        too_old = Version(found) < Version(MIN_POLYAXON)
    except InvalidVersion:
        too_old = True
    if too_old:
        raise PushError("plx-runs push needs polyaxon >= %s (found %s): %s" % (MIN_POLYAXON, found, _EXTRA))
    bad = bad_booleans()
    if bad:
        raise PushError("%s is not a boolean polyaxon accepts (use true or false); importing polyaxon with it "
                        "would purge your client configuration" % ", ".join(bad))
    import importlib.util

    if importlib.util.find_spec("pandas") is None:
        raise PushError("plx-runs push needs pandas (polyaxon's event summaries use it): %s" % _EXTRA)
    try:
        import polyaxon.client  # noqa: F401
        import traceml.serialization.base  # noqa: F401
    except Exception as exc:
        raise PushError("import polyaxon failed: %s: %s" % (type(exc).__name__, exc)) from exc
    return found


def destination_key(host: str, project: str) -> str:
    """The ``pushed.json`` key of a destination: ``"<host without trailing slash> <owner>/<project>"``."""
    return "%s %s" % (host.rstrip("/"), project)


def _write_json(path: str, data: Any) -> None:
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def describe_error(exc: BaseException, host: str) -> str:
    """One line for an error raised by polyaxon's client: unreachable host, refused token, HTTP status and the
    server's answer, or the exception itself."""
    status = getattr(exc, "status", None)
    if isinstance(status, int) and status:
        if status in (401, 403):
            return ("%s refused the credentials (HTTP %d): set POLYAXON_AUTH_TOKEN or run `polyaxon login`"
                    % (host, status))
        body = " ".join(str(getattr(exc, "body", "") or "").split())[:200]
        return "%s answered HTTP %d %s%s" % (host, status, getattr(exc, "reason", "") or "",
                                            ": " + body if body else "")
    names = {t.__name__ for t in type(exc).__mro__}
    if names & {"MaxRetryError", "NewConnectionError", "ConnectionError", "ProtocolError", "ConnectTimeoutError",
                "ReadTimeoutError", "TimeoutError"}:
        reason = getattr(exc, "reason", None) or exc
        return "cannot reach %s: %s" % (host, " ".join(str(reason).split())[:200])
    return "%s: %s" % (type(exc).__name__, " ".join(str(exc).split())[:300])


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """polyaxon prints upload progress bars on stdout (rich), and traceml's event summaries make pandas warn
    (``Could not infer format``): keep both out of plx-runs' output, for the duration of one push."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _v2_status_names() -> set[str]:
    from polyaxon.schemas import V1Statuses

    return {s.value for s in V1Statuses}


def _code_ref(ref: dict[str, Any] | None) -> dict[str, Any] | None:
    """The local ``code_ref`` in v2's shape (``commit``, ``branch``, ``url`` as https, plus ``head`` and
    ``is_dirty``), or ``None`` without a commit."""
    if not ref or not ref.get("commit"):
        return None
    url = str(ref.get("git_url") or ref.get("url") or "")
    if "git@" in url:  # git@github.com:x/y.git -> https://github.com/x/y, as polyaxon's get_code_reference
        url = "https://" + url.split("git@")[1].split(".git")[0].replace(":", "/")
    out = {"commit": ref["commit"], "branch": ref.get("branch"), "url": url or None}
    for key in ("head", "is_dirty"):
        if key in ref:
            out[key] = ref[key]
    return out


@dataclass
class _Plan:
    """What pushing one run involves, computed before anything is sent (for the progress bar's length)."""

    run: LocalRun
    fingerprint: str
    folders: list[tuple[str, list[tuple[str, int]]]]
    too_large: list[tuple[str, int]]
    state: dict[str, Any] | None
    liveness: str | None
    #: why ``pushed.json`` cannot be read (the run is then not pushed: it would become a second v2 run)
    error: str | None = None

    @property
    def units(self) -> int:
        """Steps of the progress bar: the run data, the metric events, each upload of outputs/."""
        return 2 + sum(_requests(files) for _, files in self.folders)


class Pusher:
    """Push local runs to ``owner/project`` on the deployment polyaxon's client configuration names.

    Args:
        project: ``"owner/name"``.

    Call :func:`load_polyaxon` first. :meth:`check` verifies the host, the token and the project;
    :meth:`plan` and :meth:`push` do one run each.
    """

    def __init__(self, project: str) -> None:
        from polyaxon import settings
        from polyaxon.client import PolyaxonClient

        self.owner, _, self.name = project.partition("/")
        self.project = project
        if settings.CLIENT_CONFIG.no_op:
            raise PushError("POLYAXON_NO_OP is set: polyaxon's client would ignore every call; unset it to push")
        self.client = PolyaxonClient()
        self.host = str(self.client.config.host).rstrip("/")
        self.key = destination_key(self.host, project)
        self.upload_max = _upload_max()
        self._statuses = _v2_status_names()

    # -- the deployment ----------------------------------------------------------------------------------
    def check(self) -> None:
        """Read the project once: raises :class:`PushError` when the host cannot be reached, refuses the token
        or has no such project (with the command that creates it)."""
        try:
            self.client.projects_v1.get_project(self.owner, self.name)
        except Exception as exc:
            if getattr(exc, "status", None) == 404:
                raise PushError("project %s does not exist on %s: create it with `polyaxon project create "
                                "--name=%s`" % (self.project, self.host, self.project)) from exc
            message = describe_error(exc, self.host)
            if message.startswith("cannot reach"):
                message += " (POLYAXON_HOST or `polyaxon config set --host=URL` names the deployment)"
            raise PushError(message) from exc

    # -- one run ------------------------------------------------------------------------------------------
    def plan(self, run: LocalRun) -> _Plan:
        """Inspect ``run`` (reads its files, sends nothing) and decide the uploads."""
        scan = run.metrics()
        outputs = run.outputs()
        liveness = run.liveness()
        digest = hashlib.sha256()
        for name in ("run.json", "params.json"):
            try:
                with open(os.path.join(run.path, name), "rb") as f:
                    digest.update(f.read())
            except OSError:
                pass
            digest.update(b"\0")
        digest.update(json.dumps([scan.size, scan.rows, outputs, liveness == "gone"]).encode())
        ordered, too_large = upload_folders(outputs, self.upload_max)
        destinations, error = run.read_pushed()
        state = destinations.get(self.key)
        return _Plan(run, digest.hexdigest(), ordered, too_large, state if isinstance(state, dict) else None,
                     liveness, error)

    def push(self, plan: _Plan, advance: Callable[[str], None] = lambda step: None) -> PushOutcome:
        """Push the run of ``plan``; ``advance(step)`` is called :attr:`_Plan.units` times. Never raises for a
        run-level problem: the outcome says what failed."""
        run = plan.run
        outcome = PushOutcome(run)
        if plan.error:
            outcome.error = ("%s; not pushed: without it, this push would create a second v2 run (fix the file, or "
                             "delete it to push the run as a new one)" % plan.error)
            for _ in range(plan.units):
                advance("not pushed")
            return outcome
        state = plan.state
        if state and state.get("state") == "complete" and state.get("fingerprint") == plan.fingerprint:
            outcome.action, outcome.uuid = "unchanged", state.get("uuid")
            for _ in range(plan.units):
                advance("unchanged")
            return outcome
        known = state.get("uuid") if state else None
        uuid: str = known if isinstance(known, str) and known else uuid_module.uuid4().hex
        outcome.uuid = uuid
        pushed_path = os.path.join(run.path, PUSHED_FILE)
        record = dict(state or {}, host=self.host, project=self.project, uuid=uuid)
        record.setdefault("state", "creating")
        try:
            self._remember(run, record)
        except OSError as exc:
            outcome.error = ("cannot write %s (%s): a push that is not remembered would be duplicated by the "
                             "next one; not pushed" % (pushed_path, exc.strerror or exc))
            return outcome
        staging = tempfile.mkdtemp(prefix="plx-runs-")
        try:
            with _quiet():
                self._push(plan, uuid, record, os.path.join(staging, uuid), outcome, advance)
        except Exception as exc:  # one run's failure never stops the others
            outcome.error = describe_error(exc, self.host)
            outcome.action = "failed"
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return outcome

    def _remember(self, run: LocalRun, record: dict[str, Any]) -> None:
        path = os.path.join(run.path, PUSHED_FILE)
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or not isinstance(data.get("destinations"), dict):
            data = {"destinations": {}}
        data["destinations"][self.key] = record
        _write_json(path, data)

    def _push(self, plan: _Plan, uuid: str, record: dict[str, Any], root: str, outcome: PushOutcome,
              advance: Callable[[str], None]) -> None:
        from polyaxon.client import RunClient

        run = plan.run
        offline = RunClient(owner=self.owner, project=self.name, run_uuid=uuid, client=self.client,
                            is_offline=True, manual_exceptions_handling=True)
        conditions = self._build(offline, plan, root, outcome)
        online = RunClient(owner=self.owner, project=self.name, run_uuid=uuid, client=self.client,
                           is_offline=False, manual_exceptions_handling=True)
        lineage = list(offline._artifacts_lineage.values())  # what push_offline_run sends
        created = False
        if record["state"] == "creating":
            try:
                self.client.runs_v1.sync_run(owner=self.owner, project=self.name, body=offline.run_data,
                                             async_req=False)
                created = True
            except Exception as exc:
                # an earlier push created it and was cut before it could say so: update that run
                if getattr(exc, "status", None) != 400 or "already exists" not in str(getattr(exc, "body", "")):
                    raise
            record["state"] = "created"
            self._remember(run, record)
        if not created:
            self._update(offline, online, conditions)
        if lineage:
            online.log_artifact_lineage(lineage, async_req=False)
        advance("run data")
        events = os.path.join(root, "events", "metric")
        if os.path.isdir(events):
            names = sorted(os.listdir(events))
            self._upload_folder(online, events, "events/metric",
                                [(n, os.path.getsize(os.path.join(events, n))) for n in names])
        advance("metrics")
        outputs_dir = os.path.join(run.path, "outputs")
        for folder, files in plan.folders:
            self._upload_folder(online, os.path.join(outputs_dir, folder),
                                "outputs/" + folder if folder else "outputs",
                                [(rel.rpartition("/")[2], size) for rel, size in files], advance)
            outcome.files += len(files)
        env = os.path.join(root, "outputs")
        for name in os.listdir(env) if os.path.isdir(env) else []:
            _check_upload(online.upload_artifact(os.path.join(env, name), path="outputs", untar=False,
                                                 overwrite=True, show_progress=False))
        for rel, size in plan.too_large:
            outcome.attention.append("outputs/%s (%d bytes) is larger than polyaxon's upload limit (%d bytes, "
                                     "POLYAXON_UPLOAD_SIZE): not uploaded" % (rel, size, self.upload_max))
        outcome.action = "created" if created else "updated"
        record.update(state="complete" if not plan.too_large else "created", fingerprint=plan.fingerprint,
                      pushed_at=_now(), rows=outcome.rows)
        self._remember(run, record)
        if plan.liveness == "alive":
            outcome.attention.append("still running: pushed what it recorded so far; push again when it ends")
        elif plan.liveness == "unknown":
            outcome.notes.append("recorded as %s on another host (%s): pushed as it is"
                                 % (run.status, run.run_env.get("hostname") or "?"))

    @staticmethod
    def _upload_folder(online: Any, local: str, remote: str, files: list[tuple[str, int]],
                       advance: Callable[[str], None] = lambda step: None) -> None:
        """Upload ``files`` (names in ``local``, sizes) to ``remote``: as one archive that replaces ``remote`` when
        they fit in :data:`BATCH_BYTES`, else one by one (each replaces its own file)."""
        if _requests(files) == 1:
            _check_upload(online.upload_artifacts(files=[os.path.join(local, name) for name, _ in files], path=remote,
                                                  overwrite=True, relative_to=local, dereference=True))
            advance("outputs")
            return
        for name, _ in files:
            _check_upload(online.upload_artifact(os.path.join(local, name), path=remote, untar=False,
                                                 overwrite=True, show_progress=False))
            advance("outputs")

    def _update(self, offline: Any, online: Any, conditions: list[Any]) -> None:
        """Bring an existing v2 run up to date: its fields, then the status conditions it lacks. The API sets
        ``finished_at`` itself (to when the final status arrives; it cannot be written), so the run's own
        ``duration`` is written after the statuses."""
        data = offline.run_data
        online.update({"name": data.name, "description": data.description, "tags": data.tags or [],
                       "inputs": data.inputs or {}, "outputs": data.outputs or {}, "meta_info": data.meta_info or {}},
                      async_req=False)
        _, existing = online.get_statuses()
        seen = {(c.type, _ms(c.last_transition_time)) for c in existing or []}
        for condition in conditions:
            if (condition.type, _ms(condition.last_transition_time)) in seen:
                continue
            self.client.runs_v1.create_run_status(owner=self.owner, project=self.name, uuid=online.run_uuid,
                                                  body={"condition": condition}, async_req=False)
        if data.duration is not None:
            online.update({"duration": data.duration, "wait_time": data.wait_time}, async_req=False)

    # -- building the v2 run offline ----------------------------------------------------------------------
    def _build(self, offline: Any, plan: _Plan, root: str, outcome: PushOutcome) -> list[Any]:
        """Fill ``offline`` (an offline ``RunClient``) with the run: fields, conditions, lineage; write the event
        files and ``outputs/env.json`` under ``root``. Returns the status conditions."""
        from polyaxon._utils.fqn_utils import to_fqn_name
        from polyaxon.schemas import V1StatusCondition
        from traceml.artifacts import V1ArtifactKind, V1RunArtifact

        run = plan.run
        offline.create(name=run.name or run.id, description=run.description, tags=run.tags or None)
        data = offline.run_data
        data.inputs = {to_fqn_name(str(k)): v for k, v in run.params.items()} or None
        created_at = run.created_at or datetime.datetime.now(datetime.timezone.utc)
        data.created_at = created_at
        conditions = []
        for entry in run.statuses:
            status = entry["status"]
            if status not in self._statuses:
                outcome.notes.append("status %r has no Polyaxon v2 equivalent: not pushed" % status)
                continue
            message = "\n".join(str(entry[k]) for k in ("message", "traceback") if entry.get(k)) or None
            when = parse_time(entry.get("created_at")) or created_at
            conditions.append(V1StatusCondition.model_construct(
                type=status, status=True, reason="LocalRun", message=message, last_transition_time=when,
                last_update_time=when))
        if plan.liveness == "gone":
            when = run.last_activity() or created_at
            conditions.append(V1StatusCondition.model_construct(
                type="failed", status=True, reason="ProcessGone", last_transition_time=when, last_update_time=when,
                message="recorded as %s, but its process (pid %s on %s) ended without a final status: killed or "
                        "crashed" % (run.status, run.run_env.get("pid"), run.run_env.get("hostname"))))
            outcome.notes.append("its process is gone without a final status: pushed as failed (ProcessGone)")
        data.status_conditions = conditions or None
        data.status = conditions[-1].type if conditions else "created"
        started = next((c.last_transition_time for c in conditions if c.type == "running"), None)
        if started is None and conditions:
            started = conditions[0].last_transition_time
        data.started_at = started
        if started is not None:
            data.wait_time = round(max((started - created_at).total_seconds(), 0.0), 2)
        if conditions and conditions[-1].type in FINAL_STATUSES:
            data.finished_at = conditions[-1].last_transition_time
            data.duration = round(max((data.finished_at - (started or created_at)).total_seconds(), 0.0), 2)
        meta: dict[str, Any] = {"local_run": {"id": run.id, "hostname": run.run_env.get("hostname")
                                              or socket.gethostname()}}
        # lineage: data refs, code ref, environment, outputs, metrics
        for name, digest in run.data_refs.items():
            offline.log_data_ref(name=str(name), hash=str(digest), skip_hash_calculation=True)
        code = _code_ref(run.code_ref)
        if code:
            offline.log_code_ref(code_ref=code)
        env_rel = self._write_env(run, root)
        if env_rel:
            from clipped.utils.hashing import hash_value

            offline.log_artifact_lineage(V1RunArtifact.model_construct(
                name="env", kind=V1ArtifactKind.ENV, path=env_rel, is_input=False,
                summary={"path": "%s/%s" % (offline.run_uuid, env_rel), "hash": hash_value(run.run_env)}))
        self._log_outputs_lineage(offline, run)
        if self._write_events(run, root, outcome):
            meta.update(has_metrics=True, has_events=True)
            offline.sync_events_summaries(last_check=None, events_path=os.path.join(root, "events"))
        data.meta_info = meta
        return conditions

    @staticmethod
    def _write_env(run: LocalRun, root: str) -> str | None:
        """Write ``run_env`` as ``outputs/env.json`` under ``root`` (``outputs/env.plx-runs.json`` when the run
        has its own ``env.json``); return the relative path, ``None`` without a ``run_env``."""
        if not run.run_env:
            return None
        name = "env.json"
        if os.path.exists(os.path.join(run.path, "outputs", name)):
            name = "env.plx-runs.json"
        os.makedirs(os.path.join(root, "outputs"), exist_ok=True)
        with open(os.path.join(root, "outputs", name), "w", encoding="utf-8") as f:
            json.dump(run.run_env, f, sort_keys=True, default=str)
        return "outputs/" + name

    @staticmethod
    def _log_outputs_lineage(offline: Any, run: LocalRun) -> None:
        """One ``file``/``dir`` lineage entry per top-level entry of ``outputs/``, named and hashed as v2's
        ``log_artifact`` does (base name without extension; ``hash_file``/``hash_dir``)."""
        from clipped.utils.hashing import hash_dir, hash_file
        from clipped.utils.paths import get_base_filename
        from traceml.artifacts import V1ArtifactKind, V1RunArtifact

        outputs = os.path.join(run.path, "outputs")
        try:
            entries = sorted(os.listdir(outputs))
        except OSError:
            return
        for entry in entries:
            full = os.path.join(outputs, entry)
            is_dir = os.path.isdir(full)
            rel = "outputs/" + entry
            offline.log_artifact_lineage(V1RunArtifact.model_construct(
                name=offline._sanitize_filename(get_base_filename(entry) or entry),
                kind=V1ArtifactKind.DIR if is_dir else V1ArtifactKind.FILE, path=rel, is_input=False,
                summary={"path": "%s/%s" % (offline.run_uuid, rel),
                         "hash": hash_dir(full) if is_dir else hash_file(full)}))

    @staticmethod
    def _write_events(run: LocalRun, root: str, outcome: PushOutcome) -> bool:
        """Write every metric row as v2 metric events under ``root/events/metric/``; return whether any was
        written. Counts rows and events in ``outcome``; notes values left out and names v2 renames."""
        from polyaxon._utils.fqn_utils import to_fqn_name
        from traceml.artifacts import V1ArtifactKind
        from traceml.events import LoggedEventSpec, V1Event
        from traceml.serialization.base import EventWriter

        from polyaxon_helper_compat._runs.store import _number
        from polyaxon_helper_compat.backends.polyaxon_v2 import split_reserved

        writer = EventWriter(run_path=root, backend=EventWriter.EVENTS_BACKEND)
        skipped: dict[str, int] = {}
        renamed: dict[str, str] = {}
        when = run.created_at
        reader = RowReader(os.path.join(run.path, "metrics.jsonl"), end=run.metrics().size)
        index = -1
        for index, (_line, created, values) in enumerate(reader):
            step, metrics, reserved = split_reserved(values)
            metrics.update({k: v for k, v in reserved.items() if v is not None})
            for name in (k for k, v in reserved.items() if v is None):
                skipped[name] = skipped.get(name, 0) + 1
            when = parse_time(created) or when
            events = []
            for name, value in metrics.items():
                number = _number(value)
                if number is None:
                    skipped[name] = skipped.get(name, 0) + 1
                    continue
                v2_name = to_fqn_name(str(name))
                if v2_name != name:
                    renamed[str(name)] = v2_name
                events.append(LoggedEventSpec(name=v2_name, kind=V1ArtifactKind.METRIC, event=V1Event.make(
                    step=index if step is None else step, timestamp=when, metric=number)))
            writer.write(events)
            outcome.events += len(events)
            if index % _FLUSH_ROWS == _FLUSH_ROWS - 1:
                writer.flush()
        writer.close()
        outcome.rows = index + 1
        if skipped:
            outcome.notes.append("values that are not numbers (null: NaN or infinity when logged) left out: %s"
                                 % ", ".join("%s (%d)" % item for item in sorted(skipped.items())))
        if renamed:
            outcome.notes.append("metric names Polyaxon v2 renames: %s"
                                 % ", ".join("%s -> %s" % item for item in sorted(renamed.items())))
        return outcome.events > 0


def upload_folders(outputs: list[tuple[str, int]], upload_max: int
                   ) -> tuple[list[tuple[str, list[tuple[str, int]]]], list[tuple[str, int]]]:
    """Group the files of ``outputs/`` (``(relative path, size)``) by folder, parents before children (the order
    in which uploads that replace their target folder leave every file in place); files larger than
    ``upload_max`` bytes are returned apart. Returns ``([(folder, files), ...], too_large)``; ``""`` is
    ``outputs/`` itself."""
    folders: dict[str, list[tuple[str, int]]] = {}
    too_large = []
    for rel, size in outputs:
        if size > upload_max:
            too_large.append((rel, size))
        else:
            folders.setdefault(rel.rpartition("/")[0], []).append((rel, size))
    ordered = sorted(folders.items(), key=lambda item: (item[0].count("/") if item[0] else -1, item[0]))
    return ordered, too_large


def _requests(files: list[tuple[str, int]]) -> int:
    """How many uploads a folder of ``files`` takes (see :meth:`Pusher._upload_folder`)."""
    return 1 if sum(size for _, size in files) <= BATCH_BYTES else len(files)


def _check_upload(response: Any) -> None:
    """polyaxon's upload returns the HTTP response without looking at it: raise on an error status."""
    status = getattr(response, "status_code", None)
    if status is not None and not 200 <= status < 300:
        raise UploadError("the artifacts upload answered HTTP %d: %s"
                          % (status, " ".join(str(getattr(response, "text", "")).split())[:200]))


class UploadError(Exception):
    """An upload of artifacts that the server refused."""


def _ms(when: Any) -> int | None:
    if isinstance(when, str):
        when = parse_time(when)
    if not isinstance(when, datetime.datetime):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp() * 1000)


def _upload_max() -> int:
    for name in ("POLYAXON_UPLOAD_SIZE", "POLYAXON_UPLOAD_SIZE_MAX"):
        value = os.environ.get(name)
        if value:
            try:
                return int(value)
            except ValueError:
                pass
    return DEFAULT_UPLOAD_MAX

