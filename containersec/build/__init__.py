"""The build stage: Dockerfiles, their model, rules and fixes."""

from containersec.build.rules._images import parse_image as parse_image
