"""The build stage: Dockerfiles, their model, rules and fixes."""
from containersec.build.parse import parse_dockerfile as parse_dockerfile
