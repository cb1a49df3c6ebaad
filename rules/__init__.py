"""Rule checks: `<slug with underscores>.py` beside `<slug>.yaml` (see svclint.check.registry)."""
