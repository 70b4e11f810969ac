"""The release stage: the OCI registry (audit, retention, digest pinning)."""
