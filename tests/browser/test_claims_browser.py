"""The Claims page in Chromium at desktop and phone widths: it draws, a claim's hostile text stays text, axe finds nothing serious."""

from __future__ import annotations

import json

import pytest

from components import claims
from components.validation import load_package
from tests.browser.helpers import ARTIFACTS, XSS_TITLE
from tests.conftest import ROOT
from tests.helpers import read_rows, write_rows

SIZES = {"desktop": (1280, 800), "phone": (375, 812)}
PATH = "/claims"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HOSTILE_CLAIM = f"{XSS_TITLE} [a link](javascript:alert(1)) **not bold**"


@pytest.fixture(scope="module")
def hostile_claim(hostile_data_dir) -> str:
    """The first claim of the server's data copy, rewritten with an XSS payload and markdown (the copy stays valid)."""
    header, rows = read_rows(hostile_data_dir / "claims.csv")
    rows[0]["claim"] = HOSTILE_CLAIM
    write_rows(hostile_data_dir / "claims.csv", header, rows)
    package = load_package(hostile_data_dir)
    assert package.valid, package.errors[:5]
    return rows[0]["claim_id"]


@pytest.mark.parametrize("size", SIZES)
def test_claims_page_draws_with_the_hostile_claim_shown_as_text(visit, hostile_claim, size):
    opened = visit(PATH, SIZES[size])
    assert opened.page.locator(".js-plotly-plot .main-svg").count() >= 1, "the claims chart was not drawn"
    heading = opened.page.locator(f".st-key-claims_claim_{hostile_claim} h3")
    assert heading.inner_text().strip() == claims.claim_heading(HOSTILE_CLAIM)
    # Streamlit gives every heading its own anchor link; nothing else in it may be markup from the data.
    assert heading.locator("img, strong, a[href^='javascript']").count() == 0
    opened.screenshot(f"claims-{size}")
    opened.assert_safe()


def test_claims_stance_filter_goes_into_the_link(visit, hostile_claim):
    opened = visit(PATH + "?claims_stance=supports", SIZES["desktop"])
    assert "claims_stance=supports" in opened.page.url
    assessments = opened.page.locator("[class*='st-key-claims_assessment_']")
    assert assessments.count() >= 1
    assert assessments.filter(has_text="Supports the claim").count() == assessments.count()
    assert assessments.filter(has_text="Contradicts the claim").count() == 0
    opened.assert_safe()


def test_claims_page_has_no_serious_accessibility_violation(visit, hostile_claim):
    opened = visit(PATH, SIZES["desktop"])
    opened.page.add_script_tag(path=str(AXE))
    result = opened.page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe" / "claims.json").write_text(json.dumps(result, indent=1))
    blocking = [
        f"{finding['id']} ({finding['impact']}) at {node['target']}: {finding['help']}"
        for finding in result["violations"]
        if finding["impact"] in {"serious", "critical"}
        for node in finding["nodes"]
    ]
    assert blocking == [], blocking
