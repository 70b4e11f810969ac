"""The GitHub Action: event and diff scope, check runs, reviews, workflow commands, summary, outputs.

`containersec action` (see `action.main`) is what the composite `action.yml` runs. PyGithub and jinja2 are
imported inside the functions that need them so `containersec lint` stays fast.
"""
