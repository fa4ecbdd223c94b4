# PolyaxonClient's configuration (polyaxon-client 0.6.1): every property, the api_config attributes, each setter
# and reset(); no request is sent. Run in a v0.2+ cluster, against a server from outside one, and with nothing set.
import json
import os

from polyaxon_client import PolyaxonClient

PROPERTIES = ["host", "http_port", "ws_port", "use_https", "verify_ssl", "token", "authentication_type", "is_managed",
              "api_version", "reraise", "timeout"]
CONFIG = ["host", "port", "http_port", "ws_port", "token", "version", "authentication_type", "use_https", "verify_ssl",
          "is_managed", "is_local", "schema_response", "reraise", "timeout", "http_host", "ws_host", "base_url",
          "base_ws_url", "internal_header", "PAGE_SIZE"]


def show(label, client):
    properties = {name: getattr(client, name) for name in PROPERTIES}
    config = {name: getattr(client.api_config, name, "<missing>") for name in CONFIG}
    print(label, json.dumps({"properties": properties, "api_config": config}, sort_keys=True))


def attempt(label, **kwargs):
    try:
        show(label, PolyaxonClient(**kwargs))
    except Exception as e:
        print(label, "raised %s: %s" % (type(e).__name__, e))


attempt("from the environment")
attempt("host and token", host="plx.example.com", token="t0k")
attempt("https", host="plx.example.com", use_https=True, verify_ssl=False)
attempt("port", host="plx.example.com", port=8000, api_version="v2", authentication_type="Bearer", reraise=True,
        timeout=5)
attempt("http_port and ws_port", host="plx.example.com", http_port=8000, ws_port=1337, is_managed=False)

client = PolyaxonClient(host="plx.example.com", token="t0k")
handlers = ("auth", "cluster", "version", "project", "experiment_group", "experiment", "experiment_job", "job",
            "build_job", "user", "bookmark")
before = {name: getattr(client, name) for name in handlers}
transport = client.transport
print("handlers cached", all(getattr(client, name) is before[name] for name in handlers))
print("handlers share the transport", all(getattr(client, name).transport is transport for name in handlers))
for setter, value in [("set_host", "other.example.com"), ("set_http_port", 8080), ("set_ws_port", 8081),
                      ("set_use_https", True), ("set_verify_ssl", False), ("set_token", "t1"),
                      ("set_is_managed", True), ("set_authentication_type", "Bearer"), ("set_version_api", "v2"),
                      ("set_reraise", True)]:
    getattr(client, setter)(value)
    show(setter, client)
print("handlers renewed", all(getattr(client, name) is not before[name] for name in handlers),
      "transport renewed", client.transport is not transport)
before = {name: getattr(client, name) for name in handlers}
client.reset()
print("reset renews handlers", all(getattr(client, name) is not before[name] for name in handlers))
print("POLYAXON_NO_OP", os.environ.get("POLYAXON_NO_OP"))
