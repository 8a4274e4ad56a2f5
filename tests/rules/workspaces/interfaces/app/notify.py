import smtplib

from app.storage import Notifier


class EmailNotifier(Notifier):
    def send(self, to: str, body: str) -> None:
        with smtplib.SMTP("mail.example.com") as smtp:
            smtp.sendmail("noreply@example.com", [to], body)


class LogNotifier(Notifier):
    def send(self, to: str, body: str) -> None:
        print(to, body)
