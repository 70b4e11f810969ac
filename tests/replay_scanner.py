"""A scanner for tests: replays recorded real reports (no vulnerability database is reachable here).

    replay_scanner.py --plan PLAN.json --log LOG IMAGE   prints the report PLAN names for IMAGE's digest,
                                                         made to name IMAGE, and appends IMAGE to LOG
    replay_scanner.py --db-version FILE                  prints FILE (the "database version")

With `--hold SECONDS --spans FILE` each run takes that long and appends its start and end times to FILE, so a
test can count how many ran at once.

PLAN maps a digest to a file of ../shared/fixtures/scan-reports. Every run is logged, so a test can count them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_fixtures import naming


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan")
    parser.add_argument("--log")
    parser.add_argument("--db-version")
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--spans")
    parser.add_argument("image", nargs="?")
    args = parser.parse_args()
    if args.db_version:
        sys.stdout.write(Path(args.db_version).read_text(encoding="utf-8"))
        return 0
    image, _, digest = args.image.partition("@")
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    if digest not in plan:
        print(f"replay_scanner: nothing recorded for {digest}", file=sys.stderr)
        return 1
    started = time.time()
    time.sleep(args.hold)
    with open(args.log, "a", encoding="utf-8") as log:
        log.write(args.image + "\n")
    if args.spans:
        with open(args.spans, "a", encoding="utf-8") as spans:
            spans.write(f"{started} {time.time()}\n")
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    json.dump(naming(plan[digest], image, digest, finished=now), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
