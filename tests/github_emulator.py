"""A GitHub REST API emulator for the tests (test code, not part of containersec).

It serves, over real HTTP on 127.0.0.1, the endpoints the action reaches through PyGithub, shaped like
GitHub's responses (every `url` field points back at the emulator, since PyGithub follows them), and
enforces the limits GitHub documents:

- 422 for more than 50 annotations in one check run request, for an `output.summary` or `output.text`
  over 65,535 characters, for columns on a multi-line annotation, and for a review comment on a line
  outside the pull request's diff (right side: added or context lines of a hunk);
- 403 "Resource not accessible by integration" for writes with a fork's read-only token;
- `X-RateLimit-*` headers on every response, and, when asked, one secondary rate limit (403 with
  `Retry-After: 1`) or one 5xx on a chosen request, or a `429` with a chosen `Retry-After` on every request;
- `Link` header pagination with `per_page` (default 30, at most 100) for pull request files, review
  comments, check runs and issues; pull request files stop at 3000, as GitHub's do;
- issues: 422 for a title over 256 or a body over 65,536 characters, or a state other than open or closed.

Every request is recorded (method, path, query, headers, JSON body) so tests assert what was sent.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

MAX_ANNOTATIONS = 50
MAX_OUTPUT_CHARS = 65535
MAX_PULL_FILES = 3000
MAX_ISSUE_TITLE, MAX_ISSUE_BODY = 256, 65536
FORK_DENIED = "Resource not accessible by integration"
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: list[Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors, headers or {}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class Pull:
    number: int
    head_sha: str
    base_sha: str
    head_repo: str
    files: list[dict[str, Any]]
    changed_files: int = 0
    comments: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)


def right_side_lines(patch: str) -> set[int]:
    """Lines of the new file inside the hunks of `patch` (added and context): where comments may go."""
    lines: set[int] = set()
    current = 0
    for text in patch.splitlines():
        match = _HUNK.match(text)
        if match:
            current = int(match.group(1))
        elif text.startswith(("+", " ")):
            lines.add(current)
            current += 1
    return lines


class GitHubEmulator:
    def __init__(self, owner: str = "octo-org", name: str = "app", token: str = "ghs_emulator_token") -> None:
        self.owner, self.name, self.token = owner, name, token
        self.fork_token = False  # writes answer 403 as for a fork pull request's GITHUB_TOKEN
        self.requests: list[Recorded] = []
        self.check_runs: dict[int, dict[str, Any]] = {}
        self.annotations: dict[int, list[dict[str, Any]]] = {}
        self.pulls: dict[int, Pull] = {}
        self.issues: dict[int, dict[str, Any]] = {}
        self.secondary_limit_on: tuple[str, str] | None = None  # (method, path regex): 403 once
        self.server_error_on: tuple[str, str] | None = None  # (method, path regex): work done, then 502 once
        self.throttle_every_request: str | None = None  # a Retry-After value: every request answers 429
        self._ids = itertools.count(1001)
        self._remaining = 5000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> GitHubEmulator:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.root}/api/v3"  # GitHub Enterprise Server's layout, so no host is assumed

    @property
    def repo_url(self) -> str:
        return f"{self.api_url}/repos/{self.owner}/{self.name}"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def add_pull(self, number: int, head_sha: str, base_sha: str, files: list[dict[str, Any]],
                 head_repo: str | None = None) -> Pull:
        pull = Pull(number, head_sha, base_sha, head_repo or self.full_name, files, changed_files=len(files))
        self.pulls[number] = pull
        return pull

    def requests_to(self, method: str, pattern: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]

    # --- HTTP plumbing -----------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                emulator._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler

    def _rate_headers(self) -> dict[str, str]:
        self._remaining = max(self._remaining - 1, 0)
        return {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": str(self._remaining),
                "X-RateLimit-Reset": str(int(time.time()) + 3600), "X-RateLimit-Used": str(5000 - self._remaining),
                "X-RateLimit-Resource": "core"}

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        record = Recorded(handler.command, split.path, parse_qs(split.query), dict(handler.headers.items()), body)
        with self._lock:
            self.requests.append(record)
            status, payload, headers = self._dispatch(record)
            record.status = status
            headers = {**self._rate_headers(), **headers}
        data = b"" if payload is None else json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _dispatch(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        try:
            if request.headers.get("Authorization") not in (f"token {self.token}", f"Bearer {self.token}"):
                raise ApiError(401, "Bad credentials")
            self._injected_failures(request)
            return self._route(request)
        except ApiError as exc:
            payload: dict[str, Any] = {"message": exc.message,
                                       "documentation_url": "https://docs.github.com/rest"}
            if exc.errors is not None:
                payload["errors"] = exc.errors
            return exc.status, payload, exc.headers

    def _injected_failures(self, request: Recorded) -> None:
        if self.throttle_every_request is not None:
            raise ApiError(429, "Too many requests", headers={"Retry-After": self.throttle_every_request})
        if self.secondary_limit_on and request.method == self.secondary_limit_on[0] \
                and re.search(self.secondary_limit_on[1], request.path):
            self.secondary_limit_on = None
            raise ApiError(403, "You have exceeded a secondary rate limit. Please wait a few minutes before "
                           "you try again.", headers={"Retry-After": "1"})

    def _server_error_after(self, request: Recorded) -> bool:
        """True once for the configured request: answer 502 after doing the work (a lost response)."""
        rule = self.server_error_on
        if rule and request.method == rule[0] and re.search(rule[1], request.path):
            self.server_error_on = None
            return True
        return False

    def _route(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        prefix = f"/api/v3/repos/{self.owner}/{self.name}"
        if not request.path.startswith(prefix):
            raise ApiError(404, "Not Found")
        rest = request.path[len(prefix):]
        routes: list[tuple[str, str, Any]] = [
            ("GET", r"", self._get_repo),
            ("GET", r"/commits/(?P<ref>[^/]+)", self._get_commit),
            ("GET", r"/commits/(?P<ref>[^/]+)/check-runs", self._list_check_runs),
            ("POST", r"/check-runs", self._create_check_run),
            ("GET", r"/check-runs/(?P<run_id>\d+)", self._get_check_run),
            ("PATCH", r"/check-runs/(?P<run_id>\d+)", self._update_check_run),
            ("GET", r"/pulls/(?P<number>\d+)", self._get_pull),
            ("GET", r"/pulls/(?P<number>\d+)/files", self._list_files),
            ("GET", r"/pulls/(?P<number>\d+)/comments", self._list_comments),
            ("POST", r"/pulls/(?P<number>\d+)/reviews", self._create_review),
            ("GET", r"/issues", self._list_issues),
            ("POST", r"/issues", self._create_issue),
            ("GET", r"/issues/(?P<number>\d+)", self._get_issue),
            ("PATCH", r"/issues/(?P<number>\d+)", self._update_issue),
        ]
        for method, pattern, endpoint in routes:
            match = re.fullmatch(pattern, rest)
            if match and method == request.method:
                status, payload, headers = endpoint(request, **match.groupdict())
                if self._server_error_after(request):
                    return 502, {"message": "Server Error"}, {}
                return status, payload, headers
        raise ApiError(404, "Not Found")

    def _page(self, request: Recorded, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        per_page = min(int(request.query.get("per_page", ["30"])[0]), 100)
        page = int(request.query.get("page", ["1"])[0])
        last = max((len(items) + per_page - 1) // per_page, 1)
        links = []

        def url(number: int) -> str:
            query = {key: values[0] for key, values in request.query.items()} | {"per_page": per_page,
                                                                                 "page": number}
            return f"{self.root}{request.path}?{urlencode(query)}"

        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
        return items[(page - 1) * per_page: page * per_page], ({"Link": ", ".join(links)} if links else {})

    def _deny_fork_writes(self) -> None:
        if self.fork_token:
            raise ApiError(403, FORK_DENIED)

    # --- repository and commits ---------------------------------------------------------------------

    def _user(self, login: str = "github-actions[bot]") -> dict[str, Any]:
        return {"login": login, "id": 41898282, "type": "Bot", "url": f"{self.api_url}/users/{login}"}

    def _repo_json(self) -> dict[str, Any]:
        return {"id": 1296269, "node_id": "R_1", "name": self.name, "full_name": self.full_name,
                "owner": {**self._user(self.owner), "type": "Organization"}, "private": False,
                "url": self.repo_url, "html_url": f"{self.root}/{self.full_name}", "default_branch": "main"}

    def _get_repo(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        return 200, self._repo_json(), {}

    def _get_commit(self, request: Recorded, ref: str) -> tuple[int, Any, dict[str, str]]:
        return 200, {"sha": ref, "node_id": "C_1", "url": f"{self.repo_url}/commits/{ref}",
                     "html_url": f"{self.root}/{self.full_name}/commit/{ref}",
                     "commit": {"message": "change", "url": f"{self.repo_url}/git/commits/{ref}"},
                     "parents": [], "files": []}, {}

    # --- issues ----------------------------------------------------------------------------------------

    def _issue_json(self, issue: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.repo_url}/issues/{issue['number']}"
        return {**issue, "url": url, "html_url": f"{self.root}/{self.full_name}/issues/{issue['number']}",
                "repository_url": self.repo_url, "user": self._user(), "labels": [], "pull_request": None}

    def _check_issue(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiError(422, "Invalid request.", ["the body is not an object"])
        if len(body.get("title") or "") > MAX_ISSUE_TITLE:
            raise ApiError(422, "Validation Failed", [{"field": "title", "code": "custom",
                                                       "message": "title is too long (maximum is 256 characters)"}])
        if len(body.get("body") or "") > MAX_ISSUE_BODY:
            raise ApiError(422, "Validation Failed", [{"field": "body", "code": "custom",
                                                       "message": "body is too long (maximum is 65536 characters)"}])
        if body.get("state") not in (None, "open", "closed"):
            raise ApiError(422, "Validation Failed", [{"field": "state", "code": "invalid"}])
        return body

    def _list_issues(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        state = request.query.get("state", ["open"])[0]
        found = [self._issue_json(i) for n, i in sorted(self.issues.items()) if state in ("all", i["state"])]
        page, headers = self._page(request, found)
        return 200, page, headers

    def _create_issue(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        self._deny_fork_writes()
        body = self._check_issue(request.body)
        if not isinstance(body.get("title"), str) or not body["title"]:
            raise ApiError(422, "Validation Failed", [{"field": "title", "code": "missing_field"}])
        number = len(self.issues) + 1
        self.issues[number] = {"id": next(self._ids), "number": number, "title": body["title"],
                               "body": body.get("body") or "", "state": "open"}
        return 201, self._issue_json(self.issues[number]), {}

    def _get_issue(self, request: Recorded, number: str) -> tuple[int, Any, dict[str, str]]:
        if int(number) not in self.issues:
            raise ApiError(404, "Not Found")
        return 200, self._issue_json(self.issues[int(number)]), {}

    def _update_issue(self, request: Recorded, number: str) -> tuple[int, Any, dict[str, str]]:
        self._deny_fork_writes()
        if int(number) not in self.issues:
            raise ApiError(404, "Not Found")
        body = self._check_issue(request.body)
        issue = self.issues[int(number)]
        issue.update({key: body[key] for key in ("title", "body", "state") if key in body})
        return 200, self._issue_json(issue), {}

    # --- check runs ------------------------------------------------------------------------------------

    def _check_output(self, output: Any, run_id: int) -> None:
        if not isinstance(output, dict):
            raise ApiError(422, "Invalid request.", ["output is not an object"])
        for key in ("title", "summary"):
            if not isinstance(output.get(key), str):
                raise ApiError(422, "Invalid request.", [f'"{key}" wasn\'t supplied.'])
        for key in ("summary", "text"):
            if len(output.get(key) or "") > MAX_OUTPUT_CHARS:
                raise ApiError(422, f"Invalid request.\n\nOnly {MAX_OUTPUT_CHARS} characters are allowed; "
                               f"{len(output[key])} were supplied.", [f"output.{key} is too long"])
        annotations = output.get("annotations") or []
        if len(annotations) > MAX_ANNOTATIONS:
            raise ApiError(422, "Invalid request.", [f"Only {MAX_ANNOTATIONS} annotations are allowed per "
                                                     f"request; {len(annotations)} were supplied."])
        for item in annotations:
            required = {"path": str, "start_line": int, "end_line": int, "annotation_level": str, "message": str}
            for key, kind in required.items():
                if not isinstance(item.get(key), kind):
                    raise ApiError(422, "Invalid request.", [f'"{key}" wasn\'t supplied.'])
            if item["annotation_level"] not in ("notice", "warning", "failure"):
                raise ApiError(422, "Invalid request.", ["annotation_level is not a member of notice, "
                                                         "warning, failure"])
            if ("start_column" in item or "end_column" in item) and item["start_line"] != item["end_line"]:
                raise ApiError(422, "Invalid request.", ["start_column and end_column may only be used when "
                                                         "start_line and end_line are the same"])
        self.annotations.setdefault(run_id, []).extend(annotations)

    def _run_json(self, run: dict[str, Any]) -> dict[str, Any]:
        run_id = run["id"]
        return {**run, "url": f"{self.repo_url}/check-runs/{run_id}",
                "html_url": f"{self.root}/{self.full_name}/runs/{run_id}",
                "output": {**run["output"], "annotations_count": len(self.annotations.get(run_id, [])),
                           "annotations_url": f"{self.repo_url}/check-runs/{run_id}/annotations"},
                "app": {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"},
                "check_suite": {"id": 5}, "pull_requests": []}

    def _create_check_run(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        self._deny_fork_writes()
        body = request.body or {}
        if not body.get("name") or not body.get("head_sha"):
            raise ApiError(422, "Invalid request.", ['"name" and "head_sha" are required.'])
        run_id = next(self._ids)
        if "output" in body:
            self._check_output(body["output"], run_id)
        output = {key: body.get("output", {}).get(key) for key in ("title", "summary", "text")}
        self.check_runs[run_id] = {
            "id": run_id, "node_id": f"CR_{run_id}", "name": body["name"], "head_sha": body["head_sha"],
            "external_id": body.get("external_id", ""), "details_url": body.get("details_url"),
            "status": "completed" if body.get("conclusion") else body.get("status", "queued"),
            "conclusion": body.get("conclusion"), "started_at": "2026-11-29T17:00:00Z",
            "completed_at": None, "output": output}
        return 201, self._run_json(self.check_runs[run_id]), {}

    def _find_run(self, run_id: str) -> dict[str, Any]:
        run = self.check_runs.get(int(run_id))
        if run is None:
            raise ApiError(404, "Not Found")
        return run

    def _get_check_run(self, request: Recorded, run_id: str) -> tuple[int, Any, dict[str, str]]:
        return 200, self._run_json(self._find_run(run_id)), {}

    def _update_check_run(self, request: Recorded, run_id: str) -> tuple[int, Any, dict[str, str]]:
        self._deny_fork_writes()
        run = self._find_run(run_id)
        body = request.body or {}
        if "output" in body:
            self._check_output(body["output"], run["id"])
            run["output"].update({key: body["output"][key] for key in ("title", "summary", "text")
                                  if key in body["output"]})
        if body.get("conclusion"):
            if body["conclusion"] not in ("action_required", "cancelled", "failure", "neutral", "success",
                                          "skipped", "timed_out"):
                raise ApiError(422, "Invalid request.", ["conclusion is not valid"])
            run.update(status="completed", conclusion=body["conclusion"],
                       completed_at=body.get("completed_at") or "2026-11-29T17:01:00Z")
        elif "status" in body:
            run["status"] = body["status"]
        return 200, self._run_json(run), {}

    def _list_check_runs(self, request: Recorded, ref: str) -> tuple[int, Any, dict[str, str]]:
        name = request.query.get("check_name", [None])[0]
        runs = [self._run_json(run) for run in self.check_runs.values()
                if run["head_sha"] == ref and (name is None or run["name"] == name)]
        page, headers = self._page(request, runs)
        return 200, {"total_count": len(runs), "check_runs": page}, headers

    # --- pull requests ---------------------------------------------------------------------------------

    def _pull(self, number: str) -> Pull:
        pull = self.pulls.get(int(number))
        if pull is None:
            raise ApiError(404, "Not Found")
        return pull

    def _get_pull(self, request: Recorded, number: str) -> tuple[int, Any, dict[str, str]]:
        pull = self._pull(number)
        url = f"{self.repo_url}/pulls/{pull.number}"
        head_owner = pull.head_repo.split("/")[0]
        return 200, {
            "url": url, "id": 9000 + pull.number, "node_id": f"PR_{pull.number}", "number": pull.number,
            "state": "open", "title": "change", "user": self._user("contributor"),
            "html_url": f"{self.root}/{self.full_name}/pull/{pull.number}",
            "head": {"ref": "feature", "sha": pull.head_sha, "label": f"{head_owner}:feature",
                     "repo": {**self._repo_json(), "full_name": pull.head_repo}},
            "base": {"ref": "main", "sha": pull.base_sha, "label": f"{self.owner}:main", "repo": self._repo_json()},
            "changed_files": pull.changed_files, "commits": 1, "additions": 1, "deletions": 0,
            "review_comments_url": f"{url}/comments", "comments_url": f"{self.repo_url}/issues/{pull.number}/comments",
        }, {}

    def _list_files(self, request: Recorded, number: str) -> tuple[int, Any, dict[str, str]]:
        pull = self._pull(number)
        files = []
        for item in pull.files[:MAX_PULL_FILES]:
            name = item["filename"]
            entry = {"sha": "0" * 40, "filename": name, "status": item.get("status", "modified"),
                     "additions": 1, "deletions": 0, "changes": 1,
                     "blob_url": f"{self.root}/{self.full_name}/blob/{pull.head_sha}/{name}",
                     "raw_url": f"{self.root}/{self.full_name}/raw/{pull.head_sha}/{name}",
                     "contents_url": f"{self.repo_url}/contents/{name}?ref={pull.head_sha}"}
            if item.get("patch") is not None:
                entry["patch"] = item["patch"]
            if item.get("previous_filename"):
                entry["previous_filename"] = item["previous_filename"]
            files.append(entry)
        page, headers = self._page(request, files)
        return 200, page, headers

    def _list_comments(self, request: Recorded, number: str) -> tuple[int, Any, dict[str, str]]:
        page, headers = self._page(request, self._pull(number).comments)
        return 200, page, headers

    def _create_review(self, request: Recorded, number: str) -> tuple[int, Any, dict[str, str]]:
        self._deny_fork_writes()
        pull = self._pull(number)
        body = request.body or {}
        if body.get("event") not in ("COMMENT", "REQUEST_CHANGES", "APPROVE"):
            raise ApiError(422, "Unprocessable Entity", ["event must be COMMENT, REQUEST_CHANGES or APPROVE"])
        patches = {item["filename"]: item.get("patch") for item in pull.files}
        review_id = next(self._ids)
        comments = []
        for comment in body.get("comments") or []:
            patch = patches.get(comment.get("path"))
            if "position" not in comment and (patch is None or comment.get("side", "RIGHT") != "RIGHT"
                                              or comment.get("line") not in right_side_lines(patch)):
                raise ApiError(422, "Unprocessable Entity",
                               ["pull_request_review_thread.line must be part of the diff"])
            comment_id = next(self._ids)
            comments.append({
                "id": comment_id, "node_id": f"PRRC_{comment_id}", "pull_request_review_id": review_id,
                "url": f"{self.repo_url}/pulls/comments/{comment_id}", "path": comment["path"],
                "line": comment.get("line"), "side": comment.get("side", "RIGHT"), "body": comment["body"],
                "commit_id": body.get("commit_id"), "original_commit_id": body.get("commit_id"),
                "user": self._user(), "diff_hunk": "@@", "created_at": "2026-11-29T17:00:00Z",
                "html_url": f"{self.root}/{self.full_name}/pull/{pull.number}#discussion_r{comment_id}",
                "pull_request_url": f"{self.repo_url}/pulls/{pull.number}"})
        pull.comments.extend(comments)
        review = {"id": review_id, "node_id": f"PRR_{review_id}", "user": self._user(),
                  "body": body.get("body", ""), "state": "COMMENTED", "commit_id": body.get("commit_id"),
                  "html_url": f"{self.root}/{self.full_name}/pull/{pull.number}#pullrequestreview-{review_id}",
                  "pull_request_url": f"{self.repo_url}/pulls/{pull.number}",
                  "submitted_at": "2026-11-29T17:00:00Z"}
        pull.reviews.append(review)
        return 200, review, {}
