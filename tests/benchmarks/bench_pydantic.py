#!/usr/bin/env python3
"""What the Pydantic rules (FAP301-FAP304) cost, measured: the numbers behind their advice.

    pip install -e '.[bench]'          # pydantic 2 and SQLAlchemy 2
    python tests/benchmarks/bench_pydantic.py [--runs 200]

Every case is timed ``--runs`` times (the slow ones fewer); each time is one
whole operation (all 1,000 rows, or a batch of validations divided back to
one call). The cases of a table take turns, run by run, so that other load
on the machine skews them alike. It prints the median and p95 of the times
and each case's ratio to the table's first. It asserts nothing: the figures
go into the rules' docs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

ROWS = 1_000
BATCH = 1_000
"""Validations per timed batch in the per-call cases."""


# -- harness ---------------------------------------------------------------------


@dataclass
class Case:
    """An operation to time ``runs`` times; ``per``: operations it does per call (a batch)."""

    fn: Callable[[], Any]
    runs: int
    per: int = 1


def measure(fn: Callable[[], Any], runs: int, per: int = 1) -> Case:
    return Case(fn, runs, per)


def run_interleaved(cases: list[Case]) -> list[list[float]]:
    """Seconds per operation for each case, the cases taking turns so that load on the machine hits all alike."""
    for case in cases:
        for _ in range(max(3, case.runs // 20)):  # warm caches and lazily built validators
            case.fn()
    gc.collect()  # collections during the runs are part of the cost
    times: list[list[float]] = [[] for _ in cases]
    for round_ in range(max(case.runs for case in cases)):
        for case, bucket in zip(cases, times):
            if round_ < case.runs:
                start = time.perf_counter()
                case.fn()
                bucket.append((time.perf_counter() - start) / case.per)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def table(title: str, cases: list[tuple[str, Case]], unit: str = "ms") -> None:
    scale = {"ms": 1e3, "us": 1e6}[unit]
    results = run_interleaved([case for _, case in cases])
    base = statistics.median(results[0])
    print(f"\n### {title}\n")
    print(f"| case | median {unit} | p95 {unit} | vs first |")
    print("|---|---:|---:|---:|")
    for (label, _), times in zip(cases, results):
        median = statistics.median(times)
        print(f"| {label} | {median * scale:,.3f} | {p95(times) * scale:,.3f} | {median / base:.2f}x |")


# -- the models ------------------------------------------------------------------


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    is_active: bool
    created_at: dt.datetime
    score: float
    role: str
    bio: str | None = None


FIELDS = tuple(UserOut.model_fields)
USER_LIST = TypeAdapter(list[UserOut])
USER_ONE = TypeAdapter(UserOut)


class PlainRow:
    """What an ORM row looks like to Pydantic: an object with attributes."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def row_values(i: int) -> dict[str, Any]:
    return {
        "id": i,
        "email": f"user{i}@example.com",
        "name": f"User {i}",
        "is_active": i % 3 != 0,
        "created_at": dt.datetime(2024, 1, 1) + dt.timedelta(minutes=i),
        "score": i / 7,
        "role": "admin" if i % 50 == 0 else "member",
        "bio": None if i % 2 else "Likes long walks",
    }


def sqlalchemy_rows():
    """1,000 rows through a real ORM: (session factory, load-function), or None without SQLAlchemy."""
    try:
        from sqlalchemy import Boolean, Column, DateTime, Float, Integer, String, create_engine, select
        from sqlalchemy.orm import Session, declarative_base
    except ImportError:
        return None

    Base = declarative_base()

    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        email = Column(String)
        name = Column(String)
        is_active = Column(Boolean)
        created_at = Column(DateTime)
        score = Column(Float)
        role = Column(String)
        bio = Column(String, nullable=True)

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(User(**row_values(i)) for i in range(ROWS))
        session.commit()

    def load() -> list:
        with Session(engine) as session:
            rows = list(session.scalars(select(User)).all())
            session.expunge_all()  # detached but loaded, as after the request's session closes
            return rows

    return load


# -- FAP301: validate-in-loop ------------------------------------------------------


def bench_validate_in_loop(runs: int) -> None:
    plain = [PlainRow(**row_values(i)) for i in range(ROWS)]
    dicts = [row_values(i) for i in range(ROWS)]

    def per_row(rows):
        return lambda: [UserOut.model_validate(r, from_attributes=True) for r in rows]

    def one_adapter(rows):
        return lambda: USER_LIST.validate_python(rows, from_attributes=True)

    def construct(rows):
        return lambda: [UserOut.model_construct(**{f: getattr(r, f) for f in FIELDS}) for r in rows]

    table(f"FAP301: {ROWS:,} plain objects with attributes", [
        ("`Model.model_validate(row, from_attributes=True)` per row", measure(per_row(plain), runs)),
        ("one module-level `TypeAdapter(list[Model]).validate_python(rows, from_attributes=True)`", measure(one_adapter(plain), runs)),
        ("`TypeAdapter(list[Model])` built per call, then validate", measure(lambda: TypeAdapter(list[UserOut]).validate_python(plain, from_attributes=True), max(10, runs // 4))),
        ("`Model.model_construct(**attributes)` per row (no validation)", measure(construct(plain), runs)),
    ])
    table(f"FAP301: {ROWS:,} dicts (`row._mapping`, JSON)", [
        ("`Model(**row)` per row", measure(lambda: [UserOut(**d) for d in dicts], runs)),
        ("`Model.model_validate(row)` per row", measure(lambda: [UserOut.model_validate(d) for d in dicts], runs)),
        ("one `TypeAdapter(list[Model]).validate_python(rows)`", measure(lambda: USER_LIST.validate_python(dicts), runs)),
        ("`Model.model_construct(**row)` per row (no validation)", measure(lambda: [UserOut.model_construct(**d) for d in dicts], runs)),
    ])
    load = sqlalchemy_rows()
    if load is None:
        print("\n(SQLAlchemy is not installed: the ORM case is skipped)")
        return
    orm = load()
    models = USER_LIST.validate_python(orm, from_attributes=True)
    table(f"FAP301: {ROWS:,} SQLAlchemy ORM rows (in-memory SQLite), with the query for scale", [
        ("`Model.model_validate(row, from_attributes=True)` per row", measure(per_row(orm), runs)),
        ("one `TypeAdapter(list[Model]).validate_python(rows, from_attributes=True)`", measure(one_adapter(orm), runs)),
        ("`Model.model_construct(**attributes)` per row (no validation)", measure(construct(orm), runs)),
        ("the query itself: `session.scalars(select(User)).all()`", measure(load, max(10, runs // 4))),
        ("serialising the models to JSON: `TypeAdapter(list[Model]).dump_json(models)`", measure(lambda: USER_LIST.dump_json(models), runs)),
    ])


# -- FAP302: heavy-validator -----------------------------------------------------------

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
EMAIL_PATTERN = re.compile(EMAIL)
ALLOWED_DOMAINS = [f"team{i}.example.com" for i in range(20)]


class CompileInValidator(BaseModel):
    email: str

    @field_validator("email")
    @classmethod
    def check(cls, v: str) -> str:
        if not re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").fullmatch(v):
            raise ValueError("not an email")
        return v


class ModulePattern(BaseModel):
    email: str

    @field_validator("email")
    @classmethod
    def check(cls, v: str) -> str:
        if not EMAIL_PATTERN.fullmatch(v):
            raise ValueError("not an email")
        return v


class ReMatchLiteral(BaseModel):
    email: str

    @field_validator("email")
    @classmethod
    def check(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", v):
            raise ValueError("not an email")
        return v


class PatternFromSettings(BaseModel):
    email: str

    @field_validator("email")
    @classmethod
    def check(cls, v: str) -> str:
        allowed = re.compile(r".*@(" + "|".join(map(re.escape, ALLOWED_DOMAINS)) + r")")
        if not allowed.fullmatch(v):
            raise ValueError("domain not allowed")
        return v


class NoValidator(BaseModel):
    email: str


def bench_heavy_validator(runs: int) -> None:
    value = "user42@team7.example.com"
    batch = lambda model: lambda: [model(email=value) for _ in range(BATCH)]
    cases = [
        ("no validator (the model alone)", measure(batch(NoValidator), runs, BATCH)),
        ("module-level `PATTERN.fullmatch(v)`", measure(batch(ModulePattern), runs, BATCH)),
        ("`re.fullmatch(LITERAL, v)` (the `re` cache)", measure(batch(ReMatchLiteral), runs, BATCH)),
        ("`re.compile(LITERAL).fullmatch(v)` in the body (cache hit)", measure(batch(CompileInValidator), runs, BATCH)),
        ("pattern rebuilt from 20 settings values per call", measure(batch(PatternFromSettings), runs, BATCH)),
    ]
    compiler = getattr(re, "_compiler", None) or __import__("sre_compile")
    cases.append(("`re.compile` on a cache miss (more than 512 patterns in use)", measure(lambda: compiler.compile(EMAIL, 0), runs)))
    table("FAP302: one validation with a regex check", cases, unit="us")

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"blocked": [f"spam{i}.example" for i in range(50)]}, handle)
    path = handle.name
    BLOCKED = frozenset(json.load(open(path))["blocked"])  # noqa: SIM115

    class ReadsFile(BaseModel):
        email: str

        @model_validator(mode="after")
        def check(self):
            with open(path) as config:
                blocked = json.load(config)["blocked"]
            if self.email.rpartition("@")[2] in blocked:
                raise ValueError("blocked")
            return self

    class LoadedOnce(BaseModel):
        email: str

        @model_validator(mode="after")
        def check(self):
            if self.email.rpartition("@")[2] in BLOCKED:
                raise ValueError("blocked")
            return self

    class AdapterInValidator(BaseModel):
        tags: list[str]

        @field_validator("tags")
        @classmethod
        def check(cls, v):
            return TypeAdapter(list[Annotated[str, Field(max_length=20)]]).validate_python(v)

    TAGS = TypeAdapter(list[Annotated[str, Field(max_length=20)]])

    class AdapterOnce(BaseModel):
        tags: list[str]

        @field_validator("tags")
        @classmethod
        def check(cls, v):
            return TAGS.validate_python(v)

    class ModelInValidator(BaseModel):
        tags: list[str]

        @field_validator("tags")
        @classmethod
        def check(cls, v):
            return pydantic.create_model("Tags", items=(list[str], ...)).model_validate({"items": v}).items

    small = max(10, runs // 4)
    cases = [
        ("blocklist loaded once at import", measure(batch(LoadedOnce), runs, BATCH)),
        ("`open()` + `json.load` in a `model_validator`", measure(lambda: [ReadsFile(email=value) for _ in range(100)], small, 100)),
        ("module-level `TypeAdapter` in a `field_validator`", measure(lambda: [AdapterOnce(tags=["a", "b"]) for _ in range(BATCH)], runs, BATCH)),
        ("`TypeAdapter(...)` built in a `field_validator`", measure(lambda: [AdapterInValidator(tags=["a", "b"]) for _ in range(20)], small, 20)),
        ("`create_model(...)` in a `field_validator`", measure(lambda: [ModelInValidator(tags=["a", "b"]) for _ in range(10)], small, 10)),
    ]
    try:
        import jsonschema
    except ImportError:
        print("\n(jsonschema is not installed: its cases are skipped)")
    else:
        schema = {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string", "maxLength": 20}}}}
        checker = jsonschema.Draft202012Validator(schema)
        document = {"tags": ["a", "b"]}
        cases.append(("module-level `Draft202012Validator(schema).validate(doc)`", measure(lambda: [checker.validate(document) for _ in range(BATCH)], runs, BATCH)))
        cases.append(("`jsonschema.validate(doc, schema)` per call", measure(lambda: [jsonschema.validate(document, schema) for _ in range(20)], small, 20)))
    table("FAP302: a file read or a heavy object per validation", cases, unit="us")
    os.unlink(path)


# -- FAP303: unbounded-request-body ------------------------------------------------------


class Item(BaseModel):
    sku: str
    quantity: int


class Unbounded(BaseModel):
    items: list[Item]


class Bounded(BaseModel):
    items: Annotated[list[Item], Field(max_length=100)]


class Text(BaseModel):
    text: str


class BoundedText(BaseModel):
    text: str = Field(max_length=10_000)


def rejected(model: type[BaseModel], data: Any) -> Callable[[], None]:
    def run() -> None:
        try:
            model.model_validate(data)
        except pydantic.ValidationError:
            pass

    return run


def bench_unbounded_body(runs: int) -> None:
    few = max(5, runs // 20)
    for count in (1_000, 100_000):
        body = json.dumps({"items": [{"sku": f"sku-{i}", "quantity": i} for i in range(count)]})
        data = json.loads(body)
        table(f"FAP303: a JSON body with {count:,} list items ({len(body) / 1e6:.1f} MB)", [
            ("`json.loads(body)` (FastAPI parses before validating)", measure(lambda body=body: json.loads(body), few)),
            ("validate `items: list[Item]`", measure(lambda data=data: Unbounded.model_validate(data), few)),
            ("validate `items: list[Item] = Field(max_length=100)` (rejected)", measure(rejected(Bounded, data), few)),
        ])
    scalars = [f"tag-{i}" for i in range(100_000)]
    mapping = {f"key-{i}": i for i in range(100_000)}
    tags_body, mapping_body = json.dumps(scalars), json.dumps(mapping)
    tags, metadata = TypeAdapter(list[str]), TypeAdapter(dict[str, Any])
    table("FAP303: 100,000 scalars (collections the rule does not report)", [
        ("`json.loads` of a `list[str]` body", measure(lambda: json.loads(tags_body), few)),
        ("validate `list[str]`", measure(lambda: tags.validate_python(scalars), few)),
        ("`json.loads` of a `dict[str, Any]` body", measure(lambda: json.loads(mapping_body), few)),
        ("validate `dict[str, Any]`", measure(lambda: metadata.validate_python(mapping), few)),
    ])
    body = json.dumps({"text": "x" * 10_000_000})
    data = json.loads(body)
    table("FAP303: a JSON body with one 10 MB string", [
        ("`json.loads(body)`", measure(lambda: json.loads(body), few)),
        ("validate `text: str`", measure(lambda: Text.model_validate(data), few)),
        ("validate `text: str = Field(max_length=10_000)` (rejected)", measure(rejected(BoundedText, data), few)),
    ])


# -- FAP304: response-model-revalidation ----------------------------------------------------


def old_fastapi(adapter: TypeAdapter, returned: Any) -> Any:
    """FastAPI < 0.128: a returned model is dumped to a dict, validated again, then serialised."""
    if isinstance(returned, BaseModel):
        returned = returned.model_dump(mode="json", by_alias=True)
    elif isinstance(returned, list):
        returned = [r.model_dump(mode="json", by_alias=True) if isinstance(r, BaseModel) else r for r in returned]
    value = adapter.validate_python(returned, from_attributes=True)
    return json.dumps(adapter.dump_python(value, mode="json", by_alias=True)).encode()


def new_fastapi(adapter: TypeAdapter, returned: Any) -> Any:
    """FastAPI >= 0.128: the returned value is validated as it is, then dumped to JSON in Rust."""
    value = adapter.validate_python(returned, from_attributes=True)
    return adapter.dump_json(value, by_alias=True)


def bench_response_revalidation(runs: int) -> None:
    one = PlainRow(**row_values(1))
    rows = [PlainRow(**row_values(i)) for i in range(ROWS)]
    batch = lambda fn: measure(lambda: [fn() for _ in range(BATCH)], max(20, runs // 4), BATCH)
    table("FAP304: one `UserOut` response (per request)", [
        ("old FastAPI, endpoint returns the ORM row", batch(lambda: old_fastapi(USER_ONE, one))),
        ("old FastAPI, endpoint returns `UserOut.model_validate(row)`", batch(lambda: old_fastapi(USER_ONE, UserOut.model_validate(one)))),
        ("FastAPI >= 0.128, endpoint returns the ORM row", batch(lambda: new_fastapi(USER_ONE, one))),
        ("FastAPI >= 0.128, endpoint returns `UserOut.model_validate(row)`", batch(lambda: new_fastapi(USER_ONE, UserOut.model_validate(one)))),
    ], unit="us")
    table(f"FAP304: a `list[UserOut]` response of {ROWS:,} rows", [
        ("old FastAPI, endpoint returns the ORM rows", measure(lambda: old_fastapi(USER_LIST, rows), runs)),
        ("old FastAPI, endpoint returns `[UserOut.model_validate(r) for r in rows]`", measure(lambda: old_fastapi(USER_LIST, [UserOut.model_validate(r) for r in rows]), runs)),
        ("FastAPI >= 0.128, endpoint returns the ORM rows", measure(lambda: new_fastapi(USER_LIST, rows), runs)),
        ("FastAPI >= 0.128, endpoint returns `[UserOut.model_validate(r) for r in rows]`", measure(lambda: new_fastapi(USER_LIST, [UserOut.model_validate(r) for r in rows]), runs)),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--only", choices=("301", "302", "303", "304"), help="run one rule's cases")
    args = parser.parse_args()
    print(f"# Pydantic rule costs: pydantic {pydantic.VERSION}, CPython {platform.python_version()}, "
          f"{os.cpu_count()} cores, {args.runs} runs per case")
    benches = {"301": bench_validate_in_loop, "302": bench_heavy_validator,
               "303": bench_unbounded_body, "304": bench_response_revalidation}
    for code, bench in benches.items():
        if args.only in (None, code):
            bench(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
