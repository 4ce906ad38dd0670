//! Support for the TLS tests (`mod tls_util;`): the std platform, a TCP `ByteStream`
//! that counts and records what it reads, an `openssl s_server` peer, and the two MQTT
//! packets the tests exchange.
#![allow(dead_code)]

use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mqtt_rs::transport::stream::{ByteStream, IoStatus};
use mqtt_rs::transport::tls::platform::{set_platform, Platform};
use mqtt_rs::transport::tls::{TlsConfig, TlsConfigBuilder, TlsError, TlsStream, TlsVersion};

use crate::common::pki;

/// Blocking timeout used by the tests, in milliseconds.
pub const TIMEOUT_MS: u32 = 5000;

/// The platform a std host supplies: wall clock and entropy (the heap stays std's).
pub struct StdPlatform;

impl Platform for StdPlatform {
    fn unix_time(&self) -> Option<u64> {
        SystemTime::now().duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
    }

    fn fill_entropy(&self, buf: &mut [u8]) -> bool {
        File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf)).is_ok()
    }
}

/// Registers [`StdPlatform`] (a test that registered the C hooks first keeps those).
pub fn init() {
    let _ = set_platform(&StdPlatform);
}

/// A configuration trusting `ca.crt` (plus whatever `more` adds).
pub fn config_with(more: impl FnOnce(&mut TlsConfigBuilder)) -> TlsConfig {
    init();
    let mut builder = TlsConfigBuilder::new();
    builder.add_trust_anchors(&read_pki("ca.crt")).expect("ca.crt loads");
    more(&mut builder);
    builder.build().expect("config builds")
}

/// A configuration trusting `ca.crt`.
pub fn config() -> TlsConfig {
    config_with(|_| {})
}

/// The bytes of a file of the test PKI.
pub fn read_pki(name: &str) -> Vec<u8> {
    std::fs::read(pki(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A TCP connection as a `ByteStream`, counting (and optionally recording) what it reads.
pub struct TcpIo {
    pub stream: TcpStream,
    pub bytes_in: usize,
    pub bytes_out: usize,
    pub would_blocks: usize,
    pub record: Option<Vec<u8>>,
    /// When set, every other read answers WouldBlock without touching the socket, as a
    /// slow link would: non-blocking tests then meet WouldBlock whatever the timing.
    pub alternate_would_block: bool,
    stalled: bool,
}

impl TcpIo {
    pub fn connect(port: u16) -> TcpIo {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        TcpIo { stream, bytes_in: 0, bytes_out: 0, would_blocks: 0, record: None, alternate_would_block: false, stalled: false }
    }

    fn set_timeout(&self, timeout_ms: u32) {
        if timeout_ms == 0 {
            self.stream.set_nonblocking(true).expect("nonblocking");
        } else {
            let t = Some(Duration::from_millis(timeout_ms.into()));
            self.stream.set_nonblocking(false).expect("blocking");
            self.stream.set_read_timeout(t).expect("read timeout");
            self.stream.set_write_timeout(t).expect("write timeout");
        }
    }

    fn status(&mut self, e: std::io::Error) -> IoStatus {
        match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted => {
                self.would_blocks += 1;
                IoStatus::WouldBlock
            }
            ErrorKind::ConnectionReset | ErrorKind::BrokenPipe | ErrorKind::ConnectionAborted => IoStatus::Closed,
            _ => IoStatus::Failed,
        }
    }
}

impl ByteStream for TcpIo {
    fn read(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<usize, IoStatus> {
        if self.alternate_would_block {
            self.stalled = !self.stalled;
            if self.stalled {
                self.would_blocks += 1;
                return Err(IoStatus::WouldBlock);
            }
        }
        self.set_timeout(timeout_ms);
        match self.stream.read(buf) {
            Ok(0) => Err(IoStatus::Closed),
            Ok(n) => {
                self.bytes_in += n;
                if let Some(record) = &mut self.record {
                    record.extend_from_slice(&buf[..n]);
                }
                Ok(n)
            }
            Err(e) => Err(self.status(e)),
        }
    }

    fn write(&mut self, buf: &[u8], timeout_ms: u32) -> Result<usize, IoStatus> {
        self.set_timeout(timeout_ms);
        match self.stream.write(buf) {
            Ok(n) => {
                self.bytes_out += n;
                Ok(n)
            }
            Err(e) => Err(self.status(e)),
        }
    }
}

/// A session to 127.0.0.1:`port` as `name`, handshaken in blocking mode.
pub fn connect(config: &TlsConfig, port: u16, name: &str) -> (TlsStream, TcpIo, Result<(), TlsError>) {
    let mut io = TcpIo::connect(port);
    let mut tls = TlsStream::new(config, name).expect("session");
    let result = tls.handshake(&mut io, TIMEOUT_MS);
    (tls, io, result)
}

/// MQTT 3.1.1 CONNECT, clean session, keepalive 60 s.
pub fn mqtt_connect(client_id: &str) -> Vec<u8> {
    let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60];
    body.extend_from_slice(&(client_id.len() as u16).to_be_bytes());
    body.extend_from_slice(client_id.as_bytes());
    let mut packet = vec![0x10, body.len() as u8];
    packet.extend_from_slice(&body);
    packet
}

/// Writes all of `data` (blocking).
pub fn write_all(tls: &mut TlsStream, io: &mut TcpIo, mut data: &[u8]) {
    while !data.is_empty() {
        let n = tls.write(io, data, TIMEOUT_MS).expect("write");
        data = &data[n..];
    }
    tls.flush(io, TIMEOUT_MS).expect("flush");
}

/// Reads exactly `n` bytes (blocking).
pub fn read_exact(tls: &mut TlsStream, io: &mut TcpIo, n: usize) -> Result<Vec<u8>, TlsError> {
    let mut out = vec![0; n];
    let mut got = 0;
    while got < n {
        got += tls.read(io, &mut out[got..], TIMEOUT_MS)?;
    }
    Ok(out)
}

/// Sends CONNECT and returns the CONNACK return code (this also reads any TLS 1.3
/// session tickets the broker sent after the handshake).
pub fn mqtt_session(tls: &mut TlsStream, io: &mut TcpIo, client_id: &str) -> u8 {
    write_all(tls, io, &mqtt_connect(client_id));
    let connack = read_exact(tls, io, 4).expect("CONNACK");
    assert_eq!(&connack[..2], &[0x20, 0x02], "not a CONNACK: {connack:?}");
    connack[3]
}

/// A configuration trusting only `anchor`.
pub fn trusting(anchor: &str) -> TlsConfig {
    init();
    let mut builder = TlsConfigBuilder::new();
    builder.add_trust_anchors(&read_pki(anchor)).expect(anchor);
    builder.build().expect("config builds")
}

/// Handshakes with an s_server presenting `cert` (started with `args` and `-rev`), then
/// checks that data makes the round trip; returns the negotiated version.
pub fn round_trip(anchor: &str, cert: &str, args: &[&str]) -> Result<TlsVersion, (TlsError, String)> {
    let mut all = args.to_vec();
    all.push("-rev");
    let server = SServer::start(cert, &all);
    let (mut tls, mut io, result) = connect(&trusting(anchor), server.port, "localhost");
    result.map_err(|e| (e, detail(&tls)))?;
    write_all(&mut tls, &mut io, b"chain check\n");
    assert_eq!(read_exact(&mut tls, &mut io, 12).expect("reply"), b"kcehc niahc\n", "{cert} {args:?}");
    Ok(tls.protocol_version().expect("version after a handshake"))
}

/// The error detail of a failed session, as text.
pub fn detail(tls: &TlsStream) -> String {
    let mut buf = [0u8; 1024];
    let n = tls.error_detail(&mut buf);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// `openssl s_server` on 127.0.0.1 with `server.crt`, an ephemeral port and extra
/// arguments; its stdin stays open for commands. Killed on drop.
pub struct SServer {
    child: Child,
    pub port: u16,
    pub stdin: Option<ChildStdin>,
    output: mpsc::Receiver<String>,
}

impl SServer {
    pub fn start(cert: &str, args: &[&str]) -> SServer {
        SServer::start_with(&pki(&format!("{cert}.crt")), &pki(&format!("{cert}.key")), args)
    }

    pub fn start_with(cert: &Path, key: &Path, args: &[&str]) -> SServer {
        let mut child = Command::new("openssl")
            .args(["s_server", "-accept", "127.0.0.1:0", "-cert"])
            .arg(cert)
            .arg("-key")
            .arg(key)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, output) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut server = SServer { child, port: 0, stdin, output };
        let line = server.wait_for("ACCEPT ");
        server.port = line.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port in ACCEPT line");
        server
    }

    /// Waits (10 s at most) for an output line containing `text`; returns it.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.output.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("s_server never printed {text:?}");
    }

    /// Sends a command line to s_server's stdin (e.g. "Q" to close the session).
    pub fn command(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{line}").expect("s_server stdin");
        stdin.flush().expect("flush");
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
