from fastapi_perf.analysis.source.positions import byte_to_char, char_to_units, split_lines, units_to_char

LINE = "x = '😀漢字' + é"


def test_split_lines_follows_lsp_line_breaks() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert split_lines("a\x0cb\u2028c\n") == ["a\x0cb\u2028c"]
    assert split_lines("") == [""]


def test_byte_columns_convert_to_code_points() -> None:
    encoded = LINE.encode()
    plus = encoded.index(b"+")
    assert byte_to_char(LINE, plus) == LINE.index("+")


def test_units_round_trip_in_every_encoding() -> None:
    for column in range(len(LINE) + 1):
        for encoding in ("utf-8", "utf-16", "utf-32"):
            units = char_to_units(LINE, column, encoding)
            assert units_to_char(LINE, units, encoding) == column
    emoji_end = LINE.index("😀") + 1
    assert char_to_units(LINE, emoji_end, "utf-16") == emoji_end + 1
    assert char_to_units(LINE, emoji_end, "utf-8") == len(LINE[:emoji_end].encode())
