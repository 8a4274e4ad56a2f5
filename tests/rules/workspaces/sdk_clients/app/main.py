import asyncio

import stripe
from fastapi import FastAPI

from app.clients import (
    async_llm,
    buckets,
    claude,
    docker_client,
    gcs,
    llm,
    mail,
    passwords,
    push,
    s3,
    search,
    slack,
    sms,
    ssh,
    traced,
    typed_client,
)

app = FastAPI()


@app.post("/pay")
async def pay(customer: str):
    await asyncio.sleep(0)
    stripe.Customer.retrieve(customer)  # error: FAP107 "Customer.retrieve"
    intent = stripe.PaymentIntent.create(amount=100, currency="eur")  # error: FAP107
    await stripe.PaymentIntent.create_async(amount=100, currency="eur")
    return intent


@app.post("/chat")
async def chat(prompt: str):
    await asyncio.sleep(0)
    llm.chat.completions.create(model="m", messages=[])  # error: FAP107 "OpenAI.chat.completions.create"
    traced.embeddings.create(model="m", input=prompt)  # error: FAP107
    claude.messages.create(model="m", max_tokens=10, messages=[])  # error: FAP107 "Anthropic"
    fast = llm.with_options(timeout=5)
    fast.models.list()  # error: FAP107
    answer = await async_llm.chat.completions.create(model="m", messages=[])
    return answer


@app.post("/notify")
async def notify(user: str):
    await asyncio.sleep(0)
    slack.chat_postMessage(channel="#ops", text=user)  # error: FAP107 "WebClient.chat_postMessage"
    sms.messages.create(to=user, from_="+1", body="hi")  # error: FAP107 "Client.messages.create"
    sms.verify.v2.services("VA1").verifications.create(to=user, channel="sms")  # error: FAP107
    mail.send({"to": user})  # error: FAP107 "SendGrid"
    push.trigger("ch", "ev", {"user": user})  # error: FAP107 "Pusher"
    push.authenticate(channel="ch", socket_id="1")
    return {"ok": True}


@app.post("/files")
async def files(name: str, body: bytes):
    await asyncio.sleep(0)
    s3.put_object(Bucket="b", Key=name, Body=body)  # error: FAP107 "put_object"
    url = s3.generate_presigned_url("get_object", Params={"Key": name})
    buckets.Bucket("b").upload_file("/tmp/x", name)  # error: FAP107
    typed_client(s3).delete_object(Bucket="b", Key=name)  # error: FAP107
    gcs.bucket("b").blob(name).upload_from_string(body)  # error: FAP107 "Blob.upload_from_string"
    return {"url": url}


@app.get("/search")
async def find(q: str):
    await asyncio.sleep(0)
    search.search(index="docs", query={"match": {"text": q}})  # error: FAP107 "Elasticsearch"
    search.indices.refresh(index="docs")  # error: FAP107
    return {"q": q}


@app.post("/ops")
async def ops(host: str):
    await asyncio.sleep(0)
    ssh.connect(host)  # error: FAP107 "SSH"
    ssh.set_missing_host_key_policy(None)
    client = docker_client()  # error: FAP107 "Docker"
    client.containers.run("alpine", "true")  # error: FAP107
    return {"ok": True}


@app.post("/login")
async def login(password: str, stored: str):
    await asyncio.sleep(0)
    return passwords.verify(password, stored)  # error: FAP105
