//! Properties of the token and session engine that must hold for any input.

// Test code: a panic here is a failing test, not a crashed Worker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use proptest::prelude::*;
use serde_json::{Map, Value};
use worker_jwt_session::claims::Validation;
use worker_jwt_session::jwt::{self, Algorithm};
use worker_jwt_session::keys::KeyRing;
use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};

const SECRET: &str = "property-test-secret-0123456789abcdef";
const NOW: u64 = 1_700_000_000;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Finite floats only: JSON has no NaN or infinity.
        (-1e300f64..1e300).prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::btree_map(".{0,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-zA-Z_\u{e9}\u{1F600}]{1,10}", json_value(), 0..12).prop_map(|m| {
        let mut claims: Map<String, Value> =
            m.into_iter().filter(|(k, _)| k != "exp" && k != "iat" && k != "nbf").collect();
        claims.insert("exp".into(), Value::from(NOW + 60));
        claims
    })
}

fn ring() -> KeyRing {
    KeyRing::new(SECRET).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_gives_the_same_claims(claims in claims(), alg in prop_oneof![Just(Algorithm::HS256), Just(Algorithm::HS384), Just(Algorithm::HS512)]) {
        let ring = KeyRing::new([9u8; 64]).unwrap();
        let token = jwt::sign(&claims, &ring, alg).unwrap();
        let v = Validation { algorithms: vec![alg], ..Validation::default() };
        let verified = jwt::verify(&token, &ring, &v, NOW).unwrap();
        prop_assert_eq!(verified.claims, claims);
    }

    #[test]
    fn changing_any_byte_of_a_token_is_rejected(claims in claims(), index in any::<prop::sample::Index>(), byte in 0x21u8..0x7f) {
        let ring = ring();
        let token = jwt::sign(&claims, &ring, Algorithm::HS256).unwrap();
        let i = index.index(token.len());
        prop_assume!(token.as_bytes()[i] != byte);
        let mut bytes = token.into_bytes();
        bytes[i] = byte;
        let tampered = String::from_utf8(bytes).unwrap();
        prop_assert!(jwt::verify(&tampered, &ring, &Validation::default(), NOW).is_err());
    }

    #[test]
    fn arbitrary_strings_as_tokens_never_panic(s in ".{0,300}") {
        let _ = jwt::verify(&s, &ring(), &Validation::default(), NOW);
        let _ = jwt::decode_unverified(&s);
    }

    #[test]
    fn arbitrary_token_shaped_strings_never_panic(h in "[A-Za-z0-9_=+/-]{0,60}", p in "[A-Za-z0-9_=+/-]{0,60}", s in "[A-Za-z0-9_=+/-]{0,60}") {
        let token = format!("{h}.{p}.{s}");
        prop_assert!(jwt::verify(&token, &ring(), &Validation::default(), NOW).is_err());
    }

    #[test]
    fn arbitrary_cookie_headers_give_an_empty_session_and_never_panic(header in ".{0,400}") {
        let sessions = JwtSessions::builder(SECRET).build().unwrap();
        let session = sessions.load_cookie_header(Some(&header), NOW);
        prop_assert!(session.is_empty());
        let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), NOW, Scheme::Https);
        prop_assert!(plan.answer.is_none());
        prop_assert!(plan.set_cookies().all(|c| c.contains("Max-Age=0")));
    }
}
