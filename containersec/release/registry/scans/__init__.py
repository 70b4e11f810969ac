"""Each audited digest's vulnerability status: scans attached in the registry, reports a pipeline wrote, or a
scanner run once per digest; judged by the same `vulns:` policy as `containersec vulns`."""
