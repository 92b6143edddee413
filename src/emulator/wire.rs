//! Translate's two wire protocols, Smithy RPC v2 CBOR and awsJson1_1.
//!
//! Operations see one data model whatever the protocol: their input as JSON
//! (a CBOR byte string becomes a base64 string, as a blob is in awsJson; a
//! tagged value becomes its content) and their output as a `ciborium::Value`
//! (timestamps as tag 1 epoch seconds, blobs as byte strings), which is
//! written as CBOR or turned into JSON by the same conversion.

use super::error::{ErrorKind, ServiceError, ServiceResult};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use ciborium::Value as Cbor;
use serde_json::Value as Json;

/// The service's Smithy shape name, in routes and `X-Amz-Target`.
pub(crate) const SERVICE_SHAPE: &str = "AWSShineFrontendService_20170701";

/// The namespace of the service's shapes, in CBOR error types.
const NAMESPACE: &str = "com.amazonaws.translate";

/// A Translate wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `POST /service/<service>/operation/<Op>`, `application/cbor`.
    RpcV2Cbor,
    /// `POST /`, `X-Amz-Target: <service>.<Op>`, `application/x-amz-json-1.1`.
    AwsJson11,
}

/// A reply to write: status, headers and body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Bytes,
}

/// Reads an operation's input. An empty body is an empty structure.
pub(crate) fn decode_input(protocol: Protocol, body: &[u8]) -> ServiceResult<Json> {
    if body.is_empty() {
        return Ok(Json::Object(serde_json::Map::new()));
    }
    let unreadable = |error: String| ServiceError::new(ErrorKind::Serialization, error);
    match protocol {
        Protocol::RpcV2Cbor => {
            let value: Cbor = ciborium::from_reader(body).map_err(|e| unreadable(format!("invalid CBOR body: {e}")))?;
            cbor_to_json(value).map_err(unreadable)
        }
        Protocol::AwsJson11 => serde_json::from_slice(body).map_err(|e| unreadable(format!("invalid JSON body: {e}"))),
    }
}

/// Writes a successful answer.
pub(crate) fn encode_output(protocol: Protocol, output: Cbor) -> Reply {
    match protocol {
        Protocol::RpcV2Cbor => cbor_reply(200, &output),
        Protocol::AwsJson11 => {
            let json = cbor_to_json(output).unwrap_or(Json::Null);
            json_reply(200, &json, None)
        }
    }
}

/// Writes an error answer: `__type` and a message in the body, the model's
/// status, and for awsJson1_1 the `X-Amzn-Errortype` header.
pub(crate) fn encode_error(protocol: Protocol, error: &ServiceError) -> Reply {
    let status = error.kind.status();
    let name = error.kind.name();
    match protocol {
        Protocol::RpcV2Cbor => {
            let body = Cbor::Map(vec![
                (Cbor::Text("__type".into()), Cbor::Text(format!("{NAMESPACE}#{name}"))),
                (Cbor::Text("Message".into()), Cbor::Text(error.message.clone())),
            ]);
            cbor_reply(status, &body)
        }
        Protocol::AwsJson11 => {
            let body = serde_json::json!({ "__type": name, "message": error.message });
            json_reply(status, &body, Some(name))
        }
    }
}

fn cbor_reply(status: u16, value: &Cbor) -> Reply {
    let mut body = Vec::new();
    ciborium::into_writer(value, &mut body).expect("writing CBOR into a Vec cannot fail");
    Reply {
        status,
        headers: vec![
            ("content-type", "application/cbor".to_string()),
            ("smithy-protocol", "rpc-v2-cbor".to_string()),
        ],
        body: body.into(),
    }
}

fn json_reply(status: u16, value: &Json, error_type: Option<&str>) -> Reply {
    let mut headers = vec![("content-type", "application/x-amz-json-1.1".to_string())];
    if let Some(name) = error_type {
        headers.push(("x-amzn-errortype", name.to_string()));
    }
    Reply {
        status,
        headers,
        body: serde_json::to_vec(value).expect("JSON values always serialize").into(),
    }
}

/// The conversion both ways use: byte strings become base64 text, tags their
/// content, floats numbers. Fails on map keys that are not text.
pub(crate) fn cbor_to_json(value: Cbor) -> Result<Json, String> {
    Ok(match value {
        Cbor::Null => Json::Null,
        Cbor::Bool(b) => Json::Bool(b),
        Cbor::Integer(i) => {
            let i = i128::from(i);
            if let Ok(n) = i64::try_from(i) {
                Json::from(n)
            } else {
                Json::from(u64::try_from(i).map_err(|_| format!("integer {i} out of range"))?)
            }
        }
        Cbor::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        Cbor::Text(s) => Json::String(s),
        Cbor::Bytes(b) => Json::String(BASE64.encode(b)),
        Cbor::Tag(_, inner) => cbor_to_json(*inner)?,
        Cbor::Array(items) => Json::Array(items.into_iter().map(cbor_to_json).collect::<Result<_, _>>()?),
        Cbor::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (key, value) in entries {
                let Cbor::Text(key) = key else {
                    return Err("a map key is not text".to_string());
                };
                map.insert(key, cbor_to_json(value)?);
            }
            Json::Object(map)
        }
        _ => return Err("unsupported CBOR value".to_string()),
    })
}

/// Serializes an output structure; absent members (`None`) are left out.
pub(crate) fn to_output<T: serde::Serialize>(output: &T) -> Cbor {
    let value = Cbor::serialized(output).expect("output structures serialize");
    without_nulls(value)
}

fn without_nulls(value: Cbor) -> Cbor {
    match value {
        Cbor::Map(entries) => Cbor::Map(
            entries
                .into_iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key, without_nulls(value)))
                .collect(),
        ),
        Cbor::Array(items) => Cbor::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// A timestamp member: epoch seconds under CBOR tag 1, a number in JSON.
pub(crate) type Timestamp = ciborium::tag::Required<f64, 1>;

/// The current time as a [`Timestamp`], to the millisecond.
pub(crate) fn now() -> Timestamp {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    ciborium::tag::Required((since_epoch.as_millis() as f64) / 1000.0)
}

/// A blob member: a CBOR byte string, base64 in JSON.
#[derive(Debug, Clone)]
pub(crate) struct Blob(pub(crate) Vec<u8>);

impl serde::Serialize for Blob {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

/// Reads a blob member of an input (base64 text in the common model).
pub(crate) fn decode_blob(text: &str, member: &str) -> ServiceResult<Vec<u8>> {
    BASE64
        .decode(text)
        .map_err(|_| ServiceError::new(ErrorKind::Serialization, format!("{member} is not a valid blob")))
}

/// Reads an operation's input structure from the common model.
pub(crate) fn parse_input<T: serde::de::DeserializeOwned>(input: Json) -> ServiceResult<T> {
    serde_json::from_value(input).map_err(|e| ServiceError::new(ErrorKind::Serialization, e.to_string()))
}
