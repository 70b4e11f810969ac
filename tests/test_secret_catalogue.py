"""Each credential kind of the catalogue: found in a realistic fake value, not found in look-alikes."""

from __future__ import annotations

import re

import pytest

from containersec.secrets.catalogue import KINDS, SEVERITIES
from containersec.secrets.detector import detect, entropy, mask
from tests.secret_samples import SAMPLES, Maker

IDS = [kind.id for kind in KINDS]
SHOWN_WHOLE = {kind.id for kind in KINDS if kind.shown} | {"url-password"}


def test_every_entry_has_a_sample_and_every_sample_an_entry() -> None:
    assert sorted(SAMPLES) == sorted(IDS)


def test_entries_are_well_formed() -> None:
    assert len(set(IDS)) == len(IDS)
    for kind in KINDS:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", kind.id), kind.id
        assert kind.severity in SEVERITIES, kind.id
        assert kind.keywords and all(len(k) >= 1 for k in kind.keywords), kind.id
        assert kind.exact or all(k == k.lower() for k in kind.keywords), kind.id
        assert "secret" in re.compile(kind.pattern, kind.flags).groupindex, kind.id


@pytest.mark.parametrize("kind_id", IDS)
def test_true_positive(kind_id: str) -> None:
    text, value = SAMPLES[kind_id]
    found = [secret for secret in detect(text) if secret.id == kind_id]
    assert len(found) == 1, (kind_id, detect(text))
    [secret] = found
    assert secret.masked == (value if kind_id in SHOWN_WHOLE else mask(value))
    assert value[4:] not in secret.masked or kind_id in SHOWN_WHOLE
    if kind_id not in SHOWN_WHOLE:
        assert text[secret.start:secret.end] == value


@pytest.mark.parametrize("kind_id", [i for i in IDS if i not in SHOWN_WHOLE])
def test_pre_filter_keyword_is_in_the_sample(kind_id: str) -> None:
    # Lower-cased text must hold a keyword, or the entry would never be searched.
    text, _ = SAMPLES[kind_id]
    kind = next(k for k in KINDS if k.id == kind_id)
    searched = text if kind.exact else text.lower()
    assert any(keyword in searched for keyword in kind.keywords)


@pytest.mark.parametrize("kind_id", [i for i in IDS if i not in SHOWN_WHOLE])
def test_placeholder_in_place_of_the_value_is_not_reported(kind_id: str) -> None:
    text, value = SAMPLES[kind_id]
    for placeholder in (value[:8] + "x" * (len(value) - 8), value[:-7] + "EXAMPLE", value[:6] + "${TOKEN}"):
        assert not [s for s in detect(text.replace(value, placeholder)) if s.id == kind_id], placeholder


@pytest.mark.parametrize("kind_id", [i for i in IDS if i not in SHOWN_WHOLE | {"gcp-service-account"}])
def test_value_inside_a_longer_word_is_not_reported_alone(kind_id: str) -> None:
    # The same value with a run of more token characters after it is another string, not this credential.
    text, value = SAMPLES[kind_id]
    longer = text.replace(value, value + "Q7" * 300)
    assert [s.id for s in detect(longer) if s.id == kind_id and s.end - s.start == len(value)] == []


# Strings that look like credentials but are public, documented or derived values.
NOT_SECRETS = [
    "AKIAIOSFODNN7EXAMPLE",  # AWS documentation
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",  # Stripe documentation
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",  # jwt.io's example
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "GITHUB_TOKEN=ghp_YOUR_TOKEN_HERE",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl3Kq0pN0xX2Z3mQ5vR8tY1uW4sE7dF9hJ6kL2cB0aP deploy@ci",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    "md5sum d41d8cd98f00b204e9800998ecf8427e",
    "id: 123e4567-e89b-12d3-a456-426614174000",
    "HEROKU_APP_ID=123e4567-e89b-12d3-a456-426614174000",
    "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
    "ENV NGINX_PUBLIC_KEY=573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62",
    "KMS_KEY_ID=arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "SECRET_KEY_FILE=/run/secrets/django_secret_key",
    "TOKEN_URL=https://auth.example.com/oauth/token",
    "API_KEY=${API_KEY}",
    "password: '{{ vault_password }}'",
    "DATABASE_URL=postgres://user:${DB_PASSWORD}@db:5432/app",
    "https://user:password@host/x",
    "https://git@github.com/org/repo.git",
    "ENV JAVA_KEYSTORE_PASSWORD=changeit",
    "ENV SECRET_KEY_BASE_DUMMY=1",
    "TASKa1b2c3d4e5f60718293a4b5c6d7e8f90",  # inside a word: not a Twilio key
    "echo ghp_short && echo github_pat_short",
    "<password>${env.NEXUS_PASSWORD}</password>",
    "<server><id>x</id><password>{COQLCE6DU6GtcS5P=}</password></server>",
    "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    "machine github.com login x-access-token password $GITHUB_TOKEN",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_false_positives(text: str) -> None:
    assert detect(text) == []


def test_github_fine_grained_token_alone_in_a_text_is_found() -> None:
    # The old pre-filter looked for `gh`, which `github_pat_` does not contain.
    r = Maker("fine-grained")
    value = "github" + "_pat_" + r("abcXYZ0123456789", 22) + "_" + r("abcXYZ0123456789", 59)
    [secret] = detect(f"TOKEN={value}")
    assert secret.id == "github-fine-grained-pat" and secret.masked == "gith****"


def test_a_token_used_as_a_url_password_is_reported_once_as_the_token() -> None:
    token = "gh" + "p_" + Maker("url")("ABCdef0123456789", 36)
    [secret] = detect(f"git clone https://x:{token}@github.com/o/r.git")
    assert secret.id == "github-pat"


def test_generic_secret_needs_a_secret_name_and_entropy() -> None:
    value = Maker("generic")("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 24)
    assert [s.id for s in detect(f"DB_PASSWORD={value}")] == ["generic-secret"]
    assert detect(f"BUILD_NUMBER={value}") == []  # the name does not say secret
    assert detect("DB_PASSWORD=aaaaaaaabbbbbbbbcccc") == []  # low entropy
    assert detect(f"ACCESS_TOKEN_URL=https://{value}.example.dev") == []


def test_entropy() -> None:
    assert entropy("aaaa") == 0.0
    assert entropy("abcd") == 2.0
