"""The definitions live in the repository: every local link of the README and docs/ points to a
file that exists, and the research codebook cites only documents of the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#\s]+)")


def test_every_local_link_of_the_readme_and_docs_exists():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = []
    for page in pages:
        for target in LINK.findall(page.read_text()):
            if "://" in target:
                continue
            if not (page.parent / target).exists():
                missing.append(f"{page.relative_to(ROOT)} -> {target}")
    assert missing == []
    for name in ("pilot.md", "outflow.md", "savings.md", "data-exchange.md"):
        assert (ROOT / "docs" / name).exists(), name


def test_the_codebook_cites_documents_that_exist():
    texts = (ROOT / "reporting" / "exports" / "variables.py").read_text() + (
        ROOT / "templates" / "reporting" / "exports" / "codebook.html"
    ).read_text()
    cited = set(re.findall(r"[\w/.-]+\.md", texts))
    assert cited == {"docs/outflow.md", "docs/savings.md"}
    assert all((ROOT / path).exists() for path in cited)
