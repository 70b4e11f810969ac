from tests.rules.helpers import findings, lines


def test_curl_and_wget_piped_into_shells() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://get.example.com | sh
        RUN wget -O- https://get.example.com | bash -s -- --yes
        RUN curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -
        RUN curl -sL https://x.example/a.sh \\
            | tee /tmp/a.sh \\
            | env FOO=1 bash
        RUN set -e; wget -qO- https://x.example/i.py | python3 -
        """
    assert lines("CSD081", text) == [2, 3, 4, 7, 8]


def test_substitution_and_process_substitution_forms() -> None:
    text = """
        FROM debian:12
        RUN sh -c "$(curl -fsSL https://raw.example.com/install.sh)"
        RUN bash <(curl -s https://x.example/a.sh)
        RUN python3 <(wget -qO- https://x.example/a.py)
        RUN eval "$(curl -fsSL https://x.example/env)"
        """
    assert lines("CSD081", text) == [2, 3, 4, 5]


def test_heredoc_sh_c_and_onbuild_and_exec_form() -> None:
    text = """
        FROM debian:12
        RUN <<EOF
        set -e
        curl -fsSL https://x.example/a.sh | sh
        EOF
        RUN bash -o pipefail -c 'curl -fsSL https://x.example/a.sh | bash'
        ONBUILD RUN wget -O - https://x.example/a.sh | sh
        RUN ["/bin/sh", "-c", "curl -L https://x.example | sh"]
        """
    assert lines("CSD081", text) == [4, 6, 7, 8]


def test_downloads_used_as_data_are_not_flagged() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://x.example/a.tgz | tar -xz -C /opt
        RUN curl -fsSL https://x.example/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg
        RUN curl -fsSLo /tmp/i.sh https://x.example/i.sh && sha256sum -c sums && sh /tmp/i.sh
        RUN curl -s https://x.example/data.json | python3 -c 'import json,sys; json.load(sys.stdin)'
        RUN curl -s https://x.example/conf | bash /usr/local/bin/configure.sh
        RUN echo "curl x | sh" > /notes.txt
        RUN cat local.sh | sh
        RUN sh -c "echo $(curl -s https://x.example/version)"
        """
    assert lines("CSD081", text) == []


def test_message_names_downloader_and_shell() -> None:
    [finding] = findings("download-piped-to-shell", "FROM a\nRUN wget -qO- https://x | sudo bash\n")
    assert "'wget'" in finding.message and "'bash'" in finding.message
    assert finding.column == 32  # the bash behind sudo
