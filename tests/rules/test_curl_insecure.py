from tests.rules.helpers import findings, lines


def test_insecure_options_and_clusters() -> None:
    text = """
        FROM debian:12
        RUN curl -k https://x.example/a -o /a
        RUN curl --insecure https://x.example/a -o /a
        RUN curl -fsSLk https://x.example/a | tar -x
        RUN sh -c 'curl -sk https://x.example'
        ONBUILD RUN sudo curl -kL https://x.example -o /a
        RUN ["curl", "-k", "https://x.example"]
        """
    assert lines("CKV2_DOCKER_2", text) == [2, 3, 4, 5, 6, 7]


def test_k_in_values_or_other_commands_is_not_flagged() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://x.example/k -o /tmp/k && tar -xkf /tmp/k
        RUN curl -Lokubectl https://dl.k8s.io/kubectl
        RUN curl -H "X-k: -k" https://x.example
        RUN echo curl -k
        """
    assert lines("CSD083", text) == []


def test_position_is_the_option_word() -> None:
    [finding] = findings("curl-insecure", "FROM a\nRUN curl -sSLk https://x\n")
    assert (finding.line, finding.column) == (2, 10)
    assert "'-sSLk'" in finding.message
