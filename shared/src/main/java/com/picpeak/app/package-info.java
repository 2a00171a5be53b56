/**
 * The composition root shared by every shape: {@link com.picpeak.app.AppConfig} (the application's environment),
 * the AWS clients with their timeouts, the server secret, request limits, the upload spool,
 * {@link com.picpeak.app.PicPeakRuntime}, which builds every service once from the configuration, and the SnapStart
 * hooks of the job functions ({@link com.picpeak.app.JobFunctionPriming}, through the CRaC API {@code org.crac}). The Lambda
 * entries, local mode and the poller each start one runtime; nothing else wires services.
 *
 * <p>May import every package of shared. Nothing in shared imports it.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.app;
