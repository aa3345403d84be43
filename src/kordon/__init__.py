"""kordon: sanctions screening and circumvention detection."""

__version__ = "0.1.0"
