//! (feature `worker`) The Workers KV calls the engine asks for, shared by the workers-rs
//! middleware and the axum layer: read the revocation keys, write the revocations. No decision
//! is made here; errors are handed back as text for the engine to judge.

use worker::kv::{KvError, KvStore};
use worker::wasm_bindgen::JsCast;
use worker::{js_sys, Env};

use crate::engine::{Answer, JwtSessions};
use crate::revocation::{KvWrite, KV_CACHE_TTL_SECS};

impl JwtSessions {
    /// The KV namespace revocation uses, from the Worker's bindings.
    pub(crate) fn revocation_store(&self, env: &Env) -> Result<KvStore, Answer> {
        let binding = self.revocation_binding().unwrap_or_default();
        env.kv(binding).map_err(|_| Answer::for_error(&self.revocation_binding_missing()))
    }
}

/// What went wrong, for the log: a JS error's message (not its stack).
fn reason(err: KvError) -> String {
    match err {
        KvError::JavaScript(value) => value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "Workers KV failed".to_owned()),
        other => other.to_string(),
    }
}

/// The values under `keys`, in order: one bulk read (cached at the edge for
/// [`KV_CACHE_TTL_SECS`]).
pub(crate) async fn read(kv: &KvStore, keys: &[String]) -> Result<Vec<Option<String>>, String> {
    let mut found = kv.get_bulk(keys).cache_ttl(KV_CACHE_TTL_SECS).text().await.map_err(reason)?;
    Ok(keys.iter().map(|key| found.remove(key).flatten()).collect())
}

/// Makes the plan's writes, in order; the first failure stops them.
pub(crate) async fn write(kv: &KvStore, writes: &[KvWrite]) -> Result<(), String> {
    for w in writes {
        kv.put(&w.key, w.value.as_str())
            .map_err(reason)?
            .expiration_ttl(w.expiration_ttl_secs)
            .execute()
            .await
            .map_err(reason)?;
    }
    Ok(())
}
