"""What the rules know about libraries, by qualified name.

This is the one place that lists which calls block and how, which names
are classes (so that calling them makes an instance whose methods we know),
and what a few factories return. The analysed project's libraries need not
be installed: these facts are built in.
"""

from __future__ import annotations

from dataclasses import dataclass

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")


@dataclass(frozen=True, slots=True)
class Blocking:
    """Why a call blocks the event loop: the rule code and what it does."""

    code: str
    what: str


def _entries(code: str, what: str, names: str) -> dict[str, Blocking]:
    return {name: Blocking(code, what) for name in names.split()}


BLOCKING: dict[str, Blocking] = {}
BLOCKING |= _entries("FAP102", "a synchronous HTTP request", " ".join(
    [f"requests.{v}" for v in HTTP_VERBS]
    + [f"requests.Session.{v}" for v in (*HTTP_VERBS, "send")]
    + [f"httpx.{v}" for v in (*HTTP_VERBS, "stream")]
    + [f"httpx.Client.{v}" for v in (*HTTP_VERBS, "send", "stream")]
    + ["urllib.request.urlopen", "urllib.request.urlretrieve", "urllib.request.OpenerDirector.open",
       "urllib3.request", "urllib3.PoolManager.request", "urllib3.PoolManager.urlopen",
       "urllib3.PoolManager.request_encode_url", "urllib3.PoolManager.request_encode_body",
       "urllib3.HTTPConnectionPool.request", "urllib3.HTTPConnectionPool.urlopen",
       "http.client.HTTPConnection.request", "http.client.HTTPConnection.getresponse",
       "http.client.HTTPSConnection.request", "http.client.HTTPSConnection.getresponse"]
))
BLOCKING |= _entries("FAP103", "a blocking sleep", "time.sleep")
BLOCKING |= _entries("FAP104", "blocking file I/O", " ".join(
    ["builtins.open", "io.open", "codecs.open", "os.open", "os.fdopen", "gzip.open", "bz2.open",
     "lzma.open", "tarfile.open", "zipfile.ZipFile", "glob.glob", "glob.iglob"]
    + [f"os.path.{n}" for n in "exists lexists isfile isdir islink ismount getsize getmtime getatime "
       "getctime samefile sameopenfile realpath".split()]
    + [f"os.{n}" for n in "listdir scandir walk fwalk stat lstat remove unlink rmdir removedirs mkdir "
       "makedirs rename renames replace chmod chown link symlink readlink access utime truncate fsync "
       "sendfile statvfs".split()]
    + [f"shutil.{n}" for n in "copy copy2 copyfile copyfileobj copytree copymode copystat move rmtree "
       "make_archive unpack_archive disk_usage chown".split()]
    + [f"pathlib.Path.{n}" for n in "read_text read_bytes write_text write_bytes open exists is_file "
       "is_dir is_symlink is_mount iterdir glob rglob walk stat lstat mkdir rmdir unlink touch rename "
       "replace samefile chmod owner group readlink symlink_to hardlink_to".split()]
    + [f"tempfile.{n}" for n in "NamedTemporaryFile TemporaryFile SpooledTemporaryFile mkstemp mkdtemp "
       "TemporaryDirectory".split()]
))
BLOCKING |= _entries("FAP106", "a blocking subprocess call", " ".join(
    [f"subprocess.{n}" for n in "run call check_call check_output getoutput getstatusoutput".split()]
    + ["subprocess.Popen.wait", "subprocess.Popen.communicate"]
    + [f"os.{n}" for n in "system spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe "
       "wait waitpid wait3 wait4 waitid".split()]
))
BLOCKING |= _entries("FAP108", "an event loop run inside a coroutine", " ".join(
    ["asyncio.run", "asyncio.Runner.run", "asyncio.AbstractEventLoop.run_until_complete",
     "asyncio.AbstractEventLoop.run_forever", "anyio.run", "trio.run", "uvloop.run"]
))

# Starting a process (``subprocess.Popen``, ``os.popen``, ``os.posix_spawn``)
# returns at once; waiting for it is what blocks, and that is listed above.
# Calls that do not block when given one of these flags:
NON_BLOCKING_FLAGS: dict[str, frozenset[str]] = {
    **{f"os.{n}": frozenset({"WNOHANG"}) for n in ("waitpid", "wait3", "wait4", "waitid")},
    **{f"os.spawn{s}": frozenset({"P_NOWAIT", "P_NOWAITO", "P_DETACH"}) for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")},
}

# Method names distinctive enough to recognise on a receiver of unknown type.
DISTINCTIVE_METHODS: dict[str, Blocking] = {
    "run_until_complete": BLOCKING["asyncio.AbstractEventLoop.run_until_complete"],
}

# Names that are classes: calling one makes an instance of it.
CLASSES = frozenset(
    """
    requests.Session httpx.Client httpx.AsyncClient urllib3.PoolManager urllib3.HTTPConnectionPool
    http.client.HTTPConnection http.client.HTTPSConnection urllib.request.OpenerDirector
    pathlib.Path subprocess.Popen asyncio.Runner fastapi.FastAPI fastapi.APIRouter
    fastapi.BackgroundTasks starlette.background.BackgroundTasks zipfile.ZipFile
    aiohttp.ClientSession
    """.split()
)

# Calls whose result is an instance of a known class.
RETURNS: dict[str, str] = {
    "requests.session": "requests.Session",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "builtins.open": "io.TextIOWrapper",
    "pathlib.Path.joinpath": "pathlib.Path",
    "pathlib.Path.with_name": "pathlib.Path",
    "pathlib.Path.with_suffix": "pathlib.Path",
    "pathlib.Path.with_stem": "pathlib.Path",
    "pathlib.Path.resolve": "pathlib.Path",
    "pathlib.Path.absolute": "pathlib.Path",
    "pathlib.Path.expanduser": "pathlib.Path",
    "pathlib.Path.relative_to": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
}
# Attributes whose value is an instance of a known class.
ATTRIBUTE_TYPES: dict[str, str] = {
    "pathlib.Path.parent": "pathlib.Path",
}

# Different spellings of one object, mapped to the name the catalogue uses.
CANONICAL: dict[str, str] = {
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "fastapi.param_functions.Depends": "fastapi.Depends",
    "fastapi.params.Depends": "fastapi.Depends",
    "fastapi.param_functions.Security": "fastapi.Security",
    "fastapi.params.Security": "fastapi.Security",
    "fastapi.background.BackgroundTasks": "fastapi.BackgroundTasks",
    "starlette.background.BackgroundTasks": "fastapi.BackgroundTasks",
    "fastapi.concurrency.run_in_threadpool": "starlette.concurrency.run_in_threadpool",
    "requests.sessions.Session": "requests.Session",
    "requests.sessions.session": "requests.session",
    "httpx._client.Client": "httpx.Client",
    "httpx._client.AsyncClient": "httpx.AsyncClient",
    "httpx._api": "httpx",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "posixpath": "os.path",
    "ntpath": "os.path",
    "genericpath": "os.path",
    "requests.api": "requests",
    "asyncio.events": "asyncio",
    "asyncio.runners": "asyncio",
    "asyncio.tasks": "asyncio",
    "asyncio.base_events.BaseEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.events.AbstractEventLoop": "asyncio.AbstractEventLoop",
    "anyio.to_thread": "anyio.to_thread",
    "functools._lru_cache_wrapper": "functools.lru_cache",
}

# Calls that run a callable passed to them in a worker thread.
OFFLOADERS = frozenset(
    """
    starlette.concurrency.run_in_threadpool asyncio.to_thread anyio.to_thread.run_sync
    asyncio.AbstractEventLoop.run_in_executor
    """.split()
)


def canonical(qualname: str) -> str:
    """Map a qualified name through :data:`CANONICAL`, longest prefix first."""
    hit = CANONICAL.get(qualname)
    if hit is not None:
        return hit
    head, dot, tail = qualname.rpartition(".")
    while dot:
        mapped = CANONICAL.get(head)
        if mapped is not None:
            return f"{mapped}.{tail}"
        head, dot, rest = head.rpartition(".")
        tail = f"{rest}.{tail}"
    return qualname

# -- cost: what an ``async def`` may call and still be better off on the loop --

# Modules whose functions and classes are cheap, pure-Python in-memory work.
CHEAP_MODULES = (
    "fastapi", "starlette", "pydantic", "typing", "typing_extensions", "dataclasses", "datetime",
    "uuid", "logging", "json", "math", "cmath", "decimal", "fractions", "enum", "collections",
    "itertools", "functools", "operator", "string", "secrets", "base64", "binascii", "urllib.parse",
    "copy", "random", "re", "html", "textwrap", "statistics", "zoneinfo", "ipaddress", "http",
    "email.utils", "hmac", "struct", "types", "inspect", "warnings", "contextvars", "contextlib",
    "abc", "numbers", "heapq", "bisect", "pprint", "traceback", "annotated_types", "structlog",
    "loguru", "orjson", "ujson", "sqlalchemy.sql", "asyncio",
)
CHEAP_CALLS = frozenset(
    """
    os.getenv os.environ.get os.getpid os.path.join os.path.basename os.path.dirname os.path.splitext
    os.path.split os.path.normpath os.path.abspath os.path.relpath os.path.expanduser os.fspath
    time.time time.time_ns time.monotonic time.monotonic_ns time.perf_counter time.perf_counter_ns
    time.strftime time.gmtime time.localtime sys.getsizeof hashlib.md5 hashlib.sha1 hashlib.sha256
    sqlalchemy.select sqlalchemy.insert sqlalchemy.update sqlalchemy.delete sqlalchemy.and_
    sqlalchemy.or_ sqlalchemy.not_ sqlalchemy.func sqlalchemy.text sqlalchemy.desc sqlalchemy.asc
    sqlalchemy.case sqlalchemy.cast sqlalchemy.literal sqlalchemy.column sqlalchemy.null
    sqlalchemy.true sqlalchemy.false sqlmodel.select sqlmodel.col pathlib.Path pathlib.PurePath
    """.split()
)
EXPENSIVE_BUILTINS = frozenset({"builtins.open", "builtins.input", "builtins.exec", "builtins.eval", "builtins.compile"})
