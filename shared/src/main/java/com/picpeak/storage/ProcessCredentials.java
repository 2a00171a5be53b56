package com.picpeak.storage;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The credentials of this process's SDK clients when none are configured: one provider, chosen explicitly from what
 * the environment offers instead of walking the default chain (which builds every provider it knows):
 * <ul>
 *     <li>keys in the JVM's {@code aws.accessKeyId}/{@code aws.secretAccessKey} properties (first, as in the SDK's
 *     own chain): read from there;</li>
 *     <li>keys in the environment (a Lambda function without SnapStart, a shell with keys): read from there;</li>
 *     <li>a container credentials endpoint (a SnapStart function, ECS): fetched and refreshed from it;</li>
 *     <li>otherwise the default chain (profile files, instance roles).</li>
 * </ul>
 * {@link #renew()} drops whatever the provider cached and chooses again: a SnapStart restore calls it, since
 * credentials cached in a snapshot belong to another time.
 */
public final class ProcessCredentials implements AwsCredentialsProvider {
    public static final ProcessCredentials INSTANCE = new ProcessCredentials();

    private volatile AwsCredentialsProvider current;

    private ProcessCredentials() {
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return provider().resolveCredentials();
    }

    private AwsCredentialsProvider provider() {
        AwsCredentialsProvider provider = current;
        if (provider == null) {
            synchronized (this) {
                if (current == null) {
                    current = choose();
                }
                provider = current;
            }
        }
        return provider;
    }

    /** Forgets cached credentials: the next call resolves them again from a provider chosen anew. */
    public synchronized void renew() {
        AwsCredentialsProvider old = current;
        current = choose();
        if (old instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    /** The provider's kind, for logs and the storage report. */
    public String source() {
        return provider().getClass().getSimpleName();
    }

    private static AwsCredentialsProvider choose() {
        // the keys' setting is read from the system properties, then the environment: each has its own provider
        // (the environment's reads only the environment)
        if (System.getProperty(SdkSystemSetting.AWS_ACCESS_KEY_ID.property()) != null
                && System.getProperty(SdkSystemSetting.AWS_SECRET_ACCESS_KEY.property()) != null) {
            return SystemPropertyCredentialsProvider.create();
        }
        if (System.getenv(SdkSystemSetting.AWS_ACCESS_KEY_ID.environmentVariable()) != null
                && System.getenv(SdkSystemSetting.AWS_SECRET_ACCESS_KEY.environmentVariable()) != null) {
            return EnvironmentVariableCredentialsProvider.create();
        }
        if (SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI.getStringValue().isPresent()
                || SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.getStringValue().isPresent()) {
            return ContainerCredentialsProvider.builder().build();
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
