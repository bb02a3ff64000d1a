fn build_request() -> Request {
    RequestBuilder::new("https://example.org")
        .method(Method::Post)
        .header("Accept", "text/plain")
        .header("X-Trace", "1")
        .body("payload")
        .build()
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Method {
    #[default]
    Get,
    Post,
}

#[derive(Debug)]
struct Request {
    url: String,
    method: Method,
    headers: Vec<(String, String)>,
    body: Option<String>,
    timeout: u32,
}

#[derive(Default)]
struct RequestBuilder {
    url: String,
    method: Method,
    headers: Vec<(String, String)>,
    body: Option<String>,
    timeout: Option<u32>,
}

impl RequestBuilder {
    fn new(url: &str) -> Self {
        RequestBuilder { url: url.to_string(), ..Default::default() }
    }
    fn method(mut self, m: Method) -> Self {
        self.method = m;
        self
    }
    fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
    fn body(mut self, b: &str) -> Self {
        self.body = Some(b.into());
        self
    }
    fn build(self) -> Request {
        Request {
            url: self.url,
            method: self.method,
            headers: self.headers,
            body: self.body,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
        }
    }
}

const DEFAULT_TIMEOUT: u32 = 30;

fn main() {
    let r = build_request();
    println!("{:?} {} {} headers, body {:?}, timeout {}", r.method, r.url, r.headers.len(), r.body, r.timeout);
    let plain = RequestBuilder::new("http://localhost").build();
    println!("{:?}", plain);
}
