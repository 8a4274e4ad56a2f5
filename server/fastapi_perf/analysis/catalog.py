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
    io: str | None
    """The I/O the call does, in a validator's words (``reads the file system``); None for CPU work, sleeps, loop runs.

    FAP302 reports a validator's calls that do I/O: this field, not the rule
    code, decides which. Every entry states it, so a new blocking rule's calls
    change FAP302 only by saying so here.
    """


def _entries(code: str, what: str, names: str, *, io: str | None) -> dict[str, Blocking]:
    return {name: Blocking(code, what, io) for name in names.split()}


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
), io="makes an HTTP request")
BLOCKING |= _entries("FAP103", "a blocking sleep", "time.sleep", io=None)
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
), io="reads the file system")
BLOCKING |= _entries("FAP106", "a blocking subprocess call", " ".join(
    [f"subprocess.{n}" for n in "run call check_call check_output getoutput getstatusoutput".split()]
    + ["subprocess.Popen.wait", "subprocess.Popen.communicate"]
    + [f"os.{n}" for n in "system spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe "
       "wait waitpid wait3 wait4 waitid".split()]
), io="runs a subprocess")
BLOCKING |= _entries("FAP108", "an event loop run inside a coroutine", " ".join(
    ["asyncio.run", "asyncio.Runner.run", "asyncio.AbstractEventLoop.run_until_complete",
     "asyncio.AbstractEventLoop.run_forever", "anyio.run", "trio.run", "uvloop.run"]
), io=None)

_SESSION_IO = "query execute scalars scalar get get_one commit flush refresh delete merge rollback connection exec bulk_save_objects bulk_insert_mappings bulk_update_mappings"
BLOCKING |= _entries("FAP101", "a synchronous database call", " ".join(
    [f"sqlalchemy.orm.Session.{m}" for m in _SESSION_IO.split()]
    + [f"sqlalchemy.engine.Engine.{m}" for m in "connect begin execute raw_connection".split()]
    + [f"sqlalchemy.engine.Connection.{m}" for m in "execute exec_driver_sql scalar scalars commit rollback".split()]
), io="queries the database")
BLOCKING |= _entries("FAP107", "a synchronous database driver call", " ".join(
    ["psycopg2.connect", "pymysql.connect", "sqlite3.connect", "psycopg.connect", "MySQLdb.connect", "mysql.connector.connect"]
    + [f"{t}.{m}" for t in ("psycopg2.extensions.connection", "pymysql.connections.Connection", "sqlite3.Connection", "psycopg.Connection")
       for m in "commit rollback execute executemany executescript".split()]
    + [f"{t}.{m}" for t in ("psycopg2.extensions.cursor", "pymysql.cursors.Cursor", "sqlite3.Cursor", "psycopg.Cursor")
       for m in "execute executemany executescript fetchone fetchall fetchmany callproc copy_expert copy_from copy_to".split()]
    + [f"pymongo.collection.Collection.{m}" for m in "find find_one insert_one insert_many update_one update_many replace_one "
       "delete_one delete_many aggregate count_documents estimated_document_count distinct find_one_and_update "
       "find_one_and_delete find_one_and_replace bulk_write create_index drop".split()]
    + [f"pymongo.database.Database.{m}" for m in "command list_collection_names create_collection drop_collection".split()]
    + [f"pymongo.MongoClient.{m}" for m in "list_database_names server_info drop_database".split()]
    + ["redis.client.Pipeline.execute"]
), io="talks to a server")
BLOCKING |= _entries("FAP107", "synchronous network I/O", " ".join(
    ["smtplib.SMTP", "smtplib.SMTP_SSL", "socket.create_connection", "socket.getaddrinfo", "socket.gethostbyname",
     "socket.gethostbyname_ex", "socket.gethostbyaddr"]
    + [f"smtplib.SMTP.{m}" for m in "connect login starttls ehlo helo sendmail send_message quit noop".split()]
    + [f"socket.socket.{m}" for m in "connect accept recv recv_into recvfrom recvmsg send sendall sendto sendfile".split()]
), io="talks to a server")
# Instances whose every method does I/O, but for the listed local ones.
BLOCKING_INSTANCES: dict[str, tuple[Blocking, frozenset[str]]] = {
    "redis.Redis": (
        Blocking("FAP107", "a synchronous Redis command", "talks to a server"),
        frozenset("pipeline pubsub lock register_script close connection_pool get_connection_kwargs".split()),
    ),
    "boto3.client": (
        Blocking("FAP107", "a synchronous AWS API call", "talks to a server"),
        frozenset("get_paginator generate_presigned_url generate_presigned_post get_waiter can_paginate close".split()),
    ),
    "elasticsearch.Elasticsearch": (
        Blocking("FAP107", "a synchronous Elasticsearch call", "talks to a server"),
        frozenset({"close", "options"}),
    ),
}
BLOCKING |= _entries("FAP105", "CPU-heavy work", " ".join(
    ["bcrypt.hashpw", "bcrypt.checkpw", "bcrypt.kdf", "hashlib.pbkdf2_hmac", "hashlib.scrypt",
     "argon2.low_level.hash_secret", "argon2.low_level.hash_secret_raw", "argon2.low_level.verify_secret",
     "argon2.PasswordHasher.hash", "argon2.PasswordHasher.verify",
     "zlib.compress", "zlib.decompress", "gzip.compress", "gzip.decompress", "bz2.compress", "bz2.decompress",
     "lzma.compress", "lzma.decompress", "brotli.compress", "brotli.decompress",
     "transformers.pipeline", "torch.load", "joblib.load", "numpy.loadtxt", "numpy.genfromtxt"]
    + [f"passlib.context.CryptContext.{m}" for m in "hash verify encrypt verify_and_update dummy_verify".split()]
    + [f"PIL.Image.Image.{m}" for m in "resize thumbnail save convert rotate transpose filter quantize load reduce".split()]
    + [f"pandas.{m}" for m in "read_csv read_excel read_parquet read_json read_sql read_sql_query read_table read_feather read_pickle".split()]
    + [f"pandas.DataFrame.{m}" for m in "to_csv to_excel to_parquet to_json to_pickle apply merge pivot_table sort_values describe".split()]
    + [f"numpy.linalg.{m}" for m in "inv pinv svd eig eigh solve lstsq det matrix_power qr cholesky".split()]
    + [f"numpy.fft.{m}" for m in "fft ifft fft2 ifft2 fftn ifftn rfft irfft".split()]
    + [f"sentence_transformers.SentenceTransformer.{m}" for m in "encode".split()]
    + ["transformers.Pipeline.__call__"]
), io=None)
# Any class of these packages: these methods are heavy (model training and inference).
CPU_HEAVY_METHODS_BY_PACKAGE: dict[str, frozenset[str]] = {
    "sklearn.": frozenset("fit predict predict_proba predict_log_proba transform fit_transform fit_predict score".split()),
    "passlib.hash.": frozenset("hash verify encrypt".split()),
}

# Starting a process (``subprocess.Popen``, ``os.popen``, ``os.posix_spawn``)
# returns at once; waiting for it is what blocks, and that is listed above.
# Calls that do not block when given one of these flags:
NON_BLOCKING_FLAGS: dict[str, frozenset[str]] = {
    **{f"os.{n}": frozenset({"WNOHANG"}) for n in ("waitpid", "wait3", "wait4", "waitid")},
    **{f"os.spawn{s}": frozenset({"P_NOWAIT", "P_NOWAITO", "P_DETACH"}) for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")},
}

# File openers that do no file I/O when handed an in-memory buffer.
IN_MEMORY_OK = frozenset({"zipfile.ZipFile", "tarfile.open", "gzip.open", "bz2.open", "lzma.open"})
IN_MEMORY_TYPES = frozenset({"io.BytesIO", "io.StringIO"})
# Decorators that make a function run its body once per argument tuple.
MEMOIZERS = frozenset(
    """
    functools.cache functools.lru_cache functools.cached_property cachetools.cached cachetools.func.ttl_cache
    cachetools.func.lru_cache async_lru.alru_cache
    """.split()
)

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
    aiohttp.ClientSession sqlalchemy.orm.Session sqlalchemy.orm.sessionmaker sqlalchemy.orm.scoped_session
    sqlalchemy.ext.asyncio.AsyncSession sqlalchemy.ext.asyncio.async_sessionmaker sqlalchemy.ext.asyncio.async_scoped_session
    sqlmodel.Session redis.Redis redis.asyncio.Redis pymongo.MongoClient motor.motor_asyncio.AsyncIOMotorClient
    passlib.context.CryptContext argon2.PasswordHasher smtplib.SMTP smtplib.SMTP_SSL socket.socket
    pandas.DataFrame sentence_transformers.SentenceTransformer elasticsearch.Elasticsearch
    elasticsearch.AsyncElasticsearch asyncpg.Pool boto3.session.Session io.BytesIO io.StringIO
    aioboto3.Session
    """.split()
)


# Calls whose result is an instance of a known class.
RETURNS: dict[str, str] = {
    "requests.session": "requests.Session",
    "sqlalchemy.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.Engine.connect": "sqlalchemy.engine.Connection",
    "sqlalchemy.engine.Engine.begin": "sqlalchemy.engine.Connection",
    "sqlalchemy.ext.asyncio.create_async_engine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.Redis.pipeline": "redis.client.Pipeline",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
    "boto3.client": "boto3.client",
    "boto3.session.Session.client": "boto3.client",
    "PIL.Image.open": "PIL.Image.Image",
    "PIL.Image.new": "PIL.Image.Image",
    "transformers.pipeline": "transformers.Pipeline",
    "socket.create_connection": "socket.socket",
    "asyncpg.create_pool": "asyncpg.Pool",
    **{f"pandas.{reader}": "pandas.DataFrame" for reader in "read_csv read_excel read_parquet read_json read_sql read_sql_query read_table read_feather read_pickle".split()},
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
# Calling an instance of these makes an instance of another class.
INSTANCE_CALL_RETURNS: dict[str, str] = {
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.Session",
    "sqlalchemy.ext.asyncio.async_sessionmaker": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.async_scoped_session": "sqlalchemy.ext.asyncio.AsyncSession",
}
# Classes that behave like another for the methods the rules know
# (subclasses and proxies): their methods are looked up on the other too.
SAME_METHODS_AS: dict[str, str] = {
    "sqlmodel.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.Session",
    "sqlmodel.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "redis.StrictRedis": "redis.Redis",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
}
# Attributes whose value is an instance of a known class.
ATTRIBUTE_TYPES: dict[str, str] = {
    "pathlib.Path.parent": "pathlib.Path",
}
# Any attribute or item of these (``client.db``, ``db["users"]``) is an instance of another.
MEMBER_TYPES: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.database.Database",
    "pymongo.database.Database": "pymongo.collection.Collection",
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
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.scoping.scoped_session": "sqlalchemy.orm.scoped_session",
    "sqlalchemy.engine.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.engine.base.Engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.base.Connection": "sqlalchemy.engine.Connection",
    "sqlalchemy.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.session.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
    "sqlalchemy.ext.asyncio.engine.create_async_engine": "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.orm.session.Session": "sqlmodel.Session",
    "sqlmodel.create_engine": "sqlalchemy.create_engine",
    "redis.client.Redis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "pymongo.mongo_client.MongoClient": "pymongo.MongoClient",
    "passlib.context": "passlib.context",
    "PIL.Image": "PIL.Image",
    "pandas.core.frame.DataFrame": "pandas.DataFrame",
    "boto3.session.Session": "boto3.session.Session",
    "boto3.Session": "boto3.session.Session",
    "psycopg2.extensions.connection": "psycopg2.extensions.connection",
    "starlette.responses.StreamingResponse": "fastapi.responses.StreamingResponse",
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

# -- async APIs: what a ``def`` route cannot use without ``await`` (FAP202) --

# Methods that return coroutines, by class; calling them without ``await`` does nothing.
ASYNC_METHODS: dict[str, frozenset[str]] = {
    "httpx.AsyncClient": frozenset((*HTTP_VERBS, "send", "aclose")),
    "sqlalchemy.ext.asyncio.AsyncSession": frozenset(
        "execute scalars scalar get get_one commit flush refresh delete merge rollback close stream stream_scalars".split()
    ),
    "sqlalchemy.ext.asyncio.AsyncEngine": frozenset({"connect", "begin", "dispose"}),
    "aiohttp.ClientSession": frozenset((*HTTP_VERBS, "close", "ws_connect")),
    "redis.asyncio.Redis": frozenset("get set delete hget hset hgetall expire incr decr exists keys publish close".split()),
    "asyncpg.Pool": frozenset("acquire fetch fetchrow fetchval execute executemany close".split()),
    "motor.motor_asyncio.AsyncIOMotorClient": frozenset({"list_database_names", "server_info"}),
}
ASYNC_FUNCTIONS = frozenset(
    """
    asyncio.sleep asyncio.gather asyncio.wait_for asyncpg.connect asyncpg.create_pool anyio.sleep
    httpx.AsyncClient.get aiofiles.open
    """.split()
)
# Calls that take a coroutine and run it, so passing one to them is right even in a ``def``.
COROUTINE_CONSUMERS = frozenset(
    """
    asyncio.run asyncio.run_coroutine_threadsafe asyncio.AbstractEventLoop.run_until_complete asyncio.Runner.run
    asyncio.ensure_future asyncio.create_task asyncio.gather asyncio.wait_for asyncio.shield anyio.run
    fastapi.responses.StreamingResponse starlette.responses.StreamingResponse sse_starlette.sse.EventSourceResponse
    sse_starlette.EventSourceResponse anyio.from_thread.run fastapi.BackgroundTasks.add_task
    """.split()
)
# Clients that only work inside ``async def``: creating one in a ``def`` is a mistake.
ASYNC_CLIENTS = frozenset(
    """
    httpx.AsyncClient aiohttp.ClientSession redis.asyncio.Redis redis.asyncio.from_url
    motor.motor_asyncio.AsyncIOMotorClient sqlalchemy.ext.asyncio.create_async_engine elasticsearch.AsyncElasticsearch
    """.split()
)

# -- clients and engines: made once per application, not per request (FAP604) --
CLIENT_CONSTRUCTORS: dict[str, str] = {
    "httpx.AsyncClient": "an HTTP client (connection pool)",
    "httpx.Client": "an HTTP client (connection pool)",
    "requests.Session": "an HTTP session (connection pool)",
    "requests.session": "an HTTP session (connection pool)",
    "aiohttp.ClientSession": "an HTTP client session (connection pool)",
    "sqlalchemy.create_engine": "a database engine (connection pool)",
    "sqlalchemy.ext.asyncio.create_async_engine": "a database engine (connection pool)",
    "redis.Redis": "a Redis client (connection pool)",
    "redis.from_url": "a Redis client (connection pool)",
    "redis.Redis.from_url": "a Redis client (connection pool)",
    "redis.asyncio.Redis": "a Redis client (connection pool)",
    "redis.asyncio.from_url": "a Redis client (connection pool)",
    "pymongo.MongoClient": "a MongoDB client (connection pool and monitor threads)",
    "motor.motor_asyncio.AsyncIOMotorClient": "a MongoDB client (connection pool)",
    "boto3.client": "an AWS client (credentials and endpoint resolution)",
    "boto3.session.Session.client": "an AWS client (credentials and endpoint resolution)",
    "elasticsearch.Elasticsearch": "an Elasticsearch client (connection pool)",
    "elasticsearch.AsyncElasticsearch": "an Elasticsearch client (connection pool)",
    "openai.OpenAI": "an OpenAI client (its own HTTP connection pool)",
    "openai.AsyncOpenAI": "an OpenAI client (its own HTTP connection pool)",
    "openai.AzureOpenAI": "an Azure OpenAI client (its own HTTP connection pool)",
    "openai.AsyncAzureOpenAI": "an Azure OpenAI client (its own HTTP connection pool)",
    "anthropic.Anthropic": "an Anthropic client (its own HTTP connection pool)",
    "anthropic.AsyncAnthropic": "an Anthropic client (its own HTTP connection pool)",
    "anthropic.AsyncAnthropicBedrock": "an Anthropic client (its own HTTP connection pool)",
    "redis.asyncio.client.Redis": "a Redis client (connection pool)",
    "redis.asyncio.StrictRedis": "a Redis client (connection pool)",
    "aioboto3.Session": "an AWS session (credentials resolution)",
    "aioboto3.Session.client": "an AWS client (credentials, endpoint resolution and a connection pool)",
    "aioboto3.Session.resource": "an AWS resource client (credentials, endpoint resolution and a connection pool)",
    "boto3.resource": "an AWS resource client (credentials and endpoint resolution)",
    "boto3.session.Session.resource": "an AWS resource client (credentials and endpoint resolution)",
}
HTTPX_CLIENTS = frozenset({"httpx.AsyncClient", "httpx.Client"})
"""Clients whose pool is their ``transport``: one shared at module level makes a per-request client cheap."""

# Databases: the session and connection types, what makes one, and what queries through one.
SESSION_CLASSES = frozenset(
    "sqlalchemy.orm.Session sqlalchemy.ext.asyncio.AsyncSession sqlmodel.Session "
    "sqlmodel.ext.asyncio.session.AsyncSession".split()
)
SESSION_FACTORIES = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.ext.asyncio.async_sessionmaker"})
"""Calling one of these makes a new session (a ``scoped_session`` hands back the scope's one)."""
CONNECT_CALLS = frozenset(
    """
    sqlalchemy.engine.Engine.connect sqlalchemy.engine.Engine.begin sqlalchemy.ext.asyncio.AsyncEngine.connect
    sqlalchemy.ext.asyncio.AsyncEngine.begin asyncpg.connect asyncpg.Pool.acquire psycopg2.connect psycopg.connect
    psycopg.AsyncConnection.connect pymysql.connect aiomysql.connect aiosqlite.connect sqlite3.connect
    """.split()
)
DB_TYPE_PREFIXES = ("sqlalchemy.", "sqlmodel.", "asyncpg.", "psycopg", "pymysql.", "aiomysql.", "aiosqlite.", "sqlite3.", "databases.")
QUERY_METHODS = frozenset("execute scalar scalars exec get get_one query fetch fetchrow fetchval fetch_one fetch_all".split())
