//! A password never crosses a connection without TLS unless the application opts in:
//! refused locally (`MQTT_RS_PLAINTEXT_CREDENTIALS`) before any byte, even the TCP
//! connect; sent with `allow_plaintext_credentials`; sent over TLS without it. A user
//! name alone is not a secret and goes through.

mod common;

use common::net::TestClient;
use common::*;
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::result::mqtt_rs_result::*;
use mqtt_rs::ffi::result::mqtt_rs_result_str;
use std::ffi::CStr;

/// Connect options for `port` with the password listener's credentials.
fn with_password(c: &mut TestClient, port: u16, id: &str) -> mqtt_rs::ffi::types::mqtt_rs_connect_options {
    let mut o = c.options(port, id);
    o.username = c.cstr(MQTT_USER);
    o.password = MQTT_PASS.as_ptr();
    o.password_len = MQTT_PASS.len();
    o
}

#[test]
fn a_password_over_plain_tcp_is_refused_before_any_byte_is_sent() {
    let broker = Broker::start(BrokerKind::Password);
    let mut c = TestClient::new(256, 256, 4);
    let o = with_password(&mut c, broker.port(), "plain-pw");
    assert!(!o.allow_plaintext_credentials, "the default is to refuse");
    assert_eq!(c.connect(&o), MQTT_RS_PLAINTEXT_CREDENTIALS);
    assert_eq!(unsafe { mqtt_rs_client_begin_connect(c.raw(), &o) }, MQTT_RS_PLAINTEXT_CREDENTIALS);
    assert_eq!((c.net.connects, c.net.bytes_out), (0, 0), "no connection opened, nothing written");
    assert!(!c.is_connected());
    assert!(!broker.log().contains("plain-pw"), "the broker never heard of the client");
    let text = unsafe { CStr::from_ptr(mqtt_rs_result_str(MQTT_RS_PLAINTEXT_CREDENTIALS as i32)) }.to_str().unwrap();
    assert!(text.contains("allow_plaintext_credentials"), "the text says how to opt in: {text}");
}

#[test]
fn a_password_over_plain_tcp_goes_out_when_the_application_opts_in() {
    let broker = Broker::start(BrokerKind::Password);
    let mut c = TestClient::new(256, 256, 4);
    let mut o = with_password(&mut c, broker.port(), "plain-pw-optin");
    o.allow_plaintext_credentials = true;
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    assert_eq!(c.publish("optin/t", b"x", 1, false), MQTT_RS_OK);
    assert_eq!(c.disconnect(), MQTT_RS_OK);
    assert!(c.net.bytes_out > MQTT_PASS.len(), "CONNECT with the password was written");
}

#[test]
fn a_user_name_alone_is_not_a_secret_and_goes_over_plain_tcp() {
    let broker = Broker::start(BrokerKind::Plain);
    let mut c = TestClient::new(256, 256, 4);
    let mut o = c.options(broker.port(), "plain-user");
    o.username = c.cstr("just-a-name");
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    assert_eq!(c.disconnect(), MQTT_RS_OK);
}

#[cfg(feature = "tls")]
#[test]
fn a_password_over_tls_needs_no_opt_in() {
    use mqtt_rs::ffi::tls::*;
    let broker = Broker::start(BrokerKind::TlsPassword);
    let mut c = TestClient::new(1024, 1024, 4);
    let ca = std::fs::read(pki("ca.crt")).unwrap();
    let mut t: mqtt_rs_tls_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_tls_options_init(&mut t) };
    t.ca = ca.as_ptr();
    t.ca_len = ca.len();
    assert_eq!(unsafe { mqtt_rs_client_use_tls(c.raw(), &t) }, MQTT_RS_OK);
    let mut o = with_password(&mut c, broker.port(), "tls-pw");
    o.host = c.cstr("localhost");
    assert_eq!(c.connect(&o), MQTT_RS_OK);
    assert_eq!(c.publish("tlspw/t", b"x", 1, false), MQTT_RS_OK);
    assert_eq!(c.disconnect(), MQTT_RS_OK);
}
