//! The HTTP server: one address for Translate, S3 and the emulator's stats.
//!
//! A request is Translate when its shape says so (the RPC v2 CBOR route or
//! an `X-Amz-Target` naming the service) or when the SigV4 credential scope
//! names `translate`; `GET /_emulator/stats` is the counters; anything else
//! goes to the s3s service over s3s-fs.

use super::operations;
use super::state::Shared;
use super::wire::{self, Protocol, Reply, SERVICE_SHAPE};
use anyhow::Context;
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use s3s::service::{S3Service, S3ServiceBuilder};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

type Body = BoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// Largest Translate request body read (a 10 MiB terminology file in base64 fits).
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The emulator's server, ready to run on its own thread.
pub(crate) struct Server {
    shared: Arc<Shared>,
    s3: S3Service,
}

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Route {
    Stats,
    Translate(Protocol, String),
    UnknownTranslate,
    S3,
}

impl Server {
    pub(crate) fn new(shared: Arc<Shared>, data_dir: &Path) -> anyhow::Result<Server> {
        let file_system = s3s_fs::FileSystem::new(shared.objects.root())
            .map_err(|error| anyhow::anyhow!("{error:?}"))
            .with_context(|| format!("serving S3 from {}", data_dir.join("s3").display()))?;
        let s3 = S3ServiceBuilder::new(file_system).build();
        Ok(Server { shared, s3 })
    }

    /// Serves until `stopped` fires (or its sender is dropped).
    pub(crate) fn run(self, listener: std::net::TcpListener, stopped: oneshot::Receiver<()>) {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("translate-emulator-worker")
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                tracing::error!("the emulator cannot start its runtime: {error}");
                return;
            }
        };
        runtime.block_on(self.serve(listener, stopped));
        runtime.shutdown_timeout(Duration::from_secs(1));
    }

    async fn serve(self, listener: std::net::TcpListener, mut stopped: oneshot::Receiver<()>) {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!("the emulator cannot listen: {error}");
                return;
            }
        };
        let server = Arc::new(self);
        loop {
            let stream = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        tracing::warn!("the emulator could not accept a connection: {error}");
                        continue;
                    }
                },
                _ = &mut stopped => break,
            };
            let server = Arc::clone(&server);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let server = Arc::clone(&server);
                    async move { Ok::<_, std::convert::Infallible>(server.respond(request).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }

    async fn respond(&self, request: Request<Incoming>) -> Response<Body> {
        match route(&request) {
            Route::Stats => {
                let stats = serde_json::to_vec_pretty(&self.shared.stats.snapshot()).expect("stats serialize");
                let mut response = full_response(StatusCode::OK, Bytes::from(stats));
                response
                    .headers_mut()
                    .insert("content-type", http::HeaderValue::from_static("application/json"));
                response
            }
            Route::Translate(protocol, operation) => {
                let body = match Limited::new(request.into_body(), MAX_BODY_BYTES).collect().await {
                    Ok(collected) => collected.to_bytes(),
                    Err(error) => {
                        return full_response(StatusCode::BAD_REQUEST, format!("unreadable body: {error}").into());
                    }
                };
                let shared = Arc::clone(&self.shared);
                into_response(operations::handle(&shared, protocol, &operation, &body).await)
            }
            Route::UnknownTranslate => {
                self.shared.stats.count_request("UnknownOperation");
                let error = super::error::ServiceError::new(
                    super::error::ErrorKind::UnknownOperation,
                    "a Translate request needs X-Amz-Target or the RPC v2 CBOR route",
                );
                into_response(wire::encode_error(Protocol::AwsJson11, &error))
            }
            Route::S3 => {
                let operation = s3_operation(request.method(), request.uri());
                self.shared.stats.count_request(&format!("s3:{operation}"));
                // Signatures are not checked: s3s sees every request as anonymous.
                let mut request = request;
                request.headers_mut().remove("authorization");
                match self.s3.call(request.map(s3s::Body::from)).await {
                    Ok(response) => response.map(|body| body.boxed()),
                    Err(error) => full_response(StatusCode::INTERNAL_SERVER_ERROR, format!("{error:?}").into()),
                }
            }
        }
    }
}

pub(super) fn route<B>(request: &Request<B>) -> Route {
    let path = request.uri().path();
    if request.method() == Method::GET && path == "/_emulator/stats" {
        return Route::Stats;
    }
    if request.method() == Method::POST {
        let rpc_prefix = format!("/service/{SERVICE_SHAPE}/operation/");
        if let Some(operation) = path.strip_prefix(&rpc_prefix) {
            return Route::Translate(Protocol::RpcV2Cbor, operation.to_string());
        }
        let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok());
        if let Some(operation) = target.and_then(|t| t.strip_prefix(SERVICE_SHAPE)?.strip_prefix('.')) {
            return Route::Translate(Protocol::AwsJson11, operation.to_string());
        }
    }
    let authorization = request.headers().get("authorization").and_then(|v| v.to_str().ok());
    if authorization.and_then(signing_service) == Some("translate") {
        return Route::UnknownTranslate;
    }
    Route::S3
}

/// The service in a SigV4 credential scope:
/// `Credential=AKID/20240101/us-east-1/translate/aws4_request`.
pub(super) fn signing_service(authorization: &str) -> Option<&str> {
    let credential = authorization
        .split(['=', ',', ' '])
        .skip_while(|part| *part != "Credential")
        .nth(1)?;
    credential.split('/').nth(3)
}

/// The S3 operation a request asks for, for the counters.
pub(super) fn s3_operation(method: &Method, uri: &http::Uri) -> &'static str {
    let path = uri.path().trim_start_matches('/');
    let query = uri.query().unwrap_or("");
    let has = |name: &str| query.split('&').any(|pair| pair.split('=').next() == Some(name));
    let has_key = path.split_once('/').is_some_and(|(_, key)| !key.is_empty());
    match (method.as_str(), path.is_empty(), has_key) {
        ("GET", true, _) => "ListBuckets",
        ("PUT", _, false) => "CreateBucket",
        ("DELETE", _, false) => "DeleteBucket",
        ("HEAD", _, false) => "HeadBucket",
        ("GET", _, false) if has("list-type") => "ListObjectsV2",
        ("GET", _, false) if has("location") => "GetBucketLocation",
        ("GET", _, false) => "ListObjects",
        ("POST", _, false) if has("delete") => "DeleteObjects",
        ("PUT", _, true) if has("partNumber") => "UploadPart",
        ("PUT", _, true) => "PutObject",
        ("GET", _, true) => "GetObject",
        ("HEAD", _, true) => "HeadObject",
        ("DELETE", _, true) if has("uploadId") => "AbortMultipartUpload",
        ("DELETE", _, true) => "DeleteObject",
        ("POST", _, true) if has("uploads") => "CreateMultipartUpload",
        ("POST", _, true) if has("uploadId") => "CompleteMultipartUpload",
        _ => "Other",
    }
}

fn into_response(reply: Reply) -> Response<Body> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = full_response(status, reply.body);
    for (name, value) in reply.headers {
        if let Ok(value) = http::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn full_response(status: StatusCode, body: Bytes) -> Response<Body> {
    let mut response = Response::new(Full::new(body).map_err(|never| match never {}).boxed());
    *response.status_mut() = status;
    response
}
