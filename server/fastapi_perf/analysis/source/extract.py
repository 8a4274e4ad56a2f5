"""One walk over a chunk's syntax tree that records its facts.

The walk is iterative (an explicit stack), so pathological nesting cannot
exhaust Python's recursion limit, and it visits every node once: all rules
share it.
"""

from __future__ import annotations

import ast
from typing import Any

from .facts import Binding, CallSite, ChunkFacts, ClassInfo, FunctionInfo, Iterated, Param, Unpacked

# A frame is what the walk knows about where a node sits:
# (enclosing function, enclosing class body, loop depth, inside a lambda,
# the innermost ``except`` handler around it, inside a conditional branch, inside a
# generator expression: an ``await`` there would make it an async generator).
Frame = tuple[FunctionInfo | None, ClassInfo | None, int, bool, ast.ExceptHandler | None, bool, bool]
_MODULE: Frame = (None, None, 0, False, None, False, False)

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_ROUTE_VERBS = frozenset(("get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket"))


def extract(statements: list[ast.stmt]) -> ChunkFacts:
    facts = ChunkFacts()
    if statements:
        first = statements[0]
        decorators = getattr(first, "decorator_list", None)
        facts.first_line = (decorators[0].lineno if decorators else first.lineno) - 1
    awaited: set[int] = set()
    stack: list[tuple[Any, ast.AST | None, Frame]] = [(s, None, _MODULE) for s in reversed(statements)]
    pop, push = stack.pop, stack.append
    reads = facts.reads
    while stack:
        node, parent, frame = pop()
        kind = type(node)
        if kind is ast.Name:
            reads.add(node.id)
            fn = frame[0]
            if fn is not None and type(node.ctx) is ast.Load:
                fn.referenced.add(node.id)
            continue
        if kind is ast.Call:
            _record_call(facts, node, parent, frame, id(node) in awaited)
        elif kind is ast.Attribute or kind is ast.Constant:
            pass
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            _enter_function(facts, node, frame, push)
            continue
        elif kind is ast.ClassDef:
            _enter_class(facts, node, frame, push)
            continue
        elif kind is ast.Lambda:
            fn, cls, loop, _, handler, branch, gen = frame
            for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                push((d, node, frame))
            push((node.body, node, (fn, cls, loop, True, handler, branch, gen)))
            continue
        elif kind is ast.Await:
            if frame[0] is not None:
                frame[0].awaits = True
            if type(node.value) is ast.Call:
                awaited.add(id(node.value))
        elif kind is ast.AsyncFor or kind is ast.AsyncWith:
            if frame[0] is not None:
                frame[0].awaits = True
            if kind is ast.AsyncFor:
                _bind_target(facts, node.target, Iterated(node.iter), frame)
        elif kind is ast.Yield or kind is ast.YieldFrom:
            fn = frame[0]
            if fn is not None and not frame[3]:
                if not fn.is_generator:
                    fn.is_generator = True
                    fn.results = []  # a generator's result is what it yields
                if kind is ast.Yield and node.value is not None:
                    _add_result(fn, node.value)
        elif kind is ast.Return:
            fn = frame[0]
            if node.value is not None and fn is not None:
                fn.returns_value = True
                if not fn.is_generator:
                    _add_result(fn, node.value)
        elif kind is ast.Import or kind is ast.ImportFrom:
            _record_import(facts, node, frame)
            continue
        elif kind is ast.Assign:
            for target in node.targets:
                _bind_target(facts, target, node.value, frame)
        elif kind is ast.AnnAssign:
            _bind_target(facts, node.target, node.value, frame, node.annotation)
        elif kind is ast.AugAssign:
            _bind_target(facts, node.target, None, frame)
        elif kind is ast.NamedExpr:
            _bind_target(facts, node.target, node.value, frame)
        elif kind is ast.Global or kind is ast.Nonlocal:
            if frame[0] is not None:
                frame[0].global_names = frame[0].global_names | set(node.names)
            continue
        elif kind is ast.keyword:
            push((node.value, parent, frame))  # a keyword argument's parent is the call
            continue
        elif kind is ast.ExceptHandler:
            if node.name:
                _bind_name(facts, node.name, None, frame)
            if node.type is not None:
                push((node.type, node, frame))
            fn, cls, loop, lam, _, _, gen = frame
            _push_all(push, node.body, node, (fn, cls, loop, lam, node, True, gen))
            continue
        elif kind is ast.If or kind is ast.IfExp:
            fn, cls, loop, lam, handler, _, gen = frame
            branch_frame: Frame = (fn, cls, loop, lam, handler, True, gen)
            if kind is ast.If:
                _push_all(push, node.orelse, node, branch_frame)
                _push_all(push, node.body, node, branch_frame)
            else:
                push((node.orelse, node, branch_frame))
                push((node.body, node, branch_frame))
            push((node.test, node, frame))
            continue
        elif kind is ast.BoolOp:  # ``a and f()``: what follows the first operand runs on some calls only
            fn, cls, loop, lam, handler, _, gen = frame
            _push_all(push, node.values[1:], node, (fn, cls, loop, lam, handler, True, gen))
            push((node.values[0], node, frame))
            continue
        elif kind is ast.match_case:
            fn, cls, loop, lam, handler, _, gen = frame
            _push_all(push, node.body, node, (fn, cls, loop, lam, handler, True, gen))
            if node.guard is not None:
                push((node.guard, node, frame))
            continue
        elif kind is ast.With:
            for item in node.items:
                if item.optional_vars is not None:
                    _bind_target(facts, item.optional_vars, item.context_expr, frame)
        elif kind is ast.For or kind is ast.While:
            fn, cls, loop, lam, handler, branch, gen = frame
            inner: Frame = (fn, cls, loop + 1, lam, handler, branch, gen)
            if kind is ast.For:
                _bind_target(facts, node.target, Iterated(node.iter), frame)
                _push_all(push, node.orelse, node, frame)
                _push_all(push, node.body, node, inner)
                push((node.iter, node, frame))
                push((node.target, node, frame))
            else:
                _push_all(push, node.orelse, node, frame)
                _push_all(push, node.body, node, inner)
                push((node.test, node, inner))
            continue
        elif kind in _COMPREHENSIONS:
            fn, cls, loop, lam, handler, branch, gen = frame
            # The first iterable is evaluated outside the comprehension, the rest inside.
            inner = (fn, cls, loop + 1, lam, handler, branch, gen or kind is ast.GeneratorExp)
            generators = node.generators
            for i, gen in enumerate(generators):
                if gen.is_async and fn is not None:
                    fn.awaits = True
                _bind_target(facts, gen.target, Iterated(gen.iter), frame)
                for cond in gen.ifs:
                    push((cond, node, inner))
                push((gen.iter, node, frame if i == 0 else inner))
            if kind is ast.DictComp:
                push((node.key, node, inner))
                push((node.value, node, inner))
            else:
                push((node.elt, node, inner))
            continue
        # Generic descent into children.
        for name in node._fields:
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                for child in reversed(value):
                    if isinstance(child, ast.AST):
                        push((child, node, frame))
            elif isinstance(value, ast.AST):
                push((value, node, frame))
    return facts


def _add_result(fn: FunctionInfo, value: ast.expr) -> None:
    if len(fn.results) < 4:
        if not fn.results:
            fn.results = []
        fn.results.append(value)


def _push_all(push: Any, nodes: list[ast.AST], parent: ast.AST, frame: Frame) -> None:
    for child in reversed(nodes):
        push((child, parent, frame))


def _record_call(facts: ChunkFacts, node: ast.Call, parent: ast.AST | None, frame: Frame, awaited: bool) -> None:
    fn, cls, loop, lam, handler, branch, gen = frame
    site = CallSite(node, fn, parent, awaited, loop, lam, handler is not None, branch, gen, handler)
    if fn is None:
        facts.module_calls.append(site)
    else:
        fn.calls.append(site)
    func = node.func
    name = func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else None
    if name in ("Depends", "Security") and node.args:
        target = node.args[0]
        if type(target) is ast.Call:  # Depends(factory(...)): the factory's closures are dependencies
            target = target.func
        while type(target) is ast.Attribute:
            target = target.value
        if type(target) is ast.Name:
            facts.dependency_refs = facts.dependency_refs | {target.id}
    elif name in ("add_api_route", "add_api_websocket_route"):
        endpoint = node.args[1] if len(node.args) >= 2 else next((k.value for k in node.keywords if k.arg == "endpoint"), None)
        _register_route(facts, endpoint, fn)
    elif (
        type(func) is ast.Call
        and type(func.func) is ast.Attribute
        and func.func.attr in _ROUTE_VERBS
        and len(node.args) == 1
    ):  # app.get("/items")(list_items): the decorator called by hand
        _register_route(facts, node.args[0], fn)


def _register_route(facts: ChunkFacts, endpoint: ast.expr | None, fn: FunctionInfo | None) -> None:
    if type(endpoint) is ast.Name:
        facts.registered_routes = facts.registered_routes | {endpoint.id}
    elif (  # add_api_route(path, self.list) in a class-based view's method
        type(endpoint) is ast.Attribute
        and type(endpoint.value) is ast.Name
        and fn is not None
        and fn.owner is not None
        and fn.params
        and endpoint.value.id == next(iter(fn.params))
    ):
        facts.registered_routes = facts.registered_routes | {f"{fn.owner.qualname}.{endpoint.attr}"}


def _enter_function(facts: ChunkFacts, node: ast.FunctionDef | ast.AsyncFunctionDef, frame: Frame, push: Any) -> None:
    outer, cls, _, _, _, _, _ = frame
    if cls is not None:
        qualname = f"{cls.qualname}.{node.name}"
        class_name: str | None = cls.name
    elif outer is not None:
        qualname = f"{outer.qualname}.<locals>.{node.name}"
        class_name = None
    else:
        qualname = node.name
        class_name = None
    info = FunctionInfo(
        node=node,
        name=node.name,
        qualname=qualname,
        is_async=type(node) is ast.AsyncFunctionDef,
        parent=outer,
        class_name=class_name,
        owner=cls,
    )
    args = node.args
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        info.params[arg.arg] = Param(arg.arg, arg.annotation, default, arg)
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        info.params[arg.arg] = Param(arg.arg, arg.annotation, default, arg)
    for arg in (args.vararg, args.kwarg):
        if arg is not None:
            info.params[arg.arg] = Param(arg.arg, None, None, arg)
    facts.functions.append(info)
    facts.reads.add(node.name)
    if cls is not None and class_name is not None:
        cls.methods[node.name] = info
    elif outer is not None:
        if not outer.nested:
            outer.nested = []
        outer.nested.append(info)
        outer.assigned.setdefault(node.name, []).append(None)
    else:
        facts.bindings[node.name] = Binding(node.name, "function", node)
    inner: Frame = (info, None, 0, False, None, False, False)
    _push_all(push, node.body, node, inner)
    # Decorators, defaults and annotations run where the function is defined.
    for arg in positional + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a is not None]:
        if arg.annotation is not None:
            push((arg.annotation, arg, frame))
    if node.returns is not None:
        push((node.returns, node, frame))
    for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
        push((default, node, frame))
    _push_all(push, node.decorator_list, node, frame)


def _enter_class(facts: ChunkFacts, node: ast.ClassDef, frame: Frame, push: Any) -> None:
    outer, outer_cls, loop, lam, handler, branch, gen = frame
    prefix = outer_cls.qualname + "." if outer_cls is not None else (outer.qualname + ".<locals>." if outer else "")
    info = ClassInfo(node, node.name, prefix + node.name)
    facts.classes.append(info)
    facts.reads.add(node.name)
    if outer is None and outer_cls is None:
        facts.bindings[node.name] = Binding(node.name, "class", node)
    elif outer is not None:
        outer.assigned.setdefault(node.name, []).append(None)
    _push_all(push, node.body, node, (outer, info, loop, lam, handler, branch, gen))
    for keyword in node.keywords:
        push((keyword.value, node, frame))
    _push_all(push, node.bases, node, frame)
    _push_all(push, node.decorator_list, node, frame)


def _record_import(facts: ChunkFacts, node: ast.Import | ast.ImportFrom, frame: Frame) -> None:
    fn, cls, _, _, _, _, _ = frame
    if type(node) is ast.Import:
        pairs = []
        for alias in node.names:
            if alias.asname:
                pairs.append((alias.asname, alias.name))
            else:
                root = alias.name.partition(".")[0]
                pairs.append((root, root))
            if alias.name == "fastapi" or alias.name.startswith("fastapi."):
                facts.imports_fastapi = True
    else:
        module = "." * node.level + (node.module or "")
        if node.level == 0 and (module == "fastapi" or module.startswith("fastapi.")):
            facts.imports_fastapi = True
        pairs = []
        for alias in node.names:
            if alias.name == "*":
                continue
            sep = "" if module.endswith(".") else "."
            pairs.append((alias.asname or alias.name, f"{module}{sep}{alias.name}"))
    for local, target in pairs:
        facts.reads.add(local)
        if fn is not None:
            if not fn.imports:
                fn.imports = {}
            fn.imports[local] = target
        elif cls is None:
            facts.bindings[local] = Binding(local, "import", node, target=target)


def _bind_target(
    facts: ChunkFacts, target: ast.expr, value: ast.expr | None, frame: Frame, annotation: ast.expr | None = None
) -> None:
    kind = type(target)
    if kind is ast.Name:
        _bind_name(facts, target.id, value, frame, annotation)
    elif kind is ast.Tuple or kind is ast.List:
        starred = False
        for position, element in enumerate(target.elts):
            starred = starred or type(element) is ast.Starred
            # after a starred element, positions count from the end: no index to name
            part = Unpacked(value, position) if value is not None and not starred else None
            _bind_target(facts, element, part, frame)
    elif kind is ast.Starred:
        _bind_target(facts, target.value, None, frame)
    elif kind is ast.Attribute:
        owner = target.value
        fn = frame[0]
        if type(owner) is ast.Name:
            if fn is not None and fn.owner is not None and fn.params and owner.id == next(iter(fn.params)):
                fn.owner.instance_attrs.setdefault(target.attr, []).append((value, fn))
                if annotation is not None:
                    fn.owner.annotations[target.attr] = (annotation, fn)
        elif type(owner) is ast.Attribute and owner.attr == "state":  # request.state.db = SessionLocal()
            facts.state_assigned.setdefault(target.attr, []).append((value, fn))


def _bind_name(
    facts: ChunkFacts, name: str, value: ast.expr | None, frame: Frame, annotation: ast.expr | None = None
) -> None:
    fn, cls, _, _, _, _, _ = frame
    facts.reads.add(name)
    if fn is not None:
        fn.assigned.setdefault(name, []).append(value)
        if name in fn.global_names:
            facts.global_assigned.setdefault(name, []).append((value, fn))
    elif cls is not None:
        cls.assigned[name] = value
        if annotation is not None:
            cls.annotations[name] = (annotation, None)
    else:
        previous = facts.bindings.get(name)
        if previous is not None and previous.kind == "var":
            if _is_none(value):  # ``client = None`` after (or before) the real value: keep that one
                value, annotation = previous.value, annotation or previous.annotation
            elif value is not None and not _is_none(previous.value):
                value = None  # assigned twice at module level: no single meaning
        facts.bindings[name] = Binding(name, "var", value or ast.Constant(None), value=value, annotation=annotation)


def _is_none(value: ast.expr | None) -> bool:
    return type(value) is ast.Constant and value.value is None
