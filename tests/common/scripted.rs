//! A scripted fake broker on 127.0.0.1: it accepts one connection and plays a script on
//! it, packet by packet, so a test can make a broker behave in one precise way (misbehave,
//! resend, release) and see every packet the client wrote.

use mqtt_rs::codec::decode;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// One accepted connection, as the script sees it.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Every packet read from the client, in order.
    pub received: Vec<Vec<u8>>,
    /// The client closed the connection.
    pub eof: bool,
}

/// What the broker saw once the script ended.
#[derive(Debug)]
pub struct Report {
    /// Every packet read from the client, in order.
    pub received: Vec<Vec<u8>>,
    /// The client closed the connection.
    pub eof: bool,
}

impl Conn {
    /// Reads the next whole packet; None on EOF or after `timeout`.
    pub fn packet_within(&mut self, timeout: Duration) -> Option<Vec<u8>> {
        let end = Instant::now() + timeout;
        loop {
            if let Ok(Some(h)) = decode::fixed_header(&self.buf) {
                if self.buf.len() >= h.packet_len() {
                    let p: Vec<u8> = self.buf.drain(..h.packet_len()).collect();
                    self.received.push(p.clone());
                    return Some(p);
                }
            }
            if self.eof {
                return None;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.stream.set_read_timeout(Some(left)).unwrap();
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => self.eof = true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return None,
                Err(_) => self.eof = true,
            }
        }
    }

    /// Reads the next packet and checks its type (upper nibble of the first byte).
    pub fn expect(&mut self, kind: u8) -> Vec<u8> {
        let p = self.packet_within(Duration::from_secs(5)).unwrap_or_else(|| panic!("no packet of type {kind}"));
        assert_eq!(p[0] >> 4, kind, "packet {p:02x?}");
        p
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Stops writing (the client reads EOF) but keeps reading.
    pub fn close_write(&mut self) {
        self.stream.shutdown(Shutdown::Write).ok();
    }

    /// Reads until the client closes, up to `timeout`.
    pub fn wait_eof(&mut self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while !self.eof && Instant::now() < end {
            self.packet_within(end.saturating_duration_since(Instant::now()));
        }
        self.eof
    }
}

pub struct FakeBroker {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    thread: JoinHandle<Report>,
}

impl FakeBroker {
    /// Accepts one connection and runs `script` on it; then waits (up to 10 s) for the
    /// client to close the connection.
    pub fn start(script: impl FnOnce(&mut Conn) + Send + 'static) -> FakeBroker {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let thread = thread::spawn(move || {
            listener.set_nonblocking(true).unwrap();
            let end = Instant::now() + Duration::from_secs(20);
            let stream = loop {
                match listener.accept() {
                    Ok((s, _)) => break s,
                    Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < end => thread::sleep(Duration::from_millis(5)),
                    Err(e) => panic!("fake broker: no client connected: {e}"),
                }
            };
            stream.set_nonblocking(false).unwrap();
            stream.set_nodelay(true).ok();
            let mut conn = Conn { stream, buf: Vec::new(), received: Vec::new(), eof: false };
            script(&mut conn);
            conn.wait_eof(Duration::from_secs(10));
            Report { received: conn.received, eof: conn.eof }
        });
        FakeBroker { port, thread }
    }

    /// A broker that accepts CONNECT and then just answers whatever a session needs.
    pub fn good() -> FakeBroker {
        FakeBroker::start(|c| {
            c.expect(1);
            c.send(&CONNACK_OK);
            while let Some(p) = c.packet_within(Duration::from_secs(10)) {
                match p[0] >> 4 {
                    3 if p[0] & 0x06 == 0x02 => {
                        let [hi, lo] = publish_id(&p);
                        c.send(&[0x40, 2, hi, lo]);
                    }
                    12 => c.send(&[0xd0, 0]),
                    14 => break,
                    _ => {}
                }
            }
        })
    }

    pub fn join(self) -> Report {
        self.thread.join().expect("fake broker script failed")
    }
}

pub const CONNACK_OK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];

/// The packet id of a QoS 1/2 PUBLISH (after the fixed header and topic).
pub fn publish_id(p: &[u8]) -> [u8; 2] {
    let h = decode::fixed_header(p).unwrap().unwrap();
    let topic_len = usize::from(u16::from_be_bytes([p[h.len], p[h.len + 1]]));
    let at = h.len + 2 + topic_len;
    [p[at], p[at + 1]]
}
