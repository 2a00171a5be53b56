package com.picpeak.api.lambda;

import com.picpeak.api.ApiConfiguration;
import com.picpeak.api.DownloadController;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Import;

/** The download function: Download All only. */
@SpringBootConfiguration
@Import({LambdaAutoConfiguration.class, ApiConfiguration.class, DownloadController.class})
public class DownloadFunctionApp {
}
