# send_metrics where polyaxon-helper 0.1.9 could not send (API, token or experiment info missing).
from polyaxon_helper import send_metrics

try:
    send_metrics(loss=0.5)
    print("send_metrics returned")
except Exception as e:
    print("send_metrics raised", type(e).__name__)
