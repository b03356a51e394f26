"""The extraction core: pure functions from text to the domain's dataclasses."""
