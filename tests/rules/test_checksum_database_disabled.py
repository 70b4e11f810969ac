from tests.rules.helpers import findings, lines


def test_checksum_database_off_and_insecure_fetching() -> None:
    text = """
        FROM golang:1.23
        ENV GOSUMDB=off
        RUN go env -w GOSUMDB=off
        ARG GONOSUMCHECK=1
        ENV GONOSUMDB=*
        RUN GOPRIVATE=github.com go mod download
        ENV GOINSECURE=git.example.com
        ENV GOFLAGS="-mod=mod -insecure"
        RUN go get -insecure example.com/tool@v1.0.0
        """
    assert lines("CSD143", text) == [2, 3, 4, 5, 6, 7, 8, 9]


def test_private_module_paths_and_defaults_pass() -> None:
    text = """
        FROM golang:1.23
        ENV GOPRIVATE=github.com/acme,git.example.com/team
        ENV GONOSUMDB=github.com/acme/*
        ENV GOSUMDB=sum.golang.org
        ENV GOFLAGS=-mod=mod
        ENV GONOSUMCHECK=0
        RUN echo "GOSUMDB=off is insecure"
        """
    assert lines("CSD143", text) == []


def test_message_names_the_setting() -> None:
    [finding] = findings("CSD143", "FROM a\nENV GOSUMDB=off\n")
    assert "GOSUMDB=off" in finding.message and "GOPRIVATE" in finding.message
