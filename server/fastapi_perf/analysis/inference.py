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
workspace is trusted.
"""

from __future__ import annotations

import ast
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from . import catalog

log = logging.getLogger(__name__)


def _interesting_methods() -> frozenset[str]:
    names = set()
    for qualname in catalog.BLOCKING:
        parts = qualname.split(".")
        if len(parts) >= 3 and parts[-2][:1].isupper():
            names.add(parts[-1])
    return frozenset(names)


INTERESTING = _interesting_methods()


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
    ) -> None:
        self.root = root
        self.interpreter = interpreter if trusted else None
        self.trusted = trusted
        self.eager = eager
        self.budget_s = budget_s
        self.answers: dict[tuple, str | None] = {}
        self.pending: dict[tuple, Question] = {}
        self._project = None
        self._environment = None
        self._spent = 0.0
        self.asked = 0
        """Questions jedi answered (tests and benchmarks read it)."""

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
        started = time.monotonic()
        try:
            import jedi

            project, environment = self._jedi_setup(jedi)
            script = jedi.Script(text, path=path, project=project, environment=environment)
            for question in questions:
                if self._spent + (time.monotonic() - started) >= self.budget_s:
                    break  # out of time: the rest stay unknown (and are asked again later)
                self.answers[question.key] = _instance_type(script, question)
                self.asked += 1
        except Exception as error:  # jedi failing must never fail an analysis
            log.debug("jedi could not answer: %s", error)
            for question in questions:
                self.answers.setdefault(question.key, None)
        finally:
            self._spent += time.monotonic() - started

    def _jedi_setup(self, jedi):
        if self._project is None:
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


def _instance_type(script, question: Question) -> str | None:
    for name in script.infer(question.line, question.column):
        if name.type == "instance" and name.full_name:
            return catalog.canonical(name.full_name)
    return None


def receiver_end(call: ast.Call) -> ast.expr | None:
    """The receiver of ``x.method(...)`` worth asking about (a name or attribute chain)."""
    func = call.func
    if type(func) is not ast.Attribute or func.attr not in INTERESTING:
        return None
    receiver = func.value
    return receiver if type(receiver) in (ast.Name, ast.Attribute) else None
