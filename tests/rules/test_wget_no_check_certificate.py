from tests.rules.helpers import lines


def test_no_check_certificate_is_flagged() -> None:
    text = """
        FROM debian:12
        RUN wget --no-check-certificate https://x.example/a
        RUN set -e; \\
            wget -q --no-check-certificate -O- https://x.example/a | tar -x
        RUN <<EOF
        wget --no-check-certificate https://x.example/b
        EOF
        """
    assert lines("CKV2_DOCKER_3", text) == [2, 4, 6]


def test_verified_downloads_pass() -> None:
    text = """
        FROM debian:12
        RUN wget -q https://x.example/a --ca-certificate=/etc/ca.pem
        RUN echo "--no-check-certificate is bad" > /notes
        """
    assert lines("CSD084", text) == []
