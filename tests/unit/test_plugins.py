"""plugins: toolchains found through the entry-point group, an unknown name answered with the known ones."""

from __future__ import annotations

import re

import pytest

from ccellkernel.api import plugins
from ccellkernel.api.errors import ToolchainNotFound
from ccellkernel.api.toolchain import Toolchain

from .toy import ToyToolchain


def test_load_c():
    chain = plugins.load_toolchain("c")
    assert isinstance(chain, Toolchain)
    assert chain.name == "c"
    assert chain.kernel_name == "ccell-c"
    assert chain.language_info["name"] == "c"


def test_c_is_registered_like_any_plugin():
    assert "c" in plugins.available()
    assert plugins.available()["c"].group == plugins.GROUP


def test_unknown_toolchain_lists_the_known_ones():
    with pytest.raises(ToolchainNotFound) as info:
        plugins.load_toolchain("cobol")
    err = info.value
    assert err.ename == "ToolchainNotFound"
    assert "cobol" in err.evalue
    match = re.search(r"known: ([^)]*)\)", err.evalue)
    assert match is not None, err.evalue
    assert "c" in match.group(1).split(", ")
    assert match.group(1).split(", ") == sorted(plugins.available())
    assert plugins.GROUP in err.evalue


class _EntryPoint:
    def __init__(self, name: str, target: object) -> None:
        self.name = name
        self.group = plugins.GROUP
        self._target = target

    def load(self) -> object:
        return self._target


def test_third_party_toolchain_is_instantiated(monkeypatch):
    monkeypatch.setattr(plugins, "available", lambda: {"toy": _EntryPoint("toy", ToyToolchain)})
    chain = plugins.load_toolchain("toy")
    assert isinstance(chain, ToyToolchain)
    assert chain.kernel_name == "ccell-toy"


@pytest.mark.parametrize("target", [int, "not a class", object()])
def test_entry_point_that_is_not_a_toolchain(monkeypatch, target):
    monkeypatch.setattr(plugins, "available", lambda: {"odd": _EntryPoint("odd", target)})
    with pytest.raises(ToolchainNotFound) as info:
        plugins.load_toolchain("odd")
    assert "odd" in info.value.evalue


def test_kernelspec():
    spec = ToyToolchain().kernelspec("/usr/bin/python3")
    assert spec["argv"][0] == "/usr/bin/python3"
    assert "toy" in spec["argv"] and "{connection_file}" in spec["argv"]
    assert spec["display_name"] == "Toy (fake)"
    assert spec["language"] == "toy"


def test_help_links_name_the_readme_section_once_the_project_has_a_home() -> None:
    """kernel_info's help_links (issue 17): a README section needs a public URL to point into; the
    language's reference is always there, and a plugin gives its own."""
    from ccellkernel.api.plugins import load_toolchain
    from ccellkernel.jupyter.kernel import help_links

    c = load_toolchain("c")
    reference = {"text": "C reference", "url": "https://en.cppreference.com/w/c"}
    assert help_links(c, urls=[]) == [reference]
    homes = ["Issues, https://example.org/issues", "Repository, https://example.org/ccellkernel/"]
    assert help_links(c, urls=homes) == [
        {"text": "ccellkernel: C (compiled)", "url": "https://example.org/ccellkernel#c-one-live-program"},
        reference,
    ]
    go, rust = load_toolchain("go"), load_toolchain("rust")
    assert [link["url"] for link in help_links(go, urls=[])] == ["https://pkg.go.dev/std"]
    assert [link["url"] for link in help_links(rust, urls=[])] == ["https://doc.rust-lang.org/std/"]
