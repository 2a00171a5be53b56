package com.picpeak.api.lambda;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.HttpEncodingAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.MultipartAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.cloud.function.serverless.web.ServerlessAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * The Spring Boot auto-configuration a Lambda function's app uses, named instead of discovered: the serverless
 * servlet container, Spring MVC (controllers, static assets, multipart, errors) and Jackson. Discovery evaluates
 * about 150 candidates' conditions at every cold start; local mode (PicPeakApiApp) keeps it.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ServerlessAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class,
        JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class, HttpEncodingAutoConfiguration.class,
        MultipartAutoConfiguration.class, ErrorMvcAutoConfiguration.class})
public class LambdaAutoConfiguration {
}
