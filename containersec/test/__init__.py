"""The test stage: scanner reports (vulns) and the built image (image)."""
