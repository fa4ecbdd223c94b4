"""Dockerfiles: ``RUN pip install polyaxon-helper`` rewritten in place (D6), old Python base images reported.

Instructions are read as BuildKit reads them: parser directives at the top (``# escape=`` may make the
backtick the line-continuation character), an instruction continues while its line ends with the escape
character, comment lines inside a continuation are dropped, a ``RUN <<EOF`` heredoc runs to its delimiter.
In a shell-form ``RUN`` every ``pip install`` command (inside ``&&`` chains and continuations too) goes through
the package-name policy, and only the requirement word is replaced (quoted when the shell needs it); an
exec-form ``RUN ["pip", "install", ...]`` gets the new JSON string. Nothing else is rewritten.

When a stage installs ``polyaxon-helper``/``polyaxon-client`` and its base image is ``python:<X.Y>`` older
than what ``polyaxon-helper-compat`` supports (3.9), the ``FROM`` line is reported (rule ``old-python-image``),
not rewritten: moving the image is the user's call. ``ARG`` defaults declared before the first ``FROM`` and
stage names (``FROM base AS train``) are resolved for that check.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from plx_migrate.filekinds._deps import lists_helper, mentions_polyaxon, old_python_reason, target
from plx_migrate.filekinds._result import FileResult, Recorder
from plx_migrate.filekinds._shell import ShellPlan, Word, commands, plan_commands, render_shell
from plx_migrate.filekinds._text import split_lines

__all__ = ["KIND", "PATTERNS", "Instruction", "instructions", "migrate", "python_of_image"]

KIND = "dockerfile"
PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "dockerfile", "Containerfile",
            "Containerfile.*")

_DIRECTIVE = re.compile(r"#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][\w.-]*)\1")
_IMAGE_PYTHON = re.compile(r"(?:[\w.\-]+(?::\d+)?/)?(?:library/)?python:(\d+)\.(\d+)(?![\d])", re.IGNORECASE)
_VARIABLE = re.compile(r"\$(?:\{(\w+)(?::?[-+][^}]*)?\}|(\w+))")


@dataclass(frozen=True)
class Instruction:
    """One instruction: ``keyword`` (upper case), the offset of its first character, and its body.

    ``body`` is the text after the keyword to the end of the instruction (continuations included), starting
    at ``body_start``; ``scan`` is an equally long copy with continuations and inner comment lines blanked.
    """

    keyword: str
    start: int
    body_start: int
    body: str
    scan: str


def _escape(lines: list[str]) -> str:
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            return match.group(2)
    return "\\"


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile's ``text`` (see the module docstring)."""
    lines = split_lines(text)
    escape = _escape(lines)
    continued = re.compile(re.escape(escape) + r"[ \t]*(?:\r\n|\r|\n)?$")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    result = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        first = i
        blanks: list[tuple[int, int]] = []
        while continued.search(lines[i]) and i + 1 < len(lines):
            match = continued.search(lines[i])
            assert match is not None
            blanks.append((offsets[i] + match.start(), offsets[i + 1]))
            i += 1
            while i + 1 < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                blanks.append((offsets[i], offsets[i + 1]))
                i += 1
        keyword_match = re.match(r"\s*(\S+)", lines[first])
        assert keyword_match is not None
        keyword = keyword_match.group(1).upper()
        heredoc = _HEREDOC.search("".join(lines[first:i + 1])) if keyword == "RUN" else None
        if heredoc is not None:
            while i + 1 < len(lines) and lines[i + 1].strip() != heredoc.group(2):
                i += 1
            i += 1 if i + 1 < len(lines) else 0
        start = offsets[first] + keyword_match.start(1)
        body_start = offsets[first] + keyword_match.end(1)
        end = offsets[i] + len(lines[i].rstrip("\r\n"))
        body = text[body_start:end]
        scan = list(body)
        for blank_start, blank_end in blanks:
            for k in range(max(blank_start, body_start), min(blank_end, end)):
                scan[k - body_start] = " "
        result.append(Instruction(keyword, start, body_start, body, "".join(scan)))
        i += 1
    return result


def python_of_image(image: str) -> tuple[int, int] | None:
    """``(3, 7)`` for ``python:3.7-slim`` (also ``docker.io/library/python:3.7``), else ``None``."""
    match = _IMAGE_PYTHON.match(image)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _exec_words(body: str) -> list[Word] | None:
    """The JSON strings of an exec-form body (``["pip", "install", "x"]``) as words, ``None`` if not one."""
    decoder = json.JSONDecoder()
    i = len(body) - len(body.lstrip())
    if not body.startswith("[", i):
        return None
    words: list[Word] = []
    i += 1
    while True:
        while i < len(body) and body[i] in " \t\r\n,":
            i += 1
        if i >= len(body) or body[i] == "]":
            return words
        try:
            value, end = decoder.raw_decode(body, i)
        except json.JSONDecodeError:
            return None
        if not isinstance(value, str):
            return None
        words.append(Word(i, end, value, "json"))
        i = end


def _plan_run(body: str, scan: str, stage: str, helper_listed: bool) -> ShellPlan:
    words = _exec_words(body)
    if words is not None:
        plan = plan_commands(body, [words], stage, lambda _word, new: json.dumps(new), helper_listed=helper_listed)
        if not plan.edits and not plan.notes and mentions_polyaxon(body):
            plan.notes.append((0, "an exec-form RUN that mentions polyaxon: check it by hand", "unparsed-requirement"))
        return plan
    return plan_commands(body, commands(scan), stage, lambda word, new: render_shell(word, new, '"'),
                         helper_listed=helper_listed)


def migrate(text: str, stage: str, *, path: str = "<string>") -> FileResult:
    """Rewrite the ``pip install`` lines of one Dockerfile's ``text`` for ``stage`` (see the module docstring)."""
    target(stage)
    if not mentions_polyaxon(text):
        return FileResult(text=text)
    record = Recorder(text)
    helper_listed = lists_helper(text)
    arguments: dict[str, str] = {}
    stages: dict[str, tuple[tuple[int, int] | None, int]] = {}
    current: tuple[tuple[int, int] | None, int] | None = None
    for instruction in instructions(text):
        words = instruction.body.split()
        if instruction.keyword == "ARG" and not stages and current is None and words:
            name, _, default = words[0].partition("=")
            arguments[name] = default.strip("\"'")
        elif instruction.keyword == "FROM":
            operands = [word for word in words if not word.startswith("--")]
            if not operands:
                continue
            image = _VARIABLE.sub(lambda m: arguments.get(m.group(1) or m.group(2), m.group(0)), operands[0])
            current = stages.get(image.lower(), (python_of_image(image), instruction.start))
            if len(operands) >= 3 and operands[1].lower() == "as":
                stages[operands[2].lower()] = current
        elif instruction.keyword == "RUN":
            plan = _plan_run(instruction.body, instruction.scan, stage, helper_listed)
            for start, end, new, rule in plan.edits:
                record.edit(instruction.body_start + start, instruction.body_start + end, new, rule)
            for offset, reason, rule in plan.notes:
                record.report(instruction.body_start + offset, reason, rule)
            if plan.installs_v0 and current is not None and current[0] is not None:
                too_old = old_python_reason(current[0], "base image", stage)
                if too_old is not None:
                    record.report(current[1], too_old, "old-python-image")
    return record.result()
