//! Who a request comes from and how it reached the collector: the peer's address or, when the
//! peer is one of the owner's reverse proxies, what that proxy reports (client address, HTTPS,
//! host). Addresses are used for rate limits only and never stored.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

/// The address the connection came from, as the server recorded it.
pub struct Peer;

impl Peer {
    /// The peer of the request `parts` belong to, if it came over a socket.
    pub fn of(parts: &Parts) -> Option<SocketAddr> {
        parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0)
    }
}

/// The client's address for a request that arrived from `peer`.
///
/// Each proxy appends the address it received the request from to `X-Forwarded-For`, so the list
/// is read from its end: past every trusted proxy, the first address is the client's. Anything a
/// client wrote in the header itself sits further left and is never reached, so it cannot pose
/// as someone else; an untrusted peer's header is ignored altogether.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    if !is_trusted(&client) {
        return client;
    }
    let hops = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    for hop in hops.iter().rev().flat_map(|v| v.rsplit(',')) {
        let Some(ip) = parse_hop(hop.trim()) else { break };
        client = ip;
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

/// Whether the request reached the owner's proxy over HTTPS, as a trusted proxy reports it in
/// `X-Forwarded-Proto` (or `Forwarded: proto=`). The collector itself speaks plain HTTP.
pub fn came_over_https(peer: Option<SocketAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> bool {
    let Some(peer) = peer else { return false };
    if !trusted.iter().any(|net| net.contains(&peer.ip())) {
        return false;
    }
    let last = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).last().map(str::trim);
    if let Some(proto) = last("x-forwarded-proto") {
        return proto.eq_ignore_ascii_case("https");
    }
    last("forwarded").is_some_and(|element| {
        element.split(';').filter_map(|pair| pair.trim().split_once('=')).any(|(key, value)| {
            key.eq_ignore_ascii_case("proto") && value.trim_matches('"').eq_ignore_ascii_case("https")
        })
    })
}

/// The host the browser addressed: `X-Forwarded-Host` from a trusted proxy, else `Host`.
pub fn requested_host<'a>(peer: Option<SocketAddr>, headers: &'a HeaderMap, trusted: &[IpNet]) -> Option<&'a str> {
    let from_proxy = peer.is_some_and(|p| trusted.iter().any(|net| net.contains(&p.ip())));
    let forwarded = from_proxy
        .then(|| headers.get("x-forwarded-host").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next_back())
        .map(str::trim);
    forwarded.or_else(|| headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()))
}

/// Whether an `Origin` header value names `host` (scheme aside), as a page on this server sends.
pub fn origin_names_host(origin: &str, host: Option<&str>) -> bool {
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// Parses a `--trusted-proxy` value: an address (`10.0.0.5`) or a network (`10.0.0.0/8`).
pub fn parse_proxy(value: &str) -> Result<IpNet, String> {
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{value:?} is not an IP address or network such as 10.0.0.5 or 10.0.0.0/8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().expect("header value"));
        }
        headers
    }

    fn proxies(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|p| parse_proxy(p).expect("proxy")).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(client_ip(ip("198.51.100.1"), &headers, &[]), ip("198.51.100.1"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
        let trusted = proxies(&["127.0.0.1"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &forwarded(&["203.0.113.7"]), &trusted), ip("203.0.113.7"));
        assert_eq!(client_ip(ip("127.0.0.1"), &forwarded(&["[2001:db8::1]:443"]), &trusted), ip("2001:db8::1"));
    }

    #[test]
    fn a_client_cannot_pose_as_another_by_writing_the_header_itself() {
        let trusted = proxies(&["127.0.0.1"]);
        // The client sent "1.1.1.1"; the proxy appended the address it really came from.
        let headers = forwarded(&["1.1.1.1, 203.0.113.7"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &trusted), ip("203.0.113.7"));
        // Straight to the collector, bypassing the proxy: the header is not believed.
        assert_eq!(client_ip(ip("198.51.100.1"), &forwarded(&["1.1.1.1"]), &trusted), ip("198.51.100.1"));
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked_back() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        let headers = forwarded(&["1.1.1.1, 203.0.113.7", "10.1.2.3"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &trusted), ip("203.0.113.7"));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_address_known() {
        let trusted = proxies(&["127.0.0.1"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &forwarded(&["unknown"]), &trusted), ip("127.0.0.1"));
        assert_eq!(client_ip(ip("127.0.0.1"), &HeaderMap::new(), &trusted), ip("127.0.0.1"));
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let trusted = proxies(&["127.0.0.1"]);
        let proxy = Some(SocketAddr::from(([127, 0, 0, 1], 5000)));
        let stranger = Some(SocketAddr::from(([203, 0, 113, 7], 5000)));
        let header = |name: &'static str, value: &'static str| -> HeaderMap {
            [(axum::http::HeaderName::from_static(name), value.parse().expect("value"))].into_iter().collect()
        };
        assert!(came_over_https(proxy, &header("x-forwarded-proto", "https"), &trusted));
        assert!(came_over_https(proxy, &header("x-forwarded-proto", "HTTPS"), &trusted));
        assert!(!came_over_https(proxy, &header("x-forwarded-proto", "http"), &trusted));
        assert!(came_over_https(proxy, &header("forwarded", "for=1.2.3.4;proto=https;host=x"), &trusted));
        assert!(!came_over_https(stranger, &header("x-forwarded-proto", "https"), &trusted));
        assert!(!came_over_https(None, &header("x-forwarded-proto", "https"), &trusted));
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        assert_eq!(parse_proxy("10.0.0.5").map(|n| n.prefix_len()), Ok(32));
        assert_eq!(parse_proxy("fd00::/8").map(|n| n.prefix_len()), Ok(8));
        assert!(parse_proxy("proxy.local").is_err_and(|e| e.contains("proxy.local")));
    }
}
