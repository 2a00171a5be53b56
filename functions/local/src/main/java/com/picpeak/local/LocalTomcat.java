package com.picpeak.local;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Local mode's Tomcat, set for clients on the open network (the serverless shape has API Gateway in front):
 * {@code Expect: 100-continue} is answered with "100 Continue" only when the application reads the body
 * ({@code continueResponseTiming=onRead}), so the request gate's 401 or 413 comes first and a refused client never
 * starts sending its body.
 */
@Configuration(proxyBeanMethods = false)
class LocalTomcat {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> picpeakConnector() {
        return factory -> factory.addConnectorCustomizers(connector ->
                connector.setProperty("continueResponseTiming", "onRead"));
    }
}
