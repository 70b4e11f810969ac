#!/usr/bin/env bash
# The one test command: works on a fresh Debian machine, as root or as a user with sudo.
# Creates .venv when missing, installs the project with its dev extras, runs ruff and the test suite.
# Arguments are passed to pytest (e.g. `scripts/test.sh tests/test_corpus.py -x`).
# Exits with pytest's status, or ruff's when the tests pass but the lint does not.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages the test run needs, as "command:package"; a package is installed only when its command
# is missing. git: tests/test_precommit.py builds git repositories for `pre-commit try-repo`; umoci and
# skopeo: tests/oci_images.py builds real images without a daemon; docker-registry and htpasswd
# (apache2-utils): tests/registry_server.py runs a real registry, plain and with basic auth over TLS;
# kubectl (kubernetes-client): tests/test_k8s_input.py renders Kustomize directories with `kubectl kustomize`.
TEST_TOOLS=("python3:python3" "git:git" "umoci:umoci" "skopeo:skopeo" "docker-registry:docker-registry"
            "htpasswd:apache2-utils" "kubectl:kubernetes-client")

install_debian_packages() {
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if ! command -v sudo >/dev/null; then
            echo "test.sh: need root or sudo to install Debian packages: $*" >&2
            exit 2
        fi
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

missing_debian_packages() {
    local pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || echo "${pair#*:}"
    done
}

mapfile -t missing < <(missing_debian_packages "${TEST_TOOLS[@]}")
# Debian splits venv's pip bootstrap (ensurepip) into python3-venv.
if [[ ! -x .venv/bin/python ]] && ! python3 -c 'import ensurepip' 2>/dev/null; then
    missing+=("python3-venv")
fi
if ((${#missing[@]})); then
    install_debian_packages "${missing[@]}"
fi

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'

ruff_status=0
.venv/bin/python -m ruff check containersec tests benchmarks || ruff_status=$?

pytest_status=0
.venv/bin/python -m pytest -q "$@" || pytest_status=$?

if ((pytest_status)); then
    exit "$pytest_status"
fi
exit "$ruff_status"
