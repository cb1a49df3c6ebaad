"""ResourceIndex.nearest prunes its search for speed; it must pick what scoring every template would."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svclint.model.resources import Resource, ResourceIndex

LABEL_KEYS = st.sampled_from(["app", "tier", "version", "app.kubernetes.io/name"])
LABEL_VALUES = st.sampled_from(["web", "webb", "web-v2", "api", "apl", "cart", "cart-redis", "db", ""])
LABELS = st.dictionaries(LABEL_KEYS, LABEL_VALUES, max_size=3)


def exhaustive_nearest(index: ResourceIndex, namespace: str, selector: dict) -> int | None:
    """The definition: score every template sharing a key, keep the best, the first on a tie."""
    scores = {}
    for number, template in enumerate(index.templates):
        if template.owner.namespace != namespace:
            continue
        shared = [key for key in selector if str(key) in {str(k) for k in template.labels}]
        if not shared:
            continue
        found = {key: str(template.labels.get(key)) for key in shared}
        scores[number] = (
            sum(found[key] == str(selector[key]) for key in shared),
            len(shared),
            sum(difflib.SequenceMatcher(None, found[key], str(selector[key])).ratio() for key in shared),
        )
    return max(scores, key=lambda n: (scores[n], -n)) if scores else None


def deployment(name: str, namespace: str, labels: dict) -> Resource:
    data = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"template": {"metadata": {"labels": labels}}}}
    return Resource(data, "x.yaml", 0, namespace)


TEMPLATES = st.lists(st.tuples(st.sampled_from(["shop", "ops"]), LABELS), max_size=12)


def check_nearest(templates, selector) -> None:
    index = ResourceIndex.build(deployment(f"d{i}", ns, labels) for i, (ns, labels) in enumerate(templates))
    chosen = index.nearest("shop", selector)
    expected = exhaustive_nearest(index, "shop", selector)
    assert (index.templates.index(chosen) if chosen else None) == expected


@settings(max_examples=50, deadline=None)
@given(templates=TEMPLATES, selector=LABELS.filter(bool))
def test_nearest_is_the_best_scored_template(templates, selector) -> None:
    check_nearest(templates, selector)


@pytest.mark.slow  # the long run; the short one above is in the inner loop
@settings(max_examples=300, deadline=None)
@given(templates=TEMPLATES, selector=LABELS.filter(bool))
def test_nearest_is_the_best_scored_template_long(templates, selector) -> None:
    check_nearest(templates, selector)
