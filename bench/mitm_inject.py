"""mitmproxy addon: the header injection zerocred does, for the side-by-side benchmark.

For api.anthropic.com it removes whatever credential the client sent and injects the real token
(from the environment variable BENCH_REAL_TOKEN, never the command line) as a Bearer token.
Connections to the credential hosts go to BENCH_ROUTE (IP:PORT) instead of where DNS points; the
upstream certificate is still verified against the real host name (the client's SNI), with the
trust anchors from --set ssl_verify_upstream_trusted_ca, as zerocred's --route does.
"""

import os

from mitmproxy import http
from mitmproxy.proxy import server_hooks

CREDENTIAL_HOSTS = {"api.anthropic.com", "api.github.com", "github.com"}


class Inject:
    def __init__(self):
        self.token = os.environ["BENCH_REAL_TOKEN"]
        host, port = os.environ["BENCH_ROUTE"].rsplit(":", 1)
        self.route = (host, int(port))

    def server_connect(self, data: server_hooks.ServerConnectionHookData):
        host = data.server.address[0] if data.server.address else None
        if host in CREDENTIAL_HOSTS:
            # Verify against the name, dial the route.
            if data.server.sni is None:
                data.server.sni = host
            data.server.address = self.route

    def request(self, flow: http.HTTPFlow):
        if flow.request.pretty_host == "api.anthropic.com":
            flow.request.headers.pop("x-api-key", None)
            flow.request.headers["authorization"] = "Bearer " + self.token


addons = [Inject()]
