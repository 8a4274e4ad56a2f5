import shutil


def export_report():
    shutil.copy("/var/lib/app/report.csv", "/tmp/report.csv")


def refresh_index():
    shutil.copy("/var/lib/app/index", "/tmp/index")
