"""The analysis as the rules see it: everything a rule may import, from one place.

Rules import from here and from nowhere else in ``analysis/`` (a test in
``tests/test_meta.py`` holds them to it), so the layers below can move
without touching a rule. What is listed in ``__all__`` is the surface rules
stand on; a rule that needs more adds it here. Nothing inside ``analysis/``
imports this module.

The two vocabularies come as modules: ``catalog`` (what the rules know about
libraries) and ``pydantic_model`` (Pydantic models, fields and validators;
the rules call it ``pm``).
"""

from . import catalog
from .engine.fixes import await_edits, module_alias, object_alias, offload_fix
from .engine.rule_context import RuleContext, chain_text
from .facts.aggregates import CACHE_DECORATORS, AggregateFacts, aggregate_facts
from .facts.background import (
    BEST_EFFORT,
    BackgroundFacts,
    Hop,
    Work,
    background_facts,
    critical_callable,
    critical_work,
    interface_work,
    retries,
)
from .facts.blocking import BlockingReason, Step
from .facts.common import Site, is_db_handle
from .facts.dependencies import DependencyFacts, Effect, function_facts
from .facts.dependency_tree import Node, dependency_tree
from .facts.depends import DepRef, param_dependency
from .facts.module_context import ModuleContext
from .facts.session_origin import Origin, same_database
from .findings import Applicability, Edit, Finding, Fix, ImportRequest, Position, Range, Related, Severity
from .frameworks import pydantic as pydantic_model
from .frameworks.fastapi import ROUTE_DECORATORS, Route
from .names.dotted import attribute_chain, dotted_name, short_name
from .names.exports import ClassExport, FunctionExport
from .names.resolve import Resolver
from .names.values import Instance, Ref, Value
from .source.facts import CallSite, ClassInfo, FunctionInfo, Param, Unpacked
from .source.named_calls import calls_named

__all__ = [
    # the facts a rule visits, and the context it asks
    "CallSite",
    "ClassInfo",
    "FunctionInfo",
    "Param",
    "Unpacked",
    "RuleContext",
    "ModuleContext",
    "Resolver",
    "Ref",
    "Instance",
    "Value",
    "Route",
    "ROUTE_DECORATORS",
    "FunctionExport",
    "ClassExport",
    # what a rule reports
    "Finding",
    "Fix",
    "Edit",
    "ImportRequest",
    "Applicability",
    "Position",
    "Range",
    "Related",
    "Severity",
    # fixes
    "await_edits",
    "module_alias",
    "object_alias",
    "offload_fix",
    # blocking chains
    "BlockingReason",
    "Step",
    "chain_text",
    # dependencies (FAP401, FAP402, FAP603)
    "DepRef",
    "DependencyFacts",
    "Effect",
    "Node",
    "Origin",
    "Site",
    "dependency_tree",
    "function_facts",
    "is_db_handle",
    "param_dependency",
    "same_database",
    # background work (FAP501, FAP502)
    "BEST_EFFORT",
    "BackgroundFacts",
    "Hop",
    "Work",
    "background_facts",
    "critical_callable",
    "critical_work",
    "interface_work",
    "retries",
    # aggregates (FAP602)
    "AggregateFacts",
    "CACHE_DECORATORS",
    "aggregate_facts",
    # names and statements
    "attribute_chain",
    "calls_named",
    "dotted_name",
    "short_name",
    # the vocabularies, as modules
    "catalog",
    "pydantic_model",
]
