from helpers import findings_of

SOURCE = """import asyncio, time
from fastapi import FastAPI
app = FastAPI()

async def f():
    time.sleep(1)  # noqa: FAP103
    time.sleep(1)  # noqa:FAP104
    time.sleep(1)  # NOQA
    time.sleep(1)  # type: ignore  # noqa: FAP102, FAP103
    x = "# noqa"; time.sleep(1)
    await asyncio.sleep(0)
"""


def test_line_suppressions() -> None:
    lines = sorted(f.range.start.line + 1 for f in findings_of(SOURCE))
    assert lines == [7, 10]


def test_file_level_suppression() -> None:
    assert findings_of("# fastapi-perf: noqa\n" + SOURCE) == []
    only_103 = findings_of("# fastapi-perf: noqa: FAP103\n" + SOURCE)
    assert only_103 == []
    other = findings_of("# fastapi-perf: noqa: FAP102\n" + SOURCE)
    assert [f.range.start.line + 1 for f in other] == [8, 11]


def test_where_a_line_noqa_ends() -> None:
    from fastapi_perf.analysis.source.noqa import find_line_noqa

    assert find_line_noqa("time.sleep(1)") is None
    assert find_line_noqa("time.sleep(1)  # NOQA") == (15, None)
    line = "time.sleep(1)  # noqa: FAP104,FAP102  # why"
    assert find_line_noqa(line) == (15, line.index("  # why"))
