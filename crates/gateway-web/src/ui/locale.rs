//! Which language a page is shown in: `?lang=` first (remembered in a cookie), then
//! that cookie, then the browser's Accept-Language, then the area's default —
//! Chinese for the storefront (its shoppers are in mainland China), English for the
//! merchant portal, the operator console and the events pages (US merchants,
//! platform staff, US businesses registering).

use super::cookies;
use super::i18n::Locale;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;

/// The first path segments of pages whose default language is English. Every other
/// page is the storefront's, Chinese by default.
pub const ENGLISH_AREAS: [&str; 3] = ["merchant", "operator", "events"];

/// The default language of the page at `path`.
pub fn area_default(path: &str) -> Locale {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if ENGLISH_AREAS.contains(&first) { Locale::En } else { Locale::ZhCn }
}

/// The `lang` query parameter, when it names a language Gateway has.
pub fn from_query(query: Option<&str>) -> Option<Locale> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Locale::parse(v))
}

/// The best language of an Accept-Language header that Gateway has, by q-value (the
/// first listed wins a tie).
pub fn from_accept_language(headers: &HeaderMap) -> Option<Locale> {
    let header = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(Locale, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .next()
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        if let Some(locale) = Locale::parse(tag)
            && best.is_none_or(|(_, best_q)| q > best_q)
        {
            best = Some((locale, q));
        }
    }
    best.map(|(locale, _)| locale)
}

/// The page's language, and whether `?lang=` chose it (then the cookie is set).
pub fn resolve(path: &str, query: Option<&str>, headers: &HeaderMap) -> (Locale, bool) {
    if let Some(locale) = from_query(query) {
        return (locale, true);
    }
    let chosen = cookies::get(headers, cookies::LANG).and_then(Locale::parse);
    (chosen.or_else(|| from_accept_language(headers)).unwrap_or_else(|| area_default(path)), false)
}

/// `path_and_query` with its `lang` parameter set to `locale` (the language switch).
pub fn with_lang(path: &str, query: Option<&str>, locale: Locale) -> String {
    let mut params: Vec<&str> =
        query.unwrap_or("").split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=") && *p != "lang").collect();
    let lang = format!("lang={}", locale.tag());
    params.push(&lang);
    format!("{path}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use axum::http::header::COOKIE;

    fn headers(pairs: &[(axum::http::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name.clone(), HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn query_then_cookie_then_accept_language_then_area() {
        let none = HeaderMap::new();
        assert_eq!(resolve("/", None, &none), (Locale::ZhCn, false));
        assert_eq!(resolve("/merchant/products", None, &none), (Locale::En, false));
        assert_eq!(resolve("/operator", None, &none), (Locale::En, false));
        assert_eq!(resolve("/merchants/x", None, &none), (Locale::ZhCn, false), "a shop's public page");
        let browser = headers(&[(ACCEPT_LANGUAGE, "en-US,en;q=0.9,zh-CN;q=0.8")]);
        assert_eq!(resolve("/", None, &browser), (Locale::En, false));
        let cookie = headers(&[(ACCEPT_LANGUAGE, "en-US"), (COOKIE, "lang=zh-CN")]);
        assert_eq!(resolve("/", None, &cookie), (Locale::ZhCn, false));
        assert_eq!(resolve("/", Some("q=honey&lang=en"), &cookie), (Locale::En, true));
        assert_eq!(resolve("/", Some("lang=fr"), &cookie), (Locale::ZhCn, false));
    }

    #[test]
    fn accept_language_weights() {
        let h = headers(&[(ACCEPT_LANGUAGE, "fr-FR, en;q=0.5, zh-TW;q=0.7")]);
        assert_eq!(from_accept_language(&h), Some(Locale::ZhCn));
        let h = headers(&[(ACCEPT_LANGUAGE, "zh;q=0, en")]);
        assert_eq!(from_accept_language(&h), Some(Locale::En));
        assert_eq!(from_accept_language(&headers(&[(ACCEPT_LANGUAGE, "de")])), None);
    }

    #[test]
    fn switch_links_keep_the_query() {
        assert_eq!(with_lang("/", None, Locale::En), "/?lang=en");
        assert_eq!(
            with_lang("/search", Some("q=honey&lang=zh-CN&page=2"), Locale::En),
            "/search?q=honey&page=2&lang=en"
        );
    }
}
