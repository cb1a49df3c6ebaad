"""svclint: a static linter for Kubernetes Service manifests."""

__version__ = "0.1.0"
