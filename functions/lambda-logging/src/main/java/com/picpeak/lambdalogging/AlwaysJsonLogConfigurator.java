package com.picpeak.lambdalogging;

/**
 * {@link JsonLogConfigurator} without the switch: for a package that is only ever a Lambda function (the poller),
 * in its tests too.
 */
public final class AlwaysJsonLogConfigurator extends JsonLogConfigurator {
    @Override
    protected boolean applies() {
        return true;
    }
}
