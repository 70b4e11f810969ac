"""The Dockerfile as every stage reads it: finding and reading files, parsing, the model, RUN scripts.

`files` finds and reads Dockerfiles, `parse.parse_dockerfile` builds the `model`; `shell` analyses RUN
scripts, `keyvalue`, `words` and `variables` read ARG/ENV/LABEL pairs, quoted words and `$VARIABLES`.
Nothing here loads the rules or tree-sitter on import: `containersec lint` starts ShellCheck right after
parsing, before either.
"""
