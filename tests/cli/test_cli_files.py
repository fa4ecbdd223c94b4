"""``plx_migrate._files``: decoding as Python does, re-encoding byte for byte, atomic writes."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from plx_migrate import _files
from plx_migrate._files import (
    FileChangedError,
    ReadOnlyFileError,
    SourceDecodeError,
    SourceEncodeError,
    decode_source,
    encode_source,
    read_source,
    write_atomic,
)


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        pytest.param(b"x = 1\n", "utf-8", "x = 1\n", id="plain utf-8"),
        pytest.param(b"x = 1\r\ny = 2\r\n", "utf-8", "x = 1\r\ny = 2\r\n", id="crlf kept"),
        pytest.param(b"x = 1\ry = 2\r", "utf-8", "x = 1\ry = 2\r", id="cr kept"),
        pytest.param(b"x = 1\ny = 2", "utf-8", "x = 1\ny = 2", id="no final newline"),
        pytest.param(b"", "utf-8", "", id="empty"),
        pytest.param(b"\xef\xbb\xbfs = '\xc3\xa9'\n", "utf-8-sig", "s = '\xe9'\n", id="utf-8 bom"),
        pytest.param(
            b"# -*- coding: latin-1 -*-\r\ns = '\xe9'\r\n",
            "iso-8859-1",
            "# -*- coding: latin-1 -*-\r\ns = '\xe9'\r\n",
            id="latin-1 cookie",
        ),
        pytest.param(
            b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\ns = '\x80'\n",
            "cp1252",
            "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\ns = '\u20ac'\n",
            id="cookie on line 2",
        ),
        pytest.param(b"x = 1\n\x0cdef f(): pass\n", "utf-8", "x = 1\n\x0cdef f(): pass\n", id="form feed"),
    ],
)
def test_decode_then_encode_round_trips(data: bytes, encoding: str, text: str) -> None:
    source = decode_source(data)
    assert (source.text, source.encoding) == (text, encoding)
    assert source.has_bom is (encoding == "utf-8-sig")
    assert encode_source(source.text, source.encoding) == data


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        pytest.param(
            b"x = 1\ns = '\xe9'\n",
            2,
            "'utf-8' codec can't decode byte 0xe9: invalid continuation byte",
            id="latin-1 bytes without cookie",
        ),
        pytest.param(b"# coding: klingon\n", 1, "unknown encoding: klingon", id="unknown cookie"),
        pytest.param(b"#!/usr/bin/python\n# coding: klingon\n", 2, "unknown encoding: klingon", id="unknown cookie line 2"),
        pytest.param(b"# caf\xe9\n", 1, "invalid or missing encoding declaration", id="non-utf-8 comment on line 1"),
        pytest.param(b"\xef\xbb\xbf# coding: latin-1\n", 1, "encoding problem: utf-8", id="bom with other cookie"),
        pytest.param(b"# coding: ascii\nx = 1\n\ns = '\xc3\xa9'\n", 4, "'ascii' codec can't decode byte 0xc3: ordinal not in range(128)", id="ascii cookie"),
    ],
)
def test_decode_errors_name_line_and_reason(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(SourceDecodeError) as info:
        decode_source(data)
    assert (info.value.line, info.value.reason) == (line, reason)


def test_encode_error_names_the_line() -> None:
    with pytest.raises(SourceEncodeError) as info:
        encode_source("a = 1\r\nb = '\u20ac'\r\n", "iso-8859-1")
    assert info.value.line == 2
    assert info.value.reason == "'latin-1' codec can't encode character '\u20ac': ordinal not in range(256)"


def test_read_source_reads_bytes_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"\xef\xbb\xbfa = 1\r\n")
    assert read_source(path) == _files.SourceText("a = 1\r\n", "utf-8-sig")


def test_read_source_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_source(tmp_path / "missing.py")


def test_write_atomic_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    path.chmod(0o754)
    write_atomic(path, b"new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o754
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_write_atomic_failure_leaves_original_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_write_atomic_through_symlink_rewrites_target_and_keeps_link(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    write_atomic(link, b"new\n")
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert target.read_bytes() == b"new\n"


def test_read_source_records_the_version_read(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"a = 1\n")
    st = path.stat()
    assert read_source(path).stamp == (st.st_ino, st.st_size, st.st_mtime_ns)
    assert decode_source(b"a = 1\n").stamp is None


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_write_atomic_refuses_a_file_without_write_permission_even_for_root(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    path.chmod(mode)
    with pytest.raises(ReadOnlyFileError, match="read-only file"):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_write_atomic_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    stamp = read_source(path).stamp
    path.write_bytes(b"edited meanwhile\n")
    with pytest.raises(FileChangedError):
        write_atomic(path, b"new\n", expected=stamp)
    assert path.read_bytes() == b"edited meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]
    write_atomic(path, b"new\n", expected=read_source(path).stamp)
    assert path.read_bytes() == b"new\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give a file away")
def test_write_atomic_keeps_owner_and_group(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    os.chown(path, 4321, 8765)
    write_atomic(path, b"new\n")
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 8765)
