"""accord: one reviewed set of dependencies for many Python projects."""

__version__ = "0.1.0"
