package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routes as deployed: every request the pages and the README's examples make, matched against the HTTP API
 * routes of the committed template (infra-cdk/synth/PicPeakStack.template.json, which SynthesizedTemplateTest keeps
 * equal to the stack) with API Gateway HTTP API's rules, must land on the function that serves it, and that
 * function's Spring context must map it. The Spring side is read from the controllers' annotations by reflection
 * (no context is started).
 *
 * <p>HTTP API rules, as modelled here: a route matches when its method is the request's or ANY (there is no
 * implicit HEAD for GET); {@code {name}} is one path segment; {@code {proxy+}} (only at the end) one or more
 * segments. The most specific matching route wins: a route without a greedy variable beats one with it; segment by
 * segment a literal beats {@code {name}}; a longer greedy route's prefix beats a shorter one; with equal paths a
 * method beats ANY. {@code $default}, if present, takes what nothing else matched.
 */
class DeployedRoutesTest {
    static final Path TEMPLATE = Path.of("../../infra-cdk/synth/PicPeakStack.template.json");
    static final String SLUG = "smith-wedding";
    static final String PHOTO = "0m3x7k2q1ab4cd9ef"; // PhotoIds: 9 base-36 digits of time, 8 random
    static final String UPLOAD_ID = "0m3x7k2q9zz81yx7w";

    static final String GALLERY = "GalleryHandler";
    static final String DOWNLOAD = "DownloadHandler";
    static final String UPLOAD = "UploadHandler";
    static final String ADMIN = "AdminHandler";

    /** One request a page or a README example makes: method, URL as sent (the query is not routed), who answers it. */
    record PageRequest(String method, String url, String function, String source) {
        String path() {
            int query = url.indexOf('?');
            return query < 0 ? url : url.substring(0, query);
        }

        @Override
        public String toString() {
            return method + " " + url + " -> " + function + " (" + source + ")";
        }
    }

    static List<PageRequest> pageRequests() {
        String g = "/gallery/" + SLUG;
        String api = "/api/gallery/" + SLUG;
        String photo = api + "/photos/" + PHOTO;
        String admin = "/api/admin/events/" + SLUG;
        return List.of(
                // HtmlPages.page: the stylesheet and the script every page loads
                new PageRequest("GET", "/assets/picpeak.css", GALLERY, "HtmlPages: stylesheet"),
                new PageRequest("GET", "/assets/format.js", GALLERY, "HtmlPages: the script both pages share"),
                new PageRequest("GET", "/assets/gallery.js", GALLERY, "GalleryPageController: script"),
                new PageRequest("GET", "/assets/admin.js", GALLERY, "AdminPageController: script"),
                // the guest page (GalleryPageController; Json.adminEvent galleryUrl; README "In a browser")
                new PageRequest("GET", g, GALLERY, "gallery page, admin.js 'Open gallery' link"),
                // gallery.js (URLs from GalleryPageController's data-* attributes and the API's JSON, Json.java)
                new PageRequest("POST", api + "/auth", GALLERY, "gallery.js password form, session for protected images"),
                new PageRequest("GET", api, GALLERY, "gallery.js info (data-info-url)"),
                new PageRequest("GET", api + "/photos?limit=60&cursor=abc", GALLERY, "gallery.js grid pages"),
                new PageRequest("GET", photo + "/thumbnail", GALLERY, "gallery.js thumbnailUrl"),
                new PageRequest("GET", photo, GALLERY, "gallery.js viewer url, 'View original'"),
                new PageRequest("GET", photo + "/r/t600", GALLERY, "gallery.js grid srcset (thumbnails[].url)"),
                new PageRequest("GET", photo + "/r/p1920", GALLERY, "gallery.js viewer srcset (previews[].url)"),
                new PageRequest("GET", photo + "/r/p1920?t=tok", GALLERY, "gallery.js viewer at enhanced (access.previews)"),
                new PageRequest("POST", photo + "/access", GALLERY, "gallery.js grant (accessUrl)"),
                new PageRequest("GET", photo + "?t=tok", GALLERY, "gallery.js viewer, access.url at enhanced"),
                new PageRequest("GET", photo + "/tiles/0?t=tok", GALLERY, "gallery.js renderTiles, tiles.items[].url"),
                new PageRequest("GET", photo + "/download", GALLERY, "gallery.js downloadUrl link"),
                new PageRequest("GET", photo + "/download?t=tok", GALLERY, "gallery.js download, access.url"),
                new PageRequest("GET", api + "/hero", GALLERY, "gallery.js heroUrl"),
                new PageRequest("HEAD", g + "/download-all", DOWNLOAD, "gallery.js startDownloadAll: HEAD until ready"),
                new PageRequest("GET", g + "/download-all", DOWNLOAD, "gallery.js startDownloadAll: the browser's download"),
                new PageRequest("HEAD", api + "/download-all", DOWNLOAD, "README HTTP API: the alias of download-all"),
                new PageRequest("GET", api + "/download-all", DOWNLOAD, "README HTTP API: the alias of download-all"),
                // the admin pages (AdminPageController) and admin.js
                new PageRequest("GET", "/admin", ADMIN, "admin page; admin.js links"),
                new PageRequest("GET", "/admin/events/" + SLUG, ADMIN, "admin event page; admin.js links"),
                new PageRequest("GET", "/api/admin/storage", ADMIN, "admin.js sign-in, storage panel"),
                new PageRequest("GET", "/api/admin/events?limit=500", ADMIN, "admin.js event list"),
                new PageRequest("POST", "/api/admin/events", ADMIN, "admin.js create; README curl"),
                new PageRequest("GET", admin, ADMIN, "admin.js event page"),
                new PageRequest("PATCH", admin, ADMIN, "admin.js settings, protection; README curl"),
                new PageRequest("DELETE", admin, ADMIN, "admin.js delete the event"),
                new PageRequest("PUT", admin + "/watermark", ADMIN, "admin.js watermark image"),
                new PageRequest("POST", "/api/admin/fingerprints/lookup", ADMIN, "admin.js trace; README curl"),
                new PageRequest("POST", admin + "/uploads", UPLOAD, "admin.js direct upload ticket"),
                new PageRequest("POST", admin + "/uploads/" + UPLOAD_ID + "/complete", UPLOAD, "admin.js completeUrl"),
                new PageRequest("POST", admin + "/photos", UPLOAD, "admin.js multipart upload; README curl"),
                new PageRequest("GET", admin + "/photos?limit=500&cursor=abc", ADMIN, "admin.js photo list"),
                new PageRequest("GET", admin + "/photos/" + PHOTO + "/thumbnail", ADMIN, "admin.js adminThumbnailUrl"),
                new PageRequest("PUT", admin + "/hero", ADMIN, "admin.js set as hero"),
                new PageRequest("DELETE", admin + "/photos/" + PHOTO, ADMIN, "admin.js delete a photo"),
                // README "Try it with curl" (besides the ones above) and the SAM local example
                new PageRequest("GET", api + "/photos?limit=2", GALLERY, "README curl: list"),
                new PageRequest("GET", "/health", GALLERY, "README SAM local: curl /health"),
                // README HTTP API, admin routes; jobs (JobsController) and the job-creating routes
                new PageRequest("POST", admin + "/archive", ADMIN, "README: archive now (a job)"),
                new PageRequest("GET", admin + "/archive", ADMIN, "README: archiveUrl"),
                new PageRequest("POST", admin + "/restore", ADMIN, "README: restore (a job)"),
                new PageRequest("POST", "/api/admin/archive-sweep", ADMIN, "README: sweep now (a job)"),
                new PageRequest("POST", "/api/admin/auto-import/poll", ADMIN, "README: poll now (a job)"),
                new PageRequest("GET", "/api/admin/jobs", ADMIN, "jobs: list"),
                new PageRequest("GET", "/api/admin/jobs/0m3x7k2qjob00001", ADMIN, "jobs: one job"),
                new PageRequest("PUT", "/api/admin/watermark", ADMIN, "README: global watermark"),
                new PageRequest("GET", "/api/admin/fingerprints/fp_0123", ADMIN, "README: fingerprint by id"),
                new PageRequest("GET", admin + "/photos", ADMIN, "README: photos with keys"),
                new PageRequest("PUT", admin + "/external-folder", ADMIN, "README: reference a folder"),
                new PageRequest("GET", admin + "/external-folder", ADMIN, "README: the referenced folder"),
                new PageRequest("GET", "/api/admin/webhooks", ADMIN, "README: webhooks"),
                new PageRequest("POST", "/api/admin/webhooks", ADMIN, "README: add a webhook"),
                new PageRequest("DELETE", "/api/admin/webhooks/wh1", ADMIN, "README: remove a webhook"),
                new PageRequest("GET", "/api/admin/webhooks/wh1/deliveries", ADMIN, "README: deliveries"),
                // guest identity, favourites and selections (docs/selections.md; gallery.js, admin.js)
                new PageRequest("GET", api + "/favourites", GALLERY, "selections: the guest's picks"),
                new PageRequest("PUT", api + "/favourites/" + PHOTO, GALLERY, "selections: mark"),
                new PageRequest("DELETE", api + "/favourites/" + PHOTO, GALLERY, "selections: unmark"),
                new PageRequest("POST", api + "/favourites/submit", GALLERY, "selections: send"),
                new PageRequest("GET", admin + "/guests", ADMIN, "selections: list guests"),
                new PageRequest("POST", admin + "/guests", ADMIN, "selections: create a guest"),
                new PageRequest("PATCH", admin + "/guests/0a1b2c3d4e5f", ADMIN, "selections: rename a guest"),
                new PageRequest("DELETE", admin + "/guests/0a1b2c3d4e5f", ADMIN, "selections: remove a guest"),
                new PageRequest("POST", admin + "/guests/0a1b2c3d4e5f/reset-pin", ADMIN, "selections: new PIN"),
                new PageRequest("POST", admin + "/guests/0a1b2c3d4e5f/merge", ADMIN, "selections: merge guests"),
                new PageRequest("GET", admin + "/selections?format=csv&guest=0a1b2c3d4e5f", ADMIN, "selections: export"),
                new PageRequest("POST", admin + "/selections/g-0a1b2c3d4e5f/unlock", ADMIN, "selections: unlock"));
    }

    static Map<String, String> handlerByRouteKey;

    @BeforeAll
    static void readTemplate() throws IOException {
        handlerByRouteKey = routesOf(new ObjectMapper().readTree(Files.readString(TEMPLATE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pageRequests")
    void apiGateway_routesTheRequest_toTheFunctionThatServesIt(PageRequest request) {
        Optional<String> route = bestRoute(handlerByRouteKey.keySet(), request.method(), request.path());
        assertThat(route).as("%s: no route of %s matches it (API Gateway answers 404)", request, TEMPLATE).isPresent();
        assertThat(handlerByRouteKey.get(route.get()))
                .as("%s lands on route '%s'", request, route.get()).isEqualTo(request.function());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pageRequests")
    void theFunctionItLandsOn_mapsTheRequest_inItsSpringContext(PageRequest request) throws IOException {
        String handler = bestRoute(handlerByRouteKey.keySet(), request.method(), request.path())
                .map(handlerByRouteKey::get).orElse(request.function());
        Class<?> app = appOf(handler);
        List<String> mappings = new ArrayList<>();
        boolean mapped = false;
        for (Mapping mapping : mappingsOf(app)) {
            mappings.add(mapping.toString());
            mapped |= mapping.matches(request.method(), request.path());
        }
        assertThat(mapped).as("%s lands on %s (%s), whose controllers map none of it: %s", request, handler,
                app.getSimpleName(), mappings).isTrue();
    }

    /** The matcher itself follows the rules above. */
    @Test
    void matcher_followsHttpApiRules() {
        Set<String> routes = Set.of("GET /a/{x}", "ANY /a/{proxy+}", "GET /a/b", "POST /a/{x}/c", "ANY /a/{x}/c",
                "GET /a/{proxy+}", "ANY /{proxy+}");
        assertThat(bestRoute(routes, "GET", "/a/b")).contains("GET /a/b");
        assertThat(bestRoute(routes, "GET", "/a/z")).contains("GET /a/{x}");
        assertThat(bestRoute(routes, "HEAD", "/a/z")).as("no implicit HEAD").contains("ANY /a/{proxy+}");
        assertThat(bestRoute(routes, "POST", "/a/z/c")).contains("POST /a/{x}/c");
        assertThat(bestRoute(routes, "PUT", "/a/z/c")).contains("ANY /a/{x}/c");
        assertThat(bestRoute(routes, "GET", "/a/z/d/e")).contains("GET /a/{proxy+}");
        assertThat(bestRoute(routes, "GET", "/a")).as("greedy needs a segment").contains("ANY /{proxy+}");
        assertThat(bestRoute(Set.of("GET /a/{proxy+}"), "GET", "/a")).isEmpty();
        assertThat(bestRoute(Set.of("GET /a", "$default"), "HEAD", "/a")).contains("$default");
        assertThat(bestRoute(Set.of("GET /a/{x}/c", "GET /a/b/{y}"), "GET", "/a/b/c")).contains("GET /a/b/{y}");
    }

    // ---- API Gateway HTTP API ----

    /** Route key -> simple name of the handler class of the function its integration invokes (alias or function). */
    static Map<String, String> routesOf(JsonNode template) {
        JsonNode resources = template.path("Resources");
        Map<String, String> routes = new LinkedHashMap<>();
        for (Iterator<JsonNode> it = resources.elements(); it.hasNext(); ) {
            JsonNode resource = it.next();
            if (!"AWS::ApiGatewayV2::Route".equals(resource.path("Type").asText())) {
                continue;
            }
            JsonNode properties = resource.path("Properties");
            String integration = properties.path("Target").path("Fn::Join").path(1).path(1).path("Ref").asText();
            JsonNode uri = resources.path(integration).path("Properties").path("IntegrationUri");
            String function = functionOf(resources, uri);
            String handler = resources.path(function).path("Properties").path("Handler").asText();
            routes.put(properties.path("RouteKey").asText(), handler.replaceAll("^.*\\.|::.*$", ""));
        }
        assertThat(routes).as("routes in " + TEMPLATE).isNotEmpty();
        return routes;
    }

    /** Follows a Ref or Fn::GetAtt through aliases and versions to the function's logical id. */
    private static String functionOf(JsonNode resources, JsonNode reference) {
        String id = reference.has("Ref") ? reference.get("Ref").asText() : reference.path("Fn::GetAtt").path(0).asText();
        JsonNode resource = resources.path(id);
        return switch (resource.path("Type").asText()) {
            case "AWS::Lambda::Function" -> id;
            case "AWS::Lambda::Alias", "AWS::Lambda::Version" ->
                    functionOf(resources, resource.path("Properties").path("FunctionName"));
            default -> throw new AssertionError("an integration that is no Lambda function: " + reference);
        };
    }

    /** The route API Gateway picks for this request, or empty (404). */
    static Optional<String> bestRoute(Set<String> routeKeys, String method, String path) {
        List<String> request = segments(path);
        Optional<String> best = routeKeys.stream()
                .filter(key -> !key.equals("$default"))
                .filter(key -> {
                    String[] methodAndPath = key.split(" ", 2);
                    return (methodAndPath[0].equals(method) || methodAndPath[0].equals("ANY"))
                            && pathMatches(segments(methodAndPath[1]), request);
                })
                .max(SPECIFICITY);
        return best.isPresent() || !routeKeys.contains("$default") ? best : Optional.of("$default");
    }

    private static boolean pathMatches(List<String> route, List<String> request) {
        boolean greedy = !route.isEmpty() && isGreedy(route.get(route.size() - 1));
        int fixed = greedy ? route.size() - 1 : route.size();
        if (greedy ? request.size() < route.size() : request.size() != route.size()) {
            return false;
        }
        for (int i = 0; i < fixed; i++) {
            String segment = route.get(i);
            if (!isVariable(segment) && !segment.equals(request.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Greater is more specific: no greedy variable, then segment by segment literal over variable, then method over ANY. */
    static final Comparator<String> SPECIFICITY = (a, b) -> {
        List<String> pa = segments(a.split(" ", 2)[1]);
        List<String> pb = segments(b.split(" ", 2)[1]);
        boolean ga = !pa.isEmpty() && isGreedy(pa.get(pa.size() - 1));
        boolean gb = !pb.isEmpty() && isGreedy(pb.get(pb.size() - 1));
        if (ga != gb) {
            return ga ? -1 : 1;
        }
        for (int i = 0; i < Math.min(pa.size(), pb.size()); i++) {
            int rank = Integer.compare(rank(pa.get(i)), rank(pb.get(i)));
            if (rank != 0) {
                return rank;
            }
        }
        if (pa.size() != pb.size()) { // two greedy routes: the longer prefix is more specific
            return Integer.compare(pa.size(), pb.size());
        }
        return Boolean.compare(!a.startsWith("ANY "), !b.startsWith("ANY "));
    };

    private static int rank(String segment) {
        return isGreedy(segment) ? 0 : isVariable(segment) ? 1 : 2;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static boolean isGreedy(String segment) {
        return isVariable(segment) && segment.endsWith("+}");
    }

    private static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    // ---- Spring: what each function's context maps ----

    static final Pattern CONTAINER_APP = Pattern.compile("LambdaContainers\\.start\\((\\w+)\\.class\\)");

    /** The Spring app a Lambda entry starts (its LambdaContainers.start(...) in src/main), e.g. UploadHandler -> AdminFunctionApp. */
    static Class<?> appOf(String handler) throws IOException {
        String source = Files.readString(Path.of("src/main/java/com/picpeak/api/lambda/" + handler + ".java"));
        Matcher m = CONTAINER_APP.matcher(source);
        assertThat(m.find()).as(handler + " starts a Spring app through LambdaContainers.start").isTrue();
        try {
            return Class.forName("com.picpeak.api.lambda." + m.group(1));
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** A request mapping: path patterns and methods (none: every method); Spring answers HEAD with a GET mapping. */
    record Mapping(String owner, List<PathPattern> patterns, Set<RequestMethod> methods, String staticLocation) {
        boolean matches(String method, String path) {
            boolean methodOk = methods.isEmpty() || methods.contains(RequestMethod.valueOf(method))
                    || (method.equals("HEAD") && methods.contains(RequestMethod.GET));
            PathContainer container = PathContainer.parsePath(path);
            return methodOk && patterns.stream().anyMatch(p -> p.matches(container)
                    && (staticLocation == null || DeployedRoutesTest.class.getResource(
                    staticLocation + p.extractPathWithinPattern(container).value()) != null));
        }

        @Override
        public String toString() {
            return (methods.isEmpty() ? "ANY" : methods.toString()) + " " + patterns + " " + owner;
        }
    }

    /** The mappings of the controllers the app imports (transitively), and the static resources of application.properties. */
    static List<Mapping> mappingsOf(Class<?> app) throws IOException {
        Set<Class<?>> imported = new LinkedHashSet<>();
        collectImports(app, imported);
        List<Mapping> mappings = new ArrayList<>();
        for (Class<?> type : imported) {
            if (!AnnotatedElementUtils.hasAnnotation(type, Controller.class)) {
                continue;
            }
            RequestMapping prefix = AnnotatedElementUtils.findMergedAnnotation(type, RequestMapping.class);
            for (Method method : type.getDeclaredMethods()) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                List<PathPattern> patterns = new ArrayList<>();
                for (String path : mapping.path().length == 0 ? new String[]{""} : mapping.path()) {
                    PathPattern pattern = PathPatternParser.defaultInstance.parse(path);
                    if (prefix != null && prefix.path().length > 0) {
                        for (String head : prefix.path()) {
                            patterns.add(PathPatternParser.defaultInstance.parse(head).combine(pattern));
                        }
                    } else {
                        patterns.add(pattern);
                    }
                }
                Set<RequestMethod> methods = new LinkedHashSet<>(Arrays.asList(mapping.method()));
                if (prefix != null) {
                    methods.addAll(Arrays.asList(prefix.method()));
                }
                mappings.add(new Mapping(type.getSimpleName() + "." + method.getName(), patterns, methods, null));
            }
        }
        // Spring Boot's static resource handler (every function's context has it): GET and HEAD, files that exist
        Properties properties = new Properties();
        try (InputStream in = DeployedRoutesTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        String staticPattern = properties.getProperty("spring.mvc.static-path-pattern");
        String location = properties.getProperty("spring.web.resources.static-locations", "");
        if (staticPattern != null && location.startsWith("classpath:")) {
            mappings.add(new Mapping("static resources " + location, List.of(PathPatternParser.defaultInstance
                    .parse(staticPattern)), Set.of(RequestMethod.GET), location.substring("classpath:".length())));
        }
        return mappings;
    }

    private static void collectImports(Class<?> type, Set<Class<?>> seen) {
        if (!seen.add(type)) {
            return;
        }
        for (Import annotation
                : AnnotatedElementUtils.findAllMergedAnnotations(type, Import.class)) {
            for (Class<?> imported : annotation.value()) {
                collectImports(imported, seen);
            }
        }
    }
}
