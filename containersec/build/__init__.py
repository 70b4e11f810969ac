"""The build stage: Dockerfiles, their model, rules and fixes."""
