package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The beans every API function shares: the runtime, the JSON error mapping, the admin guard. */
@Configuration(proxyBeanMethods = false)
@Import({ApiErrors.class, HealthController.class})
public class ApiConfiguration implements WebMvcConfigurer {

    @Bean
    PicPeakRuntime picPeakRuntime() {
        return RuntimeHolder.get();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new AdminTokenInterceptor(RuntimeHolder.get().adminToken()))
                .addPathPatterns("/api/admin/**");
    }
}
