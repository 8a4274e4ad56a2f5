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
@dataclass(frozen=True, slots=True)
class Client:
    """A sync client whose methods do network I/O: all public ones but ``local``, or only ``verbs``.

    A ``nested`` client reaches its API through attributes and calls that
    name resources (``client.chat.completions.create``,
    ``client.verify.v2.services(sid).verifications.create``): those are the
    same client, and the last method decides.
    """

    blocking: Blocking
    local: frozenset[str] = frozenset()
    verbs: frozenset[str] | None = None
    nested: bool = False


def _client(what: str, *, local: str = "", verbs: str | None = None, nested: bool = False, code: str = "FAP107") -> Client:
    return Client(Blocking(code, what, "talks to a server"), frozenset(local.split()), frozenset(verbs.split()) if verbs else None, nested)


_AI_LOCAL = "with_options with_raw_response with_streaming_response copy close"
BLOCKING_INSTANCES: dict[str, Client] = {
    "redis.Redis": _client(
        "a synchronous Redis command", local="pipeline pubsub lock register_script close connection_pool get_connection_kwargs"
    ),
    "boto3.client": _client(
        "a synchronous AWS API call",
        local="get_paginator generate_presigned_url generate_presigned_post get_waiter can_paginate close meta exceptions",
    ),
    "boto3.resource": _client(
        "a synchronous AWS API call", local="meta all filter limit page_size get_available_subresources", nested=True
    ),
    "elasticsearch.Elasticsearch": _client("a synchronous Elasticsearch call", local="close options", nested=True),
    # Network SDKs (their async clients are other classes: ``AsyncOpenAI``, ``AsyncWebClient``...).
    "openai.OpenAI": _client("a synchronous OpenAI API call", local=_AI_LOCAL, nested=True),
    "openai.AzureOpenAI": _client("a synchronous OpenAI API call", local=_AI_LOCAL, nested=True),
    "anthropic.Anthropic": _client("a synchronous Anthropic API call", local=_AI_LOCAL, nested=True),
    "anthropic.AnthropicBedrock": _client("a synchronous Anthropic API call", local=_AI_LOCAL, nested=True),
    "anthropic.AnthropicVertex": _client("a synchronous Anthropic API call", local=_AI_LOCAL, nested=True),
    "stripe.StripeClient": _client("a synchronous Stripe API call", local="construct_event parse_thin_event", nested=True),
    "slack_sdk.WebClient": _client("a synchronous Slack API call"),
    "slack_sdk.webhook.WebhookClient": _client("a synchronous Slack webhook call", verbs="send send_dict"),
    "twilio.rest.Client": _client(
        "a synchronous Twilio API call", verbs="create fetch update delete list stream page get_page", nested=True
    ),
    "sendgrid.SendGridAPIClient": _client(
        "a synchronous SendGrid API call", verbs="send get post put patch delete", nested=True
    ),
    "pymongo.MongoClient": _client(
        "a synchronous MongoDB call", verbs="list_database_names list_databases server_info drop_database"
    ),
    "paramiko.SSHClient": _client(
        "a synchronous SSH call",
        verbs="connect exec_command open_sftp invoke_shell load_system_host_keys load_host_keys save_host_keys",
    ),
    "paramiko.SFTPClient": _client("a synchronous SFTP call", local="close get_channel"),
    "paramiko.Transport": _client("a synchronous SSH call", verbs="connect start_client auth_password auth_publickey open_session open_channel"),
    "docker.DockerClient": _client("a synchronous Docker API call", local="close api", nested=True),
    "docker.models.containers.Container": _client("a synchronous Docker API call", local="id name short_id labels status attrs"),
    "pusher.Pusher": _client("a synchronous Pusher API call", local="authenticate validate_webhook"),
    "google.cloud.storage.Bucket": _client(
        "a synchronous Google Cloud call", local="blob path user_project copy_blob_path"
    ),
    "google.cloud.storage.Blob": _client(
        "a synchronous Google Cloud call", local="path public_url generate_signed_url"
    ),
    "google.cloud.bigquery.QueryJob": _client("a synchronous Google Cloud call", verbs="result reload cancel exists"),
}
"""Instances whose every public method does I/O, but for the listed local ones (or only the listed verbs)."""

_GOOGLE_CLIENT_LOCAL = frozenset(
    """
    bucket blob collection document batch transaction close from_service_account_json from_service_account_file
    from_service_account_info dataset table project
    """.split()
)


def client_of(type_name: str) -> Client | None:
    """The catalogue's client for a type: listed, or a sync ``google.cloud.*`` ``...Client``."""
    found = BLOCKING_INSTANCES.get(type_name)
    if found is not None:
        return found
    if type_name.startswith("google.cloud."):
        name = type_name.rpartition(".")[2]
        if name.endswith("Client") and not name.startswith("Async"):
            return _GOOGLE_CLIENT
    return None


_GOOGLE_CLIENT = Client(
    Blocking("FAP107", "a synchronous Google Cloud call", "talks to a server"),
    _GOOGLE_CLIENT_LOCAL,
)


def _client_member(qualname: str) -> tuple[Client, str] | None:
    """The catalogued client a method belongs to (directly, or through a nested client's resources), and the method."""
    owner, _, method = qualname.rpartition(".")
    found = client_of(owner)
    if found is not None:
        return found, method
    parts = owner.split(".")
    for cut in range(len(parts) - 1, 1, -1):
        found = client_of(".".join(parts[:cut]))
        if found is not None:
            return (found, method) if found.nested and not any(p.startswith("_") for p in parts[cut:]) else None
    return None


def client_call(qualname: str) -> Blocking | None:
    """Why a method of a catalogued client (or of a nested client's resource) blocks, if it does I/O."""
    found = _client_member(qualname)
    if found is None:
        return None
    client, method = found
    if method.startswith("_") or method.endswith("_async") or method in client.local or method[:1].isupper():
        return None  # private, the async variant, local, or a resource constructor (``s3.Bucket(name)``)
    if client.verbs is not None and method not in client.verbs:
        return None
    return client.blocking


def client_result(qualname: str) -> str | None:
    """Calling a member of a nested client that names a resource (not one doing I/O) gives the same client.

    A resource is a local method (``with_options``), a constructor
    (``s3.Bucket(name)``), or, for a client whose I/O is a list of verbs, any
    other name (``verify.services(sid)``). What an I/O call returns (its
    ``*_async`` variant's too) is data, not the client.
    """
    found = _client_member(qualname)
    if found is None or not found[0].nested:
        return None
    client, method = found
    if method.startswith("_") or method.endswith("_async"):
        return None
    if client.verbs is not None:
        resource = method not in client.verbs
    else:
        resource = method in client.local or method[:1].isupper()
    if not resource:
        return None
    owner = qualname.rpartition(".")[0]
    while client_of(owner) is None:
        owner = owner.rpartition(".")[0]
    return owner


# Stripe's resources (``stripe.Customer.retrieve``, ``stripe.checkout.Session.create``) are classes whose
# class methods call the API; the ``*_async`` ones are the coroutines.
_STRIPE_RESOURCES = """
    Account AccountLink ApplicationFee Balance BalanceTransaction Charge Coupon CreditNote Customer
    CustomerBalanceTransaction Dispute Event File FileLink Invoice InvoiceItem Mandate PaymentIntent PaymentLink
    PaymentMethod Payout Plan Price Product PromotionCode Quote Refund SetupIntent ShippingRate Source Subscription
    SubscriptionItem SubscriptionSchedule TaxCode TaxId TaxRate Token Topup Transfer WebhookEndpoint
    checkout.Session billing_portal.Session billing_portal.Configuration billing.Meter billing.MeterEvent
    identity.VerificationSession tax.Calculation tax.Transaction terminal.Reader issuing.Card issuing.Cardholder
""".split()
_STRIPE_METHODS = """
    create retrieve modify delete list search cancel confirm capture pay finalize_invoice void_invoice send_invoice
    mark_uncollectible upcoming create_preview list_line_items attach detach expire verify_microdeposits
    apply_customer_balance increment_authorization resume list_balance_transactions create_balance_transaction
    retrieve_balance_transaction list_sources create_source delete_source list_tax_ids create_tax_id
    list_payment_methods retrieve_payment_method reject release close accept
""".split()
BLOCKING |= _entries("FAP107", "a synchronous Stripe API call", " ".join(
    f"stripe.{resource}.{method}" for resource in _STRIPE_RESOURCES for method in _STRIPE_METHODS
), io="talks to a server")
BLOCKING |= _entries("FAP107", "a synchronous OpenAI API call", " ".join(
    f"openai.{resource}.{method}" for resource in ("ChatCompletion", "Completion", "Embedding", "Image", "Moderation")
    for method in ("create",)
), io="talks to a server")
# ``from_env()`` asks the daemon for its API version before it returns.
BLOCKING |= _entries("FAP107", "a synchronous Docker API call", "docker.from_env docker.DockerClient.from_env", io="talks to a server")

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
    + [f"pwdlib.PasswordHash.{m}" for m in "hash verify verify_and_update".split()]
    + [f"pwdlib.hashers.{h}.{m}" for h in ("bcrypt.BcryptHasher", "argon2.Argon2Hasher") for m in ("hash", "verify")]
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

# Receiver names that say the receiver's type, for a receiver typed out of the workspace's sight (a
# settings object of an uninstalled package): ``pwd_context`` is passlib's ``CryptContext`` in passlib's
# and FastAPI's documentation and in the applications that copy them. Only catalogued methods count.
CONVENTIONAL_RECEIVERS: dict[str, str] = {
    "pwd_context": "passlib.context.CryptContext",
    "password_context": "passlib.context.CryptContext",
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
    pwdlib.PasswordHash pwdlib.hashers.bcrypt.BcryptHasher pwdlib.hashers.argon2.Argon2Hasher
    openai.OpenAI openai.AsyncOpenAI openai.AzureOpenAI openai.AsyncAzureOpenAI anthropic.Anthropic
    anthropic.AsyncAnthropic anthropic.AnthropicBedrock anthropic.AnthropicVertex stripe.StripeClient
    slack_sdk.WebClient slack_sdk.webhook.WebhookClient twilio.rest.Client sendgrid.SendGridAPIClient
    paramiko.SSHClient paramiko.Transport docker.DockerClient pusher.Pusher
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
    "boto3.resource": "boto3.resource",
    "boto3.session.Session.resource": "boto3.resource",
    "pwdlib.PasswordHash.recommended": "pwdlib.PasswordHash",
    "paramiko.SSHClient.open_sftp": "paramiko.SFTPClient",
    "paramiko.SFTPClient.from_transport": "paramiko.SFTPClient",
    "docker.from_env": "docker.DockerClient",
    "docker.DockerClient.from_env": "docker.DockerClient",
    **{f"docker.DockerClient.containers.{m}": "docker.models.containers.Container" for m in ("get", "run", "create")},
    "google.cloud.storage.Client.bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Client.get_bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Client.create_bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.Bucket.blob": "google.cloud.storage.Blob",
    "google.cloud.storage.Bucket.get_blob": "google.cloud.storage.Blob",
    "google.cloud.bigquery.Client.query": "google.cloud.bigquery.QueryJob",
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
    # A router's verbs return the decorator that registers a route (``frameworks/fastapi.py`` reads it).
    **{f"fastapi.{router}.{verb}": "fastapi.RouteDecorator" for router in ("FastAPI", "APIRouter")
       for verb in ("get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket")},
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
    # fastapi-sqlalchemy's middleware opens a session per request behind this global
    "fastapi_sqlalchemy.db.session": "sqlalchemy.orm.Session",
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
    "pwdlib._hash.PasswordHash": "pwdlib.PasswordHash",
    "openai._client.OpenAI": "openai.OpenAI",
    "openai._client.AsyncOpenAI": "openai.AsyncOpenAI",
    "openai.lib.azure.AzureOpenAI": "openai.AzureOpenAI",
    "openai.lib.azure.AsyncAzureOpenAI": "openai.AsyncAzureOpenAI",
    "anthropic._client.Anthropic": "anthropic.Anthropic",
    "anthropic._client.AsyncAnthropic": "anthropic.AsyncAnthropic",
    "stripe._stripe_client.StripeClient": "stripe.StripeClient",
    "slack_sdk.web.WebClient": "slack_sdk.WebClient",
    "slack_sdk.web.client.WebClient": "slack_sdk.WebClient",
    "slack.WebClient": "slack_sdk.WebClient",
    "slack_sdk.webhook.client.WebhookClient": "slack_sdk.webhook.WebhookClient",
    "twilio.rest.client.Client": "twilio.rest.Client",
    "sendgrid.sendgrid.SendGridAPIClient": "sendgrid.SendGridAPIClient",
    "paramiko.client.SSHClient": "paramiko.SSHClient",
    "paramiko.sftp_client.SFTPClient": "paramiko.SFTPClient",
    "paramiko.transport.Transport": "paramiko.Transport",
    "docker.client.DockerClient": "docker.DockerClient",
    "docker.client.from_env": "docker.from_env",
    "pusher.pusher.Pusher": "pusher.Pusher",
    "google.cloud.storage.client.Client": "google.cloud.storage.Client",
    "google.cloud.storage.bucket.Bucket": "google.cloud.storage.Bucket",
    "google.cloud.storage.blob.Blob": "google.cloud.storage.Blob",
    "google.cloud.bigquery.client.Client": "google.cloud.bigquery.Client",
    "google.cloud.bigquery.job.QueryJob": "google.cloud.bigquery.QueryJob",
    "elasticsearch.client.Elasticsearch": "elasticsearch.Elasticsearch",
    "fastapi_sqlalchemy.middleware.db": "fastapi_sqlalchemy.db",
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
    if qualname.startswith("mypy_boto3_"):  # the boto3 type stubs: ``mypy_boto3_s3.client.S3Client``
        kind = qualname.split(".")[1:2]
        return {"client": "boto3.client", "service_resource": "boto3.resource"}.get(kind[0] if kind else "", qualname)
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
    openai.AsyncOpenAI openai.AsyncAzureOpenAI anthropic.AsyncAnthropic
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


_CATALOGUED: frozenset[str] | None = None


def catalogued(type_name: str) -> bool:
    """Whether the catalogue knows methods of this library class (a project subclass inherits them)."""
    global _CATALOGUED
    if _CATALOGUED is None:
        owners = {name.rpartition(".")[0] for name in BLOCKING}
        owners |= set(BLOCKING_INSTANCES) | CLASSES | set(ASYNC_METHODS) | set(SAME_METHODS_AS) | set(INSTANCE_CALL_RETURNS)
        owners |= {name.rpartition(".")[0] for name in RETURNS}
        _CATALOGUED = frozenset(owners)
    return type_name in _CATALOGUED or client_of(type_name) is not None
