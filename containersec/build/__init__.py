"""The build stage: Dockerfiles, their model, rules and fixes."""

from containersec.build.engine import discover as discover
from containersec.build.engine import read_source as read_source
from containersec.build.parse import parse_dockerfile as parse_dockerfile
from containersec.build.rules._images import parse_image as parse_image
