"""Make sure the development site has its sysadmin, and report its state.

Usage: .venv/bin/python scripts/site_setup.py CKAN_INI ADMIN_PASSWORD_FILE

Loads CKAN once (with the configured plugins) and
  * creates the sysadmin ``admin`` with the password kept in
    ADMIN_PASSWORD_FILE (generated the first time), or resets the password
    when it no longer matches the file;
  * prints the site's state as ``key=value`` lines for scripts/run.sh:
      datasets=<active datasets in the database>
      indexed=<datasets the search backend finds, -1 when search fails>
      search_error=<message, when search fails>
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

ADMIN_NAME = "admin"
ADMIN_EMAIL = "admin@localhost"


def admin_password(path: Path) -> str:
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def ensure_admin(password: str) -> None:
    from ckan import model
    from ckan.plugins import toolkit as tk

    user = model.User.get(ADMIN_NAME)
    if user is None:
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        tk.get_action("user_create")(
            {"ignore_auth": True, "user": site_user["name"]},
            {
                "name": ADMIN_NAME,
                "email": ADMIN_EMAIL,
                "password": password,
                "fullname": "ODPO administrator",
            },
        )
        user = model.User.get(ADMIN_NAME)
        print(f"created sysadmin {ADMIN_NAME}", file=sys.stderr)
    elif not user.validate_password(password):
        user.password = password
        print(f"reset the password of {ADMIN_NAME}", file=sys.stderr)
    if user.state != "active" or not user.sysadmin:
        user.state = "active"
        user.sysadmin = True
    model.Session.commit()


def site_state() -> dict[str, str]:
    from ckan import model
    from ckan.lib.search.common import SearchError
    from ckan.plugins import toolkit as tk

    state = {
        "datasets": str(
            model.Session.query(model.Package)
            .filter(model.Package.state == "active")
            .count()
        )
    }
    try:
        result = tk.get_action("package_search")(
            {"ignore_auth": True},
            {"q": "*:*", "rows": 0, "include_private": True, "include_drafts": True},
        )
        state["indexed"] = str(result["count"])
    except (SearchError, tk.ValidationError) as error:  # backend unavailable
        state["indexed"] = "-1"
        message = " ".join(f"{type(error).__name__}: {error}".split())
        state["search_error"] = message[:300]
    return state


def main(ini: str, password_file: str) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        ensure_admin(admin_password(Path(password_file)))
        for key, value in site_state().items():
            print(f"{key}={value}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
