"""Ask jedi what a receiver is when imports and annotations cannot tell.

The cheap resolver answers from the import table, annotations, constructors
and ``Depends``; it stays silent on anything else. jedi can follow a value
through installed libraries and attribute chains (``client =
vendor.make_client()``, ``self.repo.session.query(...)``), at a price: tens
to hundreds of milliseconds per question, seconds on a cold start. So it is
asked only about method calls inside ``async def`` whose method name is one
the catalogue knows to block, whose receiver the resolver could not type,
and the answers are cached by the statement's text and position.

In the editor the questions are collected during an analysis and answered
in a worker thread afterwards (the server then re-checks the statements
concerned and publishes again); in the CLI they are answered at once, each
file within a time budget. A failure or a timeout means "unknown". jedi
analyses source statically and never imports the project's code; it runs
the editor's interpreter to introspect compiled libraries only when the
workspace is trusted. Its parse cache is fastapi-perf's own, per version,
under the user's cache folder, and a damaged entry there is removed and
the question asked again, with a warning.
"""

from __future__ import annotations

import ast
import logging
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..catalog import BLOCKING, canonical

log = logging.getLogger(__name__)


def _interesting_methods() -> frozenset[str]:
    names = set()
    for qualname in BLOCKING:
        parts = qualname.split(".")
        if len(parts) >= 3 and parts[-2][:1].isupper():
            names.add(parts[-1])
    return frozenset(names)


INTERESTING = _interesting_methods()
MAX_REPAIRS = 50
"""Damaged cache entries removed while answering one batch of questions, at most."""


@dataclass(frozen=True, slots=True)
class Question:
    key: tuple
    line: int
    """1-based line in the whole file."""
    column: int
    """Code-point column just inside the end of the receiver expression."""


class Inference:
    def __init__(
        self,
        root: Path | None = None,
        interpreter: str | None = None,
        trusted: bool = True,
        eager: bool = False,
        budget_s: float = 1.0,
        cache_folder: Path | None = None,
    ) -> None:
        """``cache_folder``: jedi's parse cache, one of fastapi-perf's own (``user_dirs.jedi_cache``),
        which this class may repair; None leaves jedi's shared default alone."""
        self.root = root
        self.interpreter = interpreter if trusted else None
        self.trusted = trusted
        self.eager = eager
        self.budget_s = budget_s
        self.answers: dict[tuple, str | None] = {}
        self.pending: dict[tuple, Question] = {}
        self.retried: set[tuple] = set()
        """Questions asked a second time after running out of time (the server's budget)."""
        self._project = None
        self._environment = None
        self._spent = 0.0
        self.asked = 0
        """Questions jedi answered (tests and benchmarks read it)."""
        self.cache_folder = cache_folder

    # -- questions -------------------------------------------------------------
    def type_of(self, key: tuple, line: int, column: int, text: str | None, path: str | None) -> str | None:
        """The class of the receiver at (line, column), when known; None while unknown."""
        if key in self.answers:
            return self.answers[key]
        question = Question(key, line, column)
        if not self.eager or text is None:
            self.pending[key] = question
            return None
        if self._spent >= self.budget_s:
            return None
        self._answer(text, path, [question])
        return self.answers.get(key)

    def answers_only(self) -> Inference:
        """A view that answers from what jedi has already said and records no question.

        For analyses of texts that are not the document's (the editor's fix-all
        rounds): a question about them would later be answered against the
        document's text, at the wrong place.
        """
        view = Inference(self.root, self.interpreter, self.trusted, eager=False, budget_s=self.budget_s)
        view.answers = self.answers
        return view

    def new_budget(self) -> None:
        """Start a new time budget (per file in the CLI)."""
        self._spent = 0.0

    def answer_pending(self, text: str, path: str | None) -> set[tuple]:
        """Answer the collected questions about ``text`` (in a worker thread); return their keys."""
        questions = list(self.pending.values())
        self.pending.clear()
        self._spent = 0.0
        self._answer(text, path, questions)
        return {q.key for q in questions}

    # -- jedi ----------------------------------------------------------------
    def _answer(self, text: str, path: str | None, questions: list[Question]) -> None:
        if not questions:
            return
        try:  # jedi's start-up is paid once, not out of the first file's budget
            import jedi

            self._jedi_setup(jedi)
        except Exception as error:  # asked below again, where a failure is handled
            log.debug("jedi could not start: %s", error)
        started = time.monotonic()
        removed: set[Path] = set()
        try:
            while True:
                try:
                    self._ask(text, path, questions, started)
                    return
                except Exception as error:  # jedi failing must never fail an analysis
                    # Each damaged entry is removed and the questions asked once more without it,
                    # on a fresh budget: a repair happens once, the next runs read the cache again.
                    if len(removed) < MAX_REPAIRS and self._forget_damaged_cache(error, removed):
                        started = time.monotonic()
                        continue
                    log.debug("jedi could not answer: %s", error)
                    for question in questions:
                        self.answers.setdefault(question.key, None)
                    return
        finally:
            self._spent += time.monotonic() - started

    def _ask(self, text: str, path: str | None, questions: list[Question], started: float) -> None:
        import jedi

        project, environment = self._jedi_setup(jedi)
        script = jedi.Script(text, path=path, project=project, environment=environment)
        for question in questions:
            if self._spent + (time.monotonic() - started) >= self.budget_s:
                break  # out of time: the rest stay unknown (and are asked again later)
            self.answers[question.key] = _instance_type(script, question)
            self.asked += 1

    def _forget_damaged_cache(self, error: BaseException, removed: set[Path]) -> bool:
        """Remove the cache entry jedi failed to read (a truncated pickle, say); True if there was one.

        parso keeps every parsed module as a pickle in jedi's cache folder
        and unpickles it on the next run without a check: one damaged file
        made every question fail, so inference was off for good. Only files
        in fastapi-perf's own cache folder are removed.
        """
        if self.cache_folder is None:
            return False
        folder = self.cache_folder.resolve()
        damaged = _damaged_entry(error)
        if damaged is None or damaged in removed or folder not in damaged.resolve().parents:
            return False
        removed.add(damaged)
        try:
            damaged.unlink()
        except FileNotFoundError:
            pass
        except OSError as unlink_error:
            log.warning("jedi's cache entry %s is damaged (%s) and cannot be removed: %s", damaged, error, unlink_error)
            return False
        log.warning("jedi's cache entry %s was damaged (%s: %s); removed it and asked again", damaged, type(error).__name__, error)
        return True

    def _jedi_setup(self, jedi):
        if self._project is None:
            # Our own cache, per version: never a folder other tools (or versions) write, and one
            # this class may repair (``_forget_damaged_cache``).
            if self.cache_folder is not None:
                try:
                    self.cache_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                    jedi.settings.cache_directory = str(self.cache_folder)
                except OSError as error:
                    log.debug("jedi keeps its own cache: %s", error)
            interpreter = self.interpreter if self.trusted else None
            self._project = jedi.Project(
                path=str(self.root) if self.root else ".",
                environment_path=interpreter,
                load_unsafe_extensions=False,
                smart_sys_path=True,
            )
            # Untrusted: analyse in this process rather than start any other
            # interpreter (jedi's default may pick the workspace's virtualenv).
            self._environment = None if self.trusted else jedi.InterpreterEnvironment()
        return self._project, self._environment


def _damaged_entry(error: BaseException) -> Path | None:
    """The cache file parso was reading when ``error`` was raised, if it was reading one."""
    for frame, _ in traceback.walk_tb(error.__traceback__):
        if frame.f_globals.get("__name__") == "parso.cache" and frame.f_code.co_name == "_load_from_file_system":
            entry = frame.f_locals.get("cache_path")
            return Path(entry) if isinstance(entry, (str, Path)) else None
    return None


def _instance_type(script, question: Question) -> str | None:
    for name in script.infer(question.line, question.column):
        if name.type == "instance" and name.full_name:
            return canonical(name.full_name)
    return None


def receiver_end(call: ast.Call) -> ast.expr | None:
    """The receiver of ``x.method(...)`` worth asking about (a name or attribute chain)."""
    func = call.func
    if type(func) is not ast.Attribute or func.attr not in INTERESTING:
        return None
    receiver = func.value
    return receiver if type(receiver) in (ast.Name, ast.Attribute) else None
