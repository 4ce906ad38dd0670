//! Checks of the test support itself (tests/common): the PKI, every broker
//! kind, and the mosquitto_pub/mosquitto_sub wrappers, using only the real
//! mosquitto clients and openssl (not this crate).

mod common;

use common::*;
use std::collections::HashSet;
use std::fs;
use std::process::{Command, Output};
use std::thread;
use std::time::Duration;

fn ok(out: &Output) -> bool {
    out.status.success()
}

fn describe(out: &Output) -> String {
    format!("{} / {}{}", out.status, String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn publish(broker: &Broker, extra: &[&str]) -> Output {
    mosquitto_pub_with(broker.port(), "smoke/t", "hello", 1, false, extra)
}

fn openssl_connect(port: u16, extra: &[&str]) -> Output {
    let mut cmd = Command::new("openssl");
    cmd.args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-verify_return_error"]);
    cmd.args(extra);
    run_with_timeout(&mut cmd, Duration::from_secs(20))
}

#[test]
fn pki_has_every_file_in_the_expected_format() {
    let dir = pki_dir();
    for name in ["ca", "other-ca", "server", "expired", "wronghost", "unknownca", "client", "client-rsa", "client-ed25519", "client-otherca"] {
        let crt = fs::read_to_string(dir.join(format!("{name}.crt"))).unwrap();
        assert!(crt.starts_with("-----BEGIN CERTIFICATE-----"), "{name}.crt");
        let key = fs::read_to_string(dir.join(format!("{name}.key"))).unwrap();
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{name}.key is not PKCS#8 PEM");
    }
    let der = fs::read(dir.join("ca.der")).unwrap();
    assert_eq!(der[0], 0x30, "ca.der is not DER");
    let der = fs::read(dir.join("client.der")).unwrap();
    assert_eq!(der[0], 0x30, "client.der is not DER");
    let out = run_with_timeout(
        Command::new("openssl").args(["pkey", "-inform", "DER", "-noout", "-in", pki_str("client.key.der")]),
        Duration::from_secs(10),
    );
    assert!(ok(&out), "client.key.der: {}", describe(&out));
    // PKCS#8 PrivateKeyInfo starts SEQUENCE { INTEGER 0, SEQUENCE { OID ... } }.
    let key = fs::read(dir.join("client.key.der")).unwrap();
    assert!(key.windows(3).take(6).any(|w| w == [0x02, 0x01, 0x00]), "client.key.der is not PKCS#8");
    let out = run_with_timeout(Command::new("openssl").args(["x509", "-noout", "-enddate", "-in", pki_str("expired.crt")]), Duration::from_secs(10));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2020"), "expired.crt: {}", describe(&out));
}

#[test]
fn plain_broker_delivers_to_subscriber() {
    let broker = Broker::start(BrokerKind::Plain);
    let sub = Subscriber::start(broker.port(), "smoke/#", 1, 2, &[]);
    assert!(sub.subscribed());
    mosquitto_pub(broker.port(), "smoke/a", "one", 1, false);
    mosquitto_pub(broker.port(), "smoke/b", "two words", 0, false);
    assert_eq!(sub.wait(), ["smoke/a one", "smoke/b two words"]);

    // Retained messages reach later subscribers.
    mosquitto_pub(broker.port(), "smoke/retained", "kept", 1, true);
    let sub = Subscriber::start(broker.port(), "smoke/retained", 0, 1, &[]);
    assert_eq!(sub.wait(), ["smoke/retained kept"]);
    assert!(broker.log().contains("Received PUBLISH"));
}

#[test]
fn broker_queues_qos1_for_offline_persistent_clients() {
    let broker = Broker::start(BrokerKind::Plain);
    let session = ["-i", "smoke-offline", "-c"];
    // Create the persistent session, then go away.
    let sub = Subscriber::start_with_timeout(broker.port(), "smoke/q", 1, 1, 1, &session);
    assert!(sub.subscribed());
    let _ = sub.wait_output();
    mosquitto_pub(broker.port(), "smoke/q", "while-away", 1, false);
    let sub = Subscriber::start(broker.port(), "smoke/q", 1, 1, &session);
    assert_eq!(sub.wait(), ["smoke/q while-away"]);
}

#[test]
fn subscriber_times_out_without_messages() {
    let broker = Broker::start(BrokerKind::Plain);
    let sub = Subscriber::start_with_timeout(broker.port(), "smoke/none", 0, 1, 1, &[]);
    let out = sub.wait_output();
    assert!(out.lines.is_empty());
    assert!(!out.status.success());
}

#[test]
fn password_broker_requires_credentials() {
    let broker = Broker::start(BrokerKind::Password);
    assert!(!ok(&publish(&broker, &[])));
    assert!(!ok(&publish(&broker, &["-u", MQTT_USER, "-P", "wrong"])));
    let out = publish(&broker, &broker.client_args());
    assert!(ok(&out), "{}", describe(&out));
}

#[test]
fn tls_broker_trusts_ca_only() {
    let broker = Broker::start(BrokerKind::Tls);
    let sub = Subscriber::start(broker.port(), "smoke/tls", 1, 1, &broker.client_args());
    assert!(sub.subscribed());
    mosquitto_pub_with(broker.port(), "smoke/tls", "secret", 1, false, &broker.client_args());
    assert_eq!(sub.wait(), ["smoke/tls secret"]);

    assert!(!ok(&publish(&broker, &["--cafile", pki_str("other-ca.crt")])));
    for version in ["-tls1_2", "-tls1_3"] {
        let out = openssl_connect(broker.port(), &[version, "-CAfile", pki_str("ca.crt")]);
        assert!(ok(&out), "{version}: {}", describe(&out));
    }
}

#[test]
fn tls13_only_broker_refuses_tls12() {
    let broker = Broker::start(BrokerKind::Tls13Only);
    let out = openssl_connect(broker.port(), &["-tls1_3", "-CAfile", pki_str("ca.crt")]);
    assert!(ok(&out), "{}", describe(&out));
    let out = openssl_connect(broker.port(), &["-tls1_2", "-CAfile", pki_str("ca.crt")]);
    assert!(!ok(&out), "TLS 1.2 was accepted: {}", describe(&out));
    let out = publish(&broker, &broker.client_args());
    assert!(ok(&out), "{}", describe(&out));
}

#[test]
fn mutual_tls_broker_requires_a_client_certificate_from_ca() {
    let broker = Broker::start(BrokerKind::MutualTls);
    let ca = pki_str("ca.crt");
    assert!(!ok(&publish(&broker, &["--cafile", ca])), "accepted a client without certificate");
    for name in ["client", "client-rsa", "client-ed25519"] {
        let cert = pki_str(&format!("{name}.crt"));
        let key = pki_str(&format!("{name}.key"));
        let out = publish(&broker, &["--cafile", ca, "--cert", cert, "--key", key]);
        assert!(ok(&out), "{name}: {}", describe(&out));
    }
    let out = publish(&broker, &["--cafile", ca, "--cert", pki_str("client-otherca.crt"), "--key", pki_str("client-otherca.key")]);
    assert!(!ok(&out), "accepted a certificate from other-ca");
    // The certificate's CN became the username.
    assert!(broker.log().contains("u'mqtt-rs-client'"), "{}", broker.log());
}

#[test]
fn tls_password_broker_requires_credentials() {
    let broker = Broker::start(BrokerKind::TlsPassword);
    assert!(!ok(&publish(&broker, &["--cafile", pki_str("ca.crt")])));
    let out = publish(&broker, &broker.client_args());
    assert!(ok(&out), "{}", describe(&out));
}

#[test]
fn bad_certificate_brokers_are_refused_for_the_intended_reason() {
    let expired = Broker::start(BrokerKind::Expired);
    let wronghost = Broker::start(BrokerKind::WrongHost);
    let unknownca = Broker::start(BrokerKind::UnknownCa);
    for b in [&expired, &wronghost, &unknownca] {
        assert!(!b.kind().accepts_good_client());
        let out = publish(b, &b.client_args());
        assert!(!ok(&out), "{:?} accepted a correctly configured client", b.kind());
    }
    // Controls: each listener works once its one defect is excused.
    let out = openssl_connect(expired.port(), &["-CAfile", pki_str("ca.crt")]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("certificate has expired"), "{}", describe(&out));
    let out = publish(&wronghost, &["--cafile", pki_str("ca.crt"), "--insecure"]);
    assert!(ok(&out), "wronghost --insecure: {}", describe(&out));
    let out = publish(&unknownca, &["--cafile", pki_str("other-ca.crt")]);
    assert!(ok(&out), "unknownca with other-ca: {}", describe(&out));
}

#[test]
fn every_kind_starts_in_parallel_on_its_own_port() {
    let handles: Vec<_> = BrokerKind::ALL.iter().chain(BrokerKind::ALL.iter()).map(|&kind| thread::spawn(move || Broker::start(kind))).collect();
    let brokers: Vec<Broker> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ports: HashSet<u16> = brokers.iter().map(Broker::port).collect();
    assert_eq!(ports.len(), brokers.len());
    for b in &brokers {
        if b.kind().accepts_good_client() {
            let out = publish(b, &b.client_args());
            assert!(ok(&out), "{:?}: {}", b.kind(), describe(&out));
        }
    }
    let dirs: Vec<_> = brokers.iter().map(|b| b.dir().to_path_buf()).collect();
    drop(brokers);
    for d in dirs {
        assert!(!d.exists(), "{} not cleaned up", d.display());
    }
}
