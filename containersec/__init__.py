"""containersec: container security checks for the build, test and release stages."""

__version__ = "0.1.0"
