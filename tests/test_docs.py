import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_links_every_screenshot_and_every_link_has_its_image():
    readme = (ROOT / "README.md").read_text()
    linked = set(re.findall(r"\(docs/screenshots/([\w.-]+\.png)\)", readme))
    present = {p.name for p in (ROOT / "docs" / "screenshots").glob("*.png")}
    assert linked - present == set(), "README links images that are not there"
    assert present - linked == set(), "screenshots nobody links: link them or delete them"
