//! The cache key: a stable hash of what decides whose presence is cached, so two teams, tenants or
//! accounts never read each other's files and a changed `[team]` starts fresh.

use crate::config::Config;

/// 16 hex digits of FNV-1a over the tenant, the Graph URL, the sorted members and groups,
/// `include_me` and, when known, the signed-in account as (tenant id, object id): the configured
/// tenant may be "organizations", which any work account signs in to. Without an account the key is
/// what it always was, so existing caches stay readable. FNV because std's hasher may change between
/// Rust releases and the key must not.
pub fn cache_key(config: &Config, account: Option<(&str, &str)>) -> String {
    let sorted = |list: &[String]| {
        let mut v: Vec<String> = list.iter().map(|s| s.trim().to_lowercase()).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut h = Fnv::new();
    h.field("v1");
    h.field(&config.auth.tenant.to_lowercase());
    h.field(config.graph.base_url.trim_end_matches('/'));
    h.field("members");
    for m in sorted(&config.team.members) {
        h.field(&m);
    }
    h.field("groups");
    for g in sorted(&config.team.groups) {
        h.field(&g);
    }
    h.field(if config.team.include_me {
        "me"
    } else {
        "not me"
    });
    if let Some((tenant_id, object_id)) = account {
        h.field("account");
        h.field(&tenant_id.trim().to_lowercase());
        h.field(&object_id.trim().to_lowercase());
    }
    format!("{:016x}", h.0)
}

pub(crate) struct Fnv(pub(crate) u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    pub(crate) fn bytes(&mut self, bytes: impl IntoIterator<Item = u8>) {
        for b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    /// Each field ends with a 0 byte so ("ab","c") and ("a","bc") differ.
    pub(crate) fn field(&mut self, s: &str) {
        self.bytes(s.bytes().chain(std::iter::once(0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(members: &[&str]) -> Config {
        let mut c = Config::default();
        c.team.members = members.iter().map(|s| (*s).to_owned()).collect();
        c
    }

    #[test]
    fn the_key_is_stable_and_ignores_order_and_case() {
        let a = cache_key(&config(&["b@x.com", "a@x.com"]), None);
        assert_eq!(a, cache_key(&config(&["A@x.com", "b@x.com"]), None));
        assert_eq!(a.len(), 16);
        // Pinned: the key names files on disk, so it must not change between builds.
        assert_eq!(
            cache_key(&Config::default(), None),
            cache_key(&Config::default(), None)
        );
        assert_eq!(cache_key(&Config::default(), None), "da754d0854aa24f5");
    }

    #[test]
    fn fnv_matches_the_published_test_vectors() {
        let mut h = Fnv::new();
        h.bytes(*b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
        let mut h = Fnv::new();
        h.bytes(*b"foobar");
        assert_eq!(h.0, 0x8594_4171_f739_67e8);
    }

    #[test]
    fn tenant_graph_team_and_me_each_change_the_key() {
        let base = config(&["a@x.com"]);
        let key = cache_key(&base, None);
        let mut c = base.clone();
        c.auth.tenant = "contoso.com".into();
        assert_ne!(cache_key(&c, None), key);
        let mut c = base.clone();
        c.graph.base_url = "http://127.0.0.1:9/v1.0".into();
        assert_ne!(cache_key(&c, None), key);
        let mut c = base.clone();
        c.team.groups = vec!["g".into()];
        assert_ne!(cache_key(&c, None), key);
        let mut c = base.clone();
        c.team.include_me = false;
        assert_ne!(cache_key(&c, None), key);
        assert_ne!(
            cache_key(&config(&["ab", "c"]), None),
            cache_key(&config(&["a", "bc"]), None)
        );
    }
}
