from tests.rules.helpers import findings, lines


def test_setopt_and_repo_files() -> None:
    text = """
        FROM rockylinux:9
        RUN yum-config-manager --save --setopt=internal.sslverify=false
        RUN dnf config-manager --setopt=*.sslverify=0 --save
        RUN dnf install -y --setopt=sslverify=no app
        RUN echo "sslverify=0" >> /etc/yum.repos.d/internal.repo
        RUN cat > /etc/yum.repos.d/x.repo <<EOF
        [x]
        baseurl=https://x.internal
        sslverify = false
        EOF
        """
    assert lines("CKV2_DOCKER_15", text) == [2, 3, 4, 5, 9]


def test_apt_and_zypper_forms() -> None:
    text = """
        FROM debian:12
        RUN apt-get -o Acquire::https::Verify-Peer=false update
        RUN echo 'Acquire::https::repo.internal::Verify-Host "false";' > /etc/apt/apt.conf.d/90x
        RUN zypper ar "https://x.internal/repo?ssl_verify=no" x
        """
    assert lines("CSD090", text) == [2, 3, 4]


def test_enabled_verification_and_git_are_not_this_rule() -> None:
    text = """
        FROM rockylinux:9
        RUN dnf config-manager --setopt=internal.sslverify=1 --save
        RUN git -c http.sslVerify=false clone https://x
        RUN git config http.https://x/.sslVerify false
        """
    assert lines("CSD090", text) == []


def test_message_quotes_the_setting() -> None:
    [finding] = findings("CSD090", "FROM a\nRUN dnf install -y --setopt=sslverify=0 x\n")
    assert "'sslverify=0'" in finding.message


def test_printed_to_the_build_log_is_not_a_setting():
    assert lines("CSD090", """
        FROM fedora:40
        RUN echo "sslverify=0"
        RUN echo "remember: sslverify=false is unsafe" >&2 && printf 'sslverify=0\\n' >/dev/null
    """) == []


def test_written_to_a_file_or_piped_on_is_a_setting():
    assert lines("CSD090", """
        FROM fedora:40
        RUN echo "sslverify=0" >> /etc/yum.repos.d/internal.repo
        RUN printf '[x]\\nsslverify=false\\n' > /etc/dnf/dnf.conf
        RUN echo "sslverify=0" | tee -a /etc/yum.repos.d/internal.repo
        RUN echo sslverify=0 1>/etc/dnf/dnf.conf; echo done
    """) == [2, 3, 4, 5]
