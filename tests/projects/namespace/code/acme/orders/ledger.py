import subprocess


def write_entry(order_id: int) -> None:
    subprocess.run(["ledger-cli", "add", str(order_id)], check=True)
