import pytest

from containersec.secrets import find_secrets, mask
from tests.rules.helpers import findings, lines

AWS_KEY = "AKIA" + "Z7QW3XK5PL2MNB4R"
GITHUB = "ghp_" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c"
SLACK = "xoxb-" + "1234567890-abcdefghij"
JWT = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"


@pytest.mark.parametrize("value", [AWS_KEY, GITHUB, SLACK, JWT, GOOGLE, STRIPE,
                                   "https://deploy:Xk82-pq!z@git.example.com/org/repo.git",
                                   "-----BEGIN OPENSSH PRIVATE KEY-----"])
def test_each_format_is_found_in_env_and_masked(value: str) -> None:
    [finding] = findings("CSD096", f"FROM a\nENV VALUE=\"{value}\"\n")
    assert finding.line == 2 and finding.column == 12
    secret_tail = value[5:] if not value.startswith("-----") else "never"
    assert secret_tail not in finding.message
    assert "Xk82" not in finding.message


def test_mask_shows_at_most_four_characters() -> None:
    assert mask(AWS_KEY) == "AKIA****"
    [secret] = find_secrets(f"x {GITHUB} y")
    assert secret.masked == "ghp_****"


def test_found_in_arg_label_run_heredoc_and_onbuild() -> None:
    text = f"""
        FROM debian:12
        ARG KEY={AWS_KEY}
        LABEL ci.token="{GITHUB}"
        RUN curl -H "Authorization: Bearer {JWT}" https://api.example.com \\
            && git clone https://bot:{STRIPE}@git.example.com/r.git
        COPY <<EOF /root/.ssh/id_ed25519
        -----BEGIN OPENSSH PRIVATE KEY-----
        abc
        EOF
        ONBUILD ENV SLACK={SLACK}
        """
    assert lines("CSD096", text) == [2, 3, 4, 5, 7, 10]  # the key inside the URL is reported once


def test_placeholders_variables_and_look_alikes_pass() -> None:
    text = """
        FROM debian:12
        ENV DATABASE_URL=postgres://user:${DB_PASSWORD}@db:5432/app
        ENV URL2=https://user:$PW@host/x URL3=https://user:password@host URL4=https://git@github.com/x
        ARG AWS_KEY=AKIAIOSFODNN7
        RUN echo ghp_short && echo "-----BEGIN PUBLIC KEY-----"
        LABEL org.opencontainers.image.source=https://github.com/org/repo
        """
    assert lines("CSD096", text) == []


def test_huge_line_is_linear() -> None:
    import time

    text = "FROM a\nRUN echo " + "A" * 400_000 + " https://" + "u" * 300_000 + ":" + "p" * 300_000 + "\n"
    start = time.perf_counter()
    findings("CSD096", text)
    assert time.perf_counter() - start < 10


def test_token_used_as_url_password_is_reported_once_as_the_token() -> None:
    [finding] = findings("CSD096", f"FROM a\nRUN git clone https://x:{GITHUB}@github.com/o/r.git\n")
    assert finding.message.startswith("GitHub personal access token 'ghp_****'")
