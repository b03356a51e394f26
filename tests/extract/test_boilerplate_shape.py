"""Boilerplate told by the shape of a line, on pages invented for these tests.

The site ("Harbour Gazette"), the town and the story are made up; each page mixes
furniture an unfamiliar site might print with short lines that belong to the story.
"""

from vigil.extract.text import date_stamp, in_context, structure

PROSE_1 = "Ferry crews in Port Elmira walked out on Monday after talks over night shifts broke down, the union said."
PROSE_2 = (
    "The harbour authority said it had offered a new rota and would meet the union again later this week."
)
PROSE_3 = (
    "Passengers waited for hours at the terminal as the last boats of the day were cancelled without notice."
)
PROSE_4 = "A spokesman for the operator said the company regretted the disruption and hoped to resume sailings soon."

PROSE_5 = "The union said its members would hold a second vote on the offer before the end of the month."

HEADLINE = "Ferry crews strike in Port Elmira over night shifts"


def _page(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


def test_a_menu_run_together_on_one_line_is_removed() -> None:
    art = structure(
        _page(
            "Home News World Sport Business Culture Weather",
            HEADLINE,
            PROSE_1,
            PROSE_2,
            "Home News World Sport Business Culture Weather Contact",
        )
    )
    assert art.title == HEADLINE
    assert "Culture Weather" not in art.text
    assert "Home News World Sport Business Culture Weather" in art.removed
    assert art.text.startswith("Ferry crews in Port Elmira walked out")


def test_a_title_case_headline_alone_above_the_story_is_still_the_title() -> None:
    art = structure(_page("Ferry Crews Strike Over Night Shifts Rota", PROSE_1, PROSE_2))
    assert art.title == "Ferry Crews Strike Over Night Shifts Rota"
    assert art.text.startswith("Ferry crews in Port Elmira")


def test_a_weather_widget_and_a_site_name_printed_twice_are_removed() -> None:
    art = structure(
        _page(
            "Harbour Gazette", "Port Elmira 24°C Partly cloudy", HEADLINE, "Harbour Gazette", PROSE_1, PROSE_2
        )
    )
    assert "24°C" not in art.text
    assert "Harbour Gazette" not in art.text
    assert art.removed.count("Harbour Gazette") == 2
    assert art.title == HEADLINE


def test_a_label_printed_twice_goes_but_prose_printed_twice_is_kept_once() -> None:
    art = structure(
        _page(
            HEADLINE,
            PROSE_1,
            PROSE_2,
            "Harbour Gazette",
            PROSE_3,
            '"No."',
            PROSE_4,
            '"No."',
            PROSE_5,
            "Harbour Gazette",
            PROSE_1,
        )
    )
    assert "Harbour Gazette" not in art.text
    assert art.text.count(PROSE_1) == 1
    assert art.text.split("\n\n").count('"No."') == 2  # a short sentence said twice is the story's


def test_latest_headlines_and_the_links_under_it_are_removed() -> None:
    art = structure(
        _page(
            HEADLINE,
            PROSE_1,
            PROSE_2,
            "Latest Headlines",
            "Council approves new bridge tolls",
            "Fishing fleet returns early after storm warning",
            "Why the old lighthouse may close for good?",
            PROSE_3,
            PROSE_4,
            "Related Links: Ferry fares rise again | Dockers vote on pay deal",
            "Must read",
            "Ten walks along the Elmira coast",
        )
    )
    for furniture in (
        "Latest Headlines",
        "bridge tolls",
        "Fishing fleet",
        "Related Links",
        "Must read",
        "Ten walks",
    ):
        assert furniture not in art.text
    assert PROSE_3 in art.text and PROSE_4 in art.text
    assert "Latest Headlines" in art.removed


def test_read_more_between_paragraphs_is_removed_but_the_paragraphs_stay() -> None:
    art = structure(
        "\n".join([HEADLINE, PROSE_1, "Read more: Dockers vote on new pay deal", PROSE_2, PROSE_3])
    )
    assert "Dockers vote" not in art.text
    assert PROSE_1 in art.text and PROSE_2 in art.text
    assert "Read more: Dockers vote on new pay deal" in art.removed


def test_a_date_stamp_line_goes_to_metadata_not_the_body() -> None:
    art = structure(_page(HEADLINE, "Posted: 12 March 2021", PROSE_1, PROSE_2))
    assert art.published == "12 March 2021"
    assert "12 March 2021" not in art.text
    assert "Posted: 12 March 2021" in art.removed
    art = structure(_page("Tue Mar 9, 2021 06:53PM", HEADLINE, PROSE_1, PROSE_2))
    assert art.published == "Tue Mar 9, 2021 06:53PM"
    assert "06:53PM" not in art.text


def test_a_date_stamp_does_not_override_front_matter() -> None:
    art = structure("---\ndate: 2021-03-10\n---\n" + _page("Updated 11 March 2021, 09:15", PROSE_1, PROSE_2))
    assert art.published == "2021-03-10"
    assert "Updated 11 March 2021" not in art.text


def test_what_is_and_is_not_a_date_stamp() -> None:
    assert date_stamp("Publish Date : 2021-02-20 01:20:29") == "2021-02-20 01:20:29"
    assert date_stamp("Posted at Aug 24 2017 08:03 PM") == "Aug 24 2017 08:03 PM"
    assert date_stamp("Friday 5 June 2020") == "Friday 5 June 2020"
    assert date_stamp("March 2021 was the wettest month on record.") is None
    assert date_stamp("12 March") is None  # no year: a crosshead in a timeline, say
    assert date_stamp("Posted by the harbour master") is None


def test_a_repeated_title_is_the_title_and_its_copies_are_removed() -> None:
    art = structure(
        _page("Harbour Gazette logo", HEADLINE, "By Jane Roe", HEADLINE, f"{HEADLINE} 1", PROSE_1, PROSE_2)
    )
    assert art.title == HEADLINE
    assert HEADLINE not in art.text
    assert "logo" not in art.text
    assert art.text.startswith("Ferry crews in Port Elmira")


def test_a_byline_of_names_and_an_agency_above_the_story_is_removed() -> None:
    art = structure(_page(HEADLINE, "Ana Lima and Tom Brook, Harbour Wire", PROSE_1, PROSE_2))
    assert "Tom Brook" not in art.text
    assert art.text.startswith("Ferry crews")


def test_short_body_lines_are_kept() -> None:
    quote = '"We are not afraid," she said.'
    short = "The talks failed."
    crosshead = "Talks collapse"
    last = "Sailings resume on Friday."
    art = structure(_page(HEADLINE, PROSE_1, quote, PROSE_2, short, crosshead, PROSE_3, PROSE_4, last))
    paras = art.text.split("\n\n")
    assert quote in paras and short in paras and crosshead in paras and last in paras
    assert paras[0] == PROSE_1 and paras[-1] == last


def test_a_short_note_without_prose_around_it_is_kept_whole() -> None:
    art = structure("Short note\n\nNo sailings today.\n\nCheck again tomorrow.\n")
    assert "No sailings today." in art.text and "Check again tomorrow." in art.text


def test_italic_captions_and_credits_are_removed_but_a_bracketed_note_stays() -> None:
    art = structure(
        _page(
            HEADLINE,
            PROSE_1,
            "*(Update: After publication, the operator cancelled all sailings until Friday.)*",
            "*Crew members gather at the terminal gate on Monday morning.*",
            PROSE_2,
            PROSE_3,
            "*Jane Roe and Tom Brook contributed to this report.*",
        )
    )
    assert "Update: After publication" in art.text
    assert "gather at the terminal gate" not in art.text
    assert "contributed to this report" not in art.text
    assert PROSE_3 in art.text


def test_a_box_that_addresses_the_reader_is_removed_but_a_crosshead_section_stays() -> None:
    art = structure(
        _page(
            f"# {HEADLINE}",
            PROSE_1,
            "## Support the Gazette",
            "Your gifts keep our reporters on the waterfront and our pages free to read.",
            PROSE_2,
            "## Talks resume",
            PROSE_3,
            "## Get our newsletter",
            "Sign up for our morning briefing from the harbour.",
            PROSE_4,
        )
    )
    assert "Your gifts" not in art.text and "Support the Gazette" not in art.text
    assert "morning briefing" not in art.text
    assert "Talks resume" in art.text
    assert PROSE_2 in art.text and PROSE_3 in art.text and PROSE_4 in art.text


def test_an_explainer_section_that_says_you_and_we_is_not_a_box() -> None:
    section = "The operator says most routes will reopen on Friday, and we will tell you as soon as they do."
    art = structure(_page(f"# {HEADLINE}", PROSE_1, "## What you need to know", section, PROSE_2))
    assert section in art.text and "What you need to know" in art.text


def test_a_page_set_mostly_in_italics_keeps_its_italics() -> None:
    art = structure(_page(HEADLINE, f"*{PROSE_1}*", f"*{PROSE_2}*", PROSE_3))
    assert "Ferry crews in Port Elmira walked out" in art.text and "The harbour authority said" in art.text


def test_a_caption_ending_on_its_credit_is_a_caption() -> None:
    cap = "Dock workers stand by a moored ferry in Port Elmira on March 8, 2021. Ana Lima, Harbour Wire"
    art = structure(_page(HEADLINE, cap, PROSE_1, PROSE_2))
    assert "moored ferry" not in art.text
    assert [c.credit for c in art.captions] == ["Ana Lima, Harbour Wire"]


def test_a_hard_wrapped_paragraph_is_not_cut_at_a_capitalised_line_end() -> None:
    wrapped = (
        "The inquiry heard evidence from crews, passengers and the harbour master. Port Elmira Council\n"
        "said it would publish the findings in full once the inquiry had closed."
    )
    art = structure(_page(HEADLINE, wrapped, PROSE_1))
    assert "Port Elmira Council said it would publish" in art.text
    assert art.captions == []


def test_an_editors_sign_off_is_removed() -> None:
    art = structure(
        "\n".join(
            [
                HEADLINE,
                PROSE_1,
                PROSE_2,
                '"We will not go back," one crew member said.',
                "ab/cd (Harbour Wire)",
            ]
        )
    )
    assert "ab/cd" not in art.text
    assert '"We will not go back," one crew member said.' in art.text


def test_agency_credit_lines_are_removed_but_a_sentence_on_reporting_stays() -> None:
    art = structure(
        _page(
            HEADLINE,
            PROSE_1,
            "Reporting by local radio suggested that more crews would join the strike.",
            PROSE_2,
            "(Reporting by Ana Lima; Editing by Tom Brook)",
        )
    )
    assert "Reporting by local radio suggested" in art.text
    assert "Editing by Tom Brook" not in art.text


def test_justext_context_rules() -> None:
    # short lines go with prose on both sides and with furniture on either side
    assert in_context(["good", "short", "good"]) == [True, True, True]
    assert in_context(["bad", "short", "good"]) == [False, False, True]
    assert in_context(["good", "short", "short"]) == [True, False, False]
    # a near-good line next to a short one rescues it; near-good lines fall only between bad ones
    assert in_context(["bad", "near", "short", "good"]) == [False, True, True, True]
    assert in_context(["bad", "near", "bad", "good"]) == [False, False, False, True]
