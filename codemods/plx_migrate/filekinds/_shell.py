"""``pip install`` in shell commands: find the requirement words and plan their rewrite.

Used for Dockerfile ``RUN`` lines, shell scripts, polyaxonfile ``build_steps``/``cmd`` and notebook ``!pip``
lines. :func:`commands` splits shell text into simple commands of :class:`Word` s, each with its span in the
text, its value once quotes are removed, and how it was quoted (backslash-newline continuations are blanks,
``&&``/``||``/``;``/``|``/newlines end a command, ``#`` at a word start begins a comment, the target of a
redirection is marked). :func:`pip_arguments` finds ``pip install`` (``pip3``, ``python -m pip``, ``uv pip``,
global options before ``install``) and classifies its arguments, skipping options and their values.
:func:`plan_shell` applies the package-name policy to each ``pip install`` command on its own (D3 and D9: only
the requirement word is replaced, every other word stays as it is; the new word is quoted when it holds
characters the shell would read, e.g. ``>``).

A word holding a ``$``/backtick expansion has no known value: when it mentions polyaxon it is reported.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from plx_migrate.filekinds._deps import Item, mentions_polyaxon, plan

__all__ = ["ShellPlan", "Word", "commands", "pip_arguments", "plan_commands", "plan_shell", "render_shell"]

_CONTINUATION = re.compile(r"\\(?:\r\n|\r|\n)")
_PIP = re.compile(r"(?:.*/)?pip(?:\d+(?:\.\d+)*)?")
#: pip options that take a value as the next word (``--opt=value`` and ``-rfile`` forms hold theirs).
_VALUE_OPTIONS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
    "-t", "--target", "--prefix", "--root", "--src", "--upgrade-strategy", "--trusted-host", "--platform",
    "--python-version", "--implementation", "--abi", "--only-binary", "--no-binary", "--progress-bar", "--log",
    "--log-file", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert", "--cache-dir",
    "--global-option", "--install-option", "--config-settings", "-C", "--python", "--report", "--root-user-action",
    "--keyring-provider", "--use-feature", "--use-deprecated", "-b", "--build", "--build-dir", "--format",
})
_EDITABLE = frozenset({"-e", "--editable"})
_SAFE_WORD = re.compile(r"[\w.\-+,:/@=%]*")
_V0_RULES = frozenset({
    "replace-v0-requirement", "merge-v0-requirement", "v0-extras", "v0-url", "v0-hashes", "v0-marker",
    "client-without-helper",
})

Role = Literal["requirement", "editable", "unknown"]


@dataclass(frozen=True)
class Word:
    """A shell word: ``text[start:end]``, its ``value`` (``None`` when it holds an expansion) and quoting.

    ``quote`` is ``'"'`` or ``"'"`` for a word that is exactly one quoted string, ``""`` for a plain word,
    ``"*"`` for anything else (escapes, mixed quoting), ``"json"`` for an exec-form JSON string.
    """

    start: int
    end: int
    value: str | None
    quote: str
    redirect: bool = False


def _continuation_end(text: str, i: int) -> int | None:
    """End of the backslash-newline starting at ``i``, or ``None``."""
    match = _CONTINUATION.match(text, i)
    return match.end() if match else None


def _skip_expansion(text: str, i: int) -> int:
    """Skip ``$(...)``, ``${...}``, `` `...` `` or ``$name`` starting at ``i``; return the index after it."""
    if text.startswith("$(", i) or text.startswith("${", i):
        opening, closing = text[i + 1], ")" if text[i + 1] == "(" else "}"
        depth, j = 0, i + 1
        while j < len(text):
            if text[j] == opening:
                depth += 1
            elif text[j] == closing:
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return j
    if text[i] == "`":
        end = text.find("`", i + 1)
        return len(text) if end < 0 else end + 1
    j = i + 1
    while j < len(text) and (text[j].isalnum() or text[j] == "_"):
        j += 1
    return max(j, i + 1)


def _word(text: str, i: int) -> tuple[int, str | None, str]:
    """Read the word starting at ``i``: ``(end, value, quote)`` (see :class:`Word`)."""
    n = len(text)
    value: list[str] = []
    quoted, plain, escaped, unknown = 0, False, False, False
    while i < n:
        c = text[i]
        if c in " \t\r\n;&|()<>":
            break
        if c == "\\":
            end = _continuation_end(text, i)
            if end is not None:
                escaped, i = True, end
            elif i + 1 < n:
                value.append(text[i + 1])
                escaped, i = True, i + 2
            else:
                i += 1
        elif c == "'":
            end = text.find("'", i + 1)
            end = n if end < 0 else end
            value.append(text[i + 1:end])
            quoted, i = quoted + 1, end + 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n and text[j + 1] in '"\\$`\n':
                    value.append(text[j + 1])
                    escaped, j = True, j + 2
                    continue
                unknown |= text[j] in "$`"
                value.append(text[j])
                j += 1
            quoted, i = quoted + 1, j + 1
        elif c in "$`":
            unknown, i = True, _skip_expansion(text, i)
        else:
            value.append(c)
            plain, i = True, i + 1
    if escaped or (quoted and plain) or quoted > 1:
        quote = "*"
    elif quoted:
        quote = text[i - 1] if i - 1 < n and text[i - 1] in "'\"" else "*"
    else:
        quote = ""
    return min(i, n), None if unknown else "".join(value), quote


def commands(text: str) -> list[list[Word]]:
    """Split shell ``text`` into simple commands, each a list of :class:`Word` (see the module docstring)."""
    result: list[list[Word]] = []
    current: list[Word] = []
    redirect = False
    i, n = 0, len(text)

    def finish() -> None:
        nonlocal current, redirect
        if current:
            result.append(current)
        current, redirect = [], False

    while i < n:
        c = text[i]
        end = _continuation_end(text, i) if c == "\\" else None
        if c in " \t":
            i += 1
        elif end is not None:
            i = end
        elif c in "\r\n;&|()":
            finish()
            i += 1
        elif c == "#":
            newline = re.compile(r"[\r\n]").search(text, i)
            i = n if newline is None else newline.start()
        elif c in "<>":
            j = i
            while j < n and text[j] in "<>&|-":
                j += 1
            while j < n and text[j] in "0123456789-" and text[j - 1] == "&":
                j += 1
            redirect = not text[i:j].endswith("&") and not re.search(r"&[0-9-]*$", text[i:j])
            i = j
        else:
            end_word, value, quote = _word(text, i)
            fd = end_word < n and text[end_word] in "<>" and value is not None and value.isdigit()
            current.append(Word(i, end_word, value, quote, redirect=redirect or fd))
            redirect = False
            i = end_word
    finish()
    return result


def pip_arguments(words: Sequence[Word]) -> list[tuple[Word, Role]] | None:
    """The arguments of the ``pip install`` in ``words`` (one command), or ``None`` when it is not one.

    Options and their values are skipped; the rest are ``requirement`` words, ``editable`` values (``-e X``),
    or ``unknown`` words (an expansion, or ``--editable=X`` that cannot be rewritten in part).
    """
    args = [word for word in words if not word.redirect]
    start = None
    for k, word in enumerate(args):
        if word.value is None or not _PIP.fullmatch(word.value):
            continue
        j = k + 1
        while j < len(args) and (args[j].value or "").startswith("-"):
            j += 2 if args[j].value in _VALUE_OPTIONS else 1
        if j < len(args) and args[j].value == "install":
            start = j + 1
            break
    if start is None:
        return None
    result: list[tuple[Word, Role]] = []
    j = start
    while j < len(args):
        word, value = args[j], args[j].value
        j += 1
        if value is None:
            result.append((word, "unknown"))
        elif value in _EDITABLE:
            if j < len(args):
                result.append((args[j], "editable"))
                j += 1
        elif value.startswith("--editable=") or (value.startswith("-e") and not value.startswith("--")):
            result.append((word, "unknown"))
        elif value.startswith("-") and len(value) > 1:
            if value in _VALUE_OPTIONS:
                j += 1
        elif value:
            result.append((word, "requirement"))
    return result


def render_shell(word: Word, new: str, quote: str = '"') -> str | None:
    """How ``new`` is written in place of ``word``: in the word's own quotes, else quoted with ``quote`` when
    the shell would read one of its characters; ``None`` when it cannot be written safely."""
    if word.quote in ("'", '"'):
        forbidden = "'" if word.quote == "'" else '"$`\\'
        return None if any(c in new for c in forbidden) else f"{word.quote}{new}{word.quote}"
    if word.quote != "":
        return None
    if _SAFE_WORD.fullmatch(new):
        return new
    for q in (quote, "'" if quote == '"' else '"'):
        if q not in new and (q == "'" or not any(c in new for c in '$`\\')):
            return f"{q}{new}{q}"
    return None


@dataclass
class ShellPlan:
    """Edits (``(start, end, new, rule)`` on the text) and notes (``(offset, reason, rule)``) for some commands.

    ``installs_v0`` is true when a ``pip install`` of ``polyaxon-helper``/``polyaxon-client`` was seen
    (rewritten or reported), which is what makes an old base image worth reporting.
    """

    edits: list[tuple[int, int, str, str]] = field(default_factory=list)
    notes: list[tuple[int, str, str]] = field(default_factory=list)
    installs_v0: bool = False


def plan_commands(
    text: str,
    cmds: Sequence[Sequence[Word]],
    stage: str,
    render: Callable[[Word, str], str | None],
    *,
    helper_listed: bool = False,
) -> ShellPlan:
    """Apply the package-name policy to every ``pip install`` among ``cmds`` (words of ``text``).

    ``render(word, new)`` writes a replacement requirement the way the context needs (shell quoting, JSON).
    A duplicate removed by D3 takes the blanks before it along (continuations included). ``helper_listed``
    is passed on to :func:`~plx_migrate.filekinds._deps.plan`.
    """
    result = ShellPlan()
    for words in cmds:
        arguments = pip_arguments(words)
        if not arguments:
            continue
        items: list[Item] = []
        item_words: list[Word] = []
        for word, role in arguments:
            if role == "unknown":
                if mentions_polyaxon(text[word.start:word.end]):
                    result.notes.append((word.start, "a pip install argument that mentions polyaxon uses shell"
                                         " expansion or an inline option value: rewrite it by hand",
                                         "unparsed-requirement"))
                continue
            items.append(Item(word.value or "", editable=role == "editable"))
            item_words.append(word)
        for action in plan(items, stage, helper_listed=helper_listed):
            word = item_words[action.index]
            result.installs_v0 |= action.rule in _V0_RULES
            if action.kind != "manual" and text[word.end:word.end + 1] in ("<", ">"):
                seen = text[word.start:word.end + 4]
                result.notes.append((word.start, "an unquoted version specifier is read by the shell as a redirection"
                                     f" ({seen}...): replace it by hand with {action.new or 'nothing'}",
                                     "unparsed-requirement"))
            elif action.kind == "manual":
                result.notes.append((word.start, action.reason, action.rule))
            elif action.kind == "replace":
                new = render(word, action.new)
                if new is None:
                    result.notes.append((word.start, f"replace this requirement by hand with {action.new} (its"
                                         " quoting cannot be kept safely)", "unparsed-requirement"))
                else:
                    result.edits.append((word.start, word.end, new, action.rule))
            else:
                previous = max((w for w in words if w.end <= word.start), key=lambda w: w.end)
                result.edits.append((previous.end, word.end, "", action.rule))
    return result


def plan_shell(
    text: str, stage: str, *, quote: str = '"', scan: str | None = None, helper_listed: bool = False
) -> ShellPlan:
    """:func:`plan_commands` over the shell commands of ``text``.

    ``scan`` is an equally long copy of ``text`` to tokenise instead (a Dockerfile instruction with its
    continuations and comment lines blanked); ``quote`` is the quote used for a new word that needs one.
    """
    scanned = text if scan is None else scan
    return plan_commands(text, commands(scanned), stage, lambda word, new: render_shell(word, new, quote),
                         helper_listed=helper_listed)
