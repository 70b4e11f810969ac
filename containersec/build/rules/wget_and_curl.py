from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD066", slug="wget-and-curl", severity=Severity.WARNING,
      aliases=("DL4001", "DS014"),
      summary="Use either wget or curl, not both",
      why="Both tools do the same job; installing and using both adds a package, its libraries and their "
          "vulnerabilities to the image for nothing.",
      bad="RUN wget -q https://example.com/a.tgz\nRUN curl -fsSLO https://example.com/b.tgz",
      good="RUN curl -fsSLO https://example.com/a.tgz && curl -fsSLO https://example.com/b.tgz",
      notes="Per stage, counting `wget` and `curl` only as command words (installing a package named curl "
            "is not a use, as Trivy DS014's `install` exemption approximates); reported once per stage at "
            "the first use of the second tool. An ONBUILD RUN counts in the stages built FROM its stage, "
            "where it runs.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        first: dict[str, int] = {}
        for run in (i for i in stage.executed() if i.keyword == "RUN"):
            for command in run.commands("wget", "curl"):
                if command.name in first:
                    continue
                first[command.name] = command.line
                if len(first) == 2:
                    other = "curl" if command.name == "wget" else "wget"
                    yield Hit(f"'{command.name}' used although '{other}' is already used in this stage (line "
                              f"{first[other]}): use one of them", command.line, column=command.column)
