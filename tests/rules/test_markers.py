"""The fixture markers: plain codes pin a line; ``CODE:column "fragment"`` pins where and what too."""

from __future__ import annotations

from fastapi_perf.analysis import Finding, Position, Range

from rules.markers import Expectation, expectations, expected_findings, unmet_pins

TEXT = """\
time.sleep(1)  # error: FAP103
    time.sleep(1)  # error: FAP103:5 "time.sleep"
    x = open(p)  # error: FAP104 "file I/O", FAP105:9
"""


def _finding(code: str, line: int, column: int, message: str) -> Finding:
    return Finding(code, message, Range(Position(line, column), Position(line, column + 4)))


def test_markers_read_codes_columns_and_fragments() -> None:
    assert expectations(TEXT) == [
        Expectation(1, "FAP103"),
        Expectation(2, "FAP103", 5, "time.sleep"),
        Expectation(3, "FAP104", None, "file I/O"),
        Expectation(3, "FAP105", 9, None),
    ]
    assert expected_findings(TEXT) == {(1, "FAP103"), (2, "FAP103"), (3, "FAP104"), (3, "FAP105")}


def test_a_pin_is_met_only_by_the_column_and_the_message_it_names() -> None:
    met = [
        _finding("FAP103", 1, 4, "`time.sleep()` blocks the event loop"),
        _finding("FAP104", 2, 8, "Blocking file I/O `open()`"),
        _finding("FAP105", 2, 8, "CPU-heavy work"),
    ]
    assert unmet_pins(TEXT, met) == []
    wrong_column = [_finding("FAP103", 1, 0, "`time.sleep()` blocks"), *met[1:]]
    wrong_text = [met[0], _finding("FAP104", 2, 8, "Blocking subprocess call"), met[2]]
    assert [p.split(":")[0] for p in unmet_pins(TEXT, wrong_column)] == ["line 2"]
    assert [p.split(":")[0] for p in unmet_pins(TEXT, wrong_text)] == ["line 3"]
