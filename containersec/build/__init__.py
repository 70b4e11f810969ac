"""The build stage: the Dockerfile rules, the lint engine, ShellCheck and fixes.

The Dockerfile model itself lives in `containersec.dockerfile`, below the stages. `containersec lint`
imports this package before it parses anything, and starts ShellCheck right after parsing, so importing
the package must not load the rule modules.
"""
