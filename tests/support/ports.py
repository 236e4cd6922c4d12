"""Free loopback ports for the python tests that start servers."""

import socket


def free_ports(n, consecutive=False):
    """n distinct loopback ports free a moment ago; consecutive ones if asked (Flink's
    PrometheusReporter takes a port range)."""
    def is_free(p):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
                return True
            except OSError:
                return False
    while True:
        socks = []
        for _ in range(1 if consecutive else n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        ports = [s.getsockname()[1] for s in socks]
        for s in socks:
            s.close()
        if not consecutive:
            if len(set(ports)) == n:
                return ports
            continue
        if ports[0] + n < 65536 and all(is_free(ports[0] + i) for i in range(n)):
            return list(range(ports[0], ports[0] + n))
