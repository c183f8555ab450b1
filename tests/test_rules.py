"""Every rule's documented examples are tests: bad ones trigger the rule, good ones do not."""

from __future__ import annotations

import pytest
from helpers import DEFAULT_CODES, lint

from seqlint.rules import all_rules

CASES = [
    pytest.param(rule, i, ex, id=f"{rule.code}-{rule.name}-{'bad' if ex.bad else 'good'}{i}")
    for rule in all_rules()
    for i, ex in enumerate(rule.examples)
]


def test_every_rule_documents_a_bad_and_a_good_example() -> None:
    for rule in all_rules():
        kinds = {ex.bad for ex in rule.examples}
        assert kinds == {True, False}, rule.code
        assert rule.summary and rule.why and rule.fix_doc, rule.code


@pytest.mark.parametrize(("rule", "index", "example"), CASES)
def test_doc_example(rule, index, example) -> None:
    # opt-in rules are selected explicitly
    found = lint(example.source, select=DEFAULT_CODES | {rule.code})
    got = [d for d in found if d.code == rule.code]
    if example.bad:
        assert got, f"{rule.code} should flag its bad example"
    else:
        assert got == [], f"{rule.code} flagged its good example: {got[0].message}"
    others = [d for d in found if d.code != rule.code and d.severity == "error"]
    assert others == [], f"{rule.code}'s example trips other rules: {[d.code for d in others]}"


def test_rule_codes_and_names_are_unique_and_stable() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    assert all(r.code.startswith("SEQ") and r.name == r.name.lower() for r in rules)
