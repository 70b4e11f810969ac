from tests.rules.helpers import findings, lines

RULE = "CSD061"


def test_unpinned_gems_are_flagged():
    found = findings(RULE, "FROM ruby:3.3\nRUN gem install bundler:2.5.10 rake --no-document\n")
    assert [f.message.split("'")[1] for f in found] == ["rake"]


def test_pins_pass():
    assert lines(RULE, """
        FROM ruby:3.3
        RUN gem install bundler:2.5.10
        RUN gem install bundler -v 2.5.10 && gem install rails --version '~> 7.1'
        RUN gem install --version=1.0 foo
        RUN gem install ./local.gem /tmp/x.gem
        RUN gem install $GEM && gem update --system
    """) == []


def test_nested_and_onbuild():
    assert lines(RULE, """
        FROM ruby:3.3
        RUN gem i rake
        RUN sh -c 'gem install -N rails'
        ONBUILD RUN gem install bundler
    """) == [2, 3, 4]


def test_build_options_after_dashes_are_not_gems():
    assert lines(RULE, "FROM ruby:3.3\nRUN gem install bundler:2.0.1 -- --use-system-libraries=true\n") == []
    assert lines(RULE, "FROM ruby:3.3\nRUN gem install nokogiri -- --use-system-libraries\n") == [2]
