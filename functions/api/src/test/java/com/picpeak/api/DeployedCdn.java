package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stack's CloudFront distribution in front of {@link DeployedShape}, read from the committed template: the
 * cache behaviours in order (path patterns with CloudFront's {@code *} and {@code ?}), each one's cache policy
 * (the cache key: query strings, headers and cookies; the TTLs) and origin request policy (what else reaches the
 * origin). A viewer request is looked up by its cache key; a miss, or a method CloudFront does not cache, goes to
 * the origin with only what the policies forward, and a cacheable answer is kept for the TTL CloudFront computes:
 * the origin's {@code s-maxage} or {@code max-age} (or the policy's default without one) within the policy's
 * minimum and maximum; {@code no-store}, {@code no-cache} and {@code private} keep nothing while the minimum is 0.
 * Time is the harness's own ({@link #advance}). Every origin request carries the origin's custom headers (a
 * viewer's header of the same name is replaced, as CloudFront does; the stack's generated secret is the harness's
 * {@link ServerlessTestRuntime#CDN_ORIGIN_SECRET}), and {@code CloudFront-Viewer-Address} (the viewer's address
 * and port, CloudFront's own, never the viewer's) where the behaviour's origin request policy names it.
 */
final class DeployedCdn {
    /** AWS managed policies the template names by id (CloudFront Developer Guide, "Use managed cache policies"). */
    private static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    private static final String ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age=(\\d+)");
    private static final Pattern S_MAXAGE = Pattern.compile("s-maxage=(\\d+)");

    /** What a cache or origin request policy names: none, all, or these (lower case). */
    private record Names(String behavior, List<String> names) {
        boolean includes(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return switch (behavior) {
                case "all", "allViewer", "allViewerAndWhitelistCloudFront" -> true;
                case "allExcept", "allExceptHostAndCloudFront" -> !names.contains(lower);
                case "whitelist" -> names.contains(lower);
                default -> false;
            };
        }

        /** A header CloudFront adds (CloudFront-*): only a policy that lists it by name sends it. */
        boolean namesCloudFrontHeader(String name) {
            return behavior.equals("allExceptHostAndCloudFront")
                    || (behavior.equals("whitelist") || behavior.equals("allViewerAndWhitelistCloudFront"))
                    && names.contains(name.toLowerCase(Locale.ROOT));
        }
    }

    private record CachePolicy(long minTtl, long defaultTtl, long maxTtl, Names queryStrings, Names headers,
                               Names cookies) {
        boolean caches() {
            return maxTtl > 0;
        }
    }

    private record OriginPolicy(Names queryStrings, Names headers, Names cookies) {
    }

    private record Behavior(Pattern path, List<String> cachedMethods, CachePolicy cache, OriginPolicy origin) {
    }

    private record Kept(long expiresAtSecond, DeployedShape.HttpAnswer answer) {
    }

    /** The viewer the requests come from unless one is named: CloudFront-Viewer-Address is ip:port. */
    static final String DEFAULT_VIEWER = "192.0.2.44:50123";

    private final DeployedShape origin;
    private final Map<String, String> originCustomHeaders = new LinkedHashMap<>();
    private final List<Behavior> behaviors = new ArrayList<>();
    private final Map<String, Kept> kept = new HashMap<>();
    private long nowSecond;
    private int originRequests;

    DeployedCdn(DeployedShape origin, JsonNode template) {
        this.origin = origin;
        JsonNode resources = template.get("Resources");
        JsonNode distribution = null;
        for (JsonNode resource : resources) {
            if (resource.path("Type").asText().equals("AWS::CloudFront::Distribution")) {
                distribution = resource.get("Properties").get("DistributionConfig");
            }
        }
        if (distribution == null) {
            throw new IllegalStateException("the template has no CloudFront distribution");
        }
        for (JsonNode behavior : distribution.path("CacheBehaviors")) {
            behaviors.add(behavior(resources, behavior, behavior.get("PathPattern").asText()));
        }
        behaviors.add(behavior(resources, distribution.get("DefaultCacheBehavior"), "*"));
        for (JsonNode header : distribution.path("Origins").get(0).path("OriginCustomHeaders")) {
            originCustomHeaders.put(header.get("HeaderName").asText(), customHeaderValue(resources, header.get("HeaderValue")));
        }
    }

    /** A custom header's value: text, or a dynamic reference to a secret of the stack (the harness's value). */
    private static String customHeaderValue(JsonNode resources, JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        String text = value.toString();
        boolean secretOfTheStack = text.contains("{{resolve:secretsmanager:") && resources.properties().stream()
                .anyMatch(e -> e.getValue().path("Type").asText().equals("AWS::SecretsManager::Secret")
                        && text.contains("{\"Ref\":\"" + e.getKey() + "\"}"));
        if (!secretOfTheStack) {
            throw new IllegalStateException("an origin header value the harness does not resolve: " + text);
        }
        return ServerlessTestRuntime.CDN_ORIGIN_SECRET;
    }

    /** Moves the CDN's clock on: what it keeps expires as CloudFront's would. */
    void advance(Duration duration) {
        nowSecond += duration.getSeconds();
    }

    /** How many requests reached the origin (API Gateway, a Lambda invocation each). */
    int originRequests() {
        return originRequests;
    }

    /** One viewer request through the distribution, from {@link #DEFAULT_VIEWER}. */
    DeployedShape.HttpAnswer request(String method, String url, Map<String, String> viewerHeaders) throws Exception {
        return request(method, url, viewerHeaders, null, DEFAULT_VIEWER);
    }

    /** One viewer request with a body, from {@code viewer} (ip:port, what CloudFront-Viewer-Address says). */
    DeployedShape.HttpAnswer request(String method, String url, Map<String, String> viewerHeaders, byte[] body,
                                     String viewer) throws Exception {
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        Map<String, String> query = query(url);
        Behavior behavior = behaviors.stream().filter(b -> b.path().matcher(path).matches()).findFirst().orElseThrow();
        CachePolicy cache = behavior.cache();
        boolean cacheable = cache.caches() && behavior.cachedMethods().contains(method);
        String key = cacheKey(method, path, query, viewerHeaders, cache);
        Kept hit = cacheable ? kept.get(key) : null;
        if (hit != null && hit.expiresAtSecond() > nowSecond) {
            return hit.answer();
        }
        // to the origin: what the cache key holds, and what the origin request policy adds
        Map<String, String> forwardedQuery = new TreeMap<>();
        query.forEach((name, value) -> {
            if (cache.queryStrings().includes(name) || behavior.origin().queryStrings().includes(name)) {
                forwardedQuery.put(name, value);
            }
        });
        Map<String, String> forwardedHeaders = new LinkedHashMap<>();
        viewerHeaders.forEach((name, value) -> {
            boolean cookie = name.equalsIgnoreCase("cookie");
            if (cookie) {
                String cookies = forwardedCookies(value, cache, behavior.origin());
                if (!cookies.isEmpty()) {
                    forwardedHeaders.put(name, cookies);
                }
            } else if (!name.equalsIgnoreCase("host") && !name.toLowerCase(Locale.ROOT).startsWith("cloudfront-")
                    && (cache.headers().includes(name) || behavior.origin().headers().includes(name))) {
                forwardedHeaders.put(name, value);
            }
        });
        if (behavior.origin().headers().namesCloudFrontHeader("CloudFront-Viewer-Address")) {
            forwardedHeaders.put("CloudFront-Viewer-Address", viewer);
        }
        originCustomHeaders.forEach((name, value) -> {
            forwardedHeaders.keySet().removeIf(n -> n.equalsIgnoreCase(name));
            forwardedHeaders.put(name, value);
        });
        String originUrl = path + (forwardedQuery.isEmpty() ? "" : "?" + String.join("&", forwardedQuery.entrySet().stream()
                .map(e -> e.getValue() == null ? e.getKey() : e.getKey() + "=" + e.getValue()).toList()));
        originRequests++;
        DeployedShape.HttpAnswer answer = origin.http(method, originUrl, forwardedHeaders, body);
        long ttl = ttl(cache, answer);
        if (cacheable && ttl > 0 && (answer.status() == 200 || answer.status() == 404)) {
            kept.put(key, new Kept(nowSecond + ttl, answer));
        }
        return answer;
    }

    /** The seconds CloudFront keeps an answer under {@code policy} (0: not at all). */
    private static long ttl(CachePolicy policy, DeployedShape.HttpAnswer answer) {
        String control = answer.header("Cache-Control");
        if (control == null) {
            return policy.defaultTtl();
        }
        String lower = control.toLowerCase(Locale.ROOT);
        if (policy.minTtl() == 0 && (lower.contains("no-store") || lower.contains("no-cache") || lower.contains("private"))) {
            return 0;
        }
        Matcher shared = S_MAXAGE.matcher(lower);
        Matcher own = MAX_AGE.matcher(lower);
        long origin = shared.find() ? Long.parseLong(shared.group(1)) : own.find() ? Long.parseLong(own.group(1))
                : policy.defaultTtl();
        return Math.max(policy.minTtl(), Math.min(policy.maxTtl(), origin));
    }

    private static String cacheKey(String method, String path, Map<String, String> query, Map<String, String> headers,
                                   CachePolicy policy) {
        StringBuilder key = new StringBuilder(method.equals("HEAD") ? "GET" : method).append(' ').append(path);
        new TreeMap<>(query).forEach((name, value) -> {
            if (policy.queryStrings().includes(name)) {
                key.append('&').append(name).append('=').append(value);
            }
        });
        new TreeMap<>(headers).forEach((name, value) -> {
            if (!name.equalsIgnoreCase("cookie") && policy.headers().includes(name)) {
                key.append('|').append(name.toLowerCase(Locale.ROOT)).append('=').append(value);
            }
        });
        return key.toString();
    }

    private static String forwardedCookies(String header, CachePolicy cache, OriginPolicy origin) {
        List<String> kept = new ArrayList<>();
        for (String cookie : header.split(";")) {
            String name = cookie.trim().split("=", 2)[0];
            if (cache.cookies().includes(name) || origin.cookies().includes(name)) {
                kept.add(cookie.trim());
            }
        }
        return String.join("; ", kept);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> query = new LinkedHashMap<>();
        if (url.contains("?")) {
            for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
                if (!pair.isEmpty()) {
                    String[] parts = pair.split("=", 2);
                    query.put(parts[0], parts.length > 1 ? parts[1] : null);
                }
            }
        }
        return query;
    }

    private static Behavior behavior(JsonNode resources, JsonNode behavior, String pathPattern) {
        List<String> cached = new ArrayList<>();
        behavior.path("CachedMethods").forEach(m -> cached.add(m.asText()));
        if (cached.isEmpty()) {
            cached.addAll(List.of("GET", "HEAD")); // CloudFront's default
        }
        // CloudFront's path patterns have IAM's wildcards: * any characters, ? one
        return new Behavior(IamPolicy.wildcard(pathPattern), cached, cachePolicy(resources, behavior.get("CachePolicyId")),
                originPolicy(resources, behavior.get("OriginRequestPolicyId")));
    }

    private static CachePolicy cachePolicy(JsonNode resources, JsonNode id) {
        if (id.isTextual()) {
            if (!id.asText().equals(CACHING_DISABLED)) {
                throw new IllegalStateException("a managed cache policy the harness does not know: " + id);
            }
            Names none = new Names("none", List.of());
            return new CachePolicy(0, 0, 0, none, none, none);
        }
        JsonNode config = resources.get(id.get("Ref").asText()).get("Properties").get("CachePolicyConfig");
        JsonNode parameters = config.get("ParametersInCacheKeyAndForwardedToOrigin");
        return new CachePolicy(config.path("MinTTL").asLong(), config.path("DefaultTTL").asLong(86400),
                config.path("MaxTTL").asLong(31536000), names(parameters.get("QueryStringsConfig"), "QueryString", "QueryStrings"),
                names(parameters.get("HeadersConfig"), "Header", "Headers"),
                names(parameters.get("CookiesConfig"), "Cookie", "Cookies"));
    }

    private static OriginPolicy originPolicy(JsonNode resources, JsonNode id) {
        if (id == null || id.isMissingNode()) {
            Names none = new Names("none", List.of());
            return new OriginPolicy(none, none, none);
        }
        if (id.isTextual()) {
            if (!id.asText().equals(ALL_VIEWER_EXCEPT_HOST_HEADER)) {
                throw new IllegalStateException("a managed origin request policy the harness does not know: " + id);
            }
            // AWS's description: every viewer header but Host, every cookie and query, and every CloudFront header
            Names all = new Names("all", List.of());
            return new OriginPolicy(all, new Names("allExceptHostAndCloudFront", List.of("host")), all);
        }
        JsonNode config = resources.get(id.get("Ref").asText()).get("Properties").get("OriginRequestPolicyConfig");
        return new OriginPolicy(names(config.get("QueryStringsConfig"), "QueryString", "QueryStrings"),
                names(config.get("HeadersConfig"), "Header", "Headers"),
                names(config.get("CookiesConfig"), "Cookie", "Cookies"));
    }

    /** A policy's config such as {"QueryStringBehavior":"whitelist","QueryStrings":["v"]}. */
    private static Names names(JsonNode config, String kind, String listField) {
        List<String> names = new ArrayList<>();
        config.path(listField).forEach(n -> names.add(n.asText().toLowerCase(Locale.ROOT)));
        return new Names(config.path(kind + "Behavior").asText("none"), names);
    }
}
