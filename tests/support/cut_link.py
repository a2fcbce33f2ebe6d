"""A network link that goes away: ssh's ProxyCommand, cut after a number of bytes.

    python cut_link.py HOST PORT CUT_AFTER

Relays ssh's stdin to HOST:PORT and the answers to stdout, and drops the
connection (both ways, no goodbye) once the client has sent more than
CUT_AFTER bytes. The cut comes at a byte count, not a time, so a test of a
copy cut mid-way does not depend on how fast the machine is.
"""

import os
import selectors
import socket
import sys


def relay(host, port, cut_after):
    upstream = socket.create_connection((host, port))
    sent = 0
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(upstream, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj == 0:
                data = os.read(0, 65536)
                if not data:
                    upstream.shutdown(socket.SHUT_WR)
                    selector.unregister(0)
                    continue
                sent += len(data)
                if sent > cut_after:
                    upstream.close()
                    os._exit(1)  # the link is gone: nothing more either way
                upstream.sendall(data)
            else:
                data = upstream.recv(65536)
                if not data:
                    return
                os.write(1, data)


if __name__ == "__main__":
    relay(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
