package com.picpeak.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app ({@code cdk synth}, {@code cdk deploy}; cdk.json runs it through Maven). Account and region
 * come from the CLI's environment (profile or AWS_* variables), the choices from context values
 * ({@link StackSettings}).
 */
public final class PicPeakCdkApp {

    private PicPeakCdkApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        StackSettings settings = StackSettings.from(app.getNode()::tryGetContext);
        FunctionPackages packages = FunctionPackages.fromBuild(settings.autoImport());
        new PicPeakStack(app, "PicPeakStack", StackProps.builder()
                .description("PicPeak Storage: HTTP API, Lambda functions, S3 bucket, DynamoDB catalog, EventBridge bus")
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION"))
                        .build())
                .build(), settings, packages);
        app.synth();
    }
}
