"""The local stack's event filter matcher: Lambda's EventBridge-style patterns, no AWS."""

from __future__ import annotations

import pytest

from local.filters import InvalidPattern, matches, parse_filters, passes

INSERT = {
    "eventName": "INSERT",
    "dynamodb": {
        "Keys": {"contact_id": {"S": "c-1"}},
        "NewImage": {
            "contact_id": {"S": "c-1"},
            "email": {"S": "John.Doe@Example.com"},
            "account_id": {"S": "49418"},
            "version": {"N": "1"},
            "tags": {"L": [{"S": "billing"}, {"S": "ops"}]},
        },
    },
    "size": 12,
    "flag": True,
    "nothing": None,
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["INSERT"]}, True),
        ({"eventName": ["MODIFY", "REMOVE"]}, False),
        ({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"account_id": {"S": ["49418"]}}}}, True),
        ({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"account_id": {"S": ["21638"]}}}}, False),
        ({"dynamodb": {"NewImage": {"account_id": {"S": [{"prefix": "494"}]}}}}, True),
        ({"dynamodb": {"NewImage": {"account_id": {"S": [{"prefix": "216"}]}}}}, False),
        ({"dynamodb": {"NewImage": {"email": {"S": [{"suffix": "@Example.com"}]}}}}, True),
        ({"dynamodb": {"NewImage": {"email": {"S": [{"equals-ignore-case": "john.doe@example.com"}]}}}}, True),
        ({"dynamodb": {"NewImage": {"email": {"S": [{"wildcard": "*@Example.*"}]}}}}, True),
        ({"dynamodb": {"NewImage": {"email": [{"exists": True}]}}}, True),
        ({"dynamodb": {"NewImage": {"phone_1": [{"exists": True}]}}}, False),
        ({"dynamodb": {"NewImage": {"phone_1": [{"exists": False}]}}}, True),
        ({"dynamodb": {"OldImage": {"email": [{"exists": False}]}}}, True),  # absent parent: leaf absent
        ({"dynamodb": {"NewImage": {"email": [{"exists": False}]}}}, False),
        ({"eventName": [{"anything-but": "REMOVE"}]}, True),
        ({"eventName": [{"anything-but": ["INSERT", "MODIFY"]}]}, False),
        ({"eventName": [{"anything-but": {"prefix": "INS"}}]}, False),
        ({"missing": [{"anything-but": "x"}]}, False),  # anything-but never matches an absent field
        ({"size": [{"numeric": [">=", 12]}]}, True),
        ({"size": [{"numeric": [">", 0, "<", 12]}]}, False),
        ({"size": [12.0]}, True),
        ({"size": ["12"]}, False),  # a string never equals a number
        # DynamoDB numbers are strings in the image: numeric never matches them, as in Lambda.
        ({"dynamodb": {"NewImage": {"version": {"N": [{"numeric": ["=", 1]}]}}}}, False),
        ({"dynamodb": {"NewImage": {"version": {"N": ["1"]}}}}, True),
        ({"flag": [True]}, True),
        ({"flag": [1]}, False),  # a boolean is not the number 1
        ({"nothing": [None]}, True),
        ({"dynamodb": {"NewImage": {"tags": {"L": {"S": ["ops"]}}}}}, True),  # any element of an array
        ({"$or": [{"eventName": ["MODIFY"]}, {"size": [12]}]}, True),
        ({"$or": [{"eventName": ["MODIFY"]}, {"size": [13]}]}, False),
        ({"eventName": []}, False),
    ],
)
def test_pattern_matching(pattern, expected):
    assert matches(pattern, INSERT) is expected


def test_the_templates_insert_filter_keeps_inserts_only():
    patterns = parse_filters({"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]})

    assert passes(patterns, INSERT)
    assert not passes(patterns, {**INSERT, "eventName": "MODIFY"})
    assert not passes(patterns, {**INSERT, "eventName": "REMOVE"})


def test_several_filters_are_alternatives_and_no_filter_keeps_everything():
    patterns = parse_filters(
        {"Filters": [{"Pattern": '{"eventName": ["REMOVE"]}'}, {"Pattern": '{"eventName": ["INSERT"]}'}]}
    )

    assert passes(patterns, INSERT)
    assert passes([], {"anything": 1})
    assert parse_filters(None) == []


@pytest.mark.parametrize(
    "pattern",
    [
        {"eventName": "INSERT"},  # a leaf must be a list
        {"size": [{"numeric": [">", "ten"]}]},
        {"size": [{"numeric": ["~", 1]}]},
        {"eventName": [{"cidr": "10.0.0.0/24"}]},
        {"eventName": [{"prefix": "A", "suffix": "B"}]},
    ],
)
def test_patterns_lambda_would_refuse_are_refused(pattern):
    with pytest.raises(InvalidPattern):
        matches(pattern, INSERT)


def test_a_pattern_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidPattern):
        parse_filters({"Filters": [{"Pattern": '["INSERT"]'}]})
