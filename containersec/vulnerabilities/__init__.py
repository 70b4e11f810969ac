"""Scanner reports (Trivy, Grype, SARIF) and the vulnerability policy over them, for any stage to apply.

`read.read_report` reads a report; `group.group` de-duplicates; `settings.read_settings` reads the `vulns:`
config section; `policy.evaluate` applies exceptions, VEX (`vex`) and ignore files (`ignores`). The
`containersec vulns` command built on them is the test stage's (`containersec.test.vulns`).
"""
