//! Who a post comes from, for the rate limit: the peer's address or, when the peer is one of the
//! owner's reverse proxies, the address that proxy reports. The address is never stored.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use ipnet::IpNet;
use tower_governor::GovernorError;
use tower_governor::key_extractor::KeyExtractor;

/// Keys the rate limit on the client's address, looking through the owner's trusted proxies.
#[derive(Debug, Clone)]
pub struct ClientIp {
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted: Arc<[IpNet]>,
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().ok_or(GovernorError::UnableToExtractKey)?.0.ip();
        Ok(client_ip(peer, req.headers(), &self.trusted))
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
    fn proxies_are_addresses_or_networks() {
        assert_eq!(parse_proxy("10.0.0.5").map(|n| n.prefix_len()), Ok(32));
        assert_eq!(parse_proxy("fd00::/8").map(|n| n.prefix_len()), Ok(8));
        assert!(parse_proxy("proxy.local").is_err_and(|e| e.contains("proxy.local")));
    }
}
