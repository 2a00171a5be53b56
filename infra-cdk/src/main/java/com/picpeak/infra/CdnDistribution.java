package com.picpeak.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CacheCookieBehavior;
import software.amazon.awscdk.services.cloudfront.CacheHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CacheQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.CachedMethods;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.OriginProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestCookieBehavior;
import software.amazon.awscdk.services.cloudfront.OriginRequestHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.HttpOrigin;
import software.constructs.Construct;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudFront in front of the HTTP API, so a second guest of a gallery costs no Lambda invocation for images:
 * <ul>
 *   <li>{@code /assets/*}: kept a year by URL, the pages link them as {@code /assets/<name>?v=<hash of the assets>},
 *       so a build with changed assets gives new URLs;</li>
 *   <li>{@code /api/gallery/*&#47;photos/*&#47;r/*} (the rendition tiers): kept by URL with its query (the signed,
 *       window-long {@code sig} of basic and standard galleries) for as long as the origin's
 *       {@code Cache-Control: public, max-age} says; responses that are {@code private} or {@code no-store}
 *       (enhanced, maximum, a session's fallback) are never kept. The guest's session cookie goes to the origin but
 *       is not part of the cache key: what the origin marks public does not depend on it;</li>
 *   <li>everything else (JSON, pages, downloads, admin, uploads): passed through uncached, with every cookie,
 *       header (but Host) and query, and CloudFront's headers.</li>
 * </ul>
 * Every origin request carries the origin secret ({@link #ORIGIN_SECRET_HEADER}) and the viewer's address
 * ({@link #VIEWER_ADDRESS}): the API counts guests by that address only with the secret.
 */
final class CdnDistribution extends Construct {
    /** The route of the rendition tiers, as CloudFront's path pattern. */
    static final String TIER_PATH = "/api/gallery/*/photos/*/r/*";
    static final String ASSETS_PATH = "/assets/*";
    /** The guest's session cookie (GuestController.SESSION_COOKIE): enhanced tiers need it at the origin. */
    static final String SESSION_COOKIE = "picpeak_session";
    /** The longest a signed tier is kept, matching the origin's bound (GuestController.MAX_SHARED_AGE). */
    static final Duration MAX_TIER_AGE = Duration.days(1);
    /** TrustedProxies.ORIGIN_SECRET_HEADER: added to every origin request, so the API knows it came through here. */
    static final String ORIGIN_SECRET_HEADER = "X-PicPeak-Origin-Secret";
    /** The viewer's address as CloudFront saw it: the client the API counts (rate limits, wrong passwords). */
    static final String VIEWER_ADDRESS = "CloudFront-Viewer-Address";

    private final Distribution distribution;

    /** @param originSecret the secret's value (a dynamic reference CloudFormation resolves at deploy) */
    CdnDistribution(Construct scope, String id, HttpApi api, String originSecret) {
        super(scope, id);
        // https://<api-id>.execute-api.<region>.amazonaws.com -> the host name
        String apiDomain = Fn.select(2, Fn.split("/", api.getApiEndpoint()));
        HttpOrigin origin = HttpOrigin.Builder.create(apiDomain)
                .protocolPolicy(OriginProtocolPolicy.HTTPS_ONLY)
                .customHeaders(Map.of(ORIGIN_SECRET_HEADER, originSecret))
                .readTimeout(Duration.seconds(30))
                .build();

        CachePolicy assets = CachePolicy.Builder.create(this, "AssetsCachePolicy")
                .comment("PicPeak /assets/*: versioned by ?v=<hash>, kept a year")
                .queryStringBehavior(CacheQueryStringBehavior.allowList("v"))
                .cookieBehavior(CacheCookieBehavior.none())
                .headerBehavior(CacheHeaderBehavior.none())
                .minTtl(Duration.days(365)).defaultTtl(Duration.days(365)).maxTtl(Duration.days(365))
                .enableAcceptEncodingGzip(true).enableAcceptEncodingBrotli(true)
                .build();
        CachePolicy tiers = CachePolicy.Builder.create(this, "TierCachePolicy")
                .comment("PicPeak rendition tiers: by URL and query (the signed sig), as long as the origin says")
                .queryStringBehavior(CacheQueryStringBehavior.all())
                .cookieBehavior(CacheCookieBehavior.none())
                // API clients sign in with Authorization: Bearer (the cookie's alternative); CloudFront forwards it
                // only as part of the key. Signed URLs carry none, so guests still share those entries.
                .headerBehavior(CacheHeaderBehavior.allowList("Authorization"))
                // min 0: private / no-store answers are not kept; default 0: an answer without max-age is not kept
                .minTtl(Duration.seconds(0)).defaultTtl(Duration.seconds(0)).maxTtl(MAX_TIER_AGE)
                .build();
        OriginRequestPolicy tierRequests = OriginRequestPolicy.Builder.create(this, "TierOriginRequestPolicy")
                .comment("PicPeak rendition tiers: the session cookie (enhanced) and the viewer's address to the origin")
                .cookieBehavior(OriginRequestCookieBehavior.allowList(SESSION_COOKIE))
                .headerBehavior(OriginRequestHeaderBehavior.allowList(VIEWER_ADDRESS))
                .queryStringBehavior(OriginRequestQueryStringBehavior.none()) // the cache key's query goes anyway
                .build();

        BehaviorOptions passThrough = BehaviorOptions.builder()
                .origin(origin)
                .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                .allowedMethods(AllowedMethods.ALLOW_ALL)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                // AWS's managed policy: every viewer header but Host (API Gateway routes by it), every cookie and query,
                // and every CloudFront header, CloudFront-Viewer-Address among them (a policy of our own could send
                // neither Authorization nor a CloudFront header beside every viewer header without Host)
                .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
                .compress(true)
                .build();
        this.distribution = Distribution.Builder.create(this, "Distribution")
                .comment("PicPeak: CDN in front of the HTTP API")
                .defaultBehavior(passThrough)
                .additionalBehaviors(inOrder(
                        ASSETS_PATH, BehaviorOptions.builder()
                                .origin(origin)
                                .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                                .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                                .cachePolicy(assets)
                                .compress(true)
                                .build(),
                        TIER_PATH, BehaviorOptions.builder()
                                .origin(origin)
                                .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                                .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                                .cachePolicy(tiers)
                                .originRequestPolicy(tierRequests)
                                .compress(false) // JPEG
                                .build()))
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .priceClass(PriceClass.PRICE_CLASS_100)
                .build();

        CfnOutput.Builder.create(scope, "CdnUrl")
                .description("the guests' and admin's URL: CloudFront in front of the API (ApiUrl stays reachable)")
                .value("https://" + distribution.getDistributionDomainName()).build();
        CfnOutput.Builder.create(scope, "CdnDistributionId")
                .description("for an invalidation: aws cloudfront create-invalidation --distribution-id <this> --paths '/*'")
                .value(distribution.getDistributionId()).build();
    }

    /**
     * The behaviours in a fixed order: {@code Map.of} iterates in an order salted per JVM, which made the
     * synthesized template (and CloudFront's precedence list) differ from run to run.
     */
    private static Map<String, BehaviorOptions> inOrder(String firstPath, BehaviorOptions first, String secondPath,
                                                        BehaviorOptions second) {
        Map<String, BehaviorOptions> behaviors = new LinkedHashMap<>();
        behaviors.put(firstPath, first);
        behaviors.put(secondPath, second);
        return behaviors;
    }
}
