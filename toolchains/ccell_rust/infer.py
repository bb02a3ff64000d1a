"""The type of an expression in a Rust program, read the way a reader would, for completion without
rust-analyzer.

``Typer`` types an expression such as ``line.start``, ``origin()``, ``ORIGIN``,
``Point::new(1, 2).mirrored()``, ``self`` or ``s.trim()``: a variable from its last ``let`` (its
annotation, else its initializer) or a parameter, a call from the function's return type (``Self``
is the ``impl``'s type), a field from its struct; std types' methods and fields from the std docs
(``StdDocs``), with the type's generic parameters filled in (``Option<Point>``'s ``unwrap`` is a
``Point``). Types are kept as written (``Option<&Point>``); ``type_name`` gives the path to look up.
Anything it cannot read gives None: completion then offers nothing rather than guessing.
"""

from __future__ import annotations

import re

from .declared import Local, strip_generics
from .stddocs import StdDocs

MAX_DEPTH = 40  # variables defined from variables: enough for real code, bounded for a 10,000-line cell
_IDENT = re.compile(r"[A-Za-z_]\w*|\d+")  # a field or method name; .0 of a tuple
_NAME = re.compile(r"[A-Za-z_]\w*")
_LINK = re.compile(r"\s*::\s*")
_LET = r"\blet\s+(?:mut\s+)?{name}\s*(?::\s*(?P<type>[^=;]+?))?\s*=(?!=)"
_PARAM = r"[(,]\s*(?:mut\s+)?{name}\s*:\s*(?P<type>[^,)]+)"
_STRING = re.compile(r'b?"(?:[^"\\]|\\.)*"', re.S)
_CHAR = re.compile(r"b?'(?:[^'\\]|\\.)'")
_FLOAT = re.compile(r"-?\d[\d_]*\.\d[\d_]*(?:e-?\d+)?(f32|f64)?")
_INT = re.compile(r"-?\d[\d_]*([iu](?:8|16|32|64|128|size))?(?!\w)")
_MACRO = re.compile(r"([A-Za-z_]\w*)\s*!\s*(?=[(\[{])")
_CAST = re.compile(r"as\s+(?P<type>.+)\Z", re.S)
# The signature's return type; rustdoc writes `-> Twhere E: Debug` with no space before `where`.
_RETURNS = re.compile(r"\s*->\s*(?P<type>.+?)\s*(?:where\s.*)?\Z", re.S)
_GENERICS_DECL = re.compile(r"\A\s*(?:pub\s+)?(?:struct|enum|union|trait|type)\s+\w+\s*<")
_IMPL_HEAD = re.compile(
    r"(?:\A|[;{}\]\n])\s*(?:unsafe\s+)?impl\b\s*(?:<[^{};]*?>)?\s*(?:[^{};]*?\s+for\s+)?"
    r"(?P<type>[^{};]+?)\s*(?:\bwhere\b[^{};]*)?\Z"
)
_UNWRAPPING = ("Option", "Result")  # what `?` takes the first type argument of
_INDEXED = {"Vec": 0, "VecDeque": 0, "HashMap": 1, "BTreeMap": 1}  # v[i]: which type argument


# -- types as written ---------------------------------------------------------------------------------


def _without_references(written: str) -> str:
    return re.sub(r"\A(?:&\s*(?:'\w+\s+)?(?:mut\s+)?|\*\s*(?:const|mut)\s+)+", "", written.strip())


def type_name(written: str) -> str | None:
    """The path to look a type up by: ``&'a mut Vec<T>`` -> ``Vec``; ``impl Iterator<Item = u8> +
    '_`` -> ``Iterator``; None for a tuple, an array or a slice."""
    written = re.sub(r"\A(?:impl|dyn)\s+", "", _without_references(written))
    match = re.match(r"[\w:]+", strip_generics(written))
    return match.group(0) if match else None


def type_arguments(written: str) -> list[str]:
    """``HashMap<String, Vec<u8>>`` -> ``["String", "Vec<u8>"]`` (lifetimes left out)."""
    written = _without_references(written)
    opening = written.find("<")
    closing = _closing(written, opening) if opening >= 0 else -1
    if closing < 0:
        return []
    return [a for a in _split_top(written[opening + 1 : closing]) if a and not a.startswith("'")]


def return_type(signature: str) -> str:
    """What a ``fn`` signature returns, as written ("" for ``()``): ``pub fn first(&self) ->
    Option<&T>`` -> ``Option<&T>``."""
    signature = " ".join(signature.split())
    opening = signature.find("(")
    closing = _closing(signature, opening) if opening >= 0 else -1
    returns = _RETURNS.match(signature, closing + 1) if closing >= 0 else None
    return returns.group("type") if returns else ""


def generic_parameters(declaration: str) -> list[str]:
    """``pub struct Vec<T, A = Global>where ...`` -> ``["T", "A"]`` (lifetimes left out)."""
    opening = _GENERICS_DECL.match(declaration)
    if opening is None:
        return []
    closing = _closing(declaration, opening.end() - 1)
    if closing < 0:
        return []
    names = []
    for parameter in _split_top(declaration[opening.end() : closing]):
        parameter = re.sub(r"\Aconst\s+", "", parameter)
        name = re.match(r"\w+", parameter)
        if name is not None and not parameter.startswith("'"):
            names.append(name.group(0))
    return names


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "<([":
            depth += 1
        elif char in ">)]" and not (char == ">" and text[i - 1 : i] == "-"):
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def _closing(text: str, opening: int) -> int:
    """The index of the bracket closing the one at ``opening`` (strings skipped), or -1."""
    pairs = {"(": ")", "[": "]", "{": "}", "<": ">"}
    closer = pairs.get(text[opening : opening + 1])
    if closer is None:
        return -1
    depth, i = 0, opening
    while i < len(text):
        char = text[i]
        if char == '"':
            string = _STRING.match(text, i)
            if string is None:
                return -1
            i = string.end()
            continue
        if char == text[opening]:
            depth += 1
        elif char == closer and not (char == ">" and text[i - 1 : i] == "-"):
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _opening(text: str, closing: int) -> int:
    """The index of the bracket that the one at ``closing`` closes, or -1 (strings are not skipped:
    what is scanned is the receiver of one member access on one line)."""
    pairs = {")": "(", "]": "[", ">": "<"}
    opener = pairs[text[closing]]
    depth = 0
    for i in range(closing, -1, -1):
        char = text[i]
        if char == text[closing] and not (char == ">" and text[i - 1 : i] == "-"):
            depth += 1
        elif char == opener:
            depth -= 1
            if depth == 0:
                return i
    return -1


def receiver_before(text: str) -> tuple[str, int] | None:
    """When ``text`` ends in a member access being typed (``line.start.``, ``origin().no``,
    ``v.first()?.``): the receiver's text and where it starts in ``text``."""
    dot = re.search(r"\.\s*(?:[A-Za-z_]\w*)?\Z", text)
    if dot is None or text[: dot.start()].endswith("."):  # `0..` is a range
        return None
    end = dot.start()
    i = len(text[:end].rstrip())
    while i > 0:
        char = text[i - 1]
        if char == "?":
            i -= 1
            continue
        if char in ")]>":
            i = _opening(text, i - 1)
            if i < 0:
                return None
            macro = re.search(r"[A-Za-z_]\w*\s*!\s*\Z", text[:i])
            if macro is not None and char != ">":
                i = macro.start()
            elif char != ">" and i > 0 and re.match(r"[\w>)\]?]", text[i - 1]):
                continue  # a call or an index: what is called or indexed comes next
        elif char == '"':
            string = re.search(r'b?"(?:[^"\\]|\\.)*"\Z', text[:i])
            return (text[string.start() : end].strip(), string.start()) if string else None
        elif char.isalnum() or char == "_":
            word = re.search(r"\w+\Z", text[:i])
            assert word is not None
            i = word.start()
        else:
            break
        link = re.search(r"(?<!\.)\s*(?:\.|::)\s*\Z", text[:i])
        if link is None:
            break
        i = link.start()
    receiver = text[i:end].strip()
    return (receiver, i) if receiver and not receiver.startswith((".", ":")) else None


def enclosing_impl(text: str) -> str | None:
    """The type of the ``impl`` block that ``text`` ends inside (what ``self`` and ``Self`` are)."""
    depth = 0
    braces = [m.start() for m in re.finditer(r"[{}]", text)]
    for at in reversed(braces):
        if text[at] == "}":
            depth += 1
        elif depth:
            depth -= 1
        else:
            head = _IMPL_HEAD.search(text[max(0, at - 400) : at])
            if head is not None:
                return type_name(head.group("type"))
    return None


# -- the type of an expression ------------------------------------------------------------------------


class Typer:
    """Types of expressions in a program whose declarations are ``local`` (std's from ``docs``).
    ``text`` arguments are the program before the expression: what its variables were then."""

    def __init__(self, local: Local, docs: StdDocs | None = None) -> None:
        self.local = local
        self.docs = docs

    def expression(self, expr: str, text: str, depth: int = 0) -> str | None:
        """The type of ``expr`` (as written, generics kept), or None."""
        if depth > MAX_DEPTH:
            return None
        expr = re.sub(r"\A(?:&\s*(?:mut\s+)?|\*\s*)+", "", expr.strip())  # same members
        written, at = self._head(expr, text, depth)
        while written is not None:
            at = _skip_space(expr, at)
            if at >= len(expr):
                return written.strip()
            if expr[at] == "?":
                written = self._unwrapped(written)
                at += 1
            elif expr.startswith(".", at) and not expr.startswith("..", at):
                name = _IDENT.match(expr, _skip_space(expr, at + 1))
                if name is None:
                    return None
                at = _skip_space(expr, name.end())
                if expr.startswith("::", at):  # turbofish
                    at = _skip_space(expr, at + 2)
                    at = _closing(expr, at) + 1 if expr.startswith("<", at) else -1
                    if at <= 0:
                        return None
                    at = _skip_space(expr, at)
                if expr.startswith("(", at):
                    closing = _closing(expr, at)
                    if closing < 0:
                        return None
                    written, at = self.method(written, name.group(0)), closing + 1
                else:
                    written = self.field(written, name.group(0))
            elif expr.startswith("[", at):
                closing = _closing(expr, at)
                written = None if closing < 0 else self._element(written)
                at = closing + 1
            elif cast := _CAST.match(expr, at):
                return cast.group("type").strip()
            else:
                return None  # an operator: `a + b` is not worth guessing
        return None

    def variable(self, name: str, text: str, depth: int = 0) -> str | None:
        """The type of variable ``name`` from its last ``let`` (or a parameter) in ``text``, else a
        ``const`` or ``static`` of that name."""
        if name == "self":
            return enclosing_impl(text)
        escaped = re.escape(name)
        found = None
        for match in re.finditer(_LET.format(name=escaped), text):
            found = match
        if found is not None:
            if found.group("type"):
                return found.group("type").strip()
            value = text[found.end() : _statement_end(text, found.end())]
            return self.expression(value, text[: found.start()], depth + 1)
        params = list(re.finditer(_PARAM.format(name=escaped), text))
        if params:
            return params[-1].group("type").strip()
        return self.local.values.get(name)

    def method(self, owner: str, name: str) -> str | None:
        """What method ``name`` of a value of type ``owner`` returns."""
        bare = type_name(owner)
        if bare is None:
            return None
        last = bare.rsplit("::", 1)[-1]
        if self.local.knows(last):
            returned = self.local.returns.get(last, {}).get(name)
            if returned is not None:
                return re.sub(r"\bSelf\b", last, returned)
            return owner if name == "clone" else None  # #[derive(Clone)]
        if bare == "str" and name in ("to_string", "to_owned", "into"):
            return "String"
        return self._std_member(owner, name, associated=False)

    def field(self, owner: str, name: str) -> str | None:
        """The type of field ``name`` of a value of type ``owner``."""
        bare = type_name(owner)
        if bare is None:
            return None
        last = bare.rsplit("::", 1)[-1]
        if self.local.knows(last):
            return next((t for n, t in self.local.fields.get(last, []) if n == name), None)
        return self._std_member(owner, name, associated=False)

    # -- pieces ---------------------------------------------------------------------------------------

    def _head(self, expr: str, text: str, depth: int) -> tuple[str | None, int]:
        """The type of the expression's first operand and where the operand ends."""
        if string := _STRING.match(expr):
            return ("&[u8]" if expr.startswith("b") else "&str"), string.end()
        if char := _CHAR.match(expr):
            return ("u8" if expr.startswith("b") else "char"), char.end()
        if number := _FLOAT.match(expr):
            return number.group(1) or "f64", number.end()
        if number := _INT.match(expr):
            return number.group(1) or "i32", number.end()
        if expr.startswith("("):
            closing = _closing(expr, 0)
            inner = expr[1:closing]
            if closing < 0 or len(_split_top(inner)) != 1:
                return None, 0  # a tuple
            return self.expression(inner, text, depth + 1), closing + 1
        if macro := _MACRO.match(expr):
            closing = _closing(expr, macro.end())
            if closing < 0 or macro.group(1) not in ("vec", "format"):
                return None, 0
            if macro.group(1) == "format":
                return "String", closing + 1
            first = _split_top(expr[macro.end() + 1 : closing].replace(";", ",", 1))[0]
            element = self.expression(first, text, depth + 1) if first else None
            return ("Vec" if element is None else f"Vec<{element}>"), closing + 1
        segments, at = _path(expr)
        if not segments:
            return None, 0
        if segments[0] == "Self":
            segments[0] = enclosing_impl(text) or "Self"
        after = _skip_space(expr, at)
        if expr.startswith("(", after):
            closing = _closing(expr, after)
            return (None if closing < 0 else self._call(segments, text)), closing + 1
        if expr.startswith("{", after) and segments[-1][:1].isupper():
            closing = _closing(expr, after)
            return (None if closing < 0 else "::".join(segments)), closing + 1  # Point { x, y }
        if len(segments) == 1:
            if segments[0] in ("true", "false"):
                return "bool", at
            return self.variable(segments[0], text, depth), at
        return "::".join(segments[:-1]), at  # Shape::Circle, i32::MAX

    def _call(self, segments: list[str], text: str) -> str | None:
        name = segments[-1]
        if len(segments) == 1:
            if name in self.local.free:
                return self.local.free[name]
            if name == "Some":
                return "Option"
            if name in ("Ok", "Err"):
                return "Result"
            return name if name[:1].isupper() else None  # a tuple struct
        owner = "::".join(segments[:-1])
        last = segments[-2]
        if self.local.knows(last):
            returned = self.local.returns.get(last, {}).get(name)
            if returned is not None:
                return re.sub(r"\bSelf\b", last, returned)
            if any(f == name for f, _, _ in self.local.functions.get(last, [])):
                return None  # returns ()
            return last  # a variant, or a derived `default()`
        std = self._std_member(owner, name, associated=True)
        if std is not None:
            return std
        if self.docs is not None:  # a function of a module: std::env::args()
            item = self.docs.resolve(self.local.uses.get(owner, owner) + "::" + name)
            if item is not None and item.kind == "fn":
                return return_type(self.docs.describe(item)[0]) or None
        return owner if last[:1].isupper() else None

    def _std_member(self, owner: str, name: str, associated: bool) -> str | None:
        """The type of member ``name`` of std type ``owner``, its generic parameters filled in from
        ``owner``'s type arguments."""
        if self.docs is None:
            return None
        bare = type_name(owner)
        item = None if bare is None else self.docs.resolve(self.local.uses.get(bare, bare))
        if item is None or item.kind in ("fn", "macro"):
            return None
        member = next((m for m in self.docs.members(item) if m.name == name), None)
        if member is None:
            return None
        if member.kind == "structfield":
            written = member.signature.split(":", 1)[1] if ":" in member.signature else ""
        elif associated and not member.signature.startswith("pub"):
            # A trait's function (`From::from`, `Default::default`): the page keeps the first of
            # several impls, which may not be the one called; these make the type itself.
            return _without_references(owner)
        else:
            written = return_type(member.signature)
        if not written.strip():
            return None
        parameters = generic_parameters(self.docs.describe(item)[0])
        meaning = dict(zip(parameters, type_arguments(owner), strict=False))  # missing: unknown
        meaning["Self"] = _without_references(owner)
        return re.sub(r"\b[A-Za-z_]\w*\b", lambda m: meaning.get(m.group(0), m.group(0)), written.strip())

    def _unwrapped(self, written: str) -> str | None:
        arguments = type_arguments(written)
        return arguments[0] if _last(written) in _UNWRAPPING and arguments else None

    def _element(self, written: str) -> str | None:
        stripped = _without_references(written)
        if stripped.startswith("["):  # [T; N] or [T]
            inner = stripped[1 : _closing(stripped, 0)]
            return _split_top(inner.replace(";", ",", 1))[0] or None
        index = _INDEXED.get(_last(written))
        arguments = type_arguments(written)
        return arguments[index] if index is not None and len(arguments) > index else None


def _statement_end(text: str, at: int) -> int:
    """Where the expression starting at ``at`` ends: its ``;`` (brackets and strings skipped), or an
    unmatched closing bracket."""
    depth = 0
    while at < len(text):
        char = text[at]
        if char == '"' and (string := _STRING.match(text, at)):
            at = string.end()
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return at
        elif char == ";" and depth == 0:
            return at
        at += 1
    return at


def _last(written: str) -> str:
    """``std::option::Option<T>`` -> ``Option``."""
    return (type_name(written) or "").rsplit("::", 1)[-1]


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _path(expr: str) -> tuple[list[str], int]:
    """``std::collections::HashMap::<K, V>::new`` -> its names and where it ends."""
    segments: list[str] = []
    at = 0
    while True:
        name = _NAME.match(expr, at)
        if name is None:
            return (segments, at) if segments else ([], 0)
        segments.append(name.group(0))
        at = name.end()
        link = _LINK.match(expr, at)
        if link is None:
            return segments, at
        after = link.end()
        if expr.startswith("<", after):  # turbofish: Vec::<i32>::new
            closing = _closing(expr, after)
            if closing < 0:
                return segments, at
            link = _LINK.match(expr, closing + 1)
            if link is None:
                return segments, at
            after = link.end()
        at = after
