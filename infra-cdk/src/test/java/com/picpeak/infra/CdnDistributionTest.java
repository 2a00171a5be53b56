package com.picpeak.infra;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CloudFront distribution in the synthesized template: the HTTP API as its one origin, the three behaviours
 * (assets kept long by versioned URL, tiers kept by URL and query as the origin says, the rest passed through
 * uncached with cookies, headers, queries and CloudFront's headers), the origin secret on
 * every origin request, their cache and origin request policies, and the outputs.
 */
@Tag("cdk")
class CdnDistributionTest {
    /** AWS managed policies (their ids are fixed by AWS). */
    static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    static final String ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    static Synth synth;
    static JsonNode distribution;

    @BeforeAll
    static void synthesize() {
        synth = Synth.defaults();
        Map<String, JsonNode> distributions = synth.resourcesOfType("AWS::CloudFront::Distribution");
        assertThat(distributions).hasSize(1);
        distribution = distributions.values().iterator().next().path("Properties").path("DistributionConfig");
    }

    @Test
    void theOneOrigin_isTheHttpApi_overHttps() {
        JsonNode origins = distribution.path("Origins");
        assertThat(origins).hasSize(1);
        JsonNode origin = origins.get(0);
        String httpApiId = synth.resourcesOfType("AWS::ApiGatewayV2::Api").keySet().iterator().next();
        // the host name cut out of the API's endpoint https://<api id>.execute-api.<region>.<suffix>: its third part
        assertThat(origin.path("DomainName").path("Fn::Select").get(0).asInt()).isEqualTo(2);
        assertThat(origin.path("DomainName").toString()).contains("\"Fn::GetAtt\":[\"" + httpApiId + "\",\"ApiEndpoint\"]");
        assertThat(origin.path("CustomOriginConfig").path("OriginProtocolPolicy").asText()).isEqualTo("https-only");
        assertThat(distribution.path("Enabled").asBoolean()).isTrue();
    }

    @Test
    void everyOriginRequest_carriesTheGeneratedOriginSecret_whichOnlyTheGuestFunctionsAreGiven() {
        JsonNode headers = distribution.path("Origins").get(0).path("OriginCustomHeaders");
        assertThat(headers).hasSize(1);
        assertThat(headers.get(0).path("HeaderName").asText()).isEqualTo("X-PicPeak-Origin-Secret");
        String secretId = synth.resourcesOfType("AWS::SecretsManager::Secret").keySet().stream()
                .filter(id -> id.startsWith("CdnOriginSecret")).findFirst().orElseThrow();
        String reference = "{\"Fn::Join\":[\"\",[\"{{resolve:secretsmanager:\",{\"Ref\":\"" + secretId
                + "\"},\":SecretString:::}}\"]]}";
        assertThat(headers.get(0).path("HeaderValue").toString()).isEqualTo(reference);
        JsonNode secret = synth.resources().path(secretId).path("Properties").path("GenerateSecretString");
        assertThat(secret.path("PasswordLength").asInt()).isEqualTo(48);
        // the same value in the guest functions' environment, and in no other function's
        synth.resourcesOfType("AWS::Lambda::Function").values().forEach(fn -> {
            JsonNode value = fn.path("Properties").path("Environment").path("Variables").path("PICPEAK_CDN_ORIGIN_SECRET");
            String handler = fn.path("Properties").path("Handler").asText();
            if (handler.contains("GalleryHandler") || handler.contains("DownloadHandler")) {
                assertThat(value.toString()).as(handler).isEqualTo(reference);
            } else {
                assertThat(value.isMissingNode()).as(handler).isTrue();
            }
        });
    }

    @Test
    void everythingElse_isPassedThroughUncached_withCookiesHeadersQueriesAndTheViewersAddress() {
        JsonNode fallback = distribution.path("DefaultCacheBehavior");
        assertThat(fallback.path("CachePolicyId").asText()).isEqualTo(CACHING_DISABLED);
        // the managed policy: every viewer header but Host, and CloudFront's headers (CloudFront-Viewer-Address)
        assertThat(fallback.path("OriginRequestPolicyId").asText()).isEqualTo(ALL_VIEWER_EXCEPT_HOST_HEADER);
        assertThat(texts(fallback.path("AllowedMethods")))
                .containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE");
        assertThat(fallback.path("ViewerProtocolPolicy").asText()).isEqualTo("redirect-to-https");
    }

    @Test
    void assets_areKeptAYear_byTheirVersionedUrl() {
        JsonNode behavior = behavior(CdnDistribution.ASSETS_PATH);
        JsonNode policy = policy(behavior.path("CachePolicyId"), "AWS::CloudFront::CachePolicy").path("CachePolicyConfig");
        assertThat(policy.path("MinTTL").asLong()).isEqualTo(365L * 24 * 3600);
        assertThat(policy.path("DefaultTTL").asLong()).isEqualTo(365L * 24 * 3600);
        JsonNode key = policy.path("ParametersInCacheKeyAndForwardedToOrigin");
        assertThat(key.path("QueryStringsConfig").path("QueryStringBehavior").asText()).isEqualTo("whitelist");
        assertThat(texts(key.path("QueryStringsConfig").path("QueryStrings"))).containsExactly("v");
        assertThat(key.path("CookiesConfig").path("CookieBehavior").asText()).isEqualTo("none");
        assertThat(texts(behavior.path("AllowedMethods"))).containsExactlyInAnyOrder("GET", "HEAD");
    }

    @Test
    void tiers_areKeptByUrlAndQuery_asLongAsTheOriginSays_withoutCookiesInTheKey() {
        JsonNode behavior = behavior(CdnDistribution.TIER_PATH);
        JsonNode policy = policy(behavior.path("CachePolicyId"), "AWS::CloudFront::CachePolicy").path("CachePolicyConfig");
        // min and default 0: private / no-store answers, and answers without max-age, are not kept
        assertThat(policy.path("MinTTL").asLong()).isZero();
        assertThat(policy.path("DefaultTTL").asLong()).isZero();
        assertThat(policy.path("MaxTTL").asLong()).isEqualTo(24L * 3600);
        JsonNode key = policy.path("ParametersInCacheKeyAndForwardedToOrigin");
        assertThat(key.path("QueryStringsConfig").path("QueryStringBehavior").asText()).isEqualTo("all");
        assertThat(key.path("CookiesConfig").path("CookieBehavior").asText()).isEqualTo("none");
        // a Bearer session reaches the origin only through the key; signed URLs carry none, so guests share them
        assertThat(key.path("HeadersConfig").path("HeaderBehavior").asText()).isEqualTo("whitelist");
        assertThat(texts(key.path("HeadersConfig").path("Headers"))).containsExactly("Authorization");
        JsonNode request = policy(behavior.path("OriginRequestPolicyId"), "AWS::CloudFront::OriginRequestPolicy")
                .path("OriginRequestPolicyConfig");
        // the session cookie reaches the origin (enhanced tiers need it) without being part of the cache key
        assertThat(request.path("CookiesConfig").path("CookieBehavior").asText()).isEqualTo("whitelist");
        assertThat(texts(request.path("CookiesConfig").path("Cookies"))).containsExactly("picpeak_session");
        // the viewer's address too: the image rate limit counts viewers, not CloudFront's edges
        assertThat(texts(request.path("HeadersConfig").path("Headers"))).containsExactly("CloudFront-Viewer-Address");
        assertThat(texts(behavior.path("AllowedMethods"))).containsExactlyInAnyOrder("GET", "HEAD");
    }

    @Test
    void theTierPattern_matchesTheTierRoute_andNothingElseOfTheGuestApi() {
        Pattern pattern = Pattern.compile(CdnDistribution.TIER_PATH.replace("*", "[^?]*"));
        assertThat(pattern.matcher("/api/gallery/party/photos/01J9ZK4M7Q/r/p1920").matches()).isTrue();
        for (String other : List.of("/api/gallery/party/photos", "/api/gallery/party/photos/01J9ZK4M7Q",
                "/api/gallery/party/photos/01J9ZK4M7Q/download", "/api/gallery/party/photos/01J9ZK4M7Q/thumbnail",
                "/api/gallery/party/photos/01J9ZK4M7Q/tiles/3", "/api/gallery/party/download-all")) {
            assertThat(pattern.matcher(other).matches()).as(other).isFalse();
        }
    }

    @Test
    void outputs_nameTheDistributionsUrlAndId() {
        String distributionId = synth.resourcesOfType("AWS::CloudFront::Distribution").keySet().iterator().next();
        JsonNode outputs = synth.json.path("Outputs");
        assertThat(outputs.path("CdnUrl").path("Value").toString()).contains("https://")
                .contains("\"Fn::GetAtt\":[\"" + distributionId + "\",\"DomainName\"]");
        assertThat(outputs.path("CdnDistributionId").path("Value").path("Ref").asText()).isEqualTo(distributionId);
        assertThat(outputs.has("ApiUrl")).isTrue();
    }

    private static JsonNode behavior(String pathPattern) {
        Map<String, JsonNode> byPattern = new HashMap<>();
        distribution.path("CacheBehaviors").forEach(b -> byPattern.put(b.path("PathPattern").asText(), b));
        assertThat(byPattern.keySet()).containsExactlyInAnyOrder(CdnDistribution.ASSETS_PATH, CdnDistribution.TIER_PATH);
        return byPattern.get(pathPattern);
    }

    private static JsonNode policy(JsonNode reference, String type) {
        String id = reference.path("Ref").asText();
        JsonNode resource = synth.resources().path(id);
        assertThat(resource.path("Type").asText()).as(reference.toString()).isEqualTo(type);
        return resource.path("Properties");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
