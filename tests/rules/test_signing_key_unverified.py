from tests.rules.helpers import lines


def test_downloaded_keys_imported_unchecked() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://example.com/key.asc | gpg --import
        RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor | apt-key add -
        RUN wget -q https://example.com/key.gpg -O /tmp/key.gpg && gpg --dearmor -o /etc/apt/keyrings/x.gpg /tmp/key.gpg
        RUN rpm --import https://rpm.example.com/RPM-GPG-KEY-example
        RUN gpg --keyserver keyserver.ubuntu.com --recv-keys 0x9BDB3D89CE49EC21
        RUN apt-key adv --keyserver keyserver.ubuntu.com --recv-keys CE49EC21
        """
    assert lines("CSD146", text) == [2, 3, 4, 5, 6, 7]


def test_fingerprint_checks_pass() -> None:
    text = """
        FROM debian:12
        RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4
        RUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys "$GPG_KEY"
        RUN curl -fsSL https://example.com/key.asc -o /tmp/key.asc \\
         && gpg --show-keys --with-colons /tmp/key.asc | grep -q 'B42F6819007F00F88E364FD4036A9C25BF357DD4' \\
         && gpg --import /tmp/key.asc
        RUN curl -fsSL https://example.com/key.asc -o /tmp/key.asc \\
         && echo "$KEY_SHA256  /tmp/key.asc" | sha256sum -c - && gpg --import /tmp/key.asc
        RUN curl -fsSL https://example.com/key.asc -o /tmp/key.asc \\
         && gpg --show-keys --with-colons /tmp/key.asc | grep -q "$KEY_FINGERPRINT" && gpg --import /tmp/key.asc
        COPY key.asc /tmp/key.asc
        RUN gpg --import /tmp/key.asc
        """
    assert lines("CSD146", text) == []
