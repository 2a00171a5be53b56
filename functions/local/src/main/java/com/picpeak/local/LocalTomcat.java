package com.picpeak.local;

import com.picpeak.app.PicPeakRuntime;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Local mode's Tomcat, set for clients on the open network (the serverless shape has API Gateway in front):
 * <ul>
 *   <li>{@code Expect: 100-continue} is answered with "100 Continue" only when the application reads the body
 *       ({@code continueResponseTiming=onRead}), so the request gate's 401 or 413 comes first and a refused client
 *       never starts sending its body;</li>
 *   <li>a request head must come within {@value #HEAD_TIMEOUT_MS} ms between its bytes, a body within
 *       {@value #BODY_GAP_MS} ms between reads ({@code connectionUploadTimeout}), and at the minimum rate of
 *       {@link com.picpeak.app.SlowClients} (the request gate counts it);</li>
 *   <li>{@link SlowClientValve} bounds the bodies arriving at once per client address and never drains a body the
 *       application did not read.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class LocalTomcat {
    static final int HEAD_TIMEOUT_MS = 20_000;
    static final int BODY_GAP_MS = 20_000;

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> picpeakConnector(PicPeakRuntime runtime) {
        return factory -> {
            factory.addConnectorCustomizers(connector -> {
                connector.setProperty("continueResponseTiming", "onRead");
                connector.setProperty("connectionTimeout", Integer.toString(HEAD_TIMEOUT_MS));
                connector.setProperty("disableUploadTimeout", "false");
                connector.setProperty("connectionUploadTimeout", Integer.toString(BODY_GAP_MS));
            });
            factory.addEngineValves(new SlowClientValve(runtime.appConfig().trustedProxies()));
        };
    }
}
