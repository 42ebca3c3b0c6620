"""docs/architecture.md draws the layers that the import-linter contracts in pyproject.toml hold.

``make lint`` checks the code against the contracts; this checks the page against them, so
the graph a reader sees is the one the linter enforces.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def expected_graph(layers: dict[str, Any]) -> str:
    """The mermaid block the page must hold: one node per layer in order, the layers chained top
    to bottom, and a dotted arrow for each import the contract lets go upwards."""
    names = [f"L{n}" for n in range(1, len(layers["layers"]) + 1)]
    place = {
        module: name
        for name, layer in zip(names, layers["layers"], strict=True)
        for module in layer.replace("|", ":").split(":")
    }
    lines = ["```mermaid", "flowchart TD"]
    lines += [f'  {name}["{layer}"]' for name, layer in zip(names, layers["layers"], strict=True)]
    lines.append("  " + " --> ".join(names))
    for exception in layers["ignore_imports"]:
        importer, imported = (part.strip().split(".")[1] for part in exception.split("->"))
        lines.append(f'  {place[importer]} -.->|"{exception}"| {place[imported]}')
    lines.append("```")
    return "\n".join(lines)


def test_the_page_draws_the_layers_the_linter_holds() -> None:
    layers = contracts()["layers"]
    page = (ROOT / "docs" / "architecture.md").read_text()
    expected = expected_graph(layers)
    assert expected in page, f"docs/architecture.md should hold exactly:\n{expected}"


def test_every_top_level_part_of_the_package_has_a_layer() -> None:
    """The contract is exhaustive, so a new module must take a place; the page names them all."""
    listed = {
        module.strip()
        for layer in contracts()["layers"]["layers"]
        for module in layer.replace("|", ":").split(":")
    }
    package = ROOT / "src" / "dissent"
    present = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    present |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert listed == present
