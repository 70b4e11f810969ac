from tests.rules.helpers import findings, lines

RULE = "CSD060"


def test_unpinned_packages_are_flagged():
    found = findings(RULE, "FROM node:20\nRUN npm install -g typescript@5.4.5 eslint @angular/cli npm@latest\n")
    assert [f.message.split("'")[1] for f in found] == ["eslint", "@angular/cli", "npm@latest"]
    assert "npm install npm@<version>" in found[2].message


def test_pins_and_sources_pass():
    assert lines(RULE, """
        FROM node:20
        RUN npm install
        RUN npm ci --omit=dev
        RUN npm install -g @angular/cli@17.3.0 typescript@^5.4 left-pad@1.3.0
        RUN npm install ./local-pkg ../other /opt/pkg.tgz https://example.com/p.tgz
        RUN npm install git+https://github.com/x/y.git#v1.0 github:x/y#v2 expressjs/express#4.19.2
        RUN npm i --prefix /app --registry https://registry.example.com $PKG "left-pad@${V}"
        RUN npm run build && npm test
    """) == []


def test_aliases_nested_and_onbuild():
    assert lines(RULE, """
        FROM node:20
        RUN npm i -g yarn
        RUN npm add lodash
        RUN sh -c 'npm install --save express'
        ONBUILD RUN npm install -g pm2
    """) == [2, 3, 4, 5]


def test_git_sources_need_a_commit_or_tag():
    assert lines(RULE, """
        FROM node:20
        RUN npm install git+ssh://git@github.com:npm/cli.git
        RUN npm install git+https://github.com/x/y.git github:x/y
        RUN npm install expressjs/express gitlab:x/y bitbucket:x/y
    """) == [2, 3, 3, 4, 4, 4]


def test_git_sources_with_a_ref_pass():
    assert lines(RULE, """
        FROM node:20
        RUN npm install git+ssh://git@github.com:npm/cli.git#v1.0.27
        RUN npm install git+https://github.com/x/y.git#4b825dc6 github:x/y#semver:^5.0 x/y#v2
        RUN npm install file:../lib npm:left-pad@1.3.0 @scope/pkg@1.0.0 https://example.com/p.tgz
    """) == []
