"""``pytest --fastapi-perf``: record what blocks the event loop while the suite runs.

Registered through the ``pytest11`` entry point, so it loads in every pytest
run where fastapi-perf is installed; without ``--fastapi-perf`` it only adds
its options, and imports neither aiocop nor the recorder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

DEFAULT_THRESHOLD_MS = 10.0
WORST = 10


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fastapi-perf", "fastapi-perf: event-loop stalls in the test suite")
    group.addoption(
        "--fastapi-perf",
        action="store_true",
        default=False,
        help="record blocking calls and event-loop stalls made by the project's code, for `fastapi-perf check`",
    )
    group.addoption(
        "--fastapi-perf-threshold",
        type=float,
        default=DEFAULT_THRESHOLD_MS,
        metavar="MS",
        help=f"a loop callback longer than this is a stall (default: {DEFAULT_THRESHOLD_MS:g} ms)",
    )
    group.addoption(
        "--fastapi-perf-report",
        default=None,
        metavar="PATH",
        help="where to write the report (default: fastapi-perf-runtime.json at the rootdir)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("fastapi_perf"):
        return
    threshold = config.getoption("fastapi_perf_threshold")
    if not threshold > 0:
        raise pytest.UsageError(f"--fastapi-perf-threshold must be a positive number of milliseconds, not {threshold:g}")
    if getattr(config.option, "numprocesses", None) or hasattr(config, "workerinput"):
        raise pytest.UsageError("--fastapi-perf records in one process: run it without pytest-xdist's -n")
    try:
        recording = RuntimeRecording(config, threshold)
    except (ImportError, RuntimeError) as error:
        raise pytest.UsageError(str(error)) from None
    config.pluginmanager.register(recording, "fastapi-perf-runtime")


class RuntimeRecording:
    def __init__(self, config: pytest.Config, threshold_ms: float) -> None:
        from .attribution import Attributor
        from .detector import AiocopDetector
        from .frames import ProjectFiles
        from .recorder import Recorder
        from .report import DEFAULT_NAME

        self.config = config
        option = config.getoption("fastapi_perf_report")
        self.path = Path(config.invocation_params.dir, option) if option else config.rootpath / DEFAULT_NAME
        project = ProjectFiles(config.rootpath, config.getini("python_files"))
        self.recorder = Recorder(Attributor(project), threshold_ms)
        self.detector = AiocopDetector(threshold_ms, self.recorder.record_callback)
        self.detector.start()
        self.report = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        path, line, _ = item.location
        self.recorder.tests[item.nodeid] = _test_location(path, line)
        self.recorder.current_test = item.nodeid
        try:
            return (yield)
        finally:
            self.recorder.current_test = None
            self.recorder.tests_run += 1

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        from .. import __version__
        from .report import write

        self.detector.stop()
        self.report = self.recorder.report(self.config.rootpath, self.detector.description, __version__)
        write(self.report, self.path)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.report is None:
            return
        from .table import worst_sites

        sites = self.report.sites
        title = f"fastapi-perf: {len(sites)} site{'s' if len(sites) != 1 else ''} blocked the event loop"
        terminalreporter.write_sep("=", title)
        for line in worst_sites(sites, WORST):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"report: {self.path}")


def _test_location(path: str, line: int | None):
    from .report import TestLocation

    return TestLocation(Path(path).as_posix(), (line or 0) + 1)
