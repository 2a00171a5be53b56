package com.picpeak.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.archive.EventArchiver;

import java.util.Map;

/** The daily archive sweep (an EventBridge schedule): archives every expired event that has photos. */
public final class ArchiveSweepHandler implements RequestHandler<Map<String, Object>, String> {

    @Override
    public String handleRequest(Map<String, Object> scheduledEvent, Context context) {
        return "archived " + RuntimeHolder.get().archiver().sweepExpired().stream().map(EventArchiver.Result::slug).toList();
    }
}
