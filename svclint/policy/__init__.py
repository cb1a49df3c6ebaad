"""ValidatingAdmissionPolicies evaluated offline (between model/ and check/ in the pipeline).

`model.py` reads policies and bindings, `matching.py` says which objects they match,
`cel.py` and `cel_library.py` are CEL as Kubernetes has it, `evaluate.py` judges one object,
`memo.py` remembers answers across objects alike, `reads.py` finds the fields an expression
reads, `defaults.py` is the object as admission sees it, `dead.py` the policies that cannot fire,
and `library.py` serves the ready policies of policies/. The check stage (check/policies.py)
feeds them the objects of the run and turns their verdicts into findings.
"""

from __future__ import annotations

from svclint.model.facts import Reads
from svclint.policy.model import BINDING_KIND, POLICY_KIND

# What the facts keep of the objects policies need before any file is parsed again: policies
# and bindings whole (they are few), and the labels of namespaces (namespaceSelector).
POLICY_READS: Reads = {
    POLICY_KIND: [("spec",), ("metadata",)],
    BINDING_KIND: [("spec",), ("metadata",)],
    "Namespace": [("metadata", "labels")],
}
