"""The OCI registry: a small client of our own, and the audit and retention plan built on it."""
