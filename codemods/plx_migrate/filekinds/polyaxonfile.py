"""Polyaxon v0 polyaxonfiles: ``pip install`` in ``build_steps`` and ``run.cmd``, edited as text (D1, D12).

A YAML file is a v0 polyaxonfile when a document has ``version:`` and a v0 ``kind:`` (experiment, group, job,
build, notebook, tensorboard, pipeline). Its ``build_steps`` (under ``build:`` or anywhere else) and
``run: cmd:`` values are shell commands: every ``pip install`` in them goes through the package-name policy
(see ``_shell``), and only the requirement word is replaced in the file's text; the document is never
re-serialised, so comments, quoting, ``{{ }}`` templates and backslash continuations survive (D12), and the
v0 schema itself is left alone (D1). The new text must parse to the same scalars, except the edited ones,
which must hold exactly their new commands.

Also reported (manual sites): a ``build: image: python:<X.Y>`` older than what ``polyaxon-helper-compat``
supports when the file installs the old packages (``old-python-image``), and, at stage ``polyaxon-v2``, the
v0 format itself (``polyaxonfile-v0-format``): Polyaxon v1/v2 read another format, which this tool does not
write. A YAML file that is not a polyaxonfile is left alone, except a conda environment file, which is handed
to the ``environment_yml`` kind.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from plx_migrate.filekinds import _yaml, environment_yml
from plx_migrate.filekinds._deps import lists_helper, mentions_polyaxon, old_python_reason, target
from plx_migrate.filekinds._result import FileError, FileResult, Recorder
from plx_migrate.filekinds._shell import plan_shell
from plx_migrate.filekinds._text import Edit
from plx_migrate.filekinds.dockerfile import python_of_image

__all__ = ["KIND", "PATTERNS", "V0_KINDS", "migrate"]

KIND = "polyaxonfile"
PATTERNS = ("*.yml", "*.yaml")

V0_KINDS = frozenset({"experiment", "group", "job", "build", "notebook", "tensorboard", "pipeline"})
_TOP_KEY = re.compile(r"^(kind|dependencies)\s*:", re.MULTILINE)
V0_FORMAT = ("Polyaxon v0 polyaxonfile (kind: {kind}): Polyaxon v1/v2 read another format (kind: component or"
             " operation); convert it by hand, plx-migrate does not")


def _scalars_of(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        yield from (item for item in node.value if isinstance(item, yaml.ScalarNode))


def _shell_scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """The scalars holding shell commands: every ``build_steps`` value, and ``cmd`` under ``run``."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name == "build_steps":
                yield from _scalars_of(value)
            elif name == "run":
                yield from _scalars_of(_yaml.get(value, "cmd"))
            if name != "build_steps":
                yield from _shell_scalars(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _shell_scalars(item)


def migrate(text: str, stage: str, *, path: str = "polyaxonfile.yml") -> FileResult:
    """Rewrite the ``pip install`` lines of one polyaxonfile's ``text`` for ``stage`` (see the module docstring)."""
    target(stage)
    if _TOP_KEY.search(text) is None or (stage != "polyaxon-v2" and not mentions_polyaxon(text)):
        return FileResult(text=text)
    try:
        docs = _yaml.compose(text)
    except yaml.YAMLError as exc:
        if mentions_polyaxon(text) and re.search(r"^version\s*:", text, re.MULTILINE):
            mark = getattr(exc, "problem_mark", None)
            reason = f"cannot parse: {getattr(exc, 'problem', None) or exc}"
            return FileResult(text=text, error=FileError(reason, mark and mark.line + 1, mark and mark.column + 1))
        return FileResult(text=text)
    if docs and environment_yml.is_environment(docs[0]):
        return environment_yml.migrate(text, stage, path=path)
    record = Recorder(text)
    helper_listed = lists_helper(text)
    expected: dict[_yaml.Path, str] = {}
    for doc_index, root in enumerate(docs):
        kind = _yaml.get(root, "kind")
        if not (isinstance(kind, yaml.ScalarNode) and kind.value in V0_KINDS and _yaml.get(root, "version")):
            continue
        paths = {id(node): node_path for node_path, node in _yaml.scalars(root, (doc_index,))}
        installs_v0 = False
        for node in _shell_scalars(root):
            plan = plan_shell(node.value, stage, quote="'" if node.style == '"' else '"', helper_listed=helper_listed)
            installs_v0 |= plan.installs_v0
            for offset, reason, rule in plan.notes:
                record.report(_yaml.text_offset(text, node, offset), reason, rule)
            value_edits = [Edit(start, end, new) for start, end, new, _ in plan.edits]
            edits = _yaml.scalar_edits(text, node, value_edits) if value_edits else []
            if edits is None:
                record.report(node.start_mark.index, "this command installs a v0 package but its YAML text cannot"
                              " be edited safely: rewrite it by hand", "unparsed-requirement")
                continue
            for edit, (_, _, _, rule) in zip(edits, plan.edits):
                record.edit(edit.start, edit.end, edit.new, rule)
            if edits:
                expected[paths[id(node)]] = _yaml.value_with(node, value_edits)
        image = _yaml.get(_yaml.get(root, "build"), "image")
        python = python_of_image(image.value) if isinstance(image, yaml.ScalarNode) else None
        if installs_v0 and image is not None and python is not None:
            too_old = old_python_reason(python, "base image", stage)
            if too_old is not None:
                record.report(image.start_mark.index, too_old, "old-python-image")
        if stage == "polyaxon-v2":
            record.report(kind.start_mark.index, V0_FORMAT.format(kind=kind.value), "polyaxonfile-v0-format")
    result = record.result()
    if result.changed and not _yaml.verify(text, result.text, expected):
        return FileResult(text=text, error=FileError("not rewritten, the edited YAML did not check out"))
    return result
