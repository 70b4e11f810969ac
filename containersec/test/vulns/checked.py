"""Everything the vulns rules look at: the assessed vulnerabilities, where each sits, the exceptions' state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from containersec.test.vulns.locate import Place
from containersec.vulnerabilities.policy import Assessed, Evaluation
from containersec.vulnerabilities.records import ScanReport
from containersec.vulnerabilities.settings import VulnsSettings


@dataclass
class Checked:
    evaluation: Evaluation
    settings: VulnsSettings
    now: dt.datetime
    dockerfile: str | None = None
    places: dict[int, Place] = field(default_factory=dict)  # by id() of the Assessed
    show_suppressed: bool = False
    config_text: str = ""  # the config file, to point findings at an exception's line
    reports: list[ScanReport] = field(default_factory=list)  # as read: their secrets and misconfigurations

    def place(self, assessed: Assessed) -> Place | None:
        return self.places.get(id(assessed))
