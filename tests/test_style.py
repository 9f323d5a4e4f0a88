"""The code stays ruff clean (the house style); CI runs this with every test run."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_package_does_not_import_dagster():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tributary").rglob("*.py")
        if "import dagster" in path.read_text() or "from dagster" in path.read_text()
    ]
    assert offenders == []


# dbt docs (jaffle-shop style): one <model>.yml beside each <model>.sql, every column described.
# Fast and without a warehouse: the derived marts' columns come from the Parquet schemas in
# tributary/outputs.py; the other marts' from the select list of their `final` CTE when it
# lists its columns.

MODELS = ROOT / "dbt_project" / "models"


def _model_docs() -> dict[str, tuple[Path, dict]]:
    import yaml

    docs: dict[str, tuple[Path, dict]] = {}
    for path in sorted(MODELS.rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            assert model["name"] not in docs, f"{model['name']} documented twice"
            docs[model["name"]] = (path, model)
    return docs


def _final_select_columns(sql: str) -> list[str] | None:
    """Output column names of `final as (select ... from ...)`, None for `select *` unions."""
    import re

    match = re.search(r"\bfinal as \(\s*select\s+(.*?)\n\s*from\b", sql, re.S)
    if not match:
        return None
    items, depth, current = [], 0, ""
    for char in re.sub(r"--[^\n]*", "", match.group(1)):
        depth += char in "({[" or -(char in ")}]")
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    names = [re.split(r"\s+as\s+|\.", item.strip())[-1].strip() for item in items]
    return None if "*" in names else names


def test_every_model_has_exactly_one_yml_beside_it():
    docs = _model_docs()
    sql = {path.stem: path for path in MODELS.rglob("*.sql")}
    assert sorted(docs) == sorted(sql)
    misplaced = [name for name, (path, _) in docs.items() if path != sql[name].with_suffix(".yml")]
    assert misplaced == []


def test_every_documented_column_of_marts_and_derived_staging_has_a_description():
    from tributary.outputs import DERIVED_SCHEMAS

    scope = {p.stem for p in (MODELS / "marts").glob("*.sql")}
    scope |= {f"stg_{name}" for name in DERIVED_SCHEMAS}
    undocumented = [
        f"{name}.{column['name']}"
        for name, (_, model) in _model_docs().items()
        if name in scope
        for column in model.get("columns") or []
        if not str(column.get("description") or "").strip()
    ]
    assert undocumented == []


def test_marts_yml_lists_exactly_the_output_columns():
    from tributary.outputs import DERIVED_SCHEMAS

    docs = _model_docs()
    expected = {
        name: ["account_id", *schema.names]
        for table, schema in DERIVED_SCHEMAS.items()
        for name in (table, f"stg_{table}")
    }
    for path in (MODELS / "marts").glob("*.sql"):
        if path.stem not in expected and (columns := _final_select_columns(path.read_text())):
            expected[path.stem] = columns
    assert len(expected) >= 2 * len(DERIVED_SCHEMAS) + 5  # the parser still finds its models
    documented = {
        name: {c["name"] for c in docs[name][1].get("columns") or []} for name in expected
    }
    wrong = {
        name: {
            "undocumented": sorted(set(columns) - documented[name]),
            "not in the output": sorted(documented[name] - set(columns)),
        }
        for name, columns in expected.items()
        if set(columns) != documented[name]
    }
    assert wrong == {}
