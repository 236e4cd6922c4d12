"""Free loopback ports for the servers the cluster script and the python tests start.

Ports come from below the kernel's ephemeral range (32768 up on Debian): a port handed out by
bind(0) can be taken by any outgoing connection or port-0 listener (a TaskManager's) before the
server it was picked for binds it; a JobManager once lost its REST port that way. Consecutive
ranges come from [20000, 26000), single ports from [26000, 32768); never one twice per process.
"""

import random
import socket

_CONSECUTIVE_FROM, _SINGLE_FROM = 20000, 26000
_given = set()


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def port_free(port, host="127.0.0.1"):
    """Whether host:port can be bound right now."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def free_ports(n, consecutive=False, avoid=(), host="127.0.0.1"):
    """n distinct ports free a moment ago, none in `avoid`; consecutive ones if asked (Flink's
    PrometheusReporter takes a port range)."""
    if consecutive:
        lo, hi = _CONSECUTIVE_FROM, _SINGLE_FROM - n
    else:
        lo, hi = _SINGLE_FROM, min(_ephemeral_low(), 32768) - 1
    for _ in range(1000):
        if consecutive:
            base = random.randint(lo, hi)
            ports = list(range(base, base + n))
        else:
            ports = random.sample(range(lo, hi + 1), n)
        if all(p not in _given and p not in avoid and port_free(p, host) for p in ports):
            _given.update(ports)
            return ports
    raise RuntimeError("no %d free ports in [%d, %d]" % (n, lo, hi))
