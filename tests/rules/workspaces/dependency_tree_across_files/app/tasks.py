import smtplib
import time
from email.message import EmailMessage


def send_receipt(address: str) -> None:
    message = EmailMessage()
    message["To"] = address
    with smtplib.SMTP("mail.example.com") as smtp:
        smtp.send_message(message)


async def rebuild_search_index() -> None:
    time.sleep(1)  # error: FAP103


def log_event(name: str) -> None:
    print(name)
