//! The emulator driven by the real AWS SDK clients over HTTP (RPC v2 CBOR for
//! Translate, REST-XML for S3), and by boto3 for awsJson1_1.

use crate::support::{http_agent, http_get};
use aws_sdk_translate::config::Credentials;
use aws_sdk_translate::error::ProvideErrorMetadata;
use aws_sdk_translate::types::{
    Formality, InputDataConfig, JobStatus, OutputDataConfig, ParallelDataConfig, ParallelDataFormat,
    ParallelDataStatus, TerminologyData, TerminologyDataFormat, TranslationSettings,
};
use mdbook_translate::emulator::pseudo::{pseudo_translate, reverse_pseudo_translation};
use mdbook_translate::emulator::{Emulator, EmulatorConfig};
use std::time::Duration;

fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start("127.0.0.1:0".parse().expect("address"), config).expect("start the emulator")
}

/// The SDK configuration a test client uses: the emulator's URL, fixed
/// credentials, rustls with ring, and the given retry policy.
async fn sdk_config(emulator: &Emulator, retry: aws_config::retry::RetryConfig) -> aws_config::SdkConfig {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(emulator.url())
        .region("us-east-1")
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"))
        .http_client(http_client)
        .retry_config(retry)
        .load()
        .await
}

async fn translate_client(emulator: &Emulator) -> aws_sdk_translate::Client {
    aws_sdk_translate::Client::new(&sdk_config(emulator, aws_config::retry::RetryConfig::disabled()).await)
}

async fn s3_client(emulator: &Emulator) -> aws_sdk_s3::Client {
    let config = sdk_config(emulator, aws_config::retry::RetryConfig::disabled()).await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    )
}

/// TranslateText from English into `target`: the translated text.
async fn translate_text(client: &aws_sdk_translate::Client, text: &str, target: &str) -> String {
    let output = client
        .translate_text()
        .text(text)
        .source_language_code("en")
        .target_language_code(target)
        .send()
        .await
        .expect("TranslateText");
    output.translated_text().to_string()
}

#[tokio::test]
async fn translate_text_answers_the_reversible_pseudo_translation_and_bills_characters() {
    let emulator = start(EmulatorConfig::default());
    let client = translate_client(&emulator).await;
    let output = client
        .translate_text()
        .text("Hello world. It works!")
        .source_language_code("en")
        .target_language_code("zh")
        .settings(TranslationSettings::builder().formality(Formality::Formal).build())
        .send()
        .await
        .expect("TranslateText");
    let translated = output.translated_text();
    assert_eq!(translated, pseudo_translate("Hello world. It works!", "zh"));
    assert!(
        translated.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{translated}"
    );
    assert_eq!(reverse_pseudo_translation(translated, "zh"), "Hello world. It works!");
    assert_eq!(output.source_language_code(), "en");
    assert_eq!(output.target_language_code(), "zh");
    assert_eq!(
        output.applied_settings().and_then(|s| s.formality()),
        Some(&Formality::Formal)
    );

    let stats = emulator.stats();
    assert_eq!(stats.requests.get("TranslateText"), Some(&1));
    assert_eq!(stats.characters_billed["TranslateText"]["en-zh"], 22);
    assert_eq!(stats.characters_billed_total, 22);
}

#[tokio::test]
async fn html_markup_is_kept_and_translate_no_passes_through() {
    let emulator = start(EmulatorConfig::default());
    let client = translate_client(&emulator).await;
    let html = r#"<p id="u1">Run <b class="x">this</b> &amp; <span translate="no">cargo build</span> now.</p>"#;
    let translated = translate_text(&client, html, "es").await;
    assert_eq!(
        translated,
        format!(
            r#"<p id="u1">{} <b class="x">{}</b> &amp; <span translate="no">cargo build</span> {}</p>"#,
            pseudo_translate("Run", "es"),
            pseudo_translate("this", "es"),
            pseudo_translate("now.", "es"),
        )
    );
    // Text content, entities decoded: "Run this & cargo build now." is 27 characters.
    assert_eq!(emulator.stats().characters_billed["TranslateText"]["en-es"], 27);
}

#[tokio::test]
async fn terminology_entries_are_applied_exactly() {
    let emulator = start(EmulatorConfig::default());
    let client = translate_client(&emulator).await;
    let csv = "en,zh,ja\nmdBook,mdBook 书,mdBook 本\npreprocessor,预处理器,プリプロセッサ\n";
    let imported = client
        .import_terminology()
        .name("book-terms")
        .merge_strategy("OVERWRITE".into())
        .terminology_data(
            TerminologyData::builder()
                .file(aws_sdk_translate::primitives::Blob::new(csv.as_bytes()))
                .format(TerminologyDataFormat::Csv)
                .build()
                .expect("terminology data"),
        )
        .send()
        .await
        .expect("ImportTerminology");
    let properties = imported.terminology_properties().expect("properties");
    assert_eq!(properties.term_count(), Some(2));
    assert_eq!(properties.target_language_codes(), ["zh", "ja"]);
    assert!(properties.created_at().is_some());

    let output = client
        .translate_text()
        .text("The mdBook preprocessor runs.")
        .source_language_code("en")
        .target_language_code("zh")
        .terminology_names("book-terms")
        .send()
        .await
        .expect("TranslateText");
    let expected = format!(
        "{}mdBook 书 预处理器 {}",
        pseudo_translate("The ", "zh"),
        pseudo_translate("runs.", "zh")
    );
    assert_eq!(output.translated_text(), expected);
    let applied = output.applied_terminologies();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].name(), Some("book-terms"));
    assert_eq!(applied[0].terms().len(), 2);

    let got = client
        .get_terminology()
        .name("book-terms")
        .send()
        .await
        .expect("GetTerminology");
    assert_eq!(got.terminology_properties().and_then(|p| p.name()), Some("book-terms"));
    let listed = client.list_terminologies().send().await.expect("ListTerminologies");
    assert_eq!(listed.terminology_properties_list().len(), 1);
    client
        .delete_terminology()
        .name("book-terms")
        .send()
        .await
        .expect("DeleteTerminology");
    let error = client
        .get_terminology()
        .name("book-terms")
        .send()
        .await
        .expect_err("deleted");
    assert!(error.into_service_error().is_resource_not_found_exception());
}

#[tokio::test]
async fn translate_text_refuses_what_the_service_refuses() {
    let emulator = start(EmulatorConfig::default());
    let client = translate_client(&emulator).await;
    let too_long = "a".repeat(10_001);
    let error = client
        .translate_text()
        .text(too_long)
        .source_language_code("en")
        .target_language_code("zh")
        .send()
        .await
        .expect_err("over 10,000 bytes");
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(400));
    let error = error.into_service_error();
    assert!(error.is_text_size_limit_exceeded_exception(), "{error:?}");
    assert!(error.message().unwrap_or_default().contains("10000"), "{error:?}");

    // 10,000 bytes of three-byte characters is within the limit.
    let at_limit = "语".repeat(3_333);
    assert_eq!(translate_text(&client, &at_limit, "fr").await, at_limit);

    let error = client
        .translate_text()
        .text("Hello")
        .source_language_code("en")
        .target_language_code("zh")
        .terminology_names("missing")
        .send()
        .await
        .expect_err("no such terminology");
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(404));
    assert!(error.into_service_error().is_resource_not_found_exception());

    let error = client
        .translate_text()
        .text("Hello")
        .source_language_code("en")
        .target_language_code("xx")
        .send()
        .await
        .expect_err("unknown language");
    assert!(error.into_service_error().is_unsupported_language_pair_exception());

    let error = client
        .import_terminology()
        .name("bad name")
        .merge_strategy("OVERWRITE".into())
        .terminology_data(
            TerminologyData::builder()
                .file(aws_sdk_translate::primitives::Blob::new("en,zh\na,b\n"))
                .format(TerminologyDataFormat::Csv)
                .build()
                .expect("terminology data"),
        )
        .send()
        .await
        .expect_err("a name with a space");
    assert_eq!(error.code(), Some("ValidationException"));
}

#[tokio::test]
async fn a_requests_per_second_quota_throttles_with_429() {
    let emulator = start(EmulatorConfig {
        quota_rps: Some(2.0),
        ..EmulatorConfig::default()
    });
    let client = translate_client(&emulator).await;
    let mut n_throttled = 0;
    for _ in 0..6 {
        let result = client
            .translate_text()
            .text("Hi")
            .source_language_code("en")
            .target_language_code("de")
            .send()
            .await;
        if let Err(error) = result {
            assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(429));
            assert!(error.into_service_error().is_too_many_requests_exception());
            n_throttled += 1;
        }
    }
    assert!(n_throttled >= 3, "{n_throttled} of 6 throttled");
    let stats = emulator.stats();
    assert_eq!(stats.throttled_total, n_throttled);
    assert_eq!(stats.requests["TranslateText"], 6);
    // Throttled requests are not billed.
    assert_eq!(stats.characters_billed_total, 2 * (6 - n_throttled));
}

#[tokio::test]
async fn a_characters_per_second_quota_serves_a_large_request_eventually() {
    let emulator = start(EmulatorConfig {
        quota_cps: Some(100.0),
        ..EmulatorConfig::default()
    });
    let client = aws_sdk_translate::Client::new(
        &sdk_config(
            &emulator,
            aws_config::retry::RetryConfig::standard().with_max_attempts(10),
        )
        .await,
    );
    let large = "word ".repeat(60); // 300 characters, three seconds of quota
    translate_text(&client, &large, "fr").await;
    translate_text(&client, &large, "fr").await;
    let stats = emulator.stats();
    assert_eq!(stats.characters_billed["TranslateText"]["en-fr"], 600);
    assert!(stats.throttled_total >= 1, "{stats:?}");
}

#[tokio::test]
async fn injected_errors_and_mangled_tags() {
    let emulator = start(EmulatorConfig {
        error_rate: 1.0,
        ..EmulatorConfig::default()
    });
    let client = translate_client(&emulator).await;
    for _ in 0..4 {
        let error = client
            .translate_text()
            .text("Hi")
            .source_language_code("en")
            .target_language_code("de")
            .send()
            .await
            .expect_err("every request fails");
        let status = error.raw_response().map(|r| r.status().as_u16());
        let error = error.into_service_error();
        match status {
            Some(500) => assert!(error.is_internal_server_exception(), "{error:?}"),
            Some(503) => assert_eq!(error.code(), Some("ServiceUnavailableException")),
            other => panic!("status {other:?}"),
        }
    }
    assert_eq!(emulator.stats().errors_injected_total, 4);

    emulator.set_config(EmulatorConfig {
        mangle_rate: 1.0,
        ..EmulatorConfig::default()
    });
    let html = "<p>One <b>two</b> <i>three</i></p>";
    for _ in 0..4 {
        let translated = translate_text(&client, html, "de").await;
        let tags = |s: &str| s.matches('<').count();
        let order = |s: &str| {
            s.match_indices('<')
                .map(|(i, _)| s[i..].split('>').next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        };
        assert!(
            tags(&translated) != 6 || order(&translated) != order(html),
            "not mangled: {translated}"
        );
    }
}

#[tokio::test]
async fn latency_is_added_and_concurrent_requests_are_counted() {
    let emulator = start(EmulatorConfig {
        latency: Duration::from_millis(300),
        ..EmulatorConfig::default()
    });
    let client = translate_client(&emulator).await;
    let started = std::time::Instant::now();
    let requests = (0..4).map(|_| {
        let client = client.clone();
        async move { translate_text(&client, "Hello", "fr").await }
    });
    let answers = futures_join_all(requests).await;
    assert_eq!(answers.len(), 4);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "requests were not concurrent"
    );
    assert_eq!(emulator.stats().peak_in_flight, 4);
    emulator.reset_stats();
    assert_eq!(emulator.stats().requests_total, 0);
}

/// Runs futures concurrently on the test's runtime.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.expect("task"));
    }
    outputs
}

#[tokio::test]
async fn stats_are_served_as_json() {
    let emulator = start(EmulatorConfig::default());
    let port = emulator.addr().port();
    let (status, body) = http_get(port, "/_emulator/stats").expect("stats");
    assert_eq!(status, 200);
    let stats: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    for key in [
        "requests_total",
        "characters_billed_total",
        "throttled_total",
        "peak_in_flight",
    ] {
        assert_eq!(stats[key], 0, "{key} in {body}");
    }
    let client = translate_client(&emulator).await;
    translate_text(&client, "Hello", "ko").await;
    let (_, body) = http_get(port, "/_emulator/stats").expect("stats");
    let stats: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(stats["requests"]["TranslateText"], 1);
    assert_eq!(stats["characters_billed"]["TranslateText"]["en-ko"], 5);
}

#[test]
fn only_loopback_addresses_are_served() {
    let error = Emulator::start("0.0.0.0:0".parse().expect("address"), EmulatorConfig::default())
        .err()
        .expect("refused");
    assert!(error.to_string().contains("loopback"), "{error}");
}

/// POSTs an awsJson1_1 request as boto3 would: the status, the error-type header and the body.
fn post_json(port: u16, operation: &str, body: &str) -> (u16, Option<String>, serde_json::Value) {
    let mut response = http_agent(Duration::from_secs(30))
        .post(&format!("http://127.0.0.1:{port}/"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", format!("AWSShineFrontendService_20170701.{operation}"))
        .send(body)
        .expect("an answer");
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .map(|value| value.to_str().expect("an ASCII header").to_string());
    let body = response.body_mut().read_to_string().expect("a body");
    (
        response.status().as_u16(),
        error_type,
        serde_json::from_str(&body).expect("JSON body"),
    )
}

#[test]
fn aws_json_1_1_requests_get_json_answers_and_typed_errors() {
    let emulator = start(EmulatorConfig::default());
    let port = emulator.addr().port();
    let (status, _, body) = post_json(
        port,
        "TranslateText",
        r#"{"Text":"Hello","SourceLanguageCode":"en","TargetLanguageCode":"ja"}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(body["TranslatedText"], pseudo_translate("Hello", "ja"));
    let (status, error_type, body) = post_json(port, "GetTerminology", r#"{"Name":"absent"}"#);
    assert_eq!(
        (status, error_type.as_deref()),
        (404, Some("ResourceNotFoundException"))
    );
    assert_eq!(body["__type"], "ResourceNotFoundException");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("absent")), "{body}");
}

const ROLE: &str = "arn:aws:iam::123456789012:role/translate";

async fn put_object(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, body: &str) {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from(body.as_bytes().to_vec()))
        .send()
        .await
        .expect("PutObject");
}

async fn get_object(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> String {
    let object = s3.get_object().bucket(bucket).key(key).send().await.expect("GetObject");
    let bytes = object.body.collect().await.expect("object body").into_bytes();
    String::from_utf8(bytes.to_vec()).expect("UTF-8 object")
}

/// Creates parallel data from a CSV uploaded to `s3://bucket/pd/<name>.csv` and waits until it is ACTIVE.
async fn create_parallel_data(
    translate: &aws_sdk_translate::Client,
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    name: &str,
    csv: &str,
) {
    put_object(s3, bucket, &format!("pd/{name}.csv"), csv).await;
    let created = translate
        .create_parallel_data()
        .name(name)
        .parallel_data_config(
            ParallelDataConfig::builder()
                .s3_uri(format!("s3://{bucket}/pd/{name}.csv"))
                .format(ParallelDataFormat::Csv)
                .build(),
        )
        .send()
        .await
        .expect("CreateParallelData");
    assert_eq!(created.status(), Some(&ParallelDataStatus::Creating));
    assert_eq!(
        wait_for_parallel_data(translate, name).await,
        ParallelDataStatus::Active
    );
}

async fn wait_for_parallel_data(translate: &aws_sdk_translate::Client, name: &str) -> ParallelDataStatus {
    for _ in 0..100 {
        let got = translate
            .get_parallel_data()
            .name(name)
            .send()
            .await
            .expect("GetParallelData");
        let status = got
            .parallel_data_properties()
            .and_then(|p| p.status())
            .cloned()
            .expect("status");
        if !matches!(status, ParallelDataStatus::Creating | ParallelDataStatus::Updating) {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("parallel data {name} never left CREATING/UPDATING");
}

/// Starts a job over `s3://book/in/` into `s3://book/out/`.
async fn start_job(
    translate: &aws_sdk_translate::Client,
    targets: &[&str],
    parallel_data: Option<&str>,
) -> Result<
    String,
    aws_sdk_translate::error::SdkError<
        aws_sdk_translate::operation::start_text_translation_job::StartTextTranslationJobError,
    >,
> {
    let mut request = translate
        .start_text_translation_job()
        .job_name("chapter")
        .input_data_config(
            InputDataConfig::builder()
                .s3_uri("s3://book/in/")
                .content_type("text/html")
                .build()
                .expect("input"),
        )
        .output_data_config(
            OutputDataConfig::builder()
                .s3_uri("s3://book/out/")
                .build()
                .expect("output"),
        )
        .data_access_role_arn(ROLE)
        .source_language_code("en");
    for target in targets {
        request = request.target_language_codes(*target);
    }
    if let Some(name) = parallel_data {
        request = request.parallel_data_names(name);
    }
    Ok(request.send().await?.job_id().expect("job id").to_string())
}

/// Polls a job until it ends; every status seen, in order, without repeats.
async fn wait_for_job(translate: &aws_sdk_translate::Client, id: &str) -> Vec<JobStatus> {
    let mut seen: Vec<JobStatus> = Vec::new();
    for _ in 0..200 {
        let described = translate
            .describe_text_translation_job()
            .job_id(id)
            .send()
            .await
            .expect("Describe");
        let status = described
            .text_translation_job_properties()
            .and_then(|p| p.job_status())
            .cloned()
            .expect("status");
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if !matches!(
            status,
            JobStatus::Submitted | JobStatus::InProgress | JobStatus::StopRequested
        ) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} never ended: {seen:?}");
}

/// The job as DescribeTextTranslationJob and ListTextTranslationJobs show it: one document, translated.
async fn assert_described_job(translate: &aws_sdk_translate::Client, id: &str) {
    let described = translate
        .describe_text_translation_job()
        .job_id(id)
        .send()
        .await
        .expect("Describe");
    let job = described.text_translation_job_properties().expect("properties");
    let counts = job.job_details().expect("details");
    assert_eq!(
        (counts.input_documents_count(), counts.translated_documents_count()),
        (Some(1), Some(1))
    );
    assert_eq!(job.parallel_data_names(), ["pairs"]);
    assert!(job.submitted_time().is_some() && job.end_time().is_some());
    let listed = translate
        .list_text_translation_jobs()
        .send()
        .await
        .expect("ListTextTranslationJobs");
    assert_eq!(listed.text_translation_job_properties_list().len(), 1);
}

#[tokio::test]
async fn a_batch_job_returns_parallel_data_translations_and_pseudo_translates_the_rest() {
    let emulator = start(EmulatorConfig::default());
    let translate = translate_client(&emulator).await;
    let s3 = s3_client(&emulator).await;
    s3.create_bucket().bucket("book").send().await.expect("CreateBucket");
    create_parallel_data(
        &translate,
        &s3,
        "book",
        "pairs",
        "en,zh\nThe cat sat on the mat.,猫坐在垫子上。\n",
    )
    .await;
    let got = translate
        .get_parallel_data()
        .name("pairs")
        .send()
        .await
        .expect("GetParallelData");
    let properties = got.parallel_data_properties().expect("properties");
    assert_eq!(properties.imported_record_count(), Some(1));
    assert_eq!(properties.source_language_code(), Some("en"));
    assert_eq!(properties.target_language_codes(), ["zh"]);
    assert!(got.data_location().is_some());

    // Real-time translation never uses parallel data.
    assert_eq!(
        translate_text(&translate, "The cat sat on the mat.", "zh").await,
        pseudo_translate("The cat sat on the mat.", "zh")
    );

    let html = r#"<p id="u1">The cat sat on the mat.</p><p id="u2">A dog ran.</p>"#;
    put_object(&s3, "book", "in/chapter.html", html).await;
    let id = start_job(&translate, &["zh"], Some("pairs"))
        .await
        .expect("StartTextTranslationJob");
    let statuses = wait_for_job(&translate, &id).await;
    assert_eq!(statuses.last(), Some(&JobStatus::Completed), "{statuses:?}");
    assert!(
        statuses.contains(&JobStatus::InProgress) || statuses.contains(&JobStatus::Submitted),
        "{statuses:?}"
    );

    let folder = format!("out/123456789012-TranslateText-{id}");
    let translated = get_object(&s3, "book", &format!("{folder}/zh.chapter.html")).await;
    let expected = format!(
        r#"<p id="u1">猫坐在垫子上。</p><p id="u2">{}</p>"#,
        pseudo_translate("A dog ran.", "zh")
    );
    assert_eq!(translated, expected);
    let details = get_object(
        &s3,
        "book",
        &format!("{folder}/details/zh.auxiliary-translation-details.json"),
    )
    .await;
    let details: serde_json::Value = serde_json::from_str(&details).expect("details JSON");
    assert_eq!(details["details"][0]["targetFile"], "zh.chapter.html");

    assert_described_job(&translate, &id).await;

    let stats = emulator.stats();
    assert_eq!(stats.characters_billed["StartTextTranslationJob"]["en-zh"], 33);
    assert_eq!(stats.requests["s3:PutObject"], 2);
}

#[tokio::test]
async fn batch_jobs_are_refused_as_the_service_refuses_them() {
    let emulator = start(EmulatorConfig::default());
    let translate = translate_client(&emulator).await;
    let s3 = s3_client(&emulator).await;
    s3.create_bucket().bucket("book").send().await.expect("CreateBucket");
    create_parallel_data(&translate, &s3, "book", "zh-only", "en,zh\nHello.,你好。\n").await;
    put_object(&s3, "book", "in/a.html", "<p>Hello.</p>").await;

    let error = start_job(&translate, &["zh", "ja"], Some("zh-only"))
        .await
        .expect_err("ja is not covered");
    assert!(error.into_service_error().is_invalid_request_exception());
    let error = start_job(&translate, &["zh"], Some("absent"))
        .await
        .expect_err("no such parallel data");
    assert!(error.into_service_error().is_resource_not_found_exception());
    let error = translate
        .start_text_translation_job()
        .input_data_config(
            InputDataConfig::builder()
                .s3_uri("s3://book")
                .content_type("text/html")
                .build()
                .expect("input"),
        )
        .output_data_config(
            OutputDataConfig::builder()
                .s3_uri("s3://book/out/")
                .build()
                .expect("output"),
        )
        .data_access_role_arn(ROLE)
        .source_language_code("en")
        .target_language_codes("de")
        .send()
        .await
        .expect_err("the bucket root");
    assert!(error.into_service_error().is_invalid_request_exception());

    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(start_job(&translate, &["de"], None).await.expect("one of ten jobs"));
    }
    let error = start_job(&translate, &["de"], None)
        .await
        .expect_err("the eleventh job");
    assert_eq!(error.code(), Some("LimitExceededException"));
    let stopped = translate
        .stop_text_translation_job()
        .job_id(&ids[0])
        .send()
        .await
        .expect("Stop");
    assert_eq!(stopped.job_status(), Some(&JobStatus::StopRequested));
    assert_eq!(
        wait_for_job(&translate, &ids[0]).await.last(),
        Some(&JobStatus::Stopped)
    );
    for id in &ids[1..] {
        assert_eq!(wait_for_job(&translate, id).await.last(), Some(&JobStatus::Completed));
    }
}

/// `ParallelDataConfig` for the CSV `s3://book/pd/<key>`.
fn csv_config(key: &str) -> ParallelDataConfig {
    ParallelDataConfig::builder()
        .s3_uri(format!("s3://book/pd/{key}"))
        .format(ParallelDataFormat::Csv)
        .build()
}

#[tokio::test]
async fn parallel_data_updates_one_at_a_time_and_bad_files_fail() {
    let emulator = start(EmulatorConfig::default());
    let translate = translate_client(&emulator).await;
    let s3 = s3_client(&emulator).await;
    s3.create_bucket().bucket("book").send().await.expect("CreateBucket");
    create_parallel_data(&translate, &s3, "book", "pairs", "en,de\nOne.,Eins.\n").await;
    put_object(&s3, "book", "pd/broken.csv", "only-one-column\n").await;
    let updated = translate
        .update_parallel_data()
        .name("pairs")
        .parallel_data_config(csv_config("broken.csv"))
        .send()
        .await
        .expect("UpdateParallelData");
    assert_eq!(updated.status(), Some(&ParallelDataStatus::Updating));
    let error = translate
        .update_parallel_data()
        .name("pairs")
        .parallel_data_config(csv_config("pairs.csv"))
        .send()
        .await
        .expect_err("one update at a time");
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(409));
    assert!(error.into_service_error().is_concurrent_modification_exception());
    // The failed update leaves the old data active.
    assert_eq!(
        wait_for_parallel_data(&translate, "pairs").await,
        ParallelDataStatus::Active
    );
    let got = translate
        .get_parallel_data()
        .name("pairs")
        .send()
        .await
        .expect("GetParallelData");
    let properties = got.parallel_data_properties().expect("properties");
    assert_eq!(
        properties.latest_update_attempt_status(),
        Some(&ParallelDataStatus::Failed)
    );
    assert_eq!(properties.imported_record_count(), Some(1));

    put_object(&s3, "book", "pd/new.csv", "en,fr\nOne.,Un.\n").await;
    let created = translate
        .create_parallel_data()
        .name("broken")
        .parallel_data_config(csv_config("broken.csv"))
        .send()
        .await
        .expect("CreateParallelData");
    assert_eq!(created.status(), Some(&ParallelDataStatus::Creating));
    assert_eq!(
        wait_for_parallel_data(&translate, "broken").await,
        ParallelDataStatus::Failed
    );
    let error = translate
        .create_parallel_data()
        .name("pairs")
        .parallel_data_config(csv_config("new.csv"))
        .send()
        .await
        .expect_err("exists");
    assert!(error.into_service_error().is_conflict_exception());
    let listed = translate.list_parallel_data().send().await.expect("ListParallelData");
    assert_eq!(listed.parallel_data_properties_list().len(), 2);
    translate
        .delete_parallel_data()
        .name("broken")
        .send()
        .await
        .expect("DeleteParallelData");
    let error = translate
        .get_parallel_data()
        .name("broken")
        .send()
        .await
        .expect_err("deleted");
    assert!(error.into_service_error().is_resource_not_found_exception());
}

#[tokio::test]
async fn injected_job_failures_end_jobs_failed_or_with_errors() {
    let emulator = start(EmulatorConfig {
        job_failure_rate: 1.0,
        seed: 7,
        ..EmulatorConfig::default()
    });
    let translate = translate_client(&emulator).await;
    let s3 = s3_client(&emulator).await;
    s3.create_bucket().bucket("book").send().await.expect("CreateBucket");
    put_object(&s3, "book", "in/a.html", "<p>One.</p>").await;
    put_object(&s3, "book", "in/b.html", "<p>Two.</p>").await;
    let mut endings = std::collections::BTreeSet::new();
    for _ in 0..6 {
        let id = start_job(&translate, &["de"], None)
            .await
            .expect("StartTextTranslationJob");
        let last = wait_for_job(&translate, &id).await.last().cloned().expect("a status");
        assert!(
            matches!(last, JobStatus::Failed | JobStatus::CompletedWithError),
            "{last:?}"
        );
        endings.insert(last.as_str().to_string());
    }
    assert_eq!(endings.len(), 2, "both endings are drawn: {endings:?}");
}

#[test]
fn the_emulator_command_prints_its_url_and_serves_until_killed() {
    use std::io::BufRead;
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .args([
            "emulator",
            "--addr",
            "127.0.0.1:0",
            "--latency-ms",
            "1",
            "--throttle-rate",
            "0",
            "--data-dir",
        ])
        .arg(data.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the emulator command");
    let mut first_line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    std::io::BufReader::new(stdout)
        .read_line(&mut first_line)
        .expect("first line");
    let url = first_line.trim();
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .expect("a loopback URL");
    let stats = http_get(port, "/_emulator/stats");
    child.kill().expect("kill");
    child.wait().expect("wait");
    let (status, body) = stats.expect("stats answered");
    assert_eq!(status, 200);
    assert!(body.contains("\"requests_total\""), "{body}");
    assert!(data.path().join("s3").is_dir());
}

#[test]
fn the_emulator_command_refuses_other_addresses_without_allow_remote() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .args(["emulator", "--addr", "0.0.0.0:0"])
        .output()
        .expect("run the emulator command");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("loopback") && stderr.contains("--allow-remote"),
        "{stderr}"
    );
}

/// boto3 installed from PyPI into the build folder (`<target>/emulator-tools/boto3`),
/// or `None` with a note when python3 or pip cannot provide it. `.ci/run` sets
/// `MDBOOK_TRANSLATE_REQUIRE_PYTHON=1` so that CI never skips.
fn boto3_folder() -> Option<std::path::PathBuf> {
    let required = std::env::var_os("MDBOOK_TRANSLATE_REQUIRE_PYTHON").is_some();
    let unavailable = |why: String| {
        assert!(!required, "boto3 is required: {why}");
        eprintln!("note: {why}; skipping the boto3 test");
        None
    };
    let test_binary = std::env::current_exe().expect("the test binary's path");
    let target_dir = test_binary
        .ancestors()
        .nth(3)
        .expect("<target>/<profile>/deps/<binary>");
    let folder = target_dir.join("emulator-tools").join("boto3");
    if folder.join("boto3").join("__init__.py").exists() {
        return Some(folder);
    }
    let staging = target_dir
        .join("emulator-tools")
        .join(format!("boto3-{}", std::process::id()));
    let installed = std::process::Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--target",
        ])
        .arg(&staging)
        .arg("boto3")
        .output();
    match installed {
        Ok(output) if output.status.success() => {
            if std::fs::rename(&staging, &folder).is_err() {
                let _ = std::fs::remove_dir_all(&staging); // another test process won the race
            }
            Some(folder)
        }
        Ok(output) => unavailable(format!(
            "pip install boto3 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )),
        Err(error) => unavailable(format!("python3 cannot be run: {error}")),
    }
}

/// What the boto3 snippet does: TranslateText, terminology, an error, S3.
const BOTO3_SNIPPET: &str = r#"
import json, boto3, botocore.config
targets = []
translate = boto3.client("translate", config=botocore.config.Config(retries={"max_attempts": 1}))
def note_target(request, **_):
    target = request.headers.get("X-Amz-Target")
    targets.append(target.decode() if isinstance(target, bytes) else target)
translate.meta.events.register("before-send.translate.*", note_target)
s3 = boto3.client("s3", config=botocore.config.Config(s3={"addressing_style": "path"}))
out = {}
out["text"] = translate.translate_text(Text="<p>Hello <b>world</b></p>", SourceLanguageCode="en", TargetLanguageCode="zh")["TranslatedText"]
translate.import_terminology(Name="terms", MergeStrategy="OVERWRITE", TerminologyData={"File": b"en,de\nbook,Buch\n", "Format": "CSV"})
out["term_count"] = translate.list_terminologies()["TerminologyPropertiesList"][0]["TermCount"]
out["created_year"] = translate.get_terminology(Name="terms")["TerminologyProperties"]["CreatedAt"].year
try:
    translate.translate_text(Text="x" * 10001, SourceLanguageCode="en", TargetLanguageCode="de")
except translate.exceptions.TextSizeLimitExceededException as error:
    out["error"] = [error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]]
s3.create_bucket(Bucket="py-book")
s3.put_object(Bucket="py-book", Key="in/a.txt", Body=b"Hi.")
out["object"] = s3.get_object(Bucket="py-book", Key="in/a.txt")["Body"].read().decode()
out["targets"] = targets
print(json.dumps(out))
"#;

#[test]
fn boto3_speaks_aws_json_1_1_to_the_emulator() {
    let Some(boto3) = boto3_folder() else { return };
    let emulator = start(EmulatorConfig::default());
    let home = tempfile::tempdir().expect("temp dir");
    let output = std::process::Command::new("python3")
        .args(["-c", BOTO3_SNIPPET])
        .env("PYTHONPATH", &boto3)
        .env("AWS_ENDPOINT_URL", emulator.url())
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("credentials"))
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "boto3 failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out: serde_json::Value = serde_json::from_str(stdout.trim()).expect("the snippet's JSON");
    let expected_text = format!(
        "<p>{} <b>{}</b></p>",
        pseudo_translate("Hello", "zh"),
        pseudo_translate("world", "zh")
    );
    assert_eq!(out["text"], expected_text);
    assert_eq!(out["term_count"], 1);
    assert!(out["created_year"].as_i64().is_some_and(|year| year >= 2024), "{out}");
    assert_eq!(out["error"], serde_json::json!(["TextSizeLimitExceededException", 400]));
    assert_eq!(out["object"], "Hi.");
    let targets = out["targets"].as_array().expect("targets");
    assert!(!targets.is_empty());
    for target in targets {
        assert!(
            target
                .as_str()
                .is_some_and(|t| t.starts_with("AWSShineFrontendService_20170701.")),
            "{out}"
        );
    }
    assert_eq!(emulator.stats().requests["s3:PutObject"], 1);
}

#[tokio::test]
async fn translate_document_translates_html_and_plain_text_blobs() {
    let emulator = start(EmulatorConfig::default());
    let client = translate_client(&emulator).await;
    let document = |content: &str, content_type: &str| {
        aws_sdk_translate::types::Document::builder()
            .content(aws_sdk_translate::primitives::Blob::new(content.as_bytes()))
            .content_type(content_type)
            .build()
            .expect("document")
    };
    let html = r#"<html><body><h1 id="t">Title</h1><code translate="no">x = 1</code></body></html>"#;
    let output = client
        .translate_document()
        .document(document(html, "text/html"))
        .source_language_code("en")
        .target_language_code("ja")
        .send()
        .await
        .expect("TranslateDocument");
    let translated = String::from_utf8(
        output
            .translated_document()
            .expect("document")
            .content()
            .as_ref()
            .to_vec(),
    )
    .expect("UTF-8");
    let expected = format!(
        r#"<html><body><h1 id="t">{}</h1><code translate="no">x = 1</code></body></html>"#,
        pseudo_translate("Title", "ja")
    );
    assert_eq!(translated, expected);
    let output = client
        .translate_document()
        .document(document("a < b", "text/plain"))
        .source_language_code("en")
        .target_language_code("de")
        .send()
        .await
        .expect("TranslateDocument");
    assert_eq!(
        output.translated_document().expect("document").content().as_ref(),
        "á < ƀ".as_bytes()
    );
    assert_eq!(emulator.stats().characters_billed["TranslateDocument"]["en-ja"], 10);
}
