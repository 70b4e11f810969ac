"""The test stage's vulnerability policy over scanner reports (Trivy, Grype, SARIF)."""

from containersec.test.vulns.engine import check_reports as check_reports
from containersec.test.vulns.expiry import check_exceptions as check_exceptions
