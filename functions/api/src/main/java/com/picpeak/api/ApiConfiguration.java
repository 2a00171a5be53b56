package com.picpeak.api;

import com.picpeak.app.AppConfig;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.app.RequestLimits;
import com.picpeak.app.UploadSpool;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/**
 * The beans every API function shares: the runtime, the JSON error mapping, the gate in front of every request (admin
 * token, body limits), the multipart configuration and the JSON parser's limits.
 */
@Configuration(proxyBeanMethods = false)
@Import({ApiErrors.class, HealthController.class})
public class ApiConfiguration {

    @Bean
    PicPeakRuntime picPeakRuntime() {
        return RuntimeHolder.get();
    }

    /** First of all filters: nothing has read the body yet, Spring's multipart parsing included. */
    @Bean
    FilterRegistrationBean<RequestGate> requestGate(PicPeakRuntime runtime) {
        FilterRegistrationBean<RequestGate> registration = new FilterRegistrationBean<>(
                new RequestGate(runtime.adminTokenChecker(), RequestLimits.of(runtime.appConfig()),
                        runtime.appConfig().storageEventsToken()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /**
     * Multipart uploads: every part to disk at once (never held in memory), each file at most
     * {@code PICPEAK_MAX_UPLOAD_BYTES}, the request at most {@code PICPEAK_MAX_UPLOAD_REQUEST_BYTES}, both enforced
     * while the body is read. Local mode spools under its data folder, emptied at start. In Lambda the container
     * parses the body (at most API Gateway's 10 MB) itself and ignores this.
     */
    @Bean
    MultipartConfigElement multipartConfigElement(PicPeakRuntime runtime) {
        AppConfig app = runtime.appConfig();
        String location = runtime.shape() == PicPeakRuntime.Shape.LOCAL
                ? UploadSpool.prepare(runtime.storageConfig().dataDir()).toString() : "";
        return new MultipartConfigElement(location, app.maxUploadBytes(), app.maxUploadRequestBytes(), 0);
    }

    @Bean
    Jackson2ObjectMapperBuilderCustomizer jsonReadLimits(PicPeakRuntime runtime) {
        RequestLimits limits = RequestLimits.of(runtime.appConfig());
        return builder -> builder.postConfigurer(mapper -> mapper.getFactory().setStreamReadConstraints(limits.jsonConstraints()));
    }
}
