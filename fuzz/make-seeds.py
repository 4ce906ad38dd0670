#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/seeds/<target>/ (committed; rerun after changing it).

decode: one valid packet of each of the 14 types plus a few broken ones.
decode_v5: one valid MQTT 5.0 packet of each of the 15 types (with properties), the
           short forms, and one of each class of malformed property or reason code.
engine: 8 configuration bytes, then a broker byte stream starting with CONNACK.
c_api:  two bytes of script length, a call script, then a broker byte stream.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def s(text):
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(raw)) + raw


def pkt(first, body=b""):
    return bytes([first]) + varint(len(body)) + body


def connect(client_id="c", clean=True, keepalive=60, will=None, user=None, password=None):
    flags = 0x02 if clean else 0
    payload = s(client_id)
    if will:
        topic, msg, qos, retain = will
        flags |= 0x04 | qos << 3 | (0x20 if retain else 0)
        payload += s(topic) + s(msg)
    if user is not None:
        flags |= 0x80
        payload += s(user)
    if password is not None:
        flags |= 0x40
        payload += s(password)
    return pkt(0x10, s("MQTT") + bytes([4, flags]) + struct.pack(">H", keepalive) + payload)


def connack(code=0, present=False):
    return pkt(0x20, bytes([1 if present else 0, code]))


def publish(topic, payload=b"", qos=0, pid=0, dup=False, retain=False):
    first = 0x30 | qos << 1 | (8 if dup else 0) | (1 if retain else 0)
    body = s(topic) + (struct.pack(">H", pid) if qos else b"") + payload
    return pkt(first, body)


def ack(kind, pid):
    flags = 2 if kind == 6 else 0
    return pkt(kind << 4 | flags, struct.pack(">H", pid))


def subscribe(pid, filters):
    return pkt(0x82, struct.pack(">H", pid) + b"".join(s(f) + bytes([q]) for f, q in filters))


def suback(pid, codes):
    return pkt(0x90, struct.pack(">H", pid) + bytes(codes))


def unsubscribe(pid, filters):
    return pkt(0xA2, struct.pack(">H", pid) + b"".join(s(f) for f in filters))


PINGREQ, PINGRESP, DISCONNECT = pkt(0xC0), pkt(0xD0), pkt(0xE0)


def write(target, name, data):
    d = os.path.join(HERE, "seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def decode_seeds():
    seeds = {
        "connect": connect("client-1", will=("w/t", b"bye", 1, True), user="u", password=b"p"),
        "connect-min": connect("", keepalive=0),
        "connack": connack(0, True),
        "connack-refused": connack(5),
        "publish-qos0": publish("a/b", b"hello", retain=True),
        "publish-qos1": publish("a/b", b"x" * 200, 1, 7),
        "publish-qos2-dup": publish("s/1/t", b"21.5", 2, 65535, dup=True),
        "puback": ack(4, 1),
        "pubrec": ack(5, 2),
        "pubrel": ack(6, 3),
        "pubcomp": ack(7, 4),
        "subscribe": subscribe(10, [("a/#", 0), ("+/b", 1), ("c", 2)]),
        "suback": suback(10, [0, 1, 2, 0x80]),
        "unsubscribe": unsubscribe(11, ["a/#", "+/b"]),
        "unsuback": ack(11, 11),
        "pingreq": PINGREQ,
        "pingresp": PINGRESP,
        "disconnect": DISCONNECT,
        "bad-remaining-length": bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
        "non-minimal-length": bytes([0xD0, 0x80, 0x00]),
        "qos3": bytes([0x36]) + varint(5) + s("a") + b"\x00\x01",
        "topic-nul": publish("a\x00b", b"x"),
        "topic-wildcard": publish("a/#", b"x"),
        "pid0": ack(4, 0),
    }
    for name, data in seeds.items():
        write("decode", name, data)


def prop(ident, value):
    """One MQTT 5.0 property: identifier then its encoded value."""
    return bytes([ident]) + value


def props(*items):
    return varint(sum(len(i) for i in items)) + b"".join(items)


def u16(n):
    return struct.pack(">H", n)


def u32(n):
    return struct.pack(">I", n)


def user(k, v):
    return prop(0x26, s(k) + s(v))


def decode_v5_seeds():
    will_props = props(prop(0x18, u32(30)), prop(0x01, b"\x01"), prop(0x02, u32(60)), prop(0x03, s("text/plain")),
                       prop(0x08, s("r/t")), prop(0x09, s(b"\x01\x02")), user("k", "v"))
    connect_props = props(prop(0x11, u32(3600)), prop(0x21, u16(20)), prop(0x27, u32(4096)), prop(0x22, u16(8)),
                          prop(0x19, b"\x01"), prop(0x17, b"\x00"), user("a", "b"), prop(0x15, s("SCRAM")), prop(0x16, s(b"x")))
    connect5 = pkt(0x10, s("MQTT") + bytes([5, 0xEE]) + u16(60) + connect_props + s("client-5") + will_props
                   + s("w/t") + s(b"bye") + s("u") + s(b"p"))
    connack_props = props(prop(0x11, u32(0)), prop(0x21, u16(10)), prop(0x24, b"\x01"), prop(0x25, b"\x00"),
                          prop(0x27, u32(1024)), prop(0x12, s("auto-1")), prop(0x22, u16(5)), prop(0x1F, s("hi")),
                          user("a", "b"), prop(0x28, b"\x01"), prop(0x29, b"\x00"), prop(0x2A, b"\x01"),
                          prop(0x13, u16(30)), prop(0x1A, s("resp/")), prop(0x1C, s("other")))
    publish_props = props(prop(0x01, b"\x01"), prop(0x02, u32(60)), prop(0x0B, varint(200)), prop(0x0B, varint(1)),
                          prop(0x23, u16(3)), prop(0x08, s("reply")), prop(0x09, s(b"c")), user("k", "v"), prop(0x03, s("json")))
    reason_props = props(prop(0x1F, s("why")), user("k", "v"))
    seeds = {
        "connect": connect5,
        "connect-min": pkt(0x10, s("MQTT") + bytes([5, 0x02]) + u16(0) + props() + s("")),
        "connack": pkt(0x20, bytes([1, 0]) + connack_props),
        "connack-refused": pkt(0x20, bytes([0, 0x87]) + props(prop(0x1F, s("no")))),
        "publish-qos0": pkt(0x31, s("a/b") + props() + b"hello"),
        "publish-qos1-props": pkt(0x32, s("a/b") + u16(7) + publish_props + b"x" * 200),
        "publish-alias": pkt(0x3C, s("") + u16(9) + props(prop(0x23, u16(3))) + b"21.5"),
        "puback": pkt(0x40, u16(1) + bytes([0x10]) + reason_props),
        "puback-short": pkt(0x40, u16(1)),
        "pubrec-reason-only": pkt(0x50, u16(2) + bytes([0x80])),
        "pubrel": pkt(0x62, u16(3) + bytes([0x92]) + reason_props),
        "pubcomp-long-success": pkt(0x70, u16(4) + bytes([0, 0])),
        "subscribe": pkt(0x82, u16(10) + props(prop(0x0B, varint(42)), user("k", "v"))
                         + s("a/#") + bytes([0x2E]) + s("+/b") + bytes([0x11]) + s("$share/g/c") + bytes([0x02])),
        "suback": pkt(0x90, u16(10) + reason_props + bytes([0, 1, 2, 0x80, 0x87, 0xA1])),
        "unsubscribe": pkt(0xA2, u16(11) + props(user("k", "v")) + s("a/#") + s("+/b")),
        "unsuback": pkt(0xB0, u16(11) + props() + bytes([0, 0x11, 0x87])),
        "pingreq": PINGREQ,
        "pingresp": PINGRESP,
        "disconnect": pkt(0xE0),
        "disconnect-props": pkt(0xE0, bytes([0x9C]) + props(prop(0x1C, s("b2")), prop(0x11, u32(0)), prop(0x1F, s("moving")))),
        "auth": pkt(0xF0, bytes([0x18]) + props(prop(0x15, s("SCRAM")), prop(0x16, s(b"challenge")))),
        "auth-short": pkt(0xF0),
        "bad-property-here": pkt(0x32, s("t") + u16(1) + props(prop(0x24, b"\x01")) + b"x"),
        "bad-duplicate": pkt(0x20, bytes([0, 0]) + props(prop(0x21, u16(1)), prop(0x21, u16(2)))),
        "bad-receive-maximum-0": pkt(0x20, bytes([0, 0]) + props(prop(0x21, u16(0)))),
        "bad-topic-alias-0": pkt(0x30, s("t") + props(prop(0x23, u16(0)))),
        "bad-property-length": pkt(0x30, s("t") + bytes([0x09]) + prop(0x23, u16(1))),
        "bad-reason-code": pkt(0x40, u16(1) + bytes([0x92])),
        "bad-nul-user-property": pkt(0x30, s("t") + props(user("a\x00", "b"))),
        "bad-auth-flags": bytes([0xF1, 0x00]),
        "bad-auth-reason-only": pkt(0xF0, bytes([0x18])),
    }
    for name, data in seeds.items():
        write("decode_v5", name, data)


def cfg(tx=1, rx=200, slots=7, clean=True, keepalive=1, seed=0x1234):
    flags = (1 if clean else 0) | keepalive << 5
    return bytes([tx, rx, slots, flags, 0, 0]) + struct.pack("<H", seed)


def engine_seeds():
    big = publish("big/topic", bytes(range(256)) * 4, 1, 9)
    streams = {
        "connack": connack(),
        "connack-present": connack(0, True),
        "refused": connack(4),
        "messages": connack() + publish("a/b", b"m0") + publish("a/b", b"m1", 1, 1) + publish("a/b", b"m2", 2, 2) + ack(6, 2),
        "qos2-redelivery": connack(0, True) + publish("t", b"x", 2, 5) + publish("t", b"x", 2, 5, dup=True) + ack(6, 5),
        "acks": connack() + ack(4, 1) + ack(5, 2) + ack(7, 2) + suback(3, [1]) + ack(11, 4) + PINGRESP,
        "acks-many": connack() + b"".join(ack(4, i) + ack(5, i) + ack(7, i) for i in range(1, 12)),
        "big-publish": connack() + big + ack(6, 9),
        "suback-mismatch": connack() + suback(1, [0, 1, 2]),
        "double-connack": connack() + connack(),
        "hostile": connack() + bytes([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]),
    }
    for i, (name, stream) in enumerate(streams.items()):
        write("engine", name, cfg(tx=i % 4, rx=20 + i * 20, slots=3 + i % 5, clean=i % 2 == 0, seed=0x100 + i) + stream)
    engine_v5_alias_seeds()


def engine_v5_alias_seeds():
    """MQTT 5.0 sessions with topic alias tables both ways (seed bytes: cfg[6] bits 7 and 6
    set; cfg[7] 0xAC: 2 outgoing and 2 incoming slots of 15 bytes)."""
    connack5 = pkt(0x20, bytes([0, 0]) + props(prop(0x22, u16(2))))

    def aliased(topic, alias, payload, qos=0, pid=1):
        return pkt(0x30 | qos << 1, s(topic) + (u16(pid) if qos else b"") + props(prop(0x23, u16(alias))) + payload)

    streams = {
        "v5-alias-set-reuse": connack5 + aliased("a/b", 1, b"m0") + aliased("", 1, b"m1", 1, 3) + aliased("c", 2, b"m2") + aliased("", 2, b"m3", 2, 4),
        "v5-alias-reassign": connack5 + aliased("a/b", 1, b"m0") + aliased("x/y", 1, b"m1") + aliased("", 1, b"m2"),
        "v5-alias-unset": connack5 + aliased("", 2, b"m0"),
        "v5-alias-above-maximum": connack5 + aliased("t", 3, b"m0"),
        "v5-alias-zero": connack5 + pkt(0x30, s("t") + props(prop(0x23, u16(0)))),
        "v5-alias-too-long": connack5 + aliased("a/topic/longer/than/a/slot", 1, b"m0"),
        "v5-alias-chunked": connack5 + aliased("big", 1, b"x") + aliased("", 1, bytes(range(256)) * 2, 1, 7),
    }
    for i, (name, stream) in enumerate(streams.items()):
        write("engine", name, cfg(tx=1 + i % 3, rx=60 + i * 20, slots=4, clean=True, seed=0xACC0 + i) + stream)


def c_api_seeds():
    # Script ops (see harness/c_api.rs): each call is [target, timeout, op, args...].
    init = bytes([1, 0, 0, 40, 40, 7, 9])  # init, 384-byte buffers, 8 slots
    conn = bytes([1, 50, 1, 1, 0, 0, 5, 0, 0, 0, 0, 0, 0])  # blocking connect
    pub1 = bytes([1, 50, 3, 0]) + struct.pack("<H", 100) + bytes([1, 1, 1, 0])  # publish QoS 1
    sub = bytes([1, 50, 5, 0, 1, 1, 2, 2, 0, 3, 1, 0])  # subscribe
    poll = bytes([1, 0, 10, 1])
    wait = bytes([1, 100, 9])
    disc = bytes([1, 50, 12, 0])
    scripts = {
        "connect-publish": (init + conn + pub1 + poll + disc, connack() + ack(4, 1)),
        "subscribe-receive": (init + conn + sub + wait + poll, connack() + suback(1, [1, 2]) + publish("a/b", b"hi", 1, 3)),
        "qos2-in": (init + conn + wait + wait, connack() + publish("t", b"q2", 2, 1) + ack(6, 1)),
        "refused": (init + conn + conn, connack(5) + connack()),
        "garbage": (init + conn + wait, connack() + bytes([0xF0, 0x00])),
        "no-init": (conn + pub1 + poll + disc, connack()),
        # Init variant 6: on_message, on_event and the read callback call back in.
        "callbacks-call-back": (
            bytes([1, 0, 0, 10, 10, 7, 6]) + conn + sub + wait + poll + wait,
            connack() + suback(1, [1, 2]) + publish("a/b", b"hello", 1, 5) + publish("a/b", b"hi", 0, 0)
            + ack(4, 2) + ack(5, 3) + ack(6, 9),
        ),
    }
    for name, (script, stream) in scripts.items():
        write("c_api", name, struct.pack("<H", len(script)) + script + stream)


if __name__ == "__main__":
    decode_seeds()
    decode_v5_seeds()
    engine_seeds()
    c_api_seeds()
