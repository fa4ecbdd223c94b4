"""Reading and writing source files for ``plx-migrate`` without ever losing a byte.

A source file is read as bytes, its encoding is found the way Python itself finds it
(:func:`tokenize.detect_encoding`: a PEP 263 coding cookie or a UTF-8 BOM, else UTF-8), and it is
decoded *without* newline translation, so CRLF and a missing final newline survive the round trip.
It is written back with the same encoding (``utf-8-sig`` puts the BOM back) through a temporary file
in the same directory and :func:`os.replace`, so a file is either the old bytes or the new bytes,
never half-written, and it keeps its permission bits (and its owner, when allowed). A file without
write permission is never written, even by root (for whom permission bits do not stop a write), and
a file that changed on disk since it was read is not overwritten.

Only the CLI imports this module; it needs nothing outside the standard library.
"""
from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass, field

__all__ = [
    "FileChangedError",
    "FileStamp",
    "ReadOnlyFileError",
    "SourceDecodeError",
    "SourceEncodeError",
    "SourceText",
    "decode_source",
    "encode_source",
    "is_writable",
    "read_source",
    "write_atomic",
]


class SourceDecodeError(ValueError):
    """The bytes of a file cannot be turned into text.

    ``line`` is the 1-based line where the problem is (the coding cookie's line for a bad declaration),
    ``reason`` a one-line explanation without the file name.
    """

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"{line}: {reason}")
        self.line = line
        self.reason = reason


class SourceEncodeError(ValueError):
    """New text cannot be written in the file's encoding (e.g. a non-Latin-1 character in a Latin-1 file).

    ``line`` is the 1-based line of the first character that does not fit, in the new text.
    """

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"{line}: {reason}")
        self.line = line
        self.reason = reason


class ReadOnlyFileError(PermissionError):
    """The file has no write permission bit (or :func:`os.access` denies writing it): it is not written."""


class FileChangedError(OSError):
    """The file changed on disk between reading it and writing it back: it is not overwritten."""


#: What identifies one version of a file on disk: ``(st_ino, st_size, st_mtime_ns)``.
FileStamp = tuple[int, int, int]


def _stamp(st: os.stat_result) -> FileStamp:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class SourceText:
    """The decoded text of a source file and what is needed to write it back identically.

    ``encoding`` is the codec name from :func:`tokenize.detect_encoding`; it is ``"utf-8-sig"`` when the
    file starts with a UTF-8 BOM (the BOM is not part of ``text`` and is restored on encoding).
    ``stamp`` identifies the version read from disk (``None`` when decoded from bytes); it does not take
    part in comparisons.
    """

    text: str
    encoding: str
    stamp: FileStamp | None = field(default=None, compare=False)

    @property
    def has_bom(self) -> bool:
        """Whether the file started with a UTF-8 byte order mark."""
        return self.encoding == "utf-8-sig"


def read_source(path: str | os.PathLike[str]) -> SourceText:
    """Read the Python source file at ``path`` and decode it as the interpreter would, newlines untouched.

    Returns a :class:`SourceText`. Raises :class:`OSError` when the file cannot be read and
    :class:`SourceDecodeError` when its encoding declaration is invalid or its bytes do not decode.
    """
    with open(path, "rb") as f:
        stamp = _stamp(os.fstat(f.fileno()))
        data = f.read()
    source = decode_source(data)
    return SourceText(source.text, source.encoding, stamp)


def decode_source(data: bytes) -> SourceText:
    """Decode the bytes of a Python source file (see :func:`read_source`); raises :class:`SourceDecodeError`."""
    stream = io.BytesIO(data)
    lines_read = 0

    def readline() -> bytes:
        nonlocal lines_read
        lines_read += 1
        return stream.readline()

    try:
        encoding, _ = tokenize.detect_encoding(readline)
    except SyntaxError as exc:
        # detect_encoding reads at most two lines and fails on the last one it read.
        raise SourceDecodeError(lines_read, exc.msg) from exc
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reason = f"{exc.encoding!r} codec can't decode byte 0x{data[exc.start]:02x}: {exc.reason}"
        raise SourceDecodeError(line, reason) from exc
    return SourceText(text=text, encoding=encoding)


def encode_source(text: str, encoding: str) -> bytes:
    """Encode ``text`` with ``encoding`` (as found by :func:`read_source`; ``utf-8-sig`` adds the BOM).

    Newlines are not translated. Raises :class:`SourceEncodeError` when a character does not fit the encoding.
    """
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        reason = f"{exc.encoding!r} codec can't encode character {text[exc.start]!r}: {exc.reason}"
        raise SourceEncodeError(line, reason) from exc


def is_writable(st: os.stat_result, path: str | os.PathLike[str]) -> bool:
    """Whether the file ``path`` (whose :func:`os.stat` is ``st``) may be written by us.

    False when no write permission bit is set at all (a read-only file, whoever we are: root ignores the
    bits, this does not) or when :func:`os.access` says we may not write it.
    """
    return bool(st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)


def write_atomic(path: str | os.PathLike[str], data: bytes, *, expected: FileStamp | None = None) -> None:
    """Replace the contents of the existing file at ``path`` with ``data``, atomically.

    The bytes go to a temporary file in the same directory, which then replaces the target with
    :func:`os.replace`; the target's permission bits are kept, and its owner and group when we may set
    them. A symbolic link is resolved first, so the link stays a link and its target is rewritten.
    Raises :class:`ReadOnlyFileError` (nothing written) when the target is not writable (see
    :func:`is_writable`), :class:`FileChangedError` when ``expected`` (a :attr:`SourceText.stamp`) is given
    and the file on disk is no longer that version. On any error the temporary file is removed, the
    original is left as it was, and the error (an :class:`OSError`) propagates.
    """
    target = os.path.realpath(path)
    st = os.stat(target)
    if not is_writable(st, target):
        raise ReadOnlyFileError(errno.EACCES, "read-only file", os.fspath(path))
    mode = stat.S_IMODE(st.st_mode)
    directory, name = os.path.split(target)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".plx-migrate.tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:  # not allowed to give it away: the new file is ours, its content is what matters
                pass
        if expected is not None and _stamp(os.stat(target)) != expected:
            raise FileChangedError(errno.EAGAIN, "changed on disk while being migrated", os.fspath(path))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
