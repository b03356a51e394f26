from vigil.extract.text import structure

DUMP = """---
title: Ministers trade blame over dam collapse
description: Two ministries blamed each other on Friday.
date: 2021-04-02-10-00-00
---
The water ministry said the dam was inspected last year.

![](https://example.org/dam.jpg)

The interior ministry said the inspection was never done.

Share this

Related Articles
"""


def test_front_matter_is_metadata_not_text() -> None:
    art = structure(DUMP)
    assert art.title == "Ministers trade blame over dam collapse"
    assert art.subtitle == "Two ministries blamed each other on Friday."
    assert art.published == "2021-04-02-10-00-00"
    assert "title:" not in art.text and "---" not in art.text
    assert "![](" not in art.text
    assert art.text.startswith("The water ministry said")
    assert "Share this" in art.removed and "Related Articles" in art.removed
    assert "Share this" not in art.text


HEADER = """## Flood relief stalls in the north

keywords: flood relief aid north

authors: Jane Roe

publish date: 2020-09-01 00:00:00

[Original Article](https://news.example.org/flood)

Flood relief stalls Published duration 2 hours ago

media caption Volunteers carry sacks of rice

Aid workers said on Monday that [the main road](https://maps.example.org/r) was still closed.

Image copyright Agency X image caption A flooded school

By John Smith, Example News, Capital

“We cannot reach the villages,” said one driver.

Back to top button
"""


def test_header_lines_links_stamps_captions_and_bylines() -> None:
    art = structure(HEADER)
    assert art.title == "Flood relief stalls in the north"
    assert art.url == "https://news.example.org/flood"
    assert art.published == "2020-09-01 00:00:00"
    assert "Jane Roe" in art.authors and "John Smith" in art.authors
    assert [c.text for c in art.captions] == ["Volunteers carry sacks of rice", "A flooded school"]
    assert art.captions[1].credit == "Agency X"
    assert "the main road was still closed" in art.text  # link text kept, URL dropped
    assert "maps.example.org" not in art.text
    assert "Published duration" not in art.text
    assert "By John Smith" not in art.text
    assert "“We cannot reach the villages,” said one driver." in art.text  # curly quotes kept exactly
    assert "Back to top button" in art.removed


PIPE = """Court jails two reporters

The court jailed two reporters for seven years on Monday, their lawyers said.

JOHN DOE
John Doe | Example Agency/Photographer Name, 2019

The lawyers said they would appeal.

Discover news about Myanmar
"""


def test_standfirst_pipe_caption_and_alt_duplicate() -> None:
    art = structure(PIPE)
    assert art.title == "Court jails two reporters"
    assert art.subtitle == "The court jailed two reporters for seven years on Monday, their lawyers said."
    assert (
        art.captions[0].text == "John Doe"
        and art.captions[0].credit == "Example Agency/Photographer Name, 2019"
    )
    assert "JOHN DOE" in art.removed
    assert art.text == "The lawyers said they would appeal."
    assert "Discover news about Myanmar" in art.removed


def test_caption_repeating_a_body_sentence_is_removed() -> None:
    body = "The minister said the camps were schools. He gave no figures."
    cap = "The minister said the camps were schools. The minister (pictured) speaks in the capital on May 3"
    art = structure(f"Headline here\n\n{body}\n\n{cap}\n\nA second paragraph ends here.\n")
    assert cap not in art.text
    assert body in art.text
    assert any(c.text == cap for c in art.captions)


def test_scraper_dump_sections() -> None:
    lines = ["# example.org", "", "## Metadata", "", "- **URL**: https://example.org/a", "", "## Content", ""]
    prose = [
        f"Sentence number {i} is a long enough line of article prose to count as text." for i in range(40)
    ]
    menu = ["Home", "News", "Sport", "Weather", "Log In"] * 8
    art = structure("\n".join(lines + menu + prose + menu))
    assert art.url == "https://example.org/a"
    assert "Sentence number 0 is" in art.text and "Sentence number 39 is" in art.text
    assert "Log In" not in art.text and "Weather" not in art.text


WRAPPED = """---
title: Spyware found on activist's phone
structured_data:
  description: Researchers link a forensic tool to a police raid.
  author: ''
date: '2026-02-27T06:25:15+00:00'
source_url: https://news.example.org/spyware
---

Researchers at the Example Lab have found that police used a commercial
[forensic tool](https://example.org/tool)
to unlock the phone of a well-known activist.

The lab
[said](https://example.org/report)
it found traces of the tool on the device.
"""


def test_nested_front_matter_and_soft_wrapped_lines() -> None:
    art = structure(WRAPPED)
    assert art.title == "Spyware found on activist's phone"
    assert art.subtitle == "Researchers link a forensic tool to a police raid."
    assert art.url == "https://news.example.org/spyware"
    assert art.published is not None and art.published.startswith("2026-02-27")
    paras = art.text.split("\n\n")
    assert paras == [
        "Researchers at the Example Lab have found that police used a commercial forensic tool to unlock the phone of a well-known activist.",
        "The lab said it found traces of the tool on the device.",
    ]


def test_a_date_line_is_not_a_headline() -> None:
    art = structure("27 February 2026, 19:06\n\nThe court said the appeal was rejected.\n")
    assert art.title is None


def test_a_photo_credit_on_its_own_line() -> None:
    art = structure(
        "Aid convoy reaches the border\n\nAgency Photo/Jane Smith\n\nThe convoy crossed on Friday, officials said.\n"
    )
    assert art.text == "The convoy crossed on Friday, officials said."
    assert [c.credit for c in art.captions] == ["Agency Photo/Jane Smith"]
