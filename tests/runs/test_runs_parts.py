"""The pieces of ``plx-runs`` that need no process: formatting, the sparkline, time parsing, reading a
``metrics.jsonl`` that is being written, the order of uploads, error messages (no polyaxon needed)."""
from __future__ import annotations

import datetime
import json
import os

import pytest

from polyaxon_helper_compat._runs import push
from polyaxon_helper_compat._runs.store import RowReader, parse_time
from polyaxon_helper_compat._runs.view import format_duration, format_number, format_size, sparkline


@pytest.mark.parametrize(("value", "text"), [
    pytest.param(0.14285714285714285, "0.1429", id="4 significant digits"),
    pytest.param(7.0, "7", id="integral float"),
    pytest.param(123456.7, "1.235e+05", id="large"),
    pytest.param(None, "-", id="none"),
    pytest.param(True, "True", id="bool"),
    pytest.param("sgd", "sgd", id="text"),
    pytest.param(float("nan"), "nan", id="nan"),
])
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "-"), (-0.5, "0ms"), (0.0412, "41ms"), (1.55, "1.6s"), (59.94, "59.9s"), (187, "3m07s"), (7500, "2h05m"), (3 * 86400 + 4 * 3600, "3d04h"),
])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_size():
    assert [format_size(n) for n in (0, 1023, 1536, 12 * 1024 ** 2, 3 * 1024 ** 4)] == [
        "0 B", "1023 B", "1.5 KB", "12.0 MB", "3072.0 GB"]


def test_sparkline():
    assert sparkline([]) == ""
    assert sparkline([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]) == "▁▂▃▄▅▆▇█"
    assert sparkline([3.0, 3.0, 3.0]) == "▄▄▄"
    assert sparkline([0.0, 1.0], ascii_only=True) == "_#"
    # more values than the width: averaged in equal buckets, still lowest to highest
    line = sparkline([float(i) for i in range(1000)], width=40)
    assert len(line) == 40 and line[0] == "▁" and line[-1] == "█" and list(line) == sorted(line)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-30 10:06:50.945057+00:00", datetime.datetime(2026, 11, 30, 10, 6, 50, 945057, datetime.timezone.utc)),
    ("2026-11-30 10:06:50+00:00", datetime.datetime(2026, 11, 30, 10, 6, 50, tzinfo=datetime.timezone.utc)),
    ("2026-11-30T10:06:50Z", datetime.datetime(2026, 11, 30, 10, 6, 50, tzinfo=datetime.timezone.utc)),
    ("2026-11-30T10:06:50", datetime.datetime(2026, 11, 30, 10, 6, 50, tzinfo=datetime.timezone.utc)),
    ("yesterday", None), (None, None), (1764496933.4, None),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def test_a_file_being_written_is_read_up_to_where_it_was(tmp_path):
    path = tmp_path / "metrics.jsonl"
    rows = ['{"created_at": "2026-11-30 10:06:5%d+00:00", "values": {"loss": %d}}\n' % (i, i) for i in range(3)]
    path.write_text("".join(rows))
    end = len(rows[0]) + len(rows[1]) + 10  # a scan that began when the third row was 10 bytes in
    reader = RowReader(str(path), end=end)
    assert [values for _, _, values in reader] == [{"loss": 0}, {"loss": 1}]
    assert reader.cut_last_line and reader.problems == [] and reader.consumed == end
    assert [line for line, _, _ in RowReader(str(path))] == [1, 2, 3]
    assert list(RowReader(str(tmp_path / "missing.jsonl"))) == []


def test_outputs_are_uploaded_parents_first_and_too_large_files_apart():
    files = [("a.txt", 1), ("ckpt/deep/x.bin", 2), ("ckpt/e1.bin", 3), ("huge.bin", 100), ("logs/l.txt", 4)]
    folders, too_large = push.upload_folders(files, upload_max=50)
    assert folders == [("", [("a.txt", 1)]), ("ckpt", [("ckpt/e1.bin", 3)]), ("logs", [("logs/l.txt", 4)]),
                       ("ckpt/deep", [("ckpt/deep/x.bin", 2)])]
    assert too_large == [("huge.bin", 100)]


class _Online:
    """Records the upload calls polyaxon's RunClient would get; answers with ``status``."""

    def __init__(self, status=200):
        self.calls, self.status = [], status

    def _answer(self):
        return type("Response", (), {"status_code": self.status, "text": "refused: disk full"})()

    def upload_artifacts(self, files, path, overwrite, relative_to, dereference):
        self.calls.append(("archive", path, [os.path.relpath(f, relative_to) for f in files], overwrite))
        return self._answer()

    def upload_artifact(self, filepath, path, untar, overwrite, show_progress):
        self.calls.append(("file", path, os.path.basename(filepath), overwrite))
        return self._answer()


def test_a_folder_is_one_archive_unless_it_is_larger_than_a_batch(monkeypatch):
    online, steps = _Online(), []
    push.Pusher._upload_folder(online, "/o/ckpt", "outputs/ckpt", [("a", 10), ("b", 20)], steps.append)
    assert online.calls == [("archive", "outputs/ckpt", ["a", "b"], True)] and len(steps) == 1
    monkeypatch.setattr(push, "BATCH_BYTES", 25)
    online, steps = _Online(), []
    push.Pusher._upload_folder(online, "/o/ckpt", "outputs/ckpt", [("a", 10), ("b", 20)], steps.append)
    assert online.calls == [("file", "outputs/ckpt", "a", True), ("file", "outputs/ckpt", "b", True)]
    assert len(steps) == 2


def test_a_refused_upload_raises():
    with pytest.raises(push.UploadError, match=r"^the artifacts upload answered HTTP 507: refused: disk full$"):
        push.Pusher._upload_folder(_Online(507), "/o", "outputs", [("a", 1)])


def test_error_messages():
    class ApiException(Exception):
        status, reason, body = 500, "Internal Server Error", json.dumps({"detail": "boom"})

    class MaxRetryError(Exception):
        reason = "HTTPConnection(host='h', port=1): Failed to establish a new connection: [Errno 111] refused"

    refused = ApiException()
    refused.status = 401
    host = "http://127.0.0.1:8000"
    assert push.describe_error(refused, host) == (
        "http://127.0.0.1:8000 refused the credentials (HTTP 401): set POLYAXON_AUTH_TOKEN or run `polyaxon login`")
    assert push.describe_error(ApiException(), host) == (
        'http://127.0.0.1:8000 answered HTTP 500 Internal Server Error: {"detail": "boom"}')
    assert push.describe_error(MaxRetryError(), host) == (
        "cannot reach http://127.0.0.1:8000: HTTPConnection(host='h', port=1): Failed to establish a new "
        "connection: [Errno 111] refused")
    assert push.describe_error(ValueError("bad\n value"), host) == "ValueError: bad value"


def test_code_ref_in_v2_shape():
    local = {"commit": "abc", "head": "abc", "branch": "main", "git_url": "git@github.com:acme/mnist.git",
             "is_dirty": True}
    assert push._code_ref(local) == {"commit": "abc", "branch": "main", "url": "https://github.com/acme/mnist",
                                     "head": "abc", "is_dirty": True}
    assert push._code_ref({"commit": "", "branch": "main"}) is None and push._code_ref(None) is None
