from fastapi import FastAPI

from billing.invoices import render_invoice

app = FastAPI()


@app.get("/invoices/{number}")
async def invoice(number: int):
    return render_invoice(number)
