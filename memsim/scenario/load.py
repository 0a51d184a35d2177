"""Load, override and validate scenario files.

Every failure raises :class:`memsim.errors.ScenarioError` naming the file, the field path and
what is allowed; the CLI prints it as one paragraph without a traceback.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from memsim._files import MAX_SCENARIO_BYTES
from memsim.errors import ScenarioError
from memsim.scenario.paths import resolve_path
from memsim.scenario.schema import Scenario

# ----------------------------------------------------------------------------------- YAML ----
#: deepest nesting of sections / lists a scenario may have (real scenarios use 4 or 5 levels)
MAX_DEPTH = 32
#: most YAML nodes after expanding aliases (bounds a "billion laughs" file before it expands)
MAX_NODES = 1_000_000


class _LimitError(Exception):
    """YAML input over a size or depth limit (refused before anything is expanded)."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key defined twice in one mapping (calliope's habit), keys that
    are not plain values, and nesting deeper than MAX_DEPTH while composing."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _LimitError(
                    f"the YAML nests deeper than {MAX_DEPTH} levels (line {mark.line + 1}); a "
                    "scenario needs only a few levels of sections and lists"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    # duplicates are checked among the keys written in this mapping; a key that a merge
    # ('<<: *anchor') brings in may be overridden by an explicit one, as YAML allows
    explicit = [
        (k, v) for k, v in node.value if not (isinstance(k, yaml.ScalarNode) and k.value == "<<")
    ]
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in explicit:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a key must be a plain name, not a list or mapping (complex keys '? ...' are "
                "not allowed)",
                key_node.start_mark,
            )
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} is defined twice (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a node graph whose alias expansion is too large, too deep or recursive.

    Aliases make the composed graph share nodes; each node's expanded size and depth is computed
    once (memoised, iteratively), so the check costs the size of the file, not of its expansion.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(key)
            if size[key] > MAX_NODES:
                raise _LimitError(
                    f"the YAML expands to more than {MAX_NODES:,} values through aliases "
                    "('*name'); a scenario needs far fewer (is it a 'billion laughs' file?)"
                )
            if depth[key] > MAX_DEPTH:
                raise _LimitError(
                    f"the YAML nests deeper than {MAX_DEPTH} levels once its aliases are expanded"
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise _LimitError("the YAML has an alias inside its own anchor (a recursive structure)")
        on_path.add(key)
        stack.append((node, True))
        for k in _children(node):
            if id(k) not in size:
                stack.append((k, False))


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _load_yaml(text: str) -> Any:
    """Compose, check the expansion, then construct (a _LimitError or YAMLError on bad input)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str | None = None) -> dict:
    """Parse YAML text into a mapping, with line numbers in every error."""
    try:
        data = _load_yaml(text)
    except _LimitError as exc:
        raise ScenarioError(str(exc), file=file) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        what = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError(f"YAML syntax error at {where}: {what}", file=file) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {exc}", file=file) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # e.g. a date that does not exist (2021-13-45) or a malformed !!float / !!binary value
        why = str(exc)
        if "int_max_str_digits" in why or "digits" in why and "limit" in why.lower():
            why = "a number has more than 4300 digits (no field of a scenario needs that many)"
        raise ScenarioError(f"YAML value that cannot be read: {why}", file=file) from None
    if data is None:
        raise ScenarioError("the scenario is empty; it needs at least 'model' and 'patterns'", file)
    if not isinstance(data, dict):
        raise ScenarioError(
            "the scenario must be a mapping of sections (model, patterns, ...), not "
            + _WHAT.get(type(data).__name__, f"a {type(data).__name__}"),
            file=file,
        )
    return data


_WHAT = {
    "list": "a list",
    "int": "a number (int)",
    "float": "a number (float)",
    "str": "text (str)",
}


def _parse_value(raw: str, item: str, file: str | None) -> Any:
    """The value of a --set override, parsed as YAML under the same limits as a file; text
    that is not valid YAML is taken as a plain string."""
    if not raw.strip():
        return ""
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"--set value is {len(raw):,} characters; the limit is {MAX_SCENARIO_BYTES:,}",
            file=file,
            field=item.split("=", 1)[0].strip() or None,
        )
    try:
        return _load_yaml(raw)
    except _LimitError as exc:
        raise ScenarioError(
            f"--set {item[:60]!r}: {exc}", file=file, field=item.split("=", 1)[0].strip() or None
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return raw


# ------------------------------------------------------------------------------- overrides ----
def apply_overrides(
    data: dict,
    overrides: list[str] | tuple[str, ...],
    file: str | None = None,
    values: Mapping[str, Any] | None = None,
):
    """Apply ``section.field=value`` overrides (values parsed as YAML) to a scenario mapping,
    then ``values`` (dotted path -> Python value, set as they are: ``--seed``, ``--threads``)."""
    out = _deepcopy(data)
    for item in overrides or ():
        if "=" not in item:
            raise ScenarioError(
                f"--set {item!r} is not of the form field.path=value (e.g. model.max_sweeps=20)",
                file=file,
            )
        path, raw = item.split("=", 1)
        path = path.strip()
        keys = path.split(".")
        if not path or any(not k for k in keys):
            raise ScenarioError(f"--set {item!r}: empty field name", file=file)
        if len(keys) > MAX_DEPTH:
            raise ScenarioError(
                f"--set field path has {len(keys)} parts; the limit is {MAX_DEPTH}", file=file
            )
        _set_path(out, keys, _parse_value(raw, item, file), f"--set {item!r}", file)
    for path, value in (values or {}).items():
        _set_path(out, path.split("."), value, f"{path}={value!r}", file)
    return out


def _set_path(out: dict, keys: list[str], value: Any, label: str, file: str | None) -> None:
    node = out
    for depth, k in enumerate(keys[:-1]):
        nxt = node.get(k)
        if nxt is None:
            nxt = {}
            node[k] = nxt
        if not isinstance(nxt, dict):
            where = ".".join(keys[: depth + 1])
            raise ScenarioError(
                f"{label}: '{where}' is a value, not a section", file=file, field=".".join(keys)
            )
        node = nxt
    node[keys[-1]] = value


def _deepcopy(d):
    if isinstance(d, dict):
        return {k: _deepcopy(v) for k, v in d.items()}
    if isinstance(d, list):
        return [_deepcopy(v) for v in d]
    return d


# ------------------------------------------------------------------------------ validation ----
def _model_fields_at(cls: type[BaseModel], loc: tuple) -> tuple[list[str], type[BaseModel] | None]:
    """Walk a pydantic error location through the schema.

    Returns the user-facing path (discriminator tags and union branch names removed) and the
    model class reached at the end (for listing allowed keys).
    """
    path: list[str] = []
    cur: Any = cls
    i = 0
    while i < len(loc):
        part = loc[i]
        if isinstance(cur, type) and issubclass(cur, BaseModel):
            if part in cur.model_fields:
                path.append(str(part))
                cur = cur.model_fields[part].annotation
                i += 1
                continue
            if part in _tags(cur):  # discriminator tag of a tagged union member
                i += 1
                continue
        if isinstance(part, int):
            if path:
                path[-1] = f"{path[-1]}[{part}]"
            args = typing.get_args(cur)
            cur = args[0] if typing.get_origin(cur) is list and args else None
            i += 1
            continue
        if isinstance(part, str) and ("[" in part or part in _PLAIN):
            i += 1  # a branch name of a union of plain types, e.g. 'list[constrained-float]'
            cur = _branch(cur, part)
            continue
        # unwrap unions / optionals / lists / Annotated
        args = [a for a in typing.get_args(cur) if a is not type(None)]
        if typing.get_origin(cur) is not typing.Annotated:
            args = _flatten_members(args)
        if args:
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            chosen = None
            for m in models:
                tag_field = next((f for f in ("kind", "source") if f in m.model_fields), None)
                if tag_field:
                    tag = typing.get_args(m.model_fields[tag_field].annotation)
                    if part in tag:
                        chosen = m
                        break
                if part == m.__name__:
                    chosen = m
                    break
            if chosen is not None:
                cur = chosen
                i += 1
                continue
            if typing.get_origin(cur) is typing.Annotated:
                cur = args[0]
                continue
            if len(models) == 1:
                cur = models[0]
                continue
            # a branch name of a union of plain types (e.g. 'list[float]'): skip it
            i += 1
            cur = None
            continue
        # unknown: keep the rest as it is
        path.extend(str(p) for p in loc[i:])
        return path, None
    final = cur if isinstance(cur, type) and issubclass(cur, BaseModel) else None
    return path, final


_PLAIN = {"int", "float", "str", "bool", "none"}


def _flatten_members(args: list) -> list:
    """Union members with Annotated wrappers removed and nested unions expanded."""
    out = []
    for a in args:
        if typing.get_origin(a) is typing.Annotated:
            a = typing.get_args(a)[0]
        inner = typing.get_args(a)
        if inner and typing.get_origin(a) not in (list, tuple, typing.Literal, dict):
            out.extend(_flatten_members([x for x in inner if x is not type(None)]))
        else:
            out.append(a)
    return out


def _tags(cls: type[BaseModel]) -> tuple:
    for f in ("kind", "source"):
        if f in cls.model_fields:
            return typing.get_args(cls.model_fields[f].annotation)
    return ()


def _branch(cur: Any, part: str) -> Any:
    """The union member whose pydantic branch name is ``part`` (lists only), else None."""
    for a in typing.get_args(cur):
        if typing.get_origin(a) is list and part.startswith("list["):
            return a
    return None


def _union_tags(field_path: list[str]) -> str:
    """Allowed discriminator values of the tagged union at a top-level field."""
    from memsim.scenario import schema

    union = {"model": schema.ModelSpec, "patterns": schema.PatternSpec}.get(field_path[0])
    if union is None:
        return ""
    members = typing.get_args(typing.get_args(union)[0]) or (typing.get_args(union)[0],)
    return ", ".join(repr(t) for m in members for t in _tags(m))


def _allowed_values(cls: type[BaseModel] | None, field: str) -> str:
    if cls is None or field not in cls.model_fields:
        return ""
    ann = cls.model_fields[field].annotation
    lits: list[str] = []

    def collect(a):
        if typing.get_origin(a) is typing.Literal:
            lits.extend(repr(x) for x in typing.get_args(a))
        for sub in typing.get_args(a):
            collect(sub)

    collect(ann)
    return ", ".join(lits)


def _format_validation(exc: ValidationError, file: str | None, data: dict) -> ScenarioError:
    """Every problem of a scenario in one message: one entry per field (a union's branches
    report one mistake several times; the first report of each field is kept)."""
    errs = exc.errors(include_url=False)
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    bases = [
        re.sub(r"\[\d+\]", "", ".".join(_model_fields_at(Scenario, tuple(e["loc"]))[0][:2]))
        for e in errs
    ]
    for err, base in zip(errs, bases, strict=True):
        # a mapping given to a field that is a list or a mapping ({start, stop, num}): report
        # the mapping's own problem, not that it is no list
        if (
            err["type"] == "list_type"
            and isinstance(err.get("input"), dict)
            and bases.count(base) > 1
        ):
            continue
        if base in seen:
            continue
        seen.add(base)
        problems.append(_one_error(err))
    if len(problems) == 1:
        field, msg = problems[0]
        return ScenarioError(msg, file=file, field=field or None)
    listed = "; ".join(f"field '{f}': {m}" if f else m for f, m in problems)
    return ScenarioError(f"{len(problems)} problems: {listed}", file=file)


def _did_you_mean(value, expected: str) -> str | None:
    """The allowed value closest to a misspelled one (``'hebian'`` -> ``'hebbian'``)."""
    import difflib

    if not isinstance(value, str):
        return None
    names = re.findall(r"'([^']*)'", expected)
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.75)
    return close[0] if close else None


def _one_error(first: dict) -> tuple[str, str]:
    """(field path, message) of one pydantic error, in the user's terms."""
    loc = tuple(first["loc"])
    path, cls = _model_fields_at(Scenario, loc)
    etype = first["type"]
    if etype == "extra_forbidden":
        parent_path, parent = _model_fields_at(Scenario, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else ""
        msg = f"unknown key '{loc[-1]}'"
        if allowed:
            msg += f"; allowed keys here: {allowed}"
        field = ".".join(parent_path + [str(loc[-1])])
    elif etype == "missing":
        field = ".".join(path)
        msg = "this required field is missing"
        parent_path, parent = _model_fields_at(Scenario, loc[:-1])
        if parent is not None and loc[-1] in parent.model_fields:
            desc = parent.model_fields[loc[-1]].description
            if desc:
                msg += f" ({desc})"
    elif etype in ("union_tag_invalid", "union_tag_not_found"):
        field = ".".join(path)
        ctx = first.get("ctx", {})
        tag = ctx.get("discriminator", "").strip("'")
        expected = ctx.get("expected_tags", "")
        if etype == "union_tag_not_found":
            msg = f"needs '{tag}' (one of {_union_tags(path) or expected})"
        else:
            msg = f"'{tag}' is {ctx.get('tag')!r}; allowed: {expected}"
            field = f"{field}.{tag}" if field else tag
    elif etype == "int_parsing_size":
        # a float such as 1e300 is too large in size to become a whole number at all
        field = ".".join(path)
        names = [k for k in loc if isinstance(k, str)]
        _, owner = _model_fields_at(Scenario, loc[: loc.index(names[-1])]) if names else ([], None)
        lo, hi = _int_bounds(owner, names[-1]) if names else (None, None)
        allowed = (
            f"; allowed: whole numbers from {lo} to {hi}"
            if lo is not None and hi is not None
            else ""
        )
        msg = f"this number is out of range (got {first['input']!r}){allowed}"
    elif etype == "bool_not_number":
        field = ".".join([*path, first["ctx"]["field"]])
        msg = first["msg"]
    else:
        field = ".".join(path)
        parent_path, parent = _model_fields_at(Scenario, loc[:-1])
        msg = first["msg"].removeprefix("Value error, ")
        msg = msg[:1].lower() + msg[1:]
        if etype == "literal_error":
            msg = f"{first['input']!r} is not allowed; allowed values: " + first["ctx"]["expected"]
            guess = _did_you_mean(first["input"], first["ctx"]["expected"])
            if guess:
                msg += f" (did you mean {guess!r}?)"
        else:
            got = first.get("input")
            if not isinstance(got, dict | list) or len(repr(got)) < 60:
                shown = repr(got)
                msg += f" (got {shown if len(shown) <= 80 else shown[:77] + '...'})"
            allowed = _allowed_values(parent, str(loc[-1])) if loc else ""
            if allowed and etype not in ("greater_than", "less_than_equal"):
                msg += f"; allowed values: {allowed}"
    return field, msg


def _int_bounds(cls: type[BaseModel] | None, field: str) -> tuple[Any, Any]:
    """The (lowest, highest) whole number the schema allows in ``cls.field`` (or in its list
    items), ``None`` for a side without a bound."""
    if cls is None or field not in cls.model_fields:
        return None, None
    lo = hi = None
    todo: list[Any] = [cls.model_fields[field]]
    while todo:
        a = todo.pop()
        for m in getattr(a, "metadata", None) or ():
            lo = getattr(m, "ge", lo)
            hi = getattr(m, "le", hi)
        todo.extend(typing.get_args(getattr(a, "annotation", a)))
    return lo, hi


def validate(data: dict, file: str | None = None, base_dir: str | Path | None = None) -> Scenario:
    """Validate a scenario mapping into a frozen :class:`Scenario`; cross-check the sections."""
    if "name" not in data and file:
        data = {"name": _name_from_file(file), **data}
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _format_validation(exc, file, data) from None
    _cross_check(sc, file, Path(base_dir) if base_dir else (Path(file).parent if file else None))
    return sc


def _name_from_file(file: str) -> str:
    """A scenario name (a plain slug) derived from the file name: characters other than letters,
    digits, '_' and '-' become '_', leading '_' and '-' are dropped, at most 100 characters.
    Refused when nothing usable remains (a file called '.yaml' or '...yaml')."""
    from memsim.scenario.schema import NAME_RE

    base = Path(file).name
    for suffix in (".yaml", ".yml"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
            break
    else:
        base = Path(base).stem
    slug = re.sub(r"[^A-Za-z0-9_\-]", "_", base).lstrip("_-")[:100]
    if not NAME_RE.fullmatch(slug):
        raise ScenarioError(
            f"no scenario name can be made from the file name {Path(file).name!r}; add a "
            "'name:' field (letters, digits, '_' and '-', starting with a letter or digit, at "
            "most 100 characters)",
            file=file,
            field="name",
        )
    return slug


def load_scenario(
    path: str | Path,
    overrides: list[str] | tuple[str, ...] = (),
    values: Mapping[str, Any] | None = None,
) -> Scenario:
    """Read, override and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    overrides : list of str
        ``field.path=value`` strings (as ``--set`` on the command line).
    values : mapping of str to value, optional
        Typed overrides applied after ``overrides`` (``{"run.seed": 3}``: ``--seed``).

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    ScenarioError
        Naming the file and the field: unreadable or special file, bad YAML, unknown keys,
        wrong types or values, cross-section problems.
    """
    from memsim._files import read_bytes
    from memsim.errors import MemsimError

    p = Path(path)
    file = str(path)
    try:
        raw = read_bytes(p, "the scenario file", MAX_SCENARIO_BYTES)
    except MemsimError as exc:
        # the message already names the file: say what is wrong without repeating it
        msg = str(exc).replace(f"the scenario file {file} ", "this file ")
        if "does not exist" in msg and Path(file).parts[:1] == ("scenarios",):
            msg += (
                " (the shipped scenarios are in the scenarios/ folder of the memsim repository: "
                "run from the repository's root, or give the full path)"
            )
        raise ScenarioError(msg, file=file) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"the file is not UTF-8 text (undecodable byte at offset {exc.start}); a scenario is "
            "a YAML text file",
            file=file,
        ) from None
    if "\x00" in text:
        raise ScenarioError(
            "the file holds NUL bytes: it is binary, not a YAML scenario", file=file
        )
    data = parse_yaml(text, file)
    data = apply_overrides(data, overrides, file, values)
    try:
        return validate(data, file, base_dir=p.parent)
    except ScenarioError as exc:
        raise _blame_override(exc, overrides, values) from None


#: the command-line options that set typed values (``values`` of :func:`load_scenario`)
_OPTION_OF = {"run.seed": "--seed", "run.threads": "--threads"}


def _blame_override(
    exc: ScenarioError, overrides, values: Mapping[str, Any] | None = None
) -> ScenarioError:
    """A problem in a field given with ``--set`` (or ``--seed``/``--threads``, the typed
    ``values``) is the command line's, not the file's: say so (a typo such as
    ``--set model.max_sweep=3`` was reported as an error in the file)."""
    if not exc.field:
        return exc
    # the typed values are applied last, so they are what the field holds
    given = [
        (path, f"{_OPTION_OF[path]} {value}" if path in _OPTION_OF else f"--set {path}={value}")
        for path, value in (values or {}).items()
    ]
    given += [(str(item).split("=", 1)[0].strip(), f"--set {item}") for item in overrides or ()]
    for path, option in given:
        if path and (exc.field == path or exc.field.startswith(path + ".")):
            return ScenarioError(
                f"{exc.message} (the value comes from the command line, {option}, not from "
                f"the file {exc.file})",
                file=None,
                field=exc.field,
            )
    return exc


# --------------------------------------------------------------------------- cross checks ----
def resolve_pattern_path(sc: Scenario, base_dir: Path | None) -> Path:
    """The ``file`` source's path, a relative one taken from ``base_dir``."""
    return resolve_path(sc.patterns.path, base_dir)


def resolve_image_paths(sc: Scenario, base_dir: Path | None) -> list[Path]:
    """The ``image`` source's files and folders, relative ones taken from ``base_dir``."""
    files = sc.patterns.files
    return [resolve_path(f, base_dir) for f in ([files] if isinstance(files, str) else files)]


def picture_patterns(sc: Scenario, base_dir: Path | None):
    """The patterns of a ``digits`` or ``image`` source (:class:`memsim.patterns.Pictures`)."""
    from memsim import patterns as pat

    src = sc.patterns
    if src.source == "digits":
        return pat.digits(
            src.digits,
            src.per_class,
            src.threshold,
            src.pick,
            src.pick_seed,
            src.scale,
            src.binarise,
        )
    return pat.images(
        resolve_image_paths(sc, base_dir), tuple(src.shape), src.binarise, src.threshold, src.invert
    )


def grey_patterns(sc: Scenario) -> bool:
    """Whether the scenario's patterns are grey values in [-1, 1] rather than -1/+1."""
    src = sc.patterns
    return src is not None and src.source in ("digits", "image") and src.binarise == "none"


def check_cue_indices(sc: Scenario, p: int, file: str | None, noun: str = "pattern") -> int:
    """Refuse ``cue.pattern`` indices that do not exist among the ``p`` stored patterns;
    return the number of cues.

    Parameters
    ----------
    sc : Scenario
        The validated scenario.
    p : int
        Number of stored patterns (or pairs).
    file : str or None
        The scenario file, for the error.
    noun : str
        What is stored, in the error ("pattern"; the BAM stores "pair"s).

    Returns
    -------
    int
        The number of cues: ``p`` for ``'all'``, else the number of indices.

    Raises
    ------
    ScenarioError
        An index ``>= p``.
    """
    idx = sc.cue.pattern
    if idx != "all":
        idxs = [idx] if isinstance(idx, int) else idx
        bad = [i for i in idxs if i >= p]
        if bad:
            raise ScenarioError(
                f"{noun} index {bad[0]} does not exist: there are {p} {noun}s "
                f"(allowed 0 to {p - 1}, or 'all')",
                file=file,
                field="cue.pattern",
            )
    return p if idx == "all" else (1 if isinstance(idx, int) else len(idx))


def cued_patterns(
    sc: Scenario, file: str | None, base_dir: Path | None, noun: str = "pattern"
) -> tuple[int, int, int]:
    """The stored patterns' count and size and the number of cues, with the cue indices checked
    (the first step of every pattern kind's ``cross_check``).

    Parameters
    ----------
    sc : Scenario
        The validated scenario (with a ``patterns`` section).
    file : str or None
        The scenario file, for errors.
    base_dir : Path or None
        Folder that relative pattern paths are read from.
    noun : str
        What is stored, for the error of :func:`check_cue_indices`.

    Returns
    -------
    tuple of int
        ``(P, N, cues)``: patterns, neurons per pattern, cues per trial.

    Raises
    ------
    ScenarioError
        A cue index that does not exist.
    MemsimError
        An unreadable pattern file.
    """
    p, n = pattern_count_and_size(sc, base_dir)
    return p, n, check_cue_indices(sc, p, file, noun)


def check_run_memory(
    sc: Scenario,
    file: str | None,
    need_of,
    n: int,
    sweep: tuple[int, str | None] | Callable[[Any], int | None] | None = None,
    sweep_field: str | None = None,
) -> None:
    """Refuse a run of a pattern kind whose arrays would not fit in memory, naming the field
    that sets the size and the values of it that would fit.

    Parameters
    ----------
    sc : Scenario
        The validated scenario (with a ``patterns`` section).
    file : str or None
        The scenario file, for the error.
    need_of : callable
        ``need_of(n) -> int``: bytes one recall needs with ``n`` neurons (increasing in n).
    n : int
        The patterns' number of neurons.
    sweep : tuple (int, str or None) or callable, optional
        ``(bytes, field)`` of the capacity sweep, when the scenario has one: the need is the
        larger of the two, and a ``field`` (e.g. ``"capacity.sizes"``) is named instead of the
        pattern field (``None`` keeps the pattern field). Or ``sweep(capacity) -> bytes``
        (``None``: this capacity section needs no more), called only when the scenario has a
        ``capacity`` section, with the field given as ``sweep_field``.
    sweep_field : str, optional
        The field named when a callable ``sweep`` sets the need (``None`` keeps the pattern
        field).

    Raises
    ------
    ScenarioError
        The need exceeds 80 % of the available memory.
    """
    need = need_of(n)
    field, allowed = size_field(sc, need_of)
    if callable(sweep):
        sweep_need = sweep(sc.capacity) if sc.capacity is not None else None
        sweep = None if sweep_need is None else (sweep_need, sweep_field)
    if sweep is not None:
        need = max(need, sweep[0])
        if sweep[1] is not None:
            field, allowed = sweep[1], None
    check_memory(need, file, field, allowed)


def refuse_cue_fields(
    sc: Scenario, file: str | None, why: str, allowed: tuple[str, ...] = ()
) -> None:
    """Refuse fields of the ``cue`` section that a kind drawing its own items does not use.

    Parameters
    ----------
    sc : Scenario
        The validated scenario.
    file : str or None
        The scenario file, for the error.
    why : str
        Text after "model kind '<kind>' does not use cue.<field>" saying how the kind is cued.
    allowed : tuple of str
        Cue fields the kind does use.

    Raises
    ------
    ScenarioError
        For the first (alphabetically) cue field given in the file that is not ``allowed``.
    """
    unused = sorted(set(sc.cue.model_fields_set) - set(allowed))
    if unused:
        raise ScenarioError(
            f"model kind '{sc.model.kind}' does not use cue.{unused[0]}{why}",
            file=file,
            field=f"cue.{unused[0]}",
        )


def check_drawn_items(
    sc: Scenario,
    file: str | None,
    why: str,
    *,
    allowed: tuple[str, ...] = (),
    items: int,
    sweep_items: Callable[[Any], list[int]],
    need_of: Callable[[int], int],
    field: str,
    sweep_field: str | None = None,
) -> None:
    """The cross-check of a kind that draws its own random items instead of reading a
    ``patterns`` section: refuse the cue fields it does not use, then refuse a run whose
    arrays for the largest number of items (of the model and of the capacity sweep) would not
    fit in memory.

    Parameters
    ----------
    sc, file, why, allowed
        As for :func:`refuse_cue_fields` (the scenario, its file, how the kind is cued, the
        cue fields it does use).
    items : int
        Number of items of the model section.
    sweep_items : callable
        ``sweep_items(capacity) -> list of int``: the numbers of items of the capacity sweep.
    need_of : callable
        ``need_of(items) -> int``: bytes a run with that many items needs.
    field : str
        The field named when the run does not fit.
    sweep_field : str, optional
        The field named instead when the scenario has a capacity section (``None``: ``field``).

    Raises
    ------
    ScenarioError
        A cue field the kind does not use, or a run that would not fit in memory.
    """
    refuse_cue_fields(sc, file, why, allowed)
    if sc.capacity is not None:
        items = max(items, max(sweep_items(sc.capacity)))
        field = sweep_field or field
    check_memory(need_of(items), file, field)


def pattern_count_and_size(sc: Scenario, base_dir: Path | None) -> tuple[int, int]:
    src = sc.patterns
    if src.source == "random":
        return src.count, src.size
    if src.source == "letters":
        return len(src.letters), 35 * src.scale * src.scale
    if src.source == "digits":
        return len(src.digits) * src.per_class, 64 * src.scale * src.scale
    if src.source == "image":
        from memsim.patterns import image_files

        return len(image_files(resolve_image_paths(sc, base_dir))), src.shape[0] * src.shape[1]
    from memsim.patterns import load_patterns

    a = load_patterns(resolve_pattern_path(sc, base_dir))
    return a.shape


def _available_memory() -> int:
    from memsim._checks import available_memory

    return available_memory()


def memory_budget() -> float:
    """The bytes a run may use.

    Returns
    -------
    float
        80 % of the available memory, the limit :func:`check_memory` enforces.
    """
    return 0.8 * _available_memory()


def estimate_bytes(n: int, p: int, cues: int, max_sweeps: int, lazy: bool = False) -> int:
    """Peak memory of one recall: weights (int16 + float32/64 copies), per-cue traces and the
    pattern overlaps (P x P and cues x P, for the outcome of every cue).

    ``lazy``: Hebbian weights that keep only the patterns (no N x N matrix; recall then uses
    low-rank fields when the matrix would not fit): the patterns and their transpose (int8) and
    one float64 copy of them for the overlaps of the final states."""
    weights = n * p * (2 + 8) if lazy else n * n * (2 + 4 + 8)
    fields = cues * n * (1 + 8 + 8 + 4)
    traces = cues * (max_sweeps + 1) * 8 * 3
    overlaps = (p * p + 2 * cues * p) * 8
    return weights + fields + traces + p * n * 5 + overlaps


def _cross_check(sc: Scenario, file: str | None, base_dir: Path | None) -> None:
    """Checks across sections: patterns present when the kind needs them, readable pattern
    files, plot names allowed for the kind, then the kind's own checks (indices, memory)."""
    from memsim.registry import get

    kind = get(sc.model.kind)
    if kind.needs_patterns and sc.patterns is None:
        raise ScenarioError(
            f"model kind '{sc.model.kind}' needs a 'patterns' section (source: random, "
            "letters, file, digits or image)",
            file=file,
            field="patterns",
        )
    if not kind.needs_patterns and sc.patterns is not None:
        raise ScenarioError(
            f"model kind '{sc.model.kind}' does not use a 'patterns' section; remove it",
            file=file,
            field="patterns",
        )
    if sc.patterns is not None and sc.patterns.source == "file":
        from memsim.errors import MemsimError

        try:
            _, n = pattern_count_and_size(sc, base_dir)
        except MemsimError as exc:
            raise ScenarioError(str(exc), file=file, field="patterns.path") from None
        src = sc.patterns
        if src.shape is not None and src.shape[0] * src.shape[1] != n:
            raise ScenarioError(
                f"shape {list(src.shape)} has {src.shape[0] * src.shape[1]} pixels but the "
                f"patterns have {n} neurons",
                file=file,
                field="patterns.shape",
            )
    pictures = sc.patterns is not None and sc.patterns.source in ("digits", "image")
    if pictures:
        _check_pictures(sc, file, base_dir)
    if sc.output.plots:
        allowed = kind.plot_names("recall") + kind.plot_names("capacity")
        for i, name in enumerate(sc.output.plots):
            if name not in allowed:
                raise ScenarioError(
                    f"{name!r} is not a plot of model kind '{sc.model.kind}'; allowed: "
                    + ", ".join(repr(a) for a in allowed),
                    file=file,
                    field=f"output.plots[{i}]",
                )
    check = kind.cross_check()
    if check is not None:
        check(sc, file, base_dir)
    if pictures and sc.patterns.source == "image":
        # decoded last: after every size and memory check, which need only the file names
        _read_pictures(sc, file, base_dir)


#: model kinds whose networks take real-valued (grey) patterns
GREY_KINDS = ("modern",)


def _check_pictures(sc: Scenario, file: str | None, base_dir: Path | None) -> None:
    """Digits and image sources, before anything is decoded: grey values only for kinds that
    take them; scikit-learn present and enough samples of each class (digits); the image files
    listed and their patterns' size within the available memory (image)."""
    from memsim.errors import MemsimError
    from memsim.patterns import digit_counts, image_files, per_class_problem

    src = sc.patterns
    if src.binarise == "none" and sc.model.kind not in GREY_KINDS:
        allowed = "'threshold'" + (", 'dither'" if src.source == "image" else "")
        raise ScenarioError(
            f"binarise 'none' keeps grey values, which only the {', '.join(GREY_KINDS)} kind "
            f"takes; model kind '{sc.model.kind}' stores -1/+1 patterns (allowed here: {allowed})",
            file=file,
            field="patterns.binarise",
        )
    if src.source == "digits":
        try:
            counts = digit_counts()
        except MemsimError as exc:
            raise ScenarioError(str(exc), file=file, field="patterns.source") from None
        problem = per_class_problem({c: counts[c] for c in src.digits}, src.per_class)
        if problem:
            raise ScenarioError(problem, file=file, field="patterns.per_class")
        return
    try:
        count = len(image_files(resolve_image_paths(sc, base_dir)))
    except MemsimError as exc:
        raise ScenarioError(_image_hint(str(exc)), file=file, field="patterns.files") from None
    rows, cols = src.shape
    per_pixel = count * (8 if src.binarise == "none" else 1)
    need = rows * cols * (per_pixel + 32)  # the patterns and one picture's working copies
    avail = _available_memory()
    if need > 0.8 * avail:
        most = int(0.8 * avail) // (per_pixel + 32)
        allowed = (
            f"rows x cols at most {most:,} pixels for {count} pictures (rows and cols each 1 "
            f"to {_SHAPE_MAX}), or fewer pictures"
            if most >= 2
            else f"no shape for {count} pictures: give fewer pictures"
        )
        raise ScenarioError(
            f"{count} pictures of {rows} x {cols} pixels would take about {need / 2**30:.1f} GiB "
            f"of memory once read, but only {avail / 2**30:.1f} GiB are available; allowed "
            f"here: {allowed}",
            file=file,
            field="patterns.shape",
        )


def _image_hint(msg: str) -> str:
    if "does not exist" in msg:
        msg += (
            " (relative paths are read from the scenario file's folder; if the scenario's "
            "header says how its pictures are made, make them first)"
        )
    return msg


def _read_pictures(sc: Scenario, file: str | None, base_dir: Path | None) -> None:
    """Decode every picture of an image source, so that `memsim validate` finds unreadable or
    corrupt files (and mid-grey pictures with binarise 'none')."""
    from memsim.errors import MemsimError

    try:
        picture_patterns(sc, base_dir)
    except MemsimError as exc:
        raise ScenarioError(_image_hint(str(exc)), file=file, field="patterns.files") from None


def check_memory(need: int, file: str | None, field: str, allowed: str | None = None) -> None:
    """Refuse a run whose arrays would not fit in the available memory; ``allowed`` says which
    values of ``field`` would fit (see :func:`size_field`)."""
    avail = _available_memory()
    if need > 0.8 * avail:
        raise ScenarioError(
            f"this run would need about {need / 2**30:.1f} GiB of memory but only "
            f"{avail / 2**30:.1f} GiB are available; reduce the sizes in this field (or the "
            "number of items, cues or steps)" + (f"; allowed here: {allowed}" if allowed else ""),
            file=file,
            field=field,
        )


#: schema ranges of the fields that set the number of neurons N of each pattern source
_SCALE_MAX = 16
_SHAPE_MAX = 4096
_SIZE_MAX = 10_000_000


def size_field(sc: Scenario, need_of_n) -> tuple[str, str | None]:
    """The field that sets the patterns' number of neurons N (``patterns.size`` for random
    patterns, ``patterns.shape`` for images, ``patterns.scale`` for digits and letters,
    ``patterns.path`` for a file) and the values of it whose run fits in the available memory,
    as text; ``need_of_n(n)`` is the bytes a run needs with ``n`` neurons (increasing in n)."""
    src = sc.patterns
    budget = 0.8 * _available_memory()

    def fits(n: int) -> bool:
        return need_of_n(n) <= budget

    def largest(lo: int, hi: int) -> int:
        """Largest n in lo..hi that fits (lo - 1 when none does)."""
        if not fits(lo):
            return lo - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
        return lo

    none = "none: even the smallest patterns would not fit; store fewer patterns or cues"
    if src.source in ("digits", "letters"):
        per = 64 if src.source == "digits" else 35
        s = next((k for k in range(_SCALE_MAX, 0, -1) if fits(per * k * k)), 0)
        return "patterns.scale", (f"scale 1 to {s} (schema: 1 to {_SCALE_MAX})" if s else none)
    if src.source == "image":
        n = largest(2, _SHAPE_MAX * _SHAPE_MAX)
        text = (
            f"rows x cols at most {n:,} pixels (about {math.isqrt(n)} x {math.isqrt(n)}; "
            f"rows and cols each 1 to {_SHAPE_MAX})"
            if n >= 2
            else none
        )
        return "patterns.shape", text
    if src.source == "random":
        n = largest(2, _SIZE_MAX)
        return "patterns.size", (f"size 2 to {n:,}" if n >= 2 else none)
    return "patterns.path", "a pattern file with fewer neurons (columns)"


def has_picture_shape(sc: Scenario) -> bool:
    src = sc.patterns
    if src is None:
        return False
    return src.source in ("letters", "digits", "image") or (
        src.source == "file" and src.shape is not None
    )
