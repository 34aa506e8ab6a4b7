"""Failure alerts: an e-mail over SMTP when a production build fails.

Off unless ANALYTICS_SMTP_HOST is set. Everything comes from the environment, nothing from
the repository:

    ANALYTICS_SMTP_HOST       SMTP server host (setting it turns alerts on)
    ANALYTICS_SMTP_PORT       port (default 25; 465 with ANALYTICS_SMTP_SSL=true)
    ANALYTICS_SMTP_SSL        true: connect with TLS from the start (SMTPS)
    ANALYTICS_SMTP_STARTTLS   true: upgrade the connection with STARTTLS
    ANALYTICS_SMTP_USER       user name, when the server needs a login
    ANALYTICS_SMTP_PASSWORD   its password
    ANALYTICS_ALERT_FROM      sender address
    ANALYTICS_ALERT_TO        recipients, separated by commas
"""

from __future__ import annotations

import os
import smtplib
import socket
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def build_message(
    summary: str,
    failed_nodes: Sequence[str],
    log_path: Path | None,
    failed_copy: Path | None,
    sender: str,
    recipients: Sequence[str],
    warnings: Sequence[str] = (),
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"[analytics] build failed on {socket.gethostname()}: {summary}"[:200]
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    lines = [
        f"The warehouse build failed at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC "
        f"on {socket.gethostname()} ({os.getcwd()}).",
        "",
        f"What happened: {summary}",
        "The published warehouse was left as it was: analysts keep the previous version.",
        "",
    ]
    if failed_nodes:
        lines.append("What failed:")
        lines.extend(f"  - {node}" for node in failed_nodes)
        lines.append("")
    if warnings:
        lines.append("Warnings of the same build (a source without files, unmapped values):")
        lines.extend(f"  - {warning}" for warning in warnings)
        lines.append("")
    lines.append("Where to look:")
    if log_path:
        lines.append(f"  - dbt's log: {log_path.resolve()}")
    if failed_copy:
        lines.append(f"  - the failed build, open it read-only: {failed_copy.resolve()}")
    lines.append("  - the run history: audit.run_history and audit.node_history")
    message.set_content("\n".join(lines) + "\n")
    return message


def send_failure_alert(
    summary: str,
    failed_nodes: Sequence[str],
    log_path: Path | None,
    failed_copy: Path | None,
    env: Mapping[str, str] | None = None,
    warnings: Sequence[str] = (),
) -> bool:
    """Send the alert if SMTP is configured; True when it was sent. Never raises."""
    env = os.environ if env is None else env
    host = env.get("ANALYTICS_SMTP_HOST", "").strip()
    if not host:
        return False
    sender = env.get("ANALYTICS_ALERT_FROM", "").strip()
    recipients = [r.strip() for r in env.get("ANALYTICS_ALERT_TO", "").split(",") if r.strip()]
    if not sender or not recipients:
        print(
            "analytics-build: alert not sent: ANALYTICS_SMTP_HOST is set but "
            "ANALYTICS_ALERT_FROM or ANALYTICS_ALERT_TO is missing",
            file=sys.stderr,
        )
        return False
    use_ssl = _flag(env, "ANALYTICS_SMTP_SSL")
    try:
        port = int(env.get("ANALYTICS_SMTP_PORT", "465" if use_ssl else "25"))
    except ValueError:
        print(
            "analytics-build: alert not sent: ANALYTICS_SMTP_PORT is not a number", file=sys.stderr
        )
        return False
    message = build_message(
        summary, failed_nodes, log_path, failed_copy, sender, recipients, warnings
    )
    try:
        smtp_class = smtplib.SMTP_SSL if use_ssl else smtplib.SMTP
        with smtp_class(host, port, timeout=30) as smtp:
            if _flag(env, "ANALYTICS_SMTP_STARTTLS") and not use_ssl:
                smtp.starttls()
            user = env.get("ANALYTICS_SMTP_USER", "")
            if user:
                smtp.login(user, env.get("ANALYTICS_SMTP_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        print(f"analytics-build: alert not sent: {error}", file=sys.stderr)
        return False
    print(f"analytics-build: alert sent to {', '.join(recipients)}", file=sys.stderr)
    return True
