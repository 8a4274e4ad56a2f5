"""Services whose attributes and properties carry the clients they use."""

import functools
from dataclasses import dataclass

import httpx
import requests
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session


class BaseService:
    def __init__(self) -> None:
        self.http = httpx.Client()  # typed in the base's __init__


class Weather(BaseService):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.async_http: httpx.AsyncClient = httpx.AsyncClient()

    @property
    def client(self) -> httpx.Client:
        return self.http

    @functools.cached_property
    def session(self):
        return requests.Session()

    @property
    def base_url(self) -> str:
        return "https://weather.example.com"


@dataclass
class Repo:
    db: Session


class Settings(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    http: httpx.Client
    name: str = "app"


class Holder:
    def __init__(self, make) -> None:
        self.session: Session = make()  # the annotation types what the call does not
