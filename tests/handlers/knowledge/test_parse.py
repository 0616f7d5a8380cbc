"""Parsing knowledge-base files into titled passages (pure functions)."""

from __future__ import annotations

import pytest

from handlers.knowledge.front_matter import FrontMatterError
from handlers.knowledge.parse import (
    MAX_PASSAGE_CHARS,
    parse_document,
    parse_html,
    parse_markdown,
    parse_text,
)
from handlers.knowledge.sentences import sentences

MDX = """---
title: Enterprise SSO
description: Configure SSO with OpenID Connect.
audience: [Gold, platinum]
---

import { CommercialFeature } from "/snippets/CommercialFeature.jsx";

<CommercialFeature feature="sso" />

SSO is available on **Cloud** via [OpenID Connect](https://openid.net).

## Okta

<Tabs>
<Tab title="Setup">Create an app in Okta.</Tab>
</Tabs>

### Scopes

Use `openid profile email`.

```js
// # not a heading
const x = 1;
```
"""


def test_mdx_front_matter_components_and_headings() -> None:
    doc = parse_markdown(MDX, fallback_title="sso")
    assert doc.title == "Enterprise SSO"
    assert doc.audience == ("Gold", "platinum")
    assert doc.sections[0].body == "Configure SSO with OpenID Connect."
    sections = {s.section: s.body for s in doc.sections}
    assert "SSO is available on Cloud via OpenID Connect." in "\n".join(sections.values())
    assert "Create an app in Okta." in sections["Okta"]
    assert "Use openid profile email." in sections["Okta › Scopes"]
    assert "// # not a heading" in sections["Okta › Scopes"]
    text = "\n".join(s.body for s in doc.sections)
    assert "import" not in text and "<Tab" not in text and "CommercialFeature" not in text


def test_a_components_description_is_prose_the_reader_sees() -> None:
    doc = parse_markdown(
        "# SCIM\n\n"
        '<CommercialFeature feature="scim" description="SCIM requires SSO. Only Okta and '
        'Entra ID are supported as identity providers." />\n\n'
        "SCIM automates provisioning.\n",
        fallback_title="scim",
    )
    text = "\n".join(s.body for s in doc.sections)
    assert "Only Okta and Entra ID are supported as identity providers." in text
    assert "SCIM automates provisioning." in text
    assert "feature=" not in text and 'scim"' not in text


def test_audience_all_means_everyone_and_first_h1_is_the_title() -> None:
    doc = parse_markdown("---\naudience: all\n---\n# Pricing\n\nList prices.\n", fallback_title="x")
    assert doc.audience is None
    assert doc.title == "Pricing"
    assert [s.body for s in doc.sections] == ["List prices."]


def test_long_sections_are_split_at_paragraphs() -> None:
    paragraph = "word " * 150
    doc = parse_markdown(f"## Big\n\n{paragraph}\n\n{paragraph}\n\n{paragraph}", fallback_title="b")
    assert len(doc.sections) >= 2
    assert all(len(s.body) <= MAX_PASSAGE_CHARS for s in doc.sections)
    assert {s.section for s in doc.sections} == {"Big"}


def test_html_keeps_visible_text_by_heading() -> None:
    html = (
        "<html><head><title>Start</title><script>var a;</script></head><body><nav>menu</nav>"
        "<h2>Install</h2><p>Run the <b>installer</b>.</p><h2>Use</h2><p>Open it.</p></body></html>"
    )
    doc = parse_html(html, fallback_title="x")
    assert doc.title == "Start"
    assert [(s.section, s.body) for s in doc.sections] == [
        ("Install", "Run the installer ."),
        ("Use", "Open it."),
    ] or [(s.section, " ".join(s.body.split())) for s in doc.sections] == [
        ("Install", "Run the installer."),
        ("Use", "Open it."),
    ]


def test_plain_text_title_is_its_first_line() -> None:
    doc = parse_text("Troubleshooting\n\nCheck the log.\n", fallback_title="t")
    assert doc.title == "Troubleshooting"
    assert [s.body for s in doc.sections] == ["Check the log."]
    assert parse_document("one line", suffix=".TXT", fallback_title="Notes").title == "Notes"


def test_unreadable_front_matter_is_refused_not_read_as_everyone() -> None:
    # It may have carried an audience: the ingest reports and skips the document.
    with pytest.raises(FrontMatterError, match="not valid YAML"):
        parse_markdown("---\ntitle: [unclosed\n---\nBody here.\n", fallback_title="Fallback")


def test_code_blocks_keep_bare_fences_so_their_lines_are_code() -> None:
    # A code line that looks like prose ('key="pricing-test",') is code because its
    # block's fences reach the sentence splitter; the language word is not indexed.
    code = 'experiment = Experiment(\n    key="pricing-test",\n)'
    text = f"## Run\n\nCall it:\n\n```python\n{code}\n```\n"
    body = parse_markdown(text, fallback_title="sdk").sections[0].body
    assert "python" not in body
    units = {unit.text: unit.is_code for unit in sentences(body)}
    assert units['key="pricing-test",'] is True


def test_a_code_block_cut_between_passages_is_fenced_in_each() -> None:
    code = "\n\n".join(f"value_{i} = compute({i}, 'x' * 40, other=True)" for i in range(40))
    doc = parse_markdown(f"## Big\n\nIntro.\n\n```\n{code}\n```\n\nAfter it.", fallback_title="b")
    assert len(doc.sections) >= 2
    for section in doc.sections:
        fences = [line for line in section.body.splitlines() if line == "```"]
        assert len(fences) % 2 == 0
        assert all(u.is_code for u in sentences(section.body) if "value_" in u.text)
    assert not next(u for u in sentences(doc.sections[-1].body) if "After" in u.text).is_code
