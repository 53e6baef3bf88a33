//! The simulated tenant's sign-in side against what Entra (the Microsoft identity platform v2.0)
//! does: discovery, the browser flow with PKCE, the device flow, refresh rotation, consent, client
//! credentials, scopes checked by Graph, and each refusal a client must explain. In-process through
//! `RouterTransport` under paused time, and once over real HTTP as MSAL would walk it.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};
use teamboard::graph::transport::Transport;
use teamboard::sim::{
    DeviceOutcome, EndpointKind, FaultConfig, IdentityOptions, RouterTransport, Scenario,
    SignInError, Sim, SimOptions,
};

mod support {
    pub mod answer;
}
use support::answer::{Answer, sorted_keys};

const SCOPE: &str = "https://graph.microsoft.com/Presence.Read.All https://graph.microsoft.com/User.ReadBasic.All offline_access openid profile";
const REDIRECT: &str = "http://localhost:8400/callback";
/// A PKCE pair: the challenge is BASE64URL(SHA-256(verifier)), computed apart.
const VERIFIER: &str = "teamboard-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
const CHALLENGE: &str = "vUcsDnyWpruNs11Zr6NPzRdupvMhK-4QqIPeRkp8fnw";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const ORIGIN: &str = "http://sim.test";

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `a=1&b=2` into decoded pairs.
fn params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn base64url_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'-' => 62,
            b'_' => 63,
            other => panic!("not base64url: {other}"),
        }
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | (value(c) << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// A JWT's header and claims.
fn jwt(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut part = || serde_json::from_slice(&base64url_decode(parts.next().unwrap())).unwrap();
    (part(), part())
}

impl Answer {
    /// The query (or fragment) of the `Location` the browser is sent to.
    fn redirect(&self) -> (String, Vec<(String, String)>) {
        assert_eq!(self.status, 302, "{}", self.text());
        let location = self.header("location").unwrap();
        let (base, query) = location.split_once(['?', '#']).unwrap();
        (base.to_owned(), params(query))
    }
}

/// A v2.0 error body: `error`, `error_codes`, the AADSTS description, and `suberror` when given.
fn assert_oauth(answer: &Answer, status: u16, error: &str, code: u64, suberror: Option<&str>) {
    assert_eq!(answer.status, status, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]), "{body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert_eq!(body["suberror"].as_str(), suberror, "{body}");
}

/// A Graph error body with its `innerError`.
fn assert_graph(answer: &Answer, status: u16, code: &str) -> String {
    assert_eq!(answer.status, status, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    let inner = &body["error"]["innerError"];
    for key in ["date", "request-id", "client-request-id"] {
        assert!(inner[key].is_string(), "{key} in {body}");
    }
    body["error"]["message"].as_str().unwrap().to_owned()
}

struct Tenant {
    sim: Arc<Sim>,
    transport: RouterTransport,
    client: String,
}

fn tenant() -> Tenant {
    let mut options = SimOptions::new(6, Scenario::Static);
    options.start = Some("2025-03-04T08:00:00Z".parse().unwrap());
    let sim = Sim::new(options);
    Tenant {
        transport: RouterTransport::new(sim.router()),
        client: sim.client_id().to_owned(),
        sim,
    }
}

impl Tenant {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{ORIGIN}{path}"));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = self
            .transport
            .send(request.body(body).unwrap())
            .await
            .unwrap();
        Answer::from_response(response)
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, Bytes::new(), &[]).await
    }

    async fn form(&self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        let body = Bytes::from(encode_pairs(pairs));
        let headers = [("content-type", "application/x-www-form-urlencoded")];
        self.send(Method::POST, path, body, &headers).await
    }

    async fn graph(&self, token: &str, path: &str) -> Answer {
        let bearer = format!("Bearer {token}");
        let headers = [
            ("authorization", bearer.as_str()),
            ("client-request-id", "11111111-2222-3333-4444-555555555555"),
        ];
        self.send(Method::GET, &format!("/v1.0{path}"), Bytes::new(), &headers)
            .await
    }

    async fn graph_post(&self, token: &str, path: &str, body: &Value) -> Answer {
        let bearer = format!("Bearer {token}");
        let headers = [
            ("authorization", bearer.as_str()),
            ("content-type", "application/json"),
        ];
        let body = Bytes::from(body.to_string());
        self.send(Method::POST, &format!("/v1.0{path}"), body, &headers)
            .await
    }

    fn set(&self, change: impl FnOnce(&mut IdentityOptions)) {
        let mut options = self.sim.identity_options();
        change(&mut options);
        self.sim.set_identity_options(options);
    }

    fn authorize_path(&self, tenant: &str, scope: &str, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![
            ("client_id", self.client.as_str()),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", "st-8c1f"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("nonce", "n-0S6_WzA2Mj"),
            ("prompt", "select_account"),
        ];
        for (k, v) in extra {
            match pairs.iter_mut().find(|(key, _)| key == k) {
                Some(pair) => pair.1 = v,
                None => pairs.push((k, v)),
            }
        }
        pairs.retain(|(_, v)| !v.is_empty());
        format!("/{tenant}/oauth2/v2.0/authorize?{}", encode_pairs(&pairs))
    }

    /// The browser's round trip: the code the app's loopback address receives.
    async fn code(&self, scope: &str) -> String {
        let answer = self
            .get(&self.authorize_path("organizations", scope, &[]))
            .await;
        let (base, back) = answer.redirect();
        assert_eq!(base, REDIRECT);
        assert_eq!(param(&back, "state"), Some("st-8c1f"));
        param(&back, "code").unwrap().to_owned()
    }

    async fn redeem(&self, code: &str, verifier: &str) -> Answer {
        self.form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("client_id", &self.client),
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
                ("client_info", "1"),
            ],
        )
        .await
    }

    /// A browser sign-in's token answer.
    async fn sign_in(&self, scope: &str) -> Value {
        let code = self.code(scope).await;
        let answer = self.redeem(&code, VERIFIER).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()
    }

    async fn refresh(&self, token: &str, scope: &str) -> Answer {
        self.form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("client_id", &self.client),
                ("grant_type", "refresh_token"),
                ("refresh_token", token),
                ("scope", scope),
                ("client_info", "1"),
            ],
        )
        .await
    }

    async fn device_start(&self, tenant: &str) -> Answer {
        self.form(
            &format!("/{tenant}/oauth2/v2.0/devicecode"),
            &[("client_id", &self.client), ("scope", SCOPE)],
        )
        .await
    }

    async fn poll(&self, device_code: &str) -> Answer {
        self.form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("client_id", &self.client),
                ("grant_type", DEVICE_GRANT),
                ("device_code", device_code),
                ("client_info", "1"),
            ],
        )
        .await
    }

    async fn client_credentials(&self, secret: &str, scope: &str) -> Answer {
        self.form(
            &format!("/{}/oauth2/v2.0/token", self.sim.tenant_id()),
            &[
                ("client_id", &self.client),
                ("grant_type", "client_credentials"),
                ("client_secret", secret),
                ("scope", scope),
            ],
        )
        .await
    }
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

mod discovery {
    use super::*;

    #[tokio::test]
    async fn openid_configuration_has_entras_shape_and_points_back_here() {
        let t = tenant();
        let answer = t
            .get("/organizations/v2.0/.well-known/openid-configuration")
            .await;
        assert_eq!(answer.status, 200);
        let doc = answer.json();
        let base = format!("{ORIGIN}/organizations");
        assert_eq!(doc["issuer"], format!("{ORIGIN}/{{tenantid}}/v2.0"));
        assert_eq!(
            doc["authorization_endpoint"],
            format!("{base}/oauth2/v2.0/authorize")
        );
        assert_eq!(doc["token_endpoint"], format!("{base}/oauth2/v2.0/token"));
        assert_eq!(
            doc["device_authorization_endpoint"],
            format!("{base}/oauth2/v2.0/devicecode")
        );
        assert_eq!(doc["jwks_uri"], format!("{base}/discovery/v2.0/keys"));
        assert_eq!(
            doc["end_session_endpoint"],
            format!("{base}/oauth2/v2.0/logout")
        );
        assert_eq!(
            doc["id_token_signing_alg_values_supported"],
            json!(["RS256"])
        );
        assert_eq!(doc["subject_types_supported"], json!(["pairwise"]));
        for (field, member) in [
            ("response_types_supported", "code"),
            ("scopes_supported", "offline_access"),
            (
                "token_endpoint_auth_methods_supported",
                "client_secret_post",
            ),
            ("claims_supported", "preferred_username"),
            ("response_modes_supported", "form_post"),
        ] {
            assert!(
                doc[field].as_array().unwrap().contains(&json!(member)),
                "{field}"
            );
        }
        assert!(doc["tenant_region_scope"].is_null());
        assert_eq!(doc["cloud_instance_name"], "microsoftonline.com");
        assert_eq!(doc["msgraph_host"], "sim.test");

        // Named by a domain, the endpoints and the issuer carry the tenant's id.
        let tid = t.sim.tenant_id();
        let doc = t
            .get("/contoso.com/v2.0/.well-known/openid-configuration")
            .await
            .json();
        assert_eq!(doc["issuer"], format!("{ORIGIN}/{tid}/v2.0"));
        assert_eq!(
            doc["token_endpoint"],
            format!("{ORIGIN}/{tid}/oauth2/v2.0/token")
        );
        assert_eq!(doc["tenant_region_scope"], "NA");

        let unknown = t
            .get("/fabrikam.example/v2.0/.well-known/openid-configuration")
            .await;
        assert_oauth(&unknown, 400, "invalid_tenant", 90_002, None);
        assert_eq!(t.sim.counts().discovery, 3);

        // The end-session endpoint it names sends a loopback app back, and anyone else to a page.
        let logout = text(&doc["end_session_endpoint"])
            .trim_start_matches(ORIGIN)
            .to_owned();
        let back = t
            .get(&format!(
                "{logout}?post_logout_redirect_uri={}",
                encode(REDIRECT)
            ))
            .await;
        assert_eq!(
            (back.status, back.header("location")),
            (302, Some(REDIRECT))
        );
        let elsewhere = t
            .get(&format!(
                "{logout}?post_logout_redirect_uri={}",
                encode("https://evil.example/")
            ))
            .await;
        assert_eq!(
            (elsewhere.status, elsewhere.header("location")),
            (200, None)
        );
    }

    #[tokio::test]
    async fn the_id_token_matches_the_issuer_and_the_key_set() {
        let t = tenant();
        let tokens = t.sign_in(SCOPE).await;
        let (header, claims) = jwt(text(&tokens["id_token"]));
        let tid = t.sim.tenant_id();
        let organizations = t
            .get("/organizations/v2.0/.well-known/openid-configuration")
            .await
            .json();
        // For organizations the issuer is a template; the token's tid fills it.
        assert_eq!(
            text(&organizations["issuer"]).replace("{tenantid}", text(&claims["tid"])),
            text(&claims["iss"])
        );
        let own = t
            .get(&format!("/{tid}/v2.0/.well-known/openid-configuration"))
            .await
            .json();
        assert_eq!(own["issuer"], claims["iss"]);

        assert_eq!(header["alg"], "RS256");
        let keys_path = text(&organizations["jwks_uri"]).trim_start_matches(ORIGIN);
        let keys = t.get(keys_path).await.json();
        let key = &keys["keys"][0];
        assert_eq!(key["kid"], header["kid"]);
        assert_eq!(
            (key["kty"].as_str(), key["e"].as_str()),
            (Some("RSA"), Some("AQAB"))
        );
        assert_eq!(base64url_decode(text(&key["n"])).len(), 256);
        let (access_header, _) = jwt(text(&tokens["access_token"]));
        assert_eq!(access_header["kid"], header["kid"]);
    }

    #[tokio::test]
    async fn instance_discovery_knows_only_this_server() {
        let t = tenant();
        let endpoint = format!("{ORIGIN}/organizations/oauth2/v2.0/authorize");
        let answer = t
            .get(&format!(
                "/common/discovery/instance?api-version=1.1&authorization_endpoint={}",
                encode(&endpoint)
            ))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let body = answer.json();
        assert_eq!(
            body["tenant_discovery_endpoint"],
            format!("{ORIGIN}/organizations/v2.0/.well-known/openid-configuration")
        );
        assert_eq!(body["api-version"], "1.1");
        let metadata = &body["metadata"][0];
        assert_eq!(metadata["preferred_network"], "sim.test");
        assert_eq!(metadata["aliases"], json!(["sim.test"]));
        // The tenant discovery endpoint it names is served.
        let path = text(&body["tenant_discovery_endpoint"]).trim_start_matches(ORIGIN);
        assert_eq!(t.get(path).await.status, 200);

        let elsewhere = t
            .get(&format!(
                "/common/discovery/instance?api-version=1.1&authorization_endpoint={}",
                encode("https://login.example.net/organizations/oauth2/v2.0/authorize")
            ))
            .await;
        assert_oauth(&elsewhere, 400, "invalid_instance", 50_049, None);
    }
}

mod browser {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn authorize_then_redeem_the_code_once_with_the_verifier() {
        let t = tenant();
        let answer = t.get(&t.authorize_path("organizations", SCOPE, &[])).await;
        let (base, back) = answer.redirect();
        assert_eq!(base, REDIRECT);
        assert_eq!(param(&back, "state"), Some("st-8c1f"));
        assert!(param(&back, "session_state").is_some());
        assert!(param(&back, "error").is_none());
        let code = param(&back, "code").unwrap().to_owned();

        let tokens = t.redeem(&code, VERIFIER).await;
        assert_eq!(tokens.status, 200, "{}", tokens.text());
        assert_eq!(tokens.header("cache-control"), Some("no-store, no-cache"));
        let tokens = tokens.json();
        assert_eq!(tokens["token_type"], "Bearer");
        // Asked with Graph's prefix, answered with it (a client's token cache matches on it).
        assert_eq!(
            tokens["scope"],
            "https://graph.microsoft.com/Presence.Read.All https://graph.microsoft.com/User.ReadBasic.All profile openid email offline_access"
        );
        assert_eq!(tokens["expires_in"], 3_599);
        assert_eq!(tokens["ext_expires_in"], 3_599);
        assert!(tokens["refresh_token"].is_string());
        let presence = t.graph(text(&tokens["access_token"]), "/me/presence").await;
        assert_eq!(presence.status, 200, "{}", presence.text());

        // A code is good once.
        let again = t.redeem(&code, VERIFIER).await;
        assert_oauth(&again, 400, "invalid_grant", 54_005, None);
        assert_eq!(t.sim.counts().authorize, 1);
        assert_eq!(t.sim.counts().token, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_carry_entras_claims_and_client_info() {
        let t = tenant();
        let tokens = t.sign_in(SCOPE).await;
        let info: Value =
            serde_json::from_slice(&base64url_decode(text(&tokens["client_info"]))).unwrap();
        assert_eq!(
            info,
            json!({ "uid": t.sim.me_id(), "utid": t.sim.tenant_id() })
        );

        let (_, id) = jwt(text(&tokens["id_token"]));
        assert_eq!(id["aud"], t.client);
        assert_eq!(id["oid"], t.sim.me_id());
        assert_eq!(id["tid"], t.sim.tenant_id());
        assert_eq!(id["preferred_username"], t.sim.me_upn());
        assert_eq!(id["name"].as_str(), t.sim.display_name(0).as_deref());
        assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
        assert_eq!(id["ver"], "2.0");
        assert_eq!(text(&id["sub"]).len(), 43);
        let iat = id["iat"].as_i64().unwrap();
        assert_eq!(id["nbf"].as_i64(), Some(iat));
        assert!(id["exp"].as_i64().unwrap() > iat);
        assert!(
            (iat - jiff::Timestamp::now().as_second()).abs() < 60,
            "wall clock"
        );

        let (_, access) = jwt(text(&tokens["access_token"]));
        assert_eq!(access["aud"], "https://graph.microsoft.com");
        assert_eq!(
            access["iss"],
            format!("https://sts.windows.net/{}/", t.sim.tenant_id())
        );
        assert_eq!(access["appid"], t.client);
        assert_eq!(access["oid"], t.sim.me_id());
        assert_eq!(
            access["scp"],
            "Presence.Read.All User.ReadBasic.All profile openid email"
        );
        assert_eq!(
            access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
            3_599
        );
        assert!(access.get("roles").is_none());

        // Without openid, offline_access or client_info=1: no id token, refresh token or client_info.
        let bare = t
            .sign_in("https://graph.microsoft.com/Presence.Read.All")
            .await;
        let code = t.code("Presence.Read.All").await;
        let plain = t
            .form(
                "/organizations/oauth2/v2.0/token",
                &[
                    ("client_id", &t.client),
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", VERIFIER),
                ],
            )
            .await
            .json();
        assert!(bare.get("id_token").is_none() && bare.get("refresh_token").is_none());
        assert!(plain.get("client_info").is_none());
        // Every scope consented for the app is in the token, not only those asked for.
        assert_eq!(plain["scope"], "Presence.Read.All User.ReadBasic.All");
    }

    #[tokio::test(start_paused = true)]
    async fn the_verifier_the_redirect_and_the_lifetime_are_checked() {
        let t = tenant();
        let code = t.code(SCOPE).await;
        let wrong = t
            .redeem(&code, "not-the-verifier-0123456789-abcdefghijklmnop")
            .await;
        assert_oauth(&wrong, 400, "invalid_grant", 501_481, None);
        assert!(wrong.json()["error_description"]
            .as_str()
            .unwrap()
            .contains("The Code_Verifier does not match the code_challenge supplied in the authorization request."));

        let elsewhere = t
            .form(
                "/organizations/oauth2/v2.0/token",
                &[
                    ("client_id", &t.client),
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", "http://localhost:9999/callback"),
                    ("code_verifier", VERIFIER),
                ],
            )
            .await;
        assert_oauth(&elsewhere, 400, "invalid_grant", 500_112, None);

        tokio::time::advance(Duration::from_secs(601)).await;
        assert_oauth(
            &t.redeem(&code, VERIFIER).await,
            400,
            "invalid_grant",
            70_008,
            None,
        );
        assert_oauth(
            &t.redeem("1.AXkAnot-issued", VERIFIER).await,
            400,
            "invalid_grant",
            9_002_313,
            None,
        );
    }

    #[tokio::test]
    async fn untrusted_redirects_and_unknown_apps_get_entras_page() {
        let t = tenant();
        for redirect in [
            "https://app.example.com/callback",
            "http://localhost.evil.example/",
            "http://127.0.0.1.evil.example:80/",
        ] {
            let answer = t
                .get(&t.authorize_path("organizations", SCOPE, &[("redirect_uri", redirect)]))
                .await;
            assert_eq!(answer.status, 400, "{redirect}");
            assert!(answer.header("location").is_none(), "never sent there");
            assert_eq!(
                answer.header("content-type"),
                Some("text/html; charset=utf-8")
            );
            assert!(answer.text().contains("AADSTS50011"), "{}", answer.text());
        }
        for (client, code) in [
            ("00000000-0000-0000-0000-000000000000", "AADSTS700016"),
            ("not-a-guid", "AADSTS700016"),
            ("", "AADSTS900144"),
        ] {
            let answer = t
                .get(&t.authorize_path("organizations", SCOPE, &[("client_id", client)]))
                .await;
            assert_eq!(answer.status, 400);
            assert!(answer.header("location").is_none());
            assert!(answer.text().contains(code), "{client}: {}", answer.text());
        }
        let tenant = t
            .get(&t.authorize_path("fabrikam.example", SCOPE, &[]))
            .await;
        assert!(tenant.status == 400 && tenant.text().contains("AADSTS90002"));
        // Loopback on IPv4 and IPv6 with any port is fine.
        for redirect in [
            "http://127.0.0.1:53123/",
            "http://[::1]:8080/auth",
            "http://localhost",
        ] {
            let answer = t
                .get(&t.authorize_path("organizations", SCOPE, &[("redirect_uri", redirect)]))
                .await;
            assert_eq!(answer.redirect().0, redirect);
        }
    }

    #[tokio::test]
    async fn the_apps_own_mistakes_go_back_to_it_with_the_state() {
        let t = tenant();
        for (extra, error, code) in [
            (
                vec![("code_challenge_method", "plain")],
                "invalid_request",
                "AADSTS5002302",
            ),
            (
                vec![("code_challenge_method", "")],
                "invalid_request",
                "AADSTS5002302",
            ),
            (
                vec![("code_challenge", "")],
                "invalid_request",
                "AADSTS9002325",
            ),
            (
                vec![("code_challenge", "short")],
                "invalid_request",
                "AADSTS501491",
            ),
            (
                vec![("response_type", "token")],
                "unsupported_response_type",
                "AADSTS700054",
            ),
            (vec![("scope", "")], "invalid_request", "AADSTS900144"),
            (
                vec![("scope", "Presence.Read.Everything")],
                "invalid_scope",
                "AADSTS70011",
            ),
        ] {
            let answer = t
                .get(&t.authorize_path("organizations", SCOPE, &extra))
                .await;
            let (base, back) = answer.redirect();
            assert_eq!(base, REDIRECT);
            assert_eq!(param(&back, "error"), Some(error), "{extra:?}");
            let description = param(&back, "error_description").unwrap();
            assert!(description.starts_with(code), "{extra:?}: {description}");
            assert!(description.contains("\r\nTrace ID: "));
            assert_eq!(param(&back, "state"), Some("st-8c1f"));
            assert!(param(&back, "code").is_none());
        }
    }

    #[tokio::test]
    async fn fragment_and_form_post_response_modes() {
        let t = tenant();
        let fragment = t
            .get(&t.authorize_path("organizations", SCOPE, &[("response_mode", "fragment")]))
            .await;
        assert!(
            fragment
                .header("location")
                .unwrap()
                .starts_with(&format!("{REDIRECT}#code="))
        );
        let posted = t
            .get(&t.authorize_path("organizations", SCOPE, &[("response_mode", "form_post")]))
            .await;
        assert_eq!(posted.status, 200);
        let page = posted.text();
        assert!(page.contains(&format!("action=\"{REDIRECT}\"")), "{page}");
        assert!(page.contains("name=\"code\"") && page.contains("value=\"st-8c1f\""));
    }
}

mod device {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn pending_slow_down_then_tokens_with_client_info() {
        let t = tenant();
        let start = t.device_start("organizations").await.json();
        let code = text(&start["device_code"]).to_owned();
        assert_eq!(start["interval"], 5);
        assert_oauth(
            &t.poll(&code).await,
            400,
            "authorization_pending",
            70_016,
            None,
        );
        assert_oauth(&t.poll(&code).await, 400, "slow_down", 70_016, None);
        // Each slow_down adds 5 s to the interval the client must keep.
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_oauth(&t.poll(&code).await, 400, "slow_down", 70_016, None);
        tokio::time::advance(Duration::from_secs(15)).await;
        assert_oauth(
            &t.poll(&code).await,
            400,
            "authorization_pending",
            70_016,
            None,
        );
        tokio::time::advance(Duration::from_secs(15)).await;
        let tokens = t.poll(&code).await;
        assert_eq!(tokens.status, 200, "{}", tokens.text());
        let tokens = tokens.json();
        let info = base64url_decode(text(&tokens["client_info"]));
        assert_eq!(
            serde_json::from_slice::<Value>(&info).unwrap()["uid"],
            t.sim.me_id()
        );
        let (_, id) = jwt(text(&tokens["id_token"]));
        assert!(id.get("nonce").is_none());
        assert_eq!(
            t.sim.consented_scopes(&t.client),
            ["Presence.Read.All", "User.ReadBasic.All"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn declined_expired_and_bad_codes() {
        let t = tenant();
        for (outcome, error, code) in [
            (DeviceOutcome::Decline, "authorization_declined", 70_000),
            (DeviceOutcome::Expire, "expired_token", 70_019),
            (DeviceOutcome::BadCode, "bad_verification_code", 70_000),
        ] {
            t.set(|o| {
                o.approve_after_polls = 1;
                o.device_outcome = outcome;
            });
            let start = t.device_start("organizations").await.json();
            let device_code = text(&start["device_code"]).to_owned();
            if outcome != DeviceOutcome::BadCode {
                assert_oauth(
                    &t.poll(&device_code).await,
                    400,
                    "authorization_pending",
                    70_016,
                    None,
                );
                tokio::time::advance(Duration::from_secs(5)).await;
            }
            assert_oauth(&t.poll(&device_code).await, 400, error, code, None);
        }
        // A code nobody used expires after 15 minutes.
        t.set(|o| o.device_outcome = DeviceOutcome::Approve);
        let start = t.device_start("organizations").await.json();
        tokio::time::advance(Duration::from_secs(901)).await;
        assert_oauth(
            &t.poll(text(&start["device_code"])).await,
            400,
            "expired_token",
            70_019,
            None,
        );
    }
}

mod refresh {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_replaced_token_stays_valid_unless_rotation_is_strict() {
        let t = tenant();
        let first = t.sign_in(SCOPE).await;
        let first_refresh = text(&first["refresh_token"]).to_owned();
        let second = t.refresh(&first_refresh, SCOPE).await;
        assert_eq!(second.status, 200, "{}", second.text());
        let second = second.json();
        let second_refresh = text(&second["refresh_token"]).to_owned();
        assert_ne!(second_refresh, first_refresh, "every refresh rotates");
        assert!(second["id_token"].is_string() && second["client_info"].is_string());
        assert_eq!(
            t.refresh(&first_refresh, SCOPE).await.status,
            200,
            "Entra keeps it"
        );

        t.set(|o| o.strict_rotation = true);
        let third = t.refresh(&second_refresh, SCOPE).await.json();
        assert_oauth(
            &t.refresh(&second_refresh, SCOPE).await,
            400,
            "invalid_grant",
            50_173,
            None,
        );
        assert_eq!(
            t.refresh(text(&third["refresh_token"]), SCOPE).await.status,
            200,
            "the newest always works"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_scope_needs_consent_and_the_token_stays_usable() {
        let t = tenant();
        let tokens = t.sign_in(SCOPE).await;
        let refresh = text(&tokens["refresh_token"]).to_owned();
        let wider = format!("{SCOPE} https://graph.microsoft.com/Presence.ReadWrite");
        let refused = t.refresh(&refresh, &wider).await;
        assert_oauth(
            &refused,
            400,
            "invalid_grant",
            65_001,
            Some("consent_required"),
        );
        let description = refused.json()["error_description"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(description.contains(&format!(
            "The user or administrator has not consented to use the application with ID '{}' named 'teamboard'. Send an interactive authorization request for this user and resource.",
            t.client
        )));
        assert_eq!(t.refresh(&refresh, SCOPE).await.status, 200, "still usable");

        // Consent given interactively; the same refresh token now gets the wider scope.
        t.sign_in(&wider).await;
        let wide = t.refresh(&refresh, &wider).await;
        assert_eq!(wide.status, 200, "{}", wide.text());
        let wide = wide.json();
        assert!(text(&wide["scope"]).contains("Presence.ReadWrite"));
        let write = t
            .graph_post(
                text(&wide["access_token"]),
                "/me/presence/clearUserPreferredPresence",
                &json!({}),
            )
            .await;
        assert_eq!(write.status, 200, "{}", write.text());
    }

    #[tokio::test(start_paused = true)]
    async fn revoked_expired_and_sign_in_frequency_are_invalid_grant() {
        let t = tenant();
        let a = text(&t.sign_in(SCOPE).await["refresh_token"]).to_owned();
        let b = text(&t.sign_in(SCOPE).await["refresh_token"]).to_owned();
        t.sim.fail_next_refresh();
        assert_oauth(
            &t.refresh(&a, SCOPE).await,
            400,
            "invalid_grant",
            70_043,
            None,
        );
        assert_oauth(
            &t.refresh(&a, SCOPE).await,
            400,
            "invalid_grant",
            70_043,
            None,
        );
        assert_eq!(
            t.refresh(&b, SCOPE).await.status,
            200,
            "only the next refresh"
        );

        t.sim.revoke_refresh_tokens();
        let revoked = t.refresh(&b, SCOPE).await;
        assert_oauth(&revoked, 400, "invalid_grant", 50_173, None);
        assert!(revoked.text().contains("TokensValidFrom"));
        let fresh = text(&t.sign_in(SCOPE).await["refresh_token"]).to_owned();
        assert_eq!(
            t.refresh(&fresh, SCOPE).await.status,
            200,
            "a new sign-in works"
        );

        let old = text(&t.sign_in(SCOPE).await["refresh_token"]).to_owned();
        tokio::time::advance(Duration::from_secs(90 * 86_400)).await;
        let expired = t.refresh(&old, SCOPE).await;
        assert_oauth(&expired, 400, "invalid_grant", 700_082, None);
        assert!(expired.text().contains("inactive for 90.00:00:00"));
        assert_oauth(
            &t.refresh("1.AXkAnot-issued", SCOPE).await,
            400,
            "invalid_grant",
            9_002_313,
            None,
        );
    }
}

mod app_only {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn client_credentials_give_a_roles_token_without_a_user() {
        let t = tenant();
        let secret = t.sim.client_secret();
        let answer = t
            .client_credentials(&secret, "https://graph.microsoft.com/.default")
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let body = answer.json();
        assert_eq!(
            sorted_keys(&body),
            ["access_token", "expires_in", "ext_expires_in", "token_type"]
        );
        let token = text(&body["access_token"]).to_owned();
        let (_, claims) = jwt(&token);
        assert_eq!(
            claims["roles"],
            json!(["Presence.Read.All", "User.Read.All", "Calendars.Read"])
        );
        assert_eq!(claims["idtyp"], "app");
        assert!(claims.get("scp").is_none());
        assert_eq!(claims["appid"], t.client);

        let ids = [t.sim.user_id(1), t.sim.user_id(2)];
        let presences = t
            .graph_post(
                &token,
                "/communications/getPresencesByUserId",
                &json!({ "ids": ids }),
            )
            .await;
        assert_eq!(presences.status, 200, "{}", presences.text());
        assert_eq!(
            t.graph(&token, &format!("/users/{}", ids[0])).await.status,
            200
        );
        let me = t.graph(&token, "/me").await;
        let message = assert_graph(&me, 400, "BadRequest");
        assert_eq!(
            message,
            "/me request is only valid with delegated authentication flow."
        );
        assert_graph(&t.graph(&token, "/me/presence").await, 400, "BadRequest");
        let group = t
            .graph(
                &token,
                &format!("/groups/{}/members", t.sim.team_group_id()),
            )
            .await;
        assert_graph(&group, 403, "Authorization_RequestDenied");
    }

    #[tokio::test]
    async fn a_wrong_secret_or_scope_is_refused() {
        let t = tenant();
        let wrong = t
            .client_credentials(
                "abc1Q~not-the-secret",
                "https://graph.microsoft.com/.default",
            )
            .await;
        assert_oauth(&wrong, 401, "invalid_client", 7_000_215, None);
        let scope = t
            .client_credentials(
                &t.sim.client_secret(),
                "https://graph.microsoft.com/User.Read.All",
            )
            .await;
        assert_oauth(&scope, 400, "invalid_scope", 1_002_012, None);
        let none = t
            .form(
                "/organizations/oauth2/v2.0/token",
                &[
                    ("client_id", &t.client),
                    ("grant_type", "client_credentials"),
                    ("scope", "https://graph.microsoft.com/.default"),
                ],
            )
            .await;
        assert_oauth(&none, 401, "invalid_client", 7_000_218, None);

        let mut options = t.sim.identity_options();
        options.client_secret = Some("configured-secret".into());
        t.sim.set_identity_options(options);
        assert_eq!(t.sim.client_secret(), "configured-secret");
        let ok = t
            .client_credentials(
                "configured-secret",
                "00000003-0000-0000-c000-000000000000/.default",
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.text());
    }
}

mod scopes {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn graph_refuses_a_token_without_the_routes_permission() {
        let t = tenant();
        let tokens = t.sign_in("Presence.Read.All openid offline_access").await;
        let token = text(&tokens["access_token"]);
        assert_eq!(t.graph(token, "/me/presence").await.status, 200);
        let me = t.sim.me_id();
        let write = t
            .graph_post(
                token,
                &format!("/users/{me}/presence/setStatusMessage"),
                &json!({ "statusMessage": { "message": { "content": "hi", "contentType": "text" } } }),
            )
            .await;
        let message = assert_graph(&write, 403, "Forbidden");
        assert!(message.contains("Presence.ReadWrite"), "{message}");
        let user = t
            .graph(token, &format!("/users/{}", t.sim.user_id(1)))
            .await;
        let message = assert_graph(&user, 403, "Authorization_RequestDenied");
        assert_eq!(
            message,
            "Insufficient privileges to complete the operation."
        );
        assert_graph(
            &t.graph(token, "/me").await,
            403,
            "Authorization_RequestDenied",
        );
        let group = t
            .graph(token, &format!("/groups/{}/members", t.sim.team_group_id()))
            .await;
        assert_graph(&group, 403, "Authorization_RequestDenied");
        let place = t
            .graph(token, &format!("/places/{}", t.sim.place_ids()[0]))
            .await;
        assert_graph(&place, 403, "ErrorAccessDenied");

        // Inside a batch each inner request is checked on its own.
        let batch = t
            .graph_post(
                token,
                "/$batch",
                &json!({ "requests": [
                    { "id": "1", "method": "GET", "url": format!("/users/{}", t.sim.user_id(1)) },
                    { "id": "2", "method": "GET", "url": "/me/presence" },
                ]}),
            )
            .await;
        assert_eq!(batch.status, 200);
        let responses = batch.json()["responses"].as_array().unwrap().clone();
        let status =
            |id: &str| responses.iter().find(|r| r["id"] == id).unwrap()["status"].as_u64();
        assert_eq!((status("1"), status("2")), (Some(403), Some(200)));
    }

    #[tokio::test]
    async fn the_static_token_holds_every_permission_the_demo_uses() {
        let t = tenant();
        let (_, claims) = jwt(t.sim.token());
        assert_eq!(
            claims["scp"],
            "Presence.Read.All Presence.ReadWrite User.ReadBasic.All User.Read GroupMember.Read.All Place.Read.All Calendars.ReadBasic"
        );
        let token = t.sim.token();
        let me = t.sim.me_id();
        for path in [
            "/me".to_owned(),
            "/me/presence".to_owned(),
            format!("/users/{}", t.sim.user_id(1)),
            format!("/groups/{}/members", t.sim.team_group_id()),
            format!("/places/{}", t.sim.place_ids()[0]),
        ] {
            assert_eq!(t.graph(token, &path).await.status, 200, "{path}");
        }
        let write = t
            .graph_post(
                token,
                &format!("/users/{me}/presence/setUserPreferredPresence"),
                &json!({ "availability": "Busy", "activity": "Busy", "expirationDuration": "PT1H" }),
            )
            .await;
        assert_eq!(write.status, 200, "{}", write.text());
    }

    #[tokio::test(start_paused = true)]
    async fn an_expired_access_token_is_401() {
        let t = tenant();
        t.set(|o| o.access_token_lifetime = Duration::from_secs(60));
        let tokens = t.sign_in(SCOPE).await;
        assert_eq!(tokens["expires_in"], 60);
        let (_, claims) = jwt(text(&tokens["access_token"]));
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            60
        );
        let token = text(&tokens["access_token"]);
        assert_eq!(t.graph(token, "/me/presence").await.status, 200);
        tokio::time::advance(Duration::from_secs(61)).await;
        let expired = t.graph(token, "/me/presence").await;
        let message = assert_graph(&expired, 401, "InvalidAuthenticationToken");
        assert!(message.contains("expired"), "{message}");
        assert!(expired.header("www-authenticate").is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn admin_only_scopes_need_an_administrator() {
        let t = tenant();
        t.set(|o| o.admin_only_scopes = vec!["GroupMember.Read.All".into()]);
        let asked = format!("{SCOPE} GroupMember.Read.All");
        let answer = t.get(&t.authorize_path("organizations", &asked, &[])).await;
        let (_, back) = answer.redirect();
        assert_eq!(param(&back, "error"), Some("consent_required"));
        assert!(
            param(&back, "error_description")
                .unwrap()
                .starts_with("AADSTS65001: ")
        );

        t.set(|o| o.approve_after_polls = 0);
        let start = t
            .form(
                "/organizations/oauth2/v2.0/devicecode",
                &[("client_id", &t.client), ("scope", &asked)],
            )
            .await
            .json();
        let refused = t.poll(text(&start["device_code"])).await;
        assert_oauth(
            &refused,
            400,
            "invalid_grant",
            65_001,
            Some("consent_required"),
        );

        assert!(t.sim.grant_consent(
            &t.client,
            "https://graph.microsoft.com/GroupMember.Read.All"
        ));
        assert!(!t.sim.grant_consent(&t.client, "Not.A.Permission"));
        let tokens = t.sign_in(&asked).await;
        assert!(text(&tokens["scope"]).contains("GroupMember.Read.All"));
        t.sim.revoke_consent(&t.client);
        assert!(t.sim.consented_scopes(&t.client).is_empty());
    }
}

/// Each `--sign-in-error`, where Entra gives it.
mod refusals {
    use super::*;

    fn with(error: SignInError) -> Tenant {
        let t = tenant();
        t.set(|o| {
            o.sign_in_error = Some(error);
            o.approve_after_polls = 0;
        });
        t
    }

    #[tokio::test(start_paused = true)]
    async fn public_client_flows_off() {
        let t = tenant();
        let tokens = t.sign_in(SCOPE).await;
        let code = t.code(SCOPE).await;
        t.set(|o| {
            o.sign_in_error = Some(SignInError::PublicClientFlowsOff);
            o.approve_after_polls = 0;
        });
        assert_oauth(
            &t.redeem(&code, VERIFIER).await,
            401,
            "invalid_client",
            7_000_218,
            None,
        );
        let refreshed = t.refresh(text(&tokens["refresh_token"]), SCOPE).await;
        assert_oauth(&refreshed, 401, "invalid_client", 7_000_218, None);
        let start = t.device_start("organizations").await;
        assert_eq!(start.status, 200, "the code is given; the grant is refused");
        let poll = t.poll(text(&start.json()["device_code"])).await;
        assert_oauth(&poll, 401, "invalid_client", 7_000_218, None);
        let app = t
            .client_credentials(
                &t.sim.client_secret(),
                "https://graph.microsoft.com/.default",
            )
            .await;
        assert_eq!(app.status, 200, "a confidential client is not affected");
    }

    #[tokio::test]
    async fn single_tenant_app_through_organizations() {
        let t = with(SignInError::SingleTenantApp);
        for tenant in ["organizations", "common", "consumers"] {
            let answer = t.device_start(tenant).await;
            assert_oauth(&answer, 400, "invalid_request", 50_194, None);
            assert!(answer.text().contains(&t.client));
        }
        assert_eq!(t.device_start(t.sim.tenant_id()).await.status, 200);
        assert_eq!(t.device_start("contoso.com").await.status, 200);
        let answer = t.get(&t.authorize_path("common", SCOPE, &[])).await;
        let (_, back) = answer.redirect();
        assert_eq!(param(&back, "error"), Some("invalid_request"));
        assert!(
            param(&back, "error_description")
                .unwrap()
                .starts_with("AADSTS50194: ")
        );
        let tid = t.sim.tenant_id().to_owned();
        assert!(
            param(
                &t.get(&t.authorize_path(&tid, SCOPE, &[]))
                    .await
                    .redirect()
                    .1,
                "code"
            )
            .is_some()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn consent_required() {
        let t = tenant();
        let tokens = t.sign_in(SCOPE).await;
        t.set(|o| {
            o.sign_in_error = Some(SignInError::ConsentRequired);
            o.approve_after_polls = 0;
        });
        let answer = t.get(&t.authorize_path("organizations", SCOPE, &[])).await;
        let (_, back) = answer.redirect();
        assert_eq!(param(&back, "error"), Some("consent_required"));
        assert_eq!(param(&back, "state"), Some("st-8c1f"));
        let start = t.device_start("organizations").await.json();
        let poll = t.poll(text(&start["device_code"])).await;
        assert_oauth(
            &poll,
            400,
            "invalid_grant",
            65_001,
            Some("consent_required"),
        );
        let refreshed = t.refresh(text(&tokens["refresh_token"]), SCOPE).await;
        assert_oauth(
            &refreshed,
            400,
            "invalid_grant",
            65_001,
            Some("consent_required"),
        );
    }

    #[tokio::test]
    async fn unknown_client() {
        let t = with(SignInError::UnknownClient);
        let answer = t.device_start("organizations").await;
        assert_oauth(&answer, 400, "unauthorized_client", 700_016, None);
        let page = t.get(&t.authorize_path("organizations", SCOPE, &[])).await;
        assert!(page.status == 400 && page.text().contains("AADSTS700016"));

        // Without the fault, the placeholder id is unknown, and with registered_client_only so is
        // any id but the sim's own.
        let t = tenant();
        let placeholder = t
            .form(
                "/organizations/oauth2/v2.0/devicecode",
                &[
                    ("client_id", "00000000-0000-0000-0000-000000000000"),
                    ("scope", SCOPE),
                ],
            )
            .await;
        assert_oauth(&placeholder, 400, "unauthorized_client", 700_016, None);
        t.set(|o| o.registered_client_only = true);
        let other = t
            .form(
                "/organizations/oauth2/v2.0/devicecode",
                &[
                    ("client_id", "7b0a3c55-1d3e-4c1e-9a6a-0c1d2e3f4a5b"),
                    ("scope", SCOPE),
                ],
            )
            .await;
        assert_oauth(&other, 400, "unauthorized_client", 700_016, None);
        assert_eq!(t.device_start("organizations").await.status, 200);
    }

    #[tokio::test(start_paused = true)]
    async fn conditional_access_blocks_the_device_flow_only() {
        let t = with(SignInError::ConditionalAccess);
        let start = t.device_start("organizations").await.json();
        let poll = t.poll(text(&start["device_code"])).await;
        assert_oauth(&poll, 400, "invalid_grant", 53_003, Some("message_only"));
        assert!(poll.text().contains("blocked by Conditional Access"));
        assert!(
            t.sign_in(SCOPE).await["access_token"].is_string(),
            "the browser flow works"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn mfa_required_on_refresh() {
        let t = with(SignInError::MfaRequired);
        let tokens = t.sign_in(SCOPE).await;
        let refreshed = t.refresh(text(&tokens["refresh_token"]), SCOPE).await;
        assert_oauth(
            &refreshed,
            400,
            "invalid_grant",
            50_076,
            Some("basic_action"),
        );
        assert!(refreshed.text().contains("multi-factor authentication"));
    }
}

mod counting {
    use super::*;

    #[tokio::test]
    async fn new_endpoints_are_counted_and_faults_can_aim_at_them() {
        let t = tenant();
        t.sim.faults().set(FaultConfig {
            fail_rate: 1.0,
            only: Some(EndpointKind::Authorize),
            ..FaultConfig::default()
        });
        let answer = t.get(&t.authorize_path("organizations", SCOPE, &[])).await;
        assert_eq!(answer.status, 503);
        assert_eq!(answer.json()["error"], "temporarily_unavailable");
        assert_eq!(
            t.get("/organizations/v2.0/.well-known/openid-configuration")
                .await
                .status,
            200,
            "other endpoints untouched"
        );
        t.sim.faults().set(FaultConfig {
            throttle_every: 1,
            only: Some(EndpointKind::Discovery),
            ..FaultConfig::default()
        });
        assert_eq!(
            t.get("/organizations/discovery/v2.0/keys").await.status,
            503
        );
        let counts = t.sim.counts();
        assert_eq!((counts.authorize, counts.discovery), (1, 2));
        assert_eq!(counts.server_errors, 2);
        assert_eq!(counts.total, 3);
    }
}

/// Over real HTTP, as MSAL walks it: instance discovery, tenant discovery, the browser, the token.
mod served {
    use super::*;
    use teamboard::sim::serve;

    #[tokio::test]
    async fn an_msal_style_sign_in_on_loopback() {
        let t = tenant();
        let running = serve(t.sim.clone(), 0).await.unwrap();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let get = |url: String| {
            let http = http.clone();
            async move { http.get(url).send().await.unwrap() }
        };
        // MSAL names the instance by host name only, without the port.
        let instance: Value = get(format!(
            "{}/common/discovery/instance?api-version=1.0&authorization_endpoint={}",
            running.authority,
            encode("https://127.0.0.1/organizations/oauth2/v2.0/authorize")
        ))
        .await
        .json()
        .await
        .unwrap();
        let config: Value = get(text(&instance["tenant_discovery_endpoint"]).to_owned())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            config["issuer"],
            format!("{}/{{tenantid}}/v2.0", running.authority)
        );
        // Behind a proxy that terminates TLS, every URL handed out is https.
        let proxied: Value = http
            .get(text(&instance["tenant_discovery_endpoint"]))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let https = running.authority.replace("http://", "https://");
        assert_eq!(
            proxied["token_endpoint"],
            format!("{https}/organizations/oauth2/v2.0/token")
        );

        let query = encode_pairs(&[
            ("client_id", &t.client),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", SCOPE),
            ("state", "abc"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("client_info", "1"),
        ]);
        let browser = get(format!(
            "{}?{query}",
            text(&config["authorization_endpoint"])
        ))
        .await;
        assert_eq!(browser.status(), 302);
        let location = browser.headers()["location"].to_str().unwrap().to_owned();
        let back = params(location.split_once('?').unwrap().1);
        let tokens: Value = http
            .post(text(&config["token_endpoint"]))
            .form(&[
                ("client_id", t.client.as_str()),
                ("grant_type", "authorization_code"),
                ("code", param(&back, "code").unwrap()),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
                ("client_info", "1"),
                ("scope", SCOPE),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let (_, id) = jwt(text(&tokens["id_token"]));
        assert_eq!(
            text(&config["issuer"]).replace("{tenantid}", t.sim.tenant_id()),
            text(&id["iss"])
        );
        let me = http
            .get(format!("{}/me", running.base_url))
            .bearer_auth(text(&tokens["access_token"]))
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        assert_eq!(t.sim.counts().discovery, 3);
    }
}
