import re

import pytest

from containersec.patterns import LazyPattern


def test_a_lazy_pattern_compiles_only_when_first_used():
    broken = LazyPattern(r"(unclosed")  # an invalid expression: compiling it would raise
    with pytest.raises(re.error):
        broken.search("x")


def test_a_lazy_pattern_answers_as_the_compiled_one():
    lazy, compiled = LazyPattern(r"(?P<name>[a-z]+)=(\d+)", re.IGNORECASE), re.compile(r"(?P<name>[a-z]+)=(\d+)",
                                                                                     re.IGNORECASE)
    text = "A=1 b=22 c=x"
    assert lazy.search(text)["name"] == compiled.search(text)["name"] == "A"
    assert lazy.findall(text) == compiled.findall(text) == [("A", "1"), ("b", "22")]
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.sub("-", text) == compiled.sub("-", text)
    assert lazy.fullmatch("x=1") is not None and lazy.match(" x=1") is None
    assert lazy.pattern == compiled.pattern and lazy.groupindex == compiled.groupindex
    bytes_pattern = LazyPattern(rb"\d+")
    assert bytes_pattern.findall(b"a1b22") == [b"1", b"22"]
