from tests.rules.helpers import findings, lines


def test_checkov_options() -> None:
    text = """
        FROM debian:12
        RUN apk add --allow-untrusted mytool
        RUN apt-get install -y --allow-unauthenticated x
        RUN apt-get install -y --force-yes x
        RUN yum install -y --nogpgcheck x
        RUN rpm -i --nosignature /tmp/x.rpm
        RUN tdnf install --nogpgcheck x && microdnf install --nogpgcheck y
        """
    assert lines("CSD091", text) == [2, 3, 4, 5, 6, 7, 7]
    for alias in ("CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"):
        assert lines(alias, "FROM a\nRUN rpm -Uvh --nodigest x.rpm\n") == [2]


def test_gaps_the_peers_miss() -> None:
    text = """
        FROM debian:12
        RUN echo "deb [trusted=yes] http://repo.internal stable main" > /etc/apt/sources.list.d/x.list
        RUN apt-get -o Acquire::AllowInsecureRepositories=true update
        RUN apt-get update --allow-insecure-repositories
        RUN printf '[x]\\ngpgcheck=0\\n' > /etc/yum.repos.d/x.repo
        RUN zypper --no-gpg-checks install -y x
        RUN echo 'APT::Get::AllowUnauthenticated "true";' > /etc/apt/apt.conf.d/99x
        """
    assert lines("CSD091", text) == [2, 3, 4, 5, 6, 7]


def test_signed_installs_pass() -> None:
    text = """
        FROM debian:12
        RUN echo "deb [signed-by=/usr/share/keyrings/x.gpg] https://repo stable main" > /etc/apt/sources.list.d/x.list
        RUN printf '[x]\\ngpgcheck=1\\nrepo_gpgcheck=0\\n' > /etc/yum.repos.d/x.repo
        RUN apt-get install -y --no-install-recommends x
        RUN echo --nogpgcheck
        RUN if [ -f /x ]; then rpm -qa; fi
        """
    assert lines("CSD091", text) == []


def test_message_names_manager_and_option() -> None:
    [finding] = findings("CSD091", "FROM a\nRUN apk add --allow-untrusted x.apk\n")
    assert "apk --allow-untrusted" in finding.message
    assert finding.column == 13


def test_local_repositories_of_packages_built_in_the_build_pass() -> None:
    text = """
        FROM debian:12
        RUN echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list
        RUN apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-*.apk
        RUN apk add --allow-untrusted curl /tmp/x.apk
        RUN echo "deb [trusted=yes] http://repo.internal ./" > /etc/apt/sources.list.d/x.list
        """
    assert lines("CSD091", text) == [4, 5]
