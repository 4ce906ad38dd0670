#!/usr/bin/env python3
"""A scripted MQTT 5.0 broker for one client (mqtt5_tools.sh): prints its port, accepts
the CONNECT, answers the SUBSCRIBE with a SUBACK carrying a reason string and a user
property, then sends DISCONNECT 0x9C (use another server) with a server reference and
a reason string. What mosquitto cannot be made to send."""
import socket
import time

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
listener.settimeout(20)
conn, _ = listener.accept()


def read_exact(n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise SystemExit("client closed")
        data += chunk
    return data


def read_packet():
    first = read_exact(1)[0]
    length, shift = 0, 0
    while True:
        byte = read_exact(1)[0]
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    return first, read_exact(length)


def utf8(text):
    return len(text).to_bytes(2, "big") + text


def properties(*items):
    body = b"".join(bytes([ident]) + value for ident, value in items)
    return bytes([len(body)]) + body


def send(first, body):
    conn.sendall(bytes([first, len(body)]) + body)


first, _ = read_packet()
assert first >> 4 == 1, "CONNECT first"
send(0x20, b"\x00\x00" + properties())
first, body = read_packet()
assert first >> 4 == 8, "SUBSCRIBE expected"
send(0x90, body[:2] + properties((0x1F, utf8(b"granted with care")), (0x26, utf8(b"trace") + utf8(b"t-9"))) + b"\x01")
time.sleep(0.3)
send(0xE0, b"\x9c" + properties((0x1F, utf8(b"maintenance")), (0x1C, utf8(b"b.example:1883"))))
time.sleep(0.5)
