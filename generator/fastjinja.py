"""A Jinja environment that renders the same text as Jinja's with less work per expression.

Rendering an archive of 100,000 papers renders ~120,000 pages; most of that time went to
Jinja's machinery around each printed expression rather than to the templates' own work.
Two class attributes of jinja2.Environment meant for overriding trim it, without a change
to a template or to a byte of output:

- ``code_generator_class``: with autoescape, a printed value is escaped to a plain str.
  Jinja makes a Markup object of each (markupsafe.escape) only to join it with the rest of
  the output; the text is the same. (This overrides CodeGenerator._output_child_pre, an
  internal method: Jinja is pinned in requirements.txt, and tests/test_golden.py compares
  every generated page byte for byte.)
- ``context_class``: a template calling a plain Python function or a built-in method
  (``paper.date.isoformat()``) calls it directly, skipping the look-ups for
  ``pass_context`` and its kind, which only functions marked with them need.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from types import BuiltinFunctionType, FunctionType
from typing import Any

from jinja2 import Environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from jinja2.runtime import Context
from markupsafe import Markup


def _escape_characters(text: str) -> str:
    """MarkupSafe's escaping of a str (markupsafe/_native.py)."""
    return (
        text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")
    )


with suppress(ImportError):  # MarkupSafe's own C version of it, where it has one (2x faster)
    from markupsafe._speedups import _escape_inner as _escape_characters  # type: ignore[no-redef]


def escape_text(value: Any) -> str:
    """``str(markupsafe.escape(value))``: the same characters escaped the same way (Markup,
    escaped already, as it is: a str)."""
    kind = type(value)
    if kind is str:
        return _escape_characters(value)
    if kind is Markup:
        return value
    if kind in _PLAIN:
        return str(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return _escape_characters(str(value))


#: types whose text holds no character to escape: numbers, and days (ISO: 2026-05-30)
_PLAIN = frozenset({int, float, date})


class _CodeGenerator(CodeGenerator):
    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_text(")  # closed by _output_child_post, as Jinja's escape( is
        else:
            super()._output_child_pre(node, frame, finalize)


class _Context(Context):
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        kind = type(__obj)
        if kind is BuiltinFunctionType or (kind is FunctionType and not hasattr(__obj, "jinja_pass_arg")):
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


class FastEnvironment(Environment):
    """A jinja2.Environment rendering the same text with less overhead (see the module)."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    escape_text = staticmethod(escape_text)
