"""`handlers.fields`: the rules for typed values, as plain functions."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidInput
from handlers import fields
from handlers.deals.export import safe_cell
from handlers.deals.identity import company_key, normalise_domain
from handlers.deals.money import parse_amount


def test_plain_drops_controls_surrogates_and_bidi_but_keeps_lines_and_tabs() -> None:
    raw = "a\x00b\x1b[1mc\u202ed\u2066e\ud800f\x9bg\r\nh\ti\u200fj"
    assert fields.plain(raw) == "ab[1mcdefg\nh\tij"
    assert fields.one_line(" a \n b\t\x00c ") == "a b c"
    assert fields.plain("東京 😀 עברית e\u0301") == "東京 😀 עברית e\u0301"


def test_display_names_are_cut_never_refused() -> None:
    assert fields.display_name("N" * 256) == "N" * fields.PERSON_NAME_MAX
    assert fields.display_name(None) == ""
    assert fields.display_name("Bob \u202eRep") == "Bob Rep"


def test_partner_names_lose_their_quotes_and_need_a_letter_or_digit() -> None:
    assert fields.partner_name('  "Acme   Corp" ') == "Acme Corp"
    assert fields.partner_name("“Acme”") == "Acme"
    for nobody in ("", '""', "''", " - ", "\u202e"):
        with pytest.raises(InvalidInput):
            fields.partner_name(nobody)
    assert fields.partner_name("ß" * 200) == "ß" * 200
    with pytest.raises(InvalidInput, match="at most 200"):
        fields.partner_name("ß" * 201)


@pytest.mark.parametrize("good", ["gold", "Gold", "tier-1", "Platinum Plus", "金"])
def test_tiers_that_are_words(good: str) -> None:
    assert fields.tier(good) == good


@pytest.mark.parametrize("bad", ["%", "g_ld", "gold,silver", "-gold", "gold-", "g" * 51])
def test_tiers_that_could_widen_an_audience_filter_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        fields.tier(bad)


def test_ids_have_no_spaces_and_fit() -> None:
    assert fields.user_id(" U123 ") == "U123"
    for bad in ("", "U 1", "U\x001", "U" * 256):
        with pytest.raises(InvalidInput):
            fields.user_id(bad)
    assert fields.channel_id("19:abc@thread.tacv2") == "19:abc@thread.tacv2"


def test_keys_that_case_folding_lengthens_fit_their_column() -> None:
    assert len("ﬃ".casefold()) == 3
    assert len(company_key("ﬃ" * 200)) == 200


def test_amounts_too_long_to_convert_are_a_value_error() -> None:
    with pytest.raises(ValueError, match="far too large"):
        parse_amount("9" * 400 + " USD")
    assert parse_amount("1,250,000.50 USD") == (125_000_050, "USD")


@pytest.mark.parametrize("domain", ["xn--zz.com", "xn--a.com", "www.xn--zz.co.uk"])
def test_punycode_that_does_not_decode_is_not_a_domain(domain: str) -> None:
    with pytest.raises(ValueError):
        normalise_domain(domain)
    assert normalise_domain("xn--bcher-kva.example") == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\n=1"),
        ("\x1b[2Jclear", "[2Jclear"),
        ("Acme", "Acme"),
        ("2027-03-31", "2027-03-31"),
    ],
)
def test_export_cells(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


def test_row_ids_from_buttons() -> None:
    assert fields.row_id("42") == 42
    assert fields.row_id(str(fields.ROW_ID_MAX)) == fields.ROW_ID_MAX
    for bad in ("", "0", "-1", "\u00b2", "\u0664\u0662", "2147483648", "9" * 400, "4 2"):
        assert fields.row_id(bad) is None, bad


@pytest.mark.parametrize("typed", ["Europe/Berlin", " America/New_York ", "UTC"])
def test_a_time_zone_as_typed_is_accepted(typed: str) -> None:
    assert fields.time_zone(typed).key == typed.strip()


@pytest.mark.parametrize("typed", ["Mars/Olympus", "", "../../etc/passwd", "Europe/\x00Berlin"])
def test_an_unknown_time_zone_is_a_field_error_naming_it(typed: str) -> None:
    with pytest.raises(InvalidInput) as info:
        fields.time_zone(typed, field="tz")
    message = info.value.field_errors["tz"]
    assert message.startswith("unknown time zone") and "Europe/Berlin" in message
    assert "\x00" not in message
    # A zone stored before this machine lost it still schedules, in UTC.
    assert fields.zone_or_utc(typed).key == "UTC"
