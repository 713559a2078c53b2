"""Event filtering as Lambda's event source mappings do it: EventBridge-style patterns
(`FilterCriteria.Filters[].Pattern`) matched against each record; a record passes when any
filter matches, and every record passes when there are none.

Patterns are JSON objects whose leaves are lists of matchers: exact values (string, number,
boolean, null), `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `exists`, `anything-but`
(a value, a list, or a `prefix`/`suffix`) and `numeric` (`["=", 1]`, `[">=", 0, "<", 5]`).
Keys of one object must all match (and); values in one list are alternatives (or), as is
`$or`. A list in the record matches when any of its elements does. Pure functions, no AWS.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

_MISSING = object()

_NUMERIC_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class InvalidPattern(ValueError):
    """The template's filter pattern is not one Lambda would accept."""


def parse_filters(filter_criteria: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The patterns of a template's `FilterCriteria` (each `Pattern` is a JSON string)."""
    patterns = []
    for entry in (filter_criteria or {}).get("Filters", []):
        raw = entry["Pattern"]
        pattern = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(pattern, dict):
            raise InvalidPattern(f"a filter pattern must be a JSON object: {raw!r}")
        patterns.append(pattern)
    return patterns


def passes(patterns: Sequence[Mapping[str, Any]], record: Mapping[str, Any]) -> bool:
    """Lambda keeps a record when any filter matches it (all records when there is no filter)."""
    return not patterns or any(matches(pattern, record) for pattern in patterns)


def matches(pattern: Mapping[str, Any], data: Any) -> bool:
    """Whether `data` (a decoded JSON value) matches the EventBridge-style `pattern`."""
    for key, rule in pattern.items():
        if key == "$or":
            if not isinstance(rule, list) or not any(matches(branch, data) for branch in rule):
                return False
            continue
        value = data[key] if isinstance(data, Mapping) and key in data else _MISSING
        if isinstance(rule, Mapping):
            # Nested object: a leaf under an absent or non-object field is absent; an array of
            # objects matches when one of its objects does.
            if isinstance(value, list):
                if not any(matches(rule, element) for element in value if isinstance(element, Mapping)):
                    return False
            elif not matches(rule, value if isinstance(value, Mapping) else {}):
                return False
        elif isinstance(rule, list):
            if not any(_leaf_matches(matcher, value) for matcher in rule):
                return False
        else:
            raise InvalidPattern(f"{key}: a pattern's leaves must be lists of matchers, got {rule!r}")
    return True


def _leaf_matches(matcher: Any, value: Any) -> bool:
    if isinstance(matcher, Mapping) and "exists" in matcher:
        return (value is not _MISSING) == bool(matcher["exists"])
    if value is _MISSING:
        return False
    if isinstance(value, list):
        if isinstance(matcher, Mapping) and "anything-but" in matcher:
            # anything-but over an array: no element may be one of the excluded values.
            return bool(value) and all(_single_matches(matcher, element) for element in value)
        return any(_single_matches(matcher, element) for element in value)
    return _single_matches(matcher, value)


def _single_matches(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, Mapping):
        return _equal(matcher, value)
    if len(matcher) != 1:
        raise InvalidPattern(f"a matcher has exactly one operator: {dict(matcher)!r}")
    ((kind, argument),) = matcher.items()
    if kind == "prefix":
        return _text_test(argument, value, str.startswith)
    if kind == "suffix":
        return _text_test(argument, value, str.endswith)
    if kind == "equals-ignore-case":
        return isinstance(value, str) and isinstance(argument, str) and value.casefold() == argument.casefold()
    if kind == "wildcard":
        return isinstance(value, str) and _wildcard(argument).fullmatch(value) is not None
    if kind == "anything-but":
        return not _any_of(argument, value)
    if kind == "numeric":
        return _numeric(argument, value)
    raise InvalidPattern(f"unsupported filter matcher: {kind!r}")


def _text_test(argument: Any, value: Any, test: Callable[[str, str], bool]) -> bool:
    if isinstance(argument, Mapping) and set(argument) == {"equals-ignore-case"}:
        return isinstance(value, str) and test(value.casefold(), str(argument["equals-ignore-case"]).casefold())
    if not isinstance(argument, str):
        raise InvalidPattern(f"prefix/suffix takes a string: {argument!r}")
    return isinstance(value, str) and test(value, argument)


def _any_of(excluded: Any, value: Any) -> bool:
    """Whether `value` is one of anything-but's exclusions."""
    if isinstance(excluded, Mapping):
        return _single_matches(excluded, value)
    candidates: Iterable[Any] = excluded if isinstance(excluded, list) else [excluded]
    return any(_equal(candidate, value) for candidate in candidates)


def _equal(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool) or expected is None or value is None:
        return expected is value or (type(expected) is type(value) and expected == value)
    if _is_number(expected):
        return _is_number(value) and float(expected) == float(value)
    return isinstance(value, str) and isinstance(expected, str) and expected == value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numeric(conditions: Any, value: Any) -> bool:
    if not isinstance(conditions, list) or not conditions or len(conditions) % 2:
        raise InvalidPattern(f"numeric takes operator/number pairs: {conditions!r}")
    if not _is_number(value):
        return False
    for name, bound in zip(conditions[::2], conditions[1::2], strict=True):
        compare = _NUMERIC_OPERATORS.get(name)
        if compare is None or not _is_number(bound):
            raise InvalidPattern(f"numeric: bad condition {name!r} {bound!r}")
        if not compare(float(value), float(bound)):
            return False
    return True


def _wildcard(pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise InvalidPattern(f"wildcard takes a string: {pattern!r}")
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)
