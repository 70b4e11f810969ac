from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, get
from containersec.infra.options import K8sOptions

_JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  namespace: shop\nspec:\n{extra}  template:\n"
        "    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n"
        "          image: registry.example.com/migrate:1.0")
BOUNDS = ("ttlSecondsAfterFinished", "activeDeadlineSeconds")


@rule(id="CSK095", slug="job-lifetime-unbounded", severity=Severity.INFO, stage=Stage.INFRASTRUCTURE,
      aliases=("job-ttl-seconds-after-finished",),
      summary="Job sets no deadline (activeDeadlineSeconds) or clean-up (ttlSecondsAfterFinished)",
      why="Short container lifetimes limit how long an intruder keeps a foothold: a Job without a deadline can "
          "run (or hang) for ever, and finished Jobs without a TTL keep their pods, logs and mounted Secrets.",
      bad=_JOB.format(extra=""),
      good=_JOB.format(extra="  ttlSecondsAfterFinished: 3600\n  activeDeadlineSeconds: 600\n"),
      notes="Checks Jobs and the job template of CronJobs.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        if workload.object.kind not in ("Job", "CronJob"):
            continue
        job_path = workload.spec_path[:-2]  # spec (Job) or spec.jobTemplate.spec (CronJob)
        job_spec = get(workload.object.data, *job_path)
        if not isinstance(job_spec, dict):
            continue
        missing = [key for key in BOUNDS if key not in job_spec]
        if missing:
            yield ManifestHit(f"{workload.object.ref} sets no {' and no '.join(missing)}: bound how long its pods "
                              "live", workload.object, job_path)
