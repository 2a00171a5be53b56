package com.picpeak.api.lambda;

import com.picpeak.api.ApiConfiguration;
import com.picpeak.api.DownloadController;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The download function: Download All only. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ApiConfiguration.class, DownloadController.class})
public class DownloadFunctionApp {
}
