"""The application's SDK clients, made once at import."""

from typing import TYPE_CHECKING

import anthropic
import boto3
import docker
import openai
import paramiko
import pusher
from elasticsearch import Elasticsearch
from google.cloud import storage
from pwdlib import PasswordHash
from sendgrid import SendGridAPIClient
from slack_sdk import WebClient
from twilio.rest import Client

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


class TracedOpenAI(openai.OpenAI):
    """A project subclass of a catalogued client keeps its kind."""


llm = openai.OpenAI()
async_llm = openai.AsyncOpenAI()
traced = TracedOpenAI()
claude = anthropic.Anthropic()
slack = WebClient(token="x")
sms = Client("sid", "token")
mail = SendGridAPIClient("key")
s3 = boto3.client("s3")
buckets = boto3.resource("s3")
gcs = storage.Client()
search = Elasticsearch("http://localhost:9200")
ssh = paramiko.SSHClient()
push = pusher.Pusher(app_id="1", key="k", secret="s")
passwords = PasswordHash.recommended()


def typed_client(client: "S3Client"):
    return client


def docker_client():
    return docker.from_env()
