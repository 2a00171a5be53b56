package com.picpeak.local;

import com.picpeak.app.SlowClients;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.TrustedProxies;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Local mode's guard against slow bodies, in front of the application ({@link SlowClients}): a client address with
 * {@value SlowClients#BODIES_PER_CLIENT} bodies arriving already is refused at once (429, connection closed, nothing
 * of the body read); and after any answer, a body the application did not read to its end is not drained (Tomcat
 * would read up to its swallow size of it, a request thread held by a trickle): the connection is closed instead.
 */
final class SlowClientValve extends ValveBase {
    private static final Logger log = LoggerFactory.getLogger(SlowClientValve.class);

    private final SlowClients clients = new SlowClients();
    private final TrustedProxies proxies;

    SlowClientValve(TrustedProxies proxies) {
        super(true);
        this.proxies = proxies;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        boolean body = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (!body) {
            getNext().invoke(request, response);
            return;
        }
        String client = proxies.isEmpty() ? request.getRemoteAddr()
                : proxies.clientAddress(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For")));
        if (!clients.startBody(client)) {
            log.warn("{} {}: refused, {} has {} request bodies arriving already", request.getMethod(),
                    request.getRequestURI(), client, SlowClients.BODIES_PER_CLIENT);
            refuse(request, response, SlowClients.tooManyBodies());
            return;
        }
        try {
            getNext().invoke(request, response);
        } finally {
            clients.endBody(client);
            AtomicBoolean whole = new AtomicBoolean();
            request.getCoyoteRequest().action(ActionCode.REQUEST_BODY_FULLY_READ, whole);
            if (!whole.get()) { // close rather than drain what is left of it
                request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }

    private static void refuse(Request request, Response response, PicPeakException refused) throws IOException {
        byte[] json = ("{\"error\":\"" + refused.errorCode().code() + "\",\"message\":\"" + refused.getMessage() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        response.setStatus(refused.errorCode().httpStatus());
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Retry-After", Integer.toString(SlowClients.RETRY_AFTER_SECONDS));
        response.setHeader("Connection", "close");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
        response.finishResponse();
    }
}
