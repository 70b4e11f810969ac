from tests.rules.helpers import findings, lines

RULE = "CSD062"


def test_unpinned_modules_are_flagged():
    found = findings(RULE, """
        FROM golang:1.22
        RUN go install golang.org/x/tools/gopls@latest
        RUN go get github.com/pkg/errors
        RUN go run github.com/x/tool/cmd/gen --out x
        RUN go install -ldflags "-s -w" github.com/x/y/cmd/z@master
    """)
    assert [f.line for f in found] == [2, 3, 4, 5]
    assert "go install golang.org/x/tools/gopls@<version>" in found[0].message


def test_pins_and_local_paths_pass():
    assert lines(RULE, """
        FROM golang:1.22
        RUN go install golang.org/x/tools/gopls@v0.15.3
        RUN go get github.com/pkg/errors@v0.9.1
        RUN go get && go get -u ./... && go install && go install .
        RUN go run main.go github.com/not/a/package && go run . --flag
        RUN go install -o /bin/app ./cmd/app cmd/vet
        RUN go install github.com/x/y@${VERSION} $TOOL
        RUN go build ./... && go mod download
    """) == []


def test_nested_and_onbuild():
    assert lines(RULE, """
        FROM golang:1.22
        RUN GO111MODULE=on go get github.com/x/y
        RUN sh -c 'go install github.com/x/y@HEAD'
        ONBUILD RUN go install github.com/x/z
    """) == [2, 3, 4]


def test_tool_dependencies_and_meta_patterns():
    # `-tool` records a tool dependency: what follows is still a module to pin; `tool` alone means them all.
    assert lines(RULE, "FROM golang:1.24\nRUN go get -tool golang.org/x/tools/cmd/stringer\n") == [2]
    assert lines(RULE, """
        FROM golang:1.24
        RUN go get -tool golang.org/x/tools/cmd/stringer@v0.30.0
        RUN go install tool && go get tool && go install std cmd all
    """) == []
