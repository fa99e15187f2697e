"""The default command: open the full-screen console on the configured broker."""

from __future__ import annotations

import argparse
import logging

from console.config import LoadedSettings

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("console", help="open the full-screen console (the default)")
    parser.set_defaults(run=run_console)


def run_console(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    """Build the session, run the app, and leave in order whatever ends it."""
    from console.logging_setup import quiet_stderr
    from console.session_factory import build_session
    from console.ui.app import build_app

    settings = loaded.settings
    session = build_session(settings)
    app = build_app(settings, session)
    quiet_stderr()  # the screen belongs to Textual now; logs still go to the file
    try:
        app.run()
    finally:
        quiet_stderr(False)
        # The app stops the session on q / Ctrl+C / SIGTERM / SIGHUP; this covers a crash of the app.
        session.stop(cancel_working=settings.broker.cancel_orders_on_exit)
        session.journal.close()
    if app.return_code:
        log.warning("console exited with code %s", app.return_code)
    return app.return_code or 0
